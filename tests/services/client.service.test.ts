import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '../../server/entities/client.entity.js';
import type { UserSummary } from '../../server/services/user-read-model.js';
import { makeAdmin, makeClient, makeUser } from '../support/factories.js';
import { openTestServices, refusal, type TestServices } from '../support/services.js';

/**
 * ClientService's client scope (README: Using the API, the `clients` and `client(id)` rows): an
 * ADMIN sees every client; a USER sees only the clients on their access list, and is refused any
 * other without learning anything of it. Over HTTP, tests/graphql/clients.test.ts keeps the
 * access directives and the shapes of the answers.
 */
let t: TestServices;
let admin: UserSummary;
let sequence = 0;
/** A client name no other test uses. */
const uniqueName = (label = 'Client') => `${label} ${process.pid}-${Date.now()}-${++sequence}`;
const clients = () => t.services.clients;
const ids = (list: { id: number }[]) => list.map((c) => c.id);
/** What the API shows of a client. */
const shown = (c: Client) => ({ id: c.id, name: c.name, createdAt: c.createdAt, updatedAt: c.updatedAt });

beforeAll(async () => {
  t = await openTestServices();
  admin = await makeAdmin(t);
});

afterAll(async () => {
  await t?.close();
});

async function clientCount(): Promise<number> {
  return (await clients().list(t.asSystem())).length;
}

describe('ClientService', () => {
  describe('list', () => {
    it('gives an ADMIN every client, ordered by name', async () => {
      const zulu = await makeClient(t, uniqueName('Zulu'));
      const alpha = await makeClient(t, uniqueName('Alpha'));
      const mike = await makeClient(t, uniqueName('Mike'));

      const listed = await clients().list(t.asUser(admin));
      const everyClient = await clients().list(t.asSystem());
      expect(ids(listed)).toEqual(ids(everyClient));
      const mine = listed.filter((c) => [zulu.id, alpha.id, mike.id].includes(c.id));
      expect(mine.map((c) => c.name)).toEqual([alpha.name, mike.name, zulu.name]);
    });

    it('gives a USER only the clients on their own list, ordered by name', async () => {
      const second = await makeClient(t, uniqueName('Yankee'));
      const first = await makeClient(t, uniqueName('Bravo'));
      await makeClient(t, uniqueName('Not Theirs'));
      const user = await makeUser(t, { clientIds: [second.id, first.id] });

      const listed = await clients().list(t.asUser(user));
      expect(listed.map(shown)).toEqual([shown(first), shown(second)]);
      expect(await clientCount()).toBeGreaterThan(2);
    });

    it('gives a USER with an empty list []', async () => {
      await makeClient(t);
      const user = await makeUser(t);
      expect(await clients().list(t.asUser(user))).toEqual([]);
    });
  });

  describe('get', () => {
    it('gives a USER a client on their list', async () => {
      const client = await makeClient(t);
      const user = await makeUser(t, { clientIds: [client.id] });
      expect(await clients().get(t.asUser(user), client.id)).toMatchObject({ id: client.id, name: client.name });
    });

    it('refuses a USER a client that is not on their list with FORBIDDEN, naming no data of it', async () => {
      const theirs = await makeClient(t);
      const other = await makeClient(t);
      const user = await makeUser(t, { clientIds: [theirs.id] });
      const error = await refusal(clients().get(t.asUser(user), other.id));
      expect(error.code).toBe('FORBIDDEN');
      expect(JSON.stringify({ message: error.message, details: error.details })).not.toContain(other.name);
    });

    it('gives an ADMIN any client', async () => {
      const client = await makeClient(t);
      expect(shown(await clients().get(t.asUser(admin), client.id))).toEqual(shown(client));
    });
  });
});
