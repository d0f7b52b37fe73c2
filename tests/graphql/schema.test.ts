import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Directive, Query, Resolver } from 'type-graphql';
import { describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../server/config.js';
import { buildGraphQLSchema, printGraphQLSchema, RESOLVERS } from '../../server/graphql/schema.js';

@Resolver()
class UndeclaredResolver {
  @Query(() => String)
  forgotten(): string {
    return 'anyone could read this';
  }
}

@Resolver()
class DeclaredResolver {
  @Query(() => String)
  @Directive('@public')
  declared(): string {
    return 'fine';
  }
}

describe('schema.graphql', () => {
  it('is the schema the code builds (run `npm run schema` after changing the API)', () => {
    const committed = readFileSync(join(ROOT_DIR, 'schema.graphql'), 'utf8');
    expect(committed).toBe(printGraphQLSchema(buildGraphQLSchema()));
  });

  it('declares the access directives and puts one on every Query and Mutation field', () => {
    const sdl = printGraphQLSchema(buildGraphQLSchema());
    expect(sdl).toContain('directive @hasRole(role: Role!, orSelf: String) on FIELD_DEFINITION');
    expect(sdl).toContain('directive @clientScope(arg: String) on FIELD_DEFINITION');
    const schema = buildGraphQLSchema();
    const fields = [schema.getQueryType()!, schema.getMutationType()!].flatMap((type) => Object.values(type.getFields()));
    expect(fields.map((f) => f.name)).toEqual(expect.arrayContaining(['me', 'users', 'user', 'clients', 'client', 'login', 'createUser', 'updateUser', 'deleteUser', 'updateMe', 'createClient', 'updateClient', 'deleteClient']));
    for (const field of fields) {
      const declared = (field.astNode?.directives ?? []).map((d) => d.name.value);
      expect(declared, field.name).toEqual(expect.arrayContaining([expect.stringMatching(/^(public|authenticated|hasRole|clientScope)$/)]));
    }
  });

  it('keeps the argument names and defaults of the contract', () => {
    const sdl = printGraphQLSchema(buildGraphQLSchema());
    // users may take more arguments (ordering, filters) after the contract's, all optional.
    const users = buildGraphQLSchema().getQueryType()!.getFields().users!;
    expect(String(users.type)).toBe('UserPage!');
    expect(users.args.slice(0, 3).map((a) => `${a.name}: ${String(a.type)} = ${JSON.stringify(a.defaultValue)}`)).toEqual([
      'skip: Int = 0',
      'limit: Int = 100',
      'search: String = undefined',
    ]);
    for (const extra of users.args.slice(3)) expect(String(extra.type), extra.name).not.toMatch(/!$/);
    expect(sdl).toContain('login(email: String!, password: String!): AuthPayload!');
    expect(sdl).toContain('updateUser(id: ID!, input: UpdateUserInput!): User!');
    expect(sdl).toContain('deleteClient(id: ID!): ID!');
  });
});

describe('deny by default', () => {
  it('refuses to build a schema with a Query field that declares no access', () => {
    expect(() => buildGraphQLSchema([...RESOLVERS, UndeclaredResolver])).toThrow(/Access is not declared on Query\.forgotten/);
  });

  it('builds once every field declares its access', () => {
    expect(() => buildGraphQLSchema([...RESOLVERS, DeclaredResolver])).not.toThrow();
  });
});
