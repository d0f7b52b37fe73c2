import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, makeAdmin, makeUser } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

describe('the users total, kept by the database instead of counted for every page', () => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer();
    token = await login(server, (await makeAdmin(server)).email);
  });
  afterAll(() => server?.close());

  const counted = async () => {
    const rows = await server.db.database.orm.em.getConnection().execute<{ n: number }[]>('select count(*)::int as n from "users"');
    return rows[0]!.n;
  };
  const shown = async () => (await server.gql<{ users: { total: number } }>('{ users(limit: 1) { total } }', {}, token)).data!.users.total;

  it('follows creations and deletions, one at a time and many at once', async () => {
    const before = await shown();
    expect(before).toBe(await counted());
    const made = await Promise.all(Array.from({ length: 8 }, () => makeUser(server)));
    expect(await shown()).toBe(before + 8);
    await Promise.all(made.slice(0, 5).map((user) => server.services.users.remove(server.system(), user.id)));
    expect(await shown()).toBe(before + 3);
    // Several rows in one statement, as an operator's script in psql might.
    await server.db.database.orm.em.getConnection().execute(`delete from "users" where "id" in (${made.slice(5).map((u) => u.id).join(', ')})`);
    expect(await shown()).toBe(before);
    expect(await shown()).toBe(await counted());
  });

  it('takes nothing from a creation that failed (its transaction rolled back)', async () => {
    const before = await shown();
    const taken = await makeUser(server);
    await expect(makeUser(server, { email: taken.email })).rejects.toThrow();
    expect(await shown()).toBe(before + 1);
    expect(await shown()).toBe(await counted());
  });

  it('is what a search counts when the search matches everyone', async () => {
    const all = await server.gql<{ users: { total: number } }>('{ users(limit: 1, search: "@") { total } }', {}, token);
    expect(all.data!.users.total).toBe(await shown());
  });
});
