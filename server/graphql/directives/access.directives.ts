import {
  DirectiveLocation,
  GraphQLDirective,
  GraphQLEnumType,
  GraphQLNonNull,
  GraphQLSchema,
  GraphQLString,
  assertValidSchema,
  defaultFieldResolver,
  specifiedDirectives,
  type GraphQLField,
} from 'graphql';
import { canAccessClient, canReadUser, hasRole, isSignedIn } from '../../domain/access.js';
import { DomainError, MESSAGES, clientNotOnList, roleRequired } from '../../domain/errors.js';
import { isRole, type Role } from '../../domain/roles.js';
import { requireId } from '../../domain/validation.js';
import type { RequestContext } from '../context.js';

/**
 * Access is declared on every Query and Mutation field by these directives, and enforced here.
 * Deny by default: a field with none of them makes schema construction (so the server's start)
 * fail. Several directives on one field must all allow the call.
 *
 *   @public                                anyone, signed in or not
 *   @authenticated                         any signed-in user
 *   @hasRole(role: ADMIN, orSelf: "id")    callers with the role; with orSelf, also a caller whose
 *                                          own user id is that argument
 *   @clientScope(arg: "input.clientId")    a signed-in caller, held to their client access list:
 *                                          with arg, that argument (a client id) must be on it;
 *                                          the service filters what it returns either way.
 *                                          ADMIN bypasses client filtering.
 *
 * And one that is not an access rule but an exemption from one: with TWO_FACTOR_REQUIRED_FOR=admin,
 * an admin without two-factor gets FORBIDDEN from every field but those marked
 *   @beforeTwoFactor                       callable by an admin still to set up two-factor.
 */
export const ACCESS_DIRECTIVE_NAMES = ['public', 'authenticated', 'hasRole', 'clientScope'] as const;

function accessDirectives(roleEnum: GraphQLEnumType): GraphQLDirective[] {
  const on = [DirectiveLocation.FIELD_DEFINITION];
  return [
    new GraphQLDirective({ name: 'public', locations: on, description: 'Anyone may call this, signed in or not.' }),
    new GraphQLDirective({ name: 'authenticated', locations: on, description: 'Any signed-in user may call this.' }),
    new GraphQLDirective({
      name: 'hasRole',
      locations: on,
      description: 'Only callers with this role; with orSelf, also a caller whose own user id is the named argument.',
      args: { role: { type: new GraphQLNonNull(roleEnum) }, orSelf: { type: GraphQLString } },
    }),
    new GraphQLDirective({
      name: 'clientScope',
      locations: on,
      description:
        "Signed-in callers, held to their client access list (ADMIN bypasses it): with arg, the argument at that path must be a client on the caller's list; results are filtered to the list either way.",
      args: { arg: { type: GraphQLString } },
    }),
    new GraphQLDirective({
      name: 'beforeTwoFactor',
      locations: on,
      description: 'With TWO_FACTOR_REQUIRED_FOR=admin, an admin without two-factor may call this (and nothing else) until they set it up.',
    }),
  ];
}

type AccessRule =
  | { kind: 'public' }
  | { kind: 'authenticated' }
  | { kind: 'hasRole'; role: Role; orSelf: string | undefined }
  | { kind: 'clientScope'; arg: string | undefined };

/**
 * Adds the directive definitions to a schema and wraps every Query and Mutation resolver with the
 * checks its directives declare. Throws when any such field declares no access.
 */
export function applyAccessDirectives(schema: GraphQLSchema): GraphQLSchema {
  const roleEnum = schema.getType('Role');
  if (!(roleEnum instanceof GraphQLEnumType)) throw new Error('The schema has no Role enum for @hasRole');
  const withDefinitions = new GraphQLSchema({ ...schema.toConfig(), directives: [...specifiedDirectives, ...accessDirectives(roleEnum)] });

  const undeclared: string[] = [];
  for (const root of [withDefinitions.getQueryType(), withDefinitions.getMutationType(), withDefinitions.getSubscriptionType()]) {
    if (!root) continue;
    for (const field of Object.values(root.getFields())) {
      const rules = readRules(field);
      if (rules.length === 0) {
        undeclared.push(`${root.name}.${field.name}`);
        continue;
      }
      const resolve = field.resolve ?? defaultFieldResolver;
      const beforeTwoFactor = (field.astNode?.directives ?? []).some((d) => d.name.value === 'beforeTwoFactor');
      field.resolve = (source, args, context: RequestContext, info) => {
        if (context.twoFactorSetupRequired && !beforeTwoFactor) throw new DomainError('FORBIDDEN', MESSAGES.twoFactorSetupFirst);
        for (const rule of rules) enforce(rule, args, context);
        return resolve(source, args, context, info);
      };
    }
  }
  if (undeclared.length > 0) {
    throw new Error(
      `Access is not declared on ${undeclared.join(', ')}: every Query and Mutation field needs one of ` +
        ACCESS_DIRECTIVE_NAMES.map((n) => `@${n}`).join(', '),
    );
  }
  assertValidSchema(withDefinitions);
  return withDefinitions;
}

function readRules(field: GraphQLField<unknown, unknown>): AccessRule[] {
  const rules: AccessRule[] = [];
  for (const node of field.astNode?.directives ?? []) {
    const args = Object.fromEntries(
      (node.arguments ?? []).map((a) => [a.name.value, a.value.kind === 'StringValue' || a.value.kind === 'EnumValue' ? a.value.value : undefined]),
    );
    switch (node.name.value) {
      case 'public':
        rules.push({ kind: 'public' });
        break;
      case 'authenticated':
        rules.push({ kind: 'authenticated' });
        break;
      case 'hasRole': {
        const role = String(args.role ?? '').toLowerCase();
        if (!isRole(role)) throw new Error(`@hasRole on ${field.name} names an unknown role "${String(args.role)}"`);
        rules.push({ kind: 'hasRole', role, orSelf: args.orSelf });
        break;
      }
      case 'clientScope':
        rules.push({ kind: 'clientScope', arg: args.arg });
        break;
      default:
        break;
    }
  }
  return rules;
}

function enforce(rule: AccessRule, args: Record<string, unknown>, context: RequestContext): void {
  const { actor } = context;
  if (rule.kind === 'public') return;
  if (!isSignedIn(actor)) throw context.authProblem ?? new DomainError('UNAUTHENTICATED', MESSAGES.signInRequired);
  switch (rule.kind) {
    case 'authenticated':
      return;
    case 'hasRole': {
      if (hasRole(actor, rule.role)) return;
      if (rule.orSelf !== undefined) {
        const id = idArgument(args, rule.orSelf);
        if (canReadUser(actor, id)) return;
      }
      throw roleRequired(rule.role, rule.orSelf !== undefined);
    }
    case 'clientScope': {
      if (rule.arg === undefined) return;
      // An optional argument left out (tickets without clientId) asks for nothing to check here.
      if (valueAt(args, rule.arg) == null) return;
      const id = idArgument(args, rule.arg);
      if (!canAccessClient(actor, id)) throw clientNotOnList(id);
      return;
    }
    default: {
      const unreachable: never = rule;
      throw new Error(`Unknown access rule ${JSON.stringify(unreachable)}`);
    }
  }
}

/** The id at a dotted argument path, or BAD_USER_INPUT naming the argument's last segment. */
function idArgument(args: Record<string, unknown>, path: string): number {
  const value = valueAt(args, path);
  return requireId(typeof value === 'string' || typeof value === 'number' ? value : '', path.split('.').pop());
}

function valueAt(args: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), args);
}
