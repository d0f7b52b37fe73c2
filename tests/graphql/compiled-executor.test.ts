import { createHash } from 'node:crypto';
import type { GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import { GraphQLError, Kind, buildSchema, getOperationAST, isObjectType, parse, type GraphQLSchema } from 'graphql';
import { getMetadataStorage } from 'type-graphql';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../server/domain/errors.js';
import { CompiledExecutor } from '../../server/graphql/executor.js';
import { buildGraphQLSchema } from '../../server/graphql/schema.js';

/** A small schema of its own: the executor is the subject here, the application's is tested through the API. */
function testSchema(): GraphQLSchema {
  const schema = buildSchema(`
    enum Colour { RED GREEN }
    type Item { name: String!  colour: Colour!  broken: String }
    type Query { items(colour: Colour, limit: Int!): [Item!]!  refused: String }
  `);
  const items = [
    { name: 'apple', colour: 'RED' },
    { name: 'leaf', colour: 'GREEN' },
  ];
  const fields = schema.getQueryType()!.getFields();
  fields.items!.resolve = (_root, args: { colour?: string; limit: number }) => items.filter((i) => !args.colour || i.colour === args.colour).slice(0, args.limit);
  fields.refused!.resolve = () => {
    throw new DomainError('FORBIDDEN', 'Not for you');
  };
  (schema.getType('Item') as unknown as { getFields(): Record<string, { resolve?: () => unknown }> }).getFields().broken!.resolve = () => {
    throw new Error('a fault');
  };
  return schema;
}

/** What Apollo hands the executor for a parsed and validated operation. */
function requestOf(query: string, variables?: Record<string, unknown>): GatewayGraphQLRequestContext {
  const document = parse(query);
  return {
    document,
    operation: getOperationAST(document)!,
    operationName: null,
    queryHash: createHash('sha256').update(query).digest('hex'),
    source: query,
    request: { query, variables },
    context: {},
  } as unknown as GatewayGraphQLRequestContext;
}

describe('compiled execution (graphql-jit behind Apollo)', () => {
  it('answers what graphql-js answers, arguments and variables included', async () => {
    const executor = new CompiledExecutor(testSchema());
    const result = await executor.execute(requestOf('query($c: Colour) { items(colour: $c, limit: 5) { name colour } }', { c: 'GREEN' }));
    expect(result).toEqual({ data: { items: [{ name: 'leaf', colour: 'GREEN' }] } });
  });

  it("refuses a bad variable with graphql-js's own error, naming the variable's definition (Apollo's BAD_USER_INPUT)", async () => {
    const executor = new CompiledExecutor(testSchema());
    const result = await executor.execute(requestOf('query($c: Colour) { items(colour: $c, limit: 5) { name } }', { c: 'BLUE' }));
    expect(result.data).toBeUndefined();
    const [error] = result.errors!;
    expect(error).toBeInstanceOf(GraphQLError);
    expect(error!.message).toMatch(/^Variable "\$c" got invalid value "BLUE"/);
    expect(error!.nodes?.[0]?.kind).toBe(Kind.VARIABLE_DEFINITION);
  });

  it("hands a resolver's error on as graphql-js's GraphQLError, its original error and path kept, so the error formatter sees the DomainError", async () => {
    const executor = new CompiledExecutor(testSchema());
    const result = await executor.execute(requestOf('{ refused items(limit: 1) { name broken } }'));
    expect(result.data).toEqual({ refused: null, items: [{ name: 'apple', broken: null }] });
    const [refused, broken] = result.errors!;
    expect(refused!.constructor).toBe(GraphQLError);
    expect(refused!.extensions).toEqual({});
    expect(refused!.path).toEqual(['refused']);
    expect(refused!.locations).toEqual([{ line: 1, column: 3 }]);
    expect(refused!.originalError).toBeInstanceOf(DomainError);
    expect(broken!.path).toEqual(['items', 0, 'broken']);
    expect(broken!.originalError?.message).toBe('a fault');
  });

  it('compiles each operation once and keeps at most so many, dropping the least recently used', async () => {
    const executor = new CompiledExecutor(testSchema(), 2);
    const a = requestOf('{ items(limit: 1) { name } }');
    const b = requestOf('{ items(limit: 2) { name } }');
    const c = requestOf('{ items(limit: 3) { name } }');
    await executor.execute(a);
    await executor.execute(a);
    expect(executor.size).toBe(1);
    await executor.execute(b);
    await executor.execute(a); // a is now the most recently used
    await executor.execute(c); // b goes
    expect(executor.size).toBe(2);
    expect((await executor.execute(b)).data).toEqual({ items: [{ name: 'apple' }, { name: 'leaf' }] });
    expect(executor.size).toBe(2);
  });
});

describe("the application's schema", () => {
  it('lets graphql read plain fields straight off the object (simpleResolvers): only field resolvers are functions', () => {
    const schema = buildGraphQLSchema();
    const storage = getMetadataStorage();
    const typeName = (target: Function | undefined) => storage.objectTypes.find((o) => o.target === target)?.name;
    const fieldResolvers = new Set(storage.fieldResolvers.map((r) => `${typeName(r.getObjectType?.())}.${r.schemaName}`));
    const wrapped: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__') || type === schema.getQueryType() || type === schema.getMutationType()) continue;
      for (const field of Object.values(type.getFields())) if (field.resolve && !fieldResolvers.has(`${type.name}.${field.name}`)) wrapped.push(`${type.name}.${field.name}`);
    }
    // A type without { simpleResolvers: true } has TypeGraphQL wrap each of its fields in a resolver of its own.
    expect(wrapped).toEqual([]);
  });
});
