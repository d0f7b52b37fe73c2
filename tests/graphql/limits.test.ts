import { Kind, parse, validate, type OperationDefinitionNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRAPHQL_LIMITS, costOf, costProblem, limitRules, type GraphQLLimits } from '../../server/graphql/limits.js';
import { buildGraphQLSchema } from '../../server/graphql/schema.js';
import { login, makeAdmin } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

const schema = buildGraphQLSchema();
/** What the limits say of a document: graphql-js's validation rules, then the cost with these variables. */
function problems(document: string, limits: GraphQLLimits = GRAPHQL_LIMITS, variables: Record<string, unknown> = {}): string[] {
  const parsed = parse(document);
  const found = validate(schema, parsed, limitRules(limits)).map((e) => e.message);
  const operation = parsed.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const costly = costProblem(costOf(schema, parsed, operation, variables, limits.maxCost), limits.maxCost);
  return costly ? [...found, costly.message] : found;
}

describe('the document limits, as rules', () => {
  it('measure depth through fields, inline fragments and named fragments', () => {
    const document = '{ notifications { items { ticket { createdBy { ...F } } } } } fragment F on User { clients { id } }';
    expect(problems(document, { ...GRAPHQL_LIMITS, maxDepth: 6 })).toEqual([]);
    expect(problems(document, { ...GRAPHQL_LIMITS, maxDepth: 5 })).toEqual(['The query is nested 6 levels deep; at most 5 are allowed']);
    expect(problems('{ ... on Query { me { ... on User { clients { id } } } } }', { ...GRAPHQL_LIMITS, maxDepth: 2 })).toEqual([
      'The query is nested 3 levels deep; at most 2 are allowed',
    ]);
  });

  it('count aliases', () => {
    const aliased = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: me { id }`).join(' ')} }`;
    expect(problems(aliased(GRAPHQL_LIMITS.maxAliases))).toEqual([]);
    expect(problems(aliased(GRAPHQL_LIMITS.maxAliases + 1))).toEqual([`The query uses more than ${GRAPHQL_LIMITS.maxAliases} aliases`]);
  });

  it('estimate cost from page sizes: the largest page with its client lists passes, many of them do not', () => {
    const page = (alias: string) => `${alias}: users(limit: 1000) { total items { id name email roles clients { id name } } }`;
    expect(problems(`{ ${page('one')} }`)).toEqual([]);
    const many = `{ ${Array.from({ length: 6 }, (_, i) => page(`p${i}`)).join(' ')} }`;
    expect(problems(many)[0]).toMatch(/^The query would resolve about \d+ fields; at most 200000 are allowed/);
  });

  it('estimate cost with the variables, the variables\' defaults and the arguments\' defaults', () => {
    const page = (alias: string, limit: string) => `${alias}: users(limit: ${limit}) { total items { id name email roles clients { id name } } }`;
    const many = (limit: string, declared = 'query($n: Int)') => `${declared} { ${Array.from({ length: 6 }, (_, i) => page(`p${i}`, limit)).join(' ')} }`;
    expect(problems(many('$n'), GRAPHQL_LIMITS, { n: 1000 })).toHaveLength(1);
    expect(problems(many('$n'), GRAPHQL_LIMITS, { n: 10 })).toEqual([]);
    expect(problems(many('$n', 'query($n: Int = 1000)'))).toHaveLength(1);
    // users' own default limit is 100: each page of ids costs 1 + 100 + 100, where an unpaged list once counted as 20.
    expect(problems(`{ ${Array.from({ length: 6 }, (_, i) => `p${i}: users { items { id } }`).join(' ')} }`, { ...GRAPHQL_LIMITS, maxCost: 1206 })).toEqual([]);
    expect(problems(`{ ${Array.from({ length: 6 }, (_, i) => `p${i}: users { items { id } }`).join(' ')} }`, { ...GRAPHQL_LIMITS, maxCost: 1205 })).toHaveLength(1);
  });

  it('let every query of the console and the README through', () => {
    expect(problems('query($s: Int, $l: Int) { users(skip: $s, limit: $l) { total items { id name email roles clients { id name } notificationPreferences { email ui } } } }')).toEqual([]);
    expect(problems('{ tickets(limit: 1000) { items { id title client { id name } createdBy { id name clients { id } } } total } }')).toEqual([]);
  });
});

describe('the limits over HTTP', () => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer();
    token = await login(server, (await makeAdmin(server)).email);
  });
  afterAll(() => server?.close());

  it('refuse a document with too many aliases as GRAPHQL_VALIDATION_FAILED, and run nothing', async () => {
    const res = await server.gql(`{ ${Array.from({ length: 40 }, (_, i) => `a${i}: me { id }`).join(' ')} }`, {}, token);
    expect(res.status).toBe(400);
    expect(res.data).toBeUndefined();
    expect(res.errors?.[0]).toMatchObject({ message: `The query uses more than ${GRAPHQL_LIMITS.maxAliases} aliases`, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
  });

  it('stop parsing a document that is too long', async () => {
    const res = await server.gql(`{ me { ${'id '.repeat(GRAPHQL_LIMITS.maxTokens)} } }`, {}, token);
    expect(res.errors?.[0]?.extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(res.errors?.[0]?.message).toMatch(/more that 20000 tokens/);
  });
});
