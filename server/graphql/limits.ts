import {
  GraphQLError,
  Kind,
  getNamedType,
  isListType,
  isNonNullType,
  type ASTVisitor,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLOutputType,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
  isObjectType,
  isInterfaceType,
} from 'graphql';

/**
 * Bounds on what one GraphQL document may ask for, checked before anything runs, so that a single
 * request cannot make the server walk an unbounded tree or fetch millions of rows. The figures
 * leave room for every query the console and scripts make.
 */
export const GRAPHQL_LIMITS = {
  /** Nesting of selection sets. */
  maxDepth: 10,
  /** Aliased fields in one document (aliases multiply the work of one field). */
  maxAliases: 30,
  /** Estimated fields resolved: each field costs 1 × the size of the lists it sits in. */
  maxCost: 200_000,
  /** Tokens the parser reads before giving up (a huge document is refused while parsing). */
  maxTokens: 20_000,
} as const;

/** A list with no `limit` of its own (a user's client list) is assumed to hold this many items. */
const DEFAULT_LIST_SIZE = 20;
/** A `limit` given as a variable is unknown while validating: assume a default page. */
const VARIABLE_LIMIT = 100;

export interface GraphQLLimits {
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
  maxTokens: number;
}

export function limitRules(limits: GraphQLLimits = GRAPHQL_LIMITS): ValidationRule[] {
  return [depthRule(limits.maxDepth), aliasRule(limits.maxAliases), costRule(limits.maxCost)];
}

function fragmentsOf(context: ValidationContext): Map<string, FragmentDefinitionNode> {
  const map = new Map<string, FragmentDefinitionNode>();
  for (const def of context.getDocument().definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) map.set(def.name.value, def);
  return map;
}

function depthRule(max: number): ValidationRule {
  return (context) => {
    const fragments = fragmentsOf(context);
    const depth = (set: SelectionSetNode | undefined, seen: Set<string>): number => {
      if (!set) return 0;
      let deepest = 0;
      for (const selection of set.selections) {
        if (selection.kind === Kind.FIELD) deepest = Math.max(deepest, selection.selectionSet ? 1 + depth(selection.selectionSet, seen) : 1);
        else if (selection.kind === Kind.INLINE_FRAGMENT) deepest = Math.max(deepest, depth(selection.selectionSet, seen));
        else if (!seen.has(selection.name.value)) {
          const fragment = fragments.get(selection.name.value);
          deepest = Math.max(deepest, depth(fragment?.selectionSet, new Set([...seen, selection.name.value])));
        }
      }
      return deepest;
    };
    return {
      OperationDefinition(node: OperationDefinitionNode) {
        const found = depth(node.selectionSet, new Set());
        if (found > max) context.reportError(new GraphQLError(`The query is nested ${found} levels deep; at most ${max} are allowed`, { nodes: [node] }));
      },
    } satisfies ASTVisitor;
  };
}

function aliasRule(max: number): ValidationRule {
  return (context) => {
    let count = 0;
    let reported = false;
    return {
      Field(node: FieldNode) {
        if (!node.alias) return;
        count++;
        if (count > max && !reported) {
          reported = true;
          context.reportError(new GraphQLError(`The query uses more than ${max} aliases`, { nodes: [node] }));
        }
      },
    } satisfies ASTVisitor;
  };
}

function costRule(max: number): ValidationRule {
  return (context) => {
    const fragments = fragmentsOf(context);
    const schema = context.getSchema();
    // `paged`: the parent field had a `limit`, which already sized the `items` list below it.
    const cost = (set: SelectionSetNode | undefined, parent: GraphQLOutputType | undefined, multiplier: number, seen: Set<string>, paged = false): number => {
      if (!set) return 0;
      const named = parent ? getNamedType(parent) : undefined;
      const fields = named && (isObjectType(named) || isInterfaceType(named)) ? named.getFields() : {};
      let total = 0;
      for (const selection of set.selections) {
        if (selection.kind === Kind.FIELD) {
          const field: GraphQLField<unknown, unknown> | undefined = fields[selection.name.value];
          total += multiplier;
          if (selection.selectionSet && field) {
            const limit = limitOf(selection);
            const size = limit ?? (isList(field.type) && !paged ? DEFAULT_LIST_SIZE : 1);
            total += cost(selection.selectionSet, field.type, multiplier * size, seen, limit !== undefined);
          }
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          const typed = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : named;
          total += cost(selection.selectionSet, (typed as GraphQLOutputType | undefined) ?? parent, multiplier, seen);
        } else if (!seen.has(selection.name.value)) {
          const fragment = fragments.get(selection.name.value);
          const typed = fragment ? schema.getType(fragment.typeCondition.name.value) : undefined;
          total += cost(fragment?.selectionSet, (typed as GraphQLOutputType | undefined) ?? parent, multiplier, new Set([...seen, selection.name.value]));
        }
        if (total > max * 10) return total; // far over already: stop counting
      }
      return total;
    };
    return {
      OperationDefinition(node: OperationDefinitionNode) {
        const root = node.operation === 'mutation' ? schema.getMutationType() : node.operation === 'subscription' ? schema.getSubscriptionType() : schema.getQueryType();
        const found = cost(node.selectionSet, root ?? undefined, 1, new Set());
        if (found > max) context.reportError(new GraphQLError(`The query would resolve about ${found} fields; at most ${max} are allowed (ask for smaller pages)`, { nodes: [node] }));
      },
    } satisfies ASTVisitor;
  };
}

/** The `limit` argument of a field: its literal value, an assumed page for a variable, or none. */
function limitOf(node: FieldNode): number | undefined {
  const arg = node.arguments?.find((a) => a.name.value === 'limit');
  if (!arg) return undefined;
  return arg.value.kind === Kind.INT ? Math.max(1, Number(arg.value.value)) : VARIABLE_LIMIT;
}

function isList(type: GraphQLOutputType): boolean {
  return isListType(isNonNullType(type) ? type.ofType : type);
}
