import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, makeAdmin, makeClient, makeUser } from '../support/factories.js';
import { startTestServer, type GraphQLResponse, type TestServer } from '../support/server.js';

/**
 * The users query's ordering (orderBy, direction; schema.graphql: Query.users) and its filter
 * by client (clientId), for the console's sortable list and its "who can access this client".
 */

const USERS = `query($skip: Int, $limit: Int, $search: String, $orderBy: UserOrderBy, $direction: SortDirection, $clientId: ID) {
  users(skip: $skip, limit: $limit, search: $search, orderBy: $orderBy, direction: $direction, clientId: $clientId) {
    total skip limit items { id name email lastLoginAt clients { id name } }
  }
}`;

interface Page {
  total: number;
  items: { id: string; name: string; email: string; lastLoginAt: string | null; clients: { id: string; name: string }[] }[];
}

let server: TestServer;
let adminToken: string;
let tag: string;

beforeAll(async () => {
  server = await startTestServer();
  const admin = await makeAdmin(server);
  adminToken = await login(server, admin.email);
  tag = `sort${process.pid}`;
  // Names whose order differs by case: a C collation would put "Zoe" before "adam".
  for (const [name, local] of [
    ['bob', 'c'],
    ['Zoe', 'a'],
    ['adam', 'd'],
    ['Carla', 'b'],
  ] as const) {
    await makeUser(server, { name: `${name} ${tag}`, email: `${local}-${tag}@example.com` });
  }
});

afterAll(async () => {
  await server?.close();
});

async function list(variables: Record<string, unknown>, token = adminToken): Promise<GraphQLResponse<{ users: Page }>> {
  return server.gql<{ users: Page }>(USERS, variables, token);
}
async function names(variables: Record<string, unknown>): Promise<string[]> {
  const res = await list({ search: tag, ...variables });
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data!.users.items.map((u) => u.name.split(' ')[0]!);
}

describe('users ordering', () => {
  it('keeps the contract default: by id, oldest first', async () => {
    expect(await names({})).toEqual(['bob', 'Zoe', 'adam', 'Carla']);
  });

  it('orders by name without regard to case, either way', async () => {
    expect(await names({ orderBy: 'NAME' })).toEqual(['adam', 'bob', 'Carla', 'Zoe']);
    expect(await names({ orderBy: 'NAME', direction: 'DESC' })).toEqual(['Zoe', 'Carla', 'bob', 'adam']);
  });

  it('orders by email', async () => {
    expect(await names({ orderBy: 'EMAIL' })).toEqual(['Zoe', 'Carla', 'bob', 'adam']);
  });

  it('orders by creation, newest first on DESC', async () => {
    expect(await names({ orderBy: 'CREATED_AT', direction: 'DESC' })).toEqual(['Carla', 'adam', 'Zoe', 'bob']);
  });

  it('orders by last sign-in, those who never signed in last', async () => {
    await login(server, `d-${tag}@example.com`);
    await login(server, `b-${tag}@example.com`);
    const order = await names({ orderBy: 'LAST_LOGIN_AT', direction: 'DESC' });
    expect(order.slice(0, 2)).toEqual(['Carla', 'adam']);
    expect(order.slice(2).sort()).toEqual(['Zoe', 'bob']);
  });

  it('pages through an ordering without overlap', async () => {
    const first = await names({ orderBy: 'NAME', limit: 2 });
    const second = await names({ orderBy: 'NAME', limit: 2, skip: 2 });
    expect([...first, ...second]).toEqual(['adam', 'bob', 'Carla', 'Zoe']);
  });

  it('refuses an unknown order, as GraphQL does with any unknown enum value', async () => {
    const res = await list({ orderBy: 'PASSWORD' });
    expect(res.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
  });

  it('is checked by the service too, for callers other than GraphQL', async () => {
    await expect(server.services.users.list(server.system(), { orderBy: 'passwordHash' })).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { orderBy: expect.any(String) },
    });
  });
});

describe('users filtered by client', () => {
  it('lists exactly the users with the client on their access list, each with their whole list', async () => {
    const acme = await makeClient(server, `Acme ${tag}`);
    const other = await makeClient(server, `Other ${tag}`);
    const both = await makeUser(server, { name: `Both ${tag}x`, clientIds: [acme.id, other.id] });
    const onlyAcme = await makeUser(server, { name: `Only ${tag}x`, clientIds: [acme.id] });
    await makeUser(server, { name: `None ${tag}x`, clientIds: [other.id] });

    const res = await list({ clientId: String(acme.id), orderBy: 'NAME' });
    expect(res.errors).toBeUndefined();
    const page = res.data!.users;
    expect(page.total).toBe(2);
    expect(page.items.map((u) => u.id)).toEqual([String(both.id), String(onlyAcme.id)]);
    expect(page.items[0]!.clients.map((c) => c.id)).toEqual([String(acme.id), String(other.id)].sort((a, b) => Number(a) - Number(b)));
  });

  it('combines with search and paging', async () => {
    const client = await makeClient(server, `Combo ${tag}`);
    for (let i = 0; i < 3; i++) await makeUser(server, { name: `Combo member ${i} ${tag}`, clientIds: [client.id] });
    await makeUser(server, { name: `Combo outsider ${tag}` });
    const res = await list({ clientId: String(client.id), search: 'combo', limit: 2, skip: 2, orderBy: 'NAME' });
    expect(res.data!.users.total).toBe(3);
    expect(res.data!.users.items.map((u) => u.name)).toEqual([`Combo member 2 ${tag}`]);
  });

  it('gives an empty page for a client nobody can access, and BAD_USER_INPUT for an id that is not one', async () => {
    const lonely = await makeClient(server, `Lonely ${tag}`);
    expect((await list({ clientId: String(lonely.id) })).data!.users).toMatchObject({ total: 0, items: [] });
    const bad = await list({ clientId: 'abc' });
    expect(bad.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
    expect(bad.errors?.[0]?.extensions.fields).toHaveProperty('clientId');
  });

  it('is for admins only, like the rest of the list', async () => {
    const client = await makeClient(server, `Private ${tag}`);
    const user = await makeUser(server, { clientIds: [client.id] });
    const res = await list({ clientId: String(client.id) }, await login(server, user.email));
    expect(res.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
  });
});

describe('cost', () => {
  it('runs as many statements for a page of 1 as for a page of 30, sorted and filtered', async () => {
    const client = await makeClient(server, `Cost ${tag}`);
    for (let i = 0; i < 30; i++) await makeUser(server, { name: `Cost ${i} ${tag}`, clientIds: [client.id] });
    const costs: Record<number, number> = {};
    for (const limit of [1, 30]) {
      costs[limit] = await server.countStatements(async () => {
        const res = await list({ clientId: String(client.id), orderBy: 'NAME', direction: 'DESC', limit });
        expect(res.data!.users.items).toHaveLength(limit);
      });
    }
    expect(costs[30]).toBe(costs[1]);
    expect(costs[1]).toBeLessThanOrEqual(4);
  });
});
