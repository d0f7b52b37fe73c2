import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, makeAdmin, makeClient, makeUser } from '../support/factories.js';
import { startTestServer, type GraphQLResponse, type TestServer } from '../support/server.js';
import { USERS_DEFAULTS, codeOf, fieldsOf, dataOf, unique, usersApi, type UserPageJson } from '../support/users-api.js';

/**
 * The users query over HTTP (README: Using the API; schema.graphql: Query.users): paging with skip
 * and limit (the defaults, the bounds, the page echoed back, the total over all pages), search by a
 * case-insensitive substring of name or email with LIKE's wildcards taken literally, each user with
 * their client access list, and a constant number of statements whatever the page size. Ordering
 * and the client filter: users-sorting.test.ts; keyset paging: users-keyset.test.ts.
 */

let server: TestServer;
let adminToken: string;
const { listUsers, countUsers } = usersApi(() => ({ server, adminToken }));

beforeAll(async () => {
  server = await startTestServer();
  const admin = await makeAdmin(server, { name: 'First Admin', email: `first-admin-${process.pid}@example.com` });
  adminToken = await login(server, admin.email);
});

afterAll(async () => {
  await server?.close();
});

describe('users query', () => {
  it('defaults to skip 0 and limit 100 and echoes them in the page', async () => {
    for (let i = 0; i < 3; i++) await makeUser(server);
    const page = dataOf(await server.gql<{ users: UserPageJson }>(USERS_DEFAULTS, {}, adminToken)).users;
    expect(page.skip).toBe(0);
    expect(page.limit).toBe(100);
    expect(page.total).toBe(await countUsers());
    expect(page.items).toHaveLength(Math.min(page.total, 100));
  });

  it('echoes the skip and limit it was given', async () => {
    const page = dataOf(await listUsers({ skip: 2, limit: 3 })).users;
    expect(page.skip).toBe(2);
    expect(page.limit).toBe(3);
  });

  it('reports in total every matching user, over all pages', async () => {
    const m = unique('total');
    for (let i = 0; i < 5; i++) await makeUser(server, { name: `Paged ${m} ${i}`, email: `${m}-${i}@example.com` });
    const page = dataOf(await listUsers({ search: m, limit: 2 })).users;
    expect(page.total).toBe(5);
    expect(page.items).toHaveLength(2);
    const all = dataOf(await listUsers()).users;
    expect(all.total).toBe(await countUsers());
  });

  it('pages with skip and limit: consecutive pages partition the matching users', async () => {
    const m = unique('page');
    const made = [];
    for (let i = 0; i < 7; i++) made.push(await makeUser(server, { name: `Paging ${m} ${i}`, email: `${m}-${i}@example.com` }));
    const seen: string[] = [];
    for (let skip = 0; skip < 9; skip += 3) {
      const page = dataOf(await listUsers({ search: m, skip, limit: 3 })).users;
      expect(page.total).toBe(7);
      expect(page.items).toHaveLength(Math.max(0, Math.min(3, 7 - skip)));
      seen.push(...page.items.map((u) => u.id));
    }
    expect(new Set(seen).size).toBe(7);
    expect([...seen].sort()).toEqual(made.map((u) => String(u.id)).sort());
    const beyond = dataOf(await listUsers({ search: m, skip: 7, limit: 3 })).users;
    expect(beyond.items).toEqual([]);
    expect(beyond.total).toBe(7);
  });

  it('matches a case-insensitive substring of the name', async () => {
    const m = unique('name');
    const hit = await makeUser(server, { name: `Zebra ${m} Crossing`, email: `${unique('plain')}@example.com` });
    await makeUser(server, { name: `Someone Else`, email: `${unique('other')}@example.com` });
    const page = dataOf(await listUsers({ search: `BRA ${m.toUpperCase()} cRoSs` })).users;
    expect(page.items.map((u) => u.id)).toEqual([String(hit.id)]);
    expect(page.total).toBe(1);
  });

  it('matches a case-insensitive substring of the email', async () => {
    const m = unique('mail');
    const hit = await makeUser(server, { name: 'Plain Name', email: `${m}.person@example.com` });
    const page = dataOf(await listUsers({ search: `${m.toUpperCase()}.PERS` })).users;
    expect(page.items.map((u) => u.id)).toEqual([String(hit.id)]);
    expect(page.total).toBe(1);
  });

  it('returns users that match on either name or email', async () => {
    const m = unique('either');
    const byName = await makeUser(server, { name: `Named ${m}`, email: `${unique('x')}@example.com` });
    const byEmail = await makeUser(server, { name: 'Anonymous Person', email: `${m}@example.com` });
    const page = dataOf(await listUsers({ search: m })).users;
    expect(page.items.map((u) => u.id).sort()).toEqual([String(byName.id), String(byEmail.id)].sort());
  });

  it('treats the LIKE wildcard % literally', async () => {
    const m = unique('pct');
    const literal = await makeUser(server, { name: `${m} 50% off`, email: `${unique('p1')}@example.com` });
    await makeUser(server, { name: `${m} 50 off`, email: `${unique('p2')}@example.com` });
    await makeUser(server, { name: `${m} 500 off`, email: `${unique('p3')}@example.com` });
    const page = dataOf(await listUsers({ search: `${m} 50%` })).users;
    expect(page.items.map((u) => u.id)).toEqual([String(literal.id)]);
    const onlyPercent = dataOf(await listUsers({ search: '%' })).users;
    expect(onlyPercent.items.map((u) => u.id)).toEqual([String(literal.id)]);
  });

  it('treats the LIKE wildcard _ literally', async () => {
    const m = unique('und');
    const literal = await makeUser(server, { name: 'Under Score', email: `${m}_x@example.com` });
    await makeUser(server, { name: 'Under Score', email: `${m}ax@example.com` });
    const page = dataOf(await listUsers({ search: `${m}_x` })).users;
    expect(page.items.map((u) => u.id)).toEqual([String(literal.id)]);
  });

  it('treats a backslash literally', async () => {
    const m = unique('bs');
    const literal = await makeUser(server, { name: `${m} back\\slash`, email: `${unique('b1')}@example.com` });
    await makeUser(server, { name: `${m} backslash`, email: `${unique('b2')}@example.com` });
    const page = dataOf(await listUsers({ search: `${m} back\\s` })).users;
    expect(page.items.map((u) => u.id)).toEqual([String(literal.id)]);
  });

  it('returns an empty page, not an error, when nothing matches', async () => {
    const page = dataOf(await listUsers({ search: unique('nothing') })).users;
    expect(page).toMatchObject({ total: 0, items: [], skip: 0, limit: 100 });
  });

  it('refuses a negative skip with BAD_USER_INPUT naming skip', async () => {
    const res = await listUsers({ skip: -1 });
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(res)).toHaveProperty('skip');
    expect(res.data?.users ?? null).toBeNull();
  });

  it.each([0, -5, 1001])('refuses limit %i with BAD_USER_INPUT naming limit', async (limit) => {
    const res = await listUsers({ limit });
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(res)).toHaveProperty('limit');
    expect(fieldsOf(res)).not.toHaveProperty('skip');
  });

  it('names both skip and limit when both are wrong', async () => {
    const res = await listUsers({ skip: -1, limit: 1001 });
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(Object.keys(fieldsOf(res)).sort()).toEqual(['limit', 'skip']);
  });

  it('accepts the limits 1 and 1000', async () => {
    const total = await countUsers();
    const one = dataOf(await listUsers({ limit: 1 })).users;
    expect(one.limit).toBe(1);
    expect(one.items).toHaveLength(1);
    const thousand = dataOf(await listUsers({ limit: 1000 })).users;
    expect(thousand.limit).toBe(1000);
    expect(thousand.items).toHaveLength(Math.min(total, 1000));
  });

  it('returns each user with their client access list', async () => {
    const [a, b] = [await makeClient(server), await makeClient(server)];
    const m = unique('withclients');
    const u = await makeUser(server, { email: `${m}@example.com`, clientIds: [b.id, a.id] });
    const page = dataOf(await listUsers({ search: m })).users;
    expect(page.items).toHaveLength(1);
    expect(page.items[0]!.id).toBe(String(u.id));
    expect(page.items[0]!.clients.map((c) => c.id).sort()).toEqual([String(a.id), String(b.id)].sort());
    expect(page.items[0]!.clients.map((c) => c.name).sort()).toEqual([a.name, b.name].sort());
  });

  it('costs a constant, small number of SQL statements whatever the page size (no N+1)', async () => {
    const m = unique('nplus');
    const clients = [];
    for (let i = 0; i < 6; i++) clients.push(await makeClient(server));
    for (let i = 0; i < 30; i++) {
      await makeUser(server, {
        name: `Bulk ${m} ${i}`,
        email: `${m}-${i}@example.com`,
        clientIds: [clients[i % 6]!.id, clients[(i + 1) % 6]!.id],
      });
    }
    const query = `query($limit: Int, $search: String) {
      users(limit: $limit, search: $search) { total items { id name roles clients { id name } notificationPreferences { email ui } } }
    }`;
    const costs: Record<number, number> = {};
    for (const limit of [1, 10, 30]) {
      let res: GraphQLResponse<{ users: { total: number; items: { clients: unknown[] }[] } }> | undefined;
      costs[limit] = await server.countStatements(async () => {
        res = await server.gql(query, { limit, search: m }, adminToken);
      });
      const page = dataOf(res!).users;
      expect(page.total).toBe(30);
      expect(page.items).toHaveLength(limit);
      for (const item of page.items) expect(item.clients).toHaveLength(2);
    }
    expect(costs[10]).toBe(costs[1]);
    expect(costs[30]).toBe(costs[1]);
    expect(costs[1]).toBeLessThanOrEqual(4);
  });
});
