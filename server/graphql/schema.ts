import 'reflect-metadata';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { DateTimeResolver } from 'graphql-scalars';
import type { GraphQLSchema } from 'graphql';
import { buildSchemaSync } from 'type-graphql';
import { applyAccessDirectives } from './directives/access.directives.js';
import { ApiTokenResolver } from './resolvers/api-token.resolver.js';
import { AuditResolver } from './resolvers/audit.resolver.js';
import { AuthResolver } from './resolvers/auth.resolver.js';
import { ClientResolver } from './resolvers/client.resolver.js';
import { NotificationResolver } from './resolvers/notification.resolver.js';
import { SessionResolver } from './resolvers/session.resolver.js';
import { TwoFactorResolver } from './resolvers/two-factor.resolver.js';
import { TicketResolver } from './resolvers/ticket.resolver.js';
import { UserImportResolver } from './resolvers/user-import.resolver.js';
import { UserResolver } from './resolvers/user.resolver.js';

export const RESOLVERS = [AuthResolver, UserResolver, ClientResolver, TicketResolver, NotificationResolver, AuditResolver, SessionResolver, TwoFactorResolver, ApiTokenResolver, UserImportResolver] as const;

/**
 * The executable schema: TypeGraphQL types and resolvers, with access enforced by the directives.
 * Throws (so the server does not start) when a Query or Mutation field declares no access.
 */
export function buildGraphQLSchema(resolvers: readonly Function[] = RESOLVERS): GraphQLSchema {
  const schema = buildSchemaSync({
    resolvers: resolvers as [Function, ...Function[]],
    scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
    validate: false,
    emitSchemaFile: false,
  });
  return applyAccessDirectives(schema);
}

/** The SDL committed as schema.graphql, directives included. */
export function printGraphQLSchema(schema: GraphQLSchema): string {
  return `${printSchemaWithDirectives(schema).trim()}\n`;
}
