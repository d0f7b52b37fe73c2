import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, makeAdmin, makeClient, makeUser, signedIn } from '../support/factories.js';
import { startTestServer, type GraphQLResponse, type TestServer } from '../support/server.js';

/**
 * Keyset paging on the users query (`after`; schema.graphql: Query.users): for scripts that walk
 * every user, a page deep in the list costs what the first one does. `after` is an id; the page
 * holds the users with a greater id, in id order; `total` still counts every matching user.
 */

const USERS = `query($after: ID, $limit: Int, $skip: Int, $search: String, $clientId: ID, $orderBy: UserOrderBy, $direction: SortDirection) {
  users(after: $after, limit: $limit, skip: $skip, search: $search, clientId: $clientId, orderBy: $orderBy, direction: $direction) {
    total skip limit items { id name clients { id } }
  }
}`;

interface Page {
  total: number;
  skip: number;
  limit: number;
  items: { id: string; name: string; clients: { id: string }[] }[];
}

let server: TestServer;
let adminToken: string;
let tag: string;
let taggedIds: string[];

beforeAll(async () => {
  server = await startTestServer();
  const admin = await makeAdmin(server);
  adminToken = await login(server, admin.email);
  tag = `keyset${process.pid}`;
  const client = await makeClient(server);
  taggedIds = [];
  for (let i = 0; i < 7; i++) {
    const user = await makeUser(server, { name: `Walker ${tag} ${i}`, email: `walker-${i}-${tag}@example.com`, clientIds: i % 2 ? [client.id] : [] });
    taggedIds.push(String(user.id));
  }
});

afterAll(async () => {
  await server?.close();
});

async function list(variables: Record<string, unknown>, token = adminToken): Promise<GraphQLResponse<{ users: Page }>> {
  return server.gql<{ users: Page }>(USERS, variables, token);
}
async function page(variables: Record<string, unknown>): Promise<Page> {
  const res = await list(variables);
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data!.users;
}

describe('users(after:)', () => {
  it('returns the users with an id greater than after, in id order', async () => {
    const result = await page({ search: tag, after: taggedIds[2], limit: 3 });
    expect(result.items.map((u) => u.id)).toEqual(taggedIds.slice(3, 6));
  });

  it('walks every matching user exactly once, page after page, by passing the last id', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const result = await page({ search: tag, limit: 3, ...(after ? { after } : {}) });
      if (result.items.length === 0) break;
      seen.push(...result.items.map((u) => u.id));
      after = result.items.at(-1)!.id;
    }
    expect(seen).toEqual(taggedIds);
  });

  it('counts in total every matching user, whatever the cursor', async () => {
    const result = await page({ search: tag, after: taggedIds[5], limit: 3 });
    expect(result.total).toBe(7);
    expect(result.items.map((u) => u.id)).toEqual([taggedIds[6]]);
  });

  it('returns an empty page after the last user', async () => {
    const result = await page({ search: tag, after: taggedIds[6] });
    expect(result.items).toEqual([]);
    expect(result.total).toBe(7);
  });

  it('keeps the other filters: clientId', async () => {
    const all = await page({ search: tag });
    const clientId = all.items.find((u) => u.clients.length > 0)!.clients[0]!.id;
    const result = await page({ search: tag, clientId, after: taggedIds[0] });
    expect(result.items.map((u) => u.id)).toEqual([taggedIds[1], taggedIds[3], taggedIds[5]]);
    expect(result.total).toBe(3);
  });

  it('returns each user with their client access list', async () => {
    const result = await page({ search: tag, after: taggedIds[0], limit: 1 });
    expect(result.items[0]!.clients).toHaveLength(1);
  });

  it('applies skip after the cursor, and echoes skip and limit', async () => {
    const result = await page({ search: tag, after: taggedIds[0], skip: 2, limit: 2 });
    expect(result.items.map((u) => u.id)).toEqual(taggedIds.slice(3, 5));
    expect(result).toMatchObject({ skip: 2, limit: 2 });
  });

  it.each(['abc', '0', '-3', '1.5'])('refuses the cursor %j with BAD_USER_INPUT naming after', async (after) => {
    const res = await list({ after });
    expect(res.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0]?.extensions.fields).toHaveProperty('after');
  });

  it('refuses a cursor with another order than by id ascending, with BAD_USER_INPUT naming after', async () => {
    for (const order of [{ orderBy: 'NAME' }, { direction: 'DESC' }]) {
      const res = await list({ after: taggedIds[0], ...order });
      expect(res.errors?.[0]?.extensions.code, JSON.stringify(order)).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0]?.extensions.fields).toHaveProperty('after');
    }
  });

  it('is for ADMINs only, like the rest of users', async () => {
    const { token } = await signedIn(server);
    const res = await list({ after: '1' }, token);
    expect(res.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
  });

  it('costs the same number of SQL statements as the first page', async () => {
    const first = await server.countStatements(() => list({ limit: 3 }));
    const deep = await server.countStatements(() => list({ after: taggedIds[4], limit: 3 }));
    expect(deep).toBe(first);
  });
});
