import {
  GraphQLError,
  Kind,
  getNamedType,
  isListType,
  isNonNullType,
  valueFromAST,
  type ASTVisitor,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLOutputType,
  type GraphQLSchema,
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

export interface GraphQLLimits {
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
  maxTokens: number;
}

/**
 * The rules that need nothing but the document, run with graphql-js's validation. The cost, which
 * depends on the variables' values, is estimated once they are known (`costOf`, which the HTTP
 * edge runs before anything executes).
 */
export function limitRules(limits: Pick<GraphQLLimits, 'maxDepth' | 'maxAliases'> = GRAPHQL_LIMITS): ValidationRule[] {
  return [depthRule(limits.maxDepth), aliasRule(limits.maxAliases)];
}

function fragmentsOf(context: ValidationContext | DocumentNode): Map<string, FragmentDefinitionNode> {
  const document = 'kind' in context ? context : context.getDocument();
  const map = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) map.set(def.name.value, def);
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

/**
 * Estimated fields an operation resolves: each field costs 1 × the size of the lists it sits in.
 * A paged field (one with a `limit` argument) holds as many items as its limit, however it is
 * given: literally, by a variable (this request's value), or by the argument's default; any other
 * list is assumed to hold DEFAULT_LIST_SIZE. Stops counting far over `max`.
 */
export function costOf(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown> = {}, max: number = GRAPHQL_LIMITS.maxCost): number {
  const fragments = fragmentsOf(document);
  const limitOf = (node: FieldNode, field: GraphQLField<unknown, unknown>): number | undefined => {
    const definition = field.args.find((a) => a.name === 'limit');
    if (!definition) return undefined;
    const given = node.arguments?.find((a) => a.name.value === 'limit');
    let value: unknown = definition.defaultValue;
    if (given?.value.kind === Kind.VARIABLE) {
      const name = given.value.name.value;
      const declared = operation.variableDefinitions?.find((v) => v.variable.name.value === name);
      value = variables[name] ?? (declared?.defaultValue ? valueFromAST(declared.defaultValue, definition.type) : undefined) ?? definition.defaultValue;
    } else if (given) {
      value = valueFromAST(given.value, definition.type, variables);
    }
    // A value that is no positive integer is refused later (BAD_USER_INPUT); until then it costs a page of one.
    return typeof value === 'number' && Number.isFinite(value) ? Math.max(1, Math.floor(value)) : 1;
  };
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
          const limit = limitOf(selection, field);
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
  const root = operation.operation === 'mutation' ? schema.getMutationType() : operation.operation === 'subscription' ? schema.getSubscriptionType() : schema.getQueryType();
  return cost(operation.selectionSet, root ?? undefined, 1, new Set());
}

/** What a request too costly to run gets, before anything runs: a 400, like the other limits. */
export function costProblem(found: number, max: number = GRAPHQL_LIMITS.maxCost): GraphQLError | null {
  if (found <= max) return null;
  return new GraphQLError(`The query would resolve about ${found} fields; at most ${max} are allowed (ask for smaller pages)`, {
    extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } },
  });
}

function isList(type: GraphQLOutputType): boolean {
  return isListType(isNonNullType(type) ? type.ofType : type);
}
