import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, makeAdmin, makeClient, signedIn } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Clients over HTTP (README: Using the API; schema.graphql: clients, client, createClient,
 * updateClient, deleteClient): the shapes of the answers, the access directives (ADMIN only for
 * changes, a USER's list, nobody anonymous), validation and its field problems, names unique
 * whatever their case, NOT_FOUND, and deletion. What a USER sees is specified on the service:
 * tests/services/client.service.test.ts; here, that it reaches the caller as it should.
 */

const CLIENTS = '{ clients { id name createdAt updatedAt } }';
const CLIENT = 'query($id: ID!) { client(id: $id) { id name createdAt updatedAt } }';
const CREATE = 'mutation($input: ClientInput!) { createClient(input: $input) { id name createdAt updatedAt } }';
const UPDATE = 'mutation($id: ID!, $input: ClientInput!) { updateClient(id: $id, input: $input) { id name createdAt updatedAt } }';
const DELETE = 'mutation($id: ID!) { deleteClient(id: $id) }';
const USER_CLIENTS = 'query($id: ID!) { user(id: $id) { id clients { id } } }';

const NOT_FOUND_MESSAGE = 'The client with this id does not exist in the system';
const NAME_TAKEN = 'A client with this name already exists';

let server: TestServer;
let adminToken: string;
let sequence = 0;
/** A client name no other test uses. */
const uniqueName = (label = 'Client') => `${label} ${process.pid}-${Date.now()}-${++sequence}`;

beforeAll(async () => {
  server = await startTestServer();
  const admin = await makeAdmin(server);
  adminToken = await login(server, admin.email);
});

afterAll(async () => {
  await server?.close();
});

type Res = Awaited<ReturnType<TestServer['gql']>>;
const codeOf = (res: Res) => res.errors?.[0]?.extensions.code;
const ids = (list: { id: string }[]) => list.map((c) => c.id);

async function clientCount(): Promise<number> {
  return (await server.services.clients.list(server.system())).length;
}

describe('clients', () => {
  it('a USER sees only the clients on their own list, ordered by name', async () => {
    const second = await makeClient(server, uniqueName('Yankee'));
    const first = await makeClient(server, uniqueName('Bravo'));
    await makeClient(server, uniqueName('Not Theirs'));
    const { token } = await signedIn(server, { clientIds: [second.id, first.id] });

    const res = await server.gql(CLIENTS, undefined, token);
    expect(res.errors).toBeUndefined();
    expect(res.data!.clients).toEqual([
      { id: String(first.id), name: first.name, createdAt: first.createdAt.toISOString(), updatedAt: first.updatedAt.toISOString() },
      { id: String(second.id), name: second.name, createdAt: second.createdAt.toISOString(), updatedAt: second.updatedAt.toISOString() },
    ]);
    expect(await clientCount()).toBeGreaterThan(2);
  });

  it('anonymous callers are UNAUTHENTICATED', async () => {
    const res = await server.gql(CLIENTS);
    expect(res.data).toBeNull();
    expect(codeOf(res)).toBe('UNAUTHENTICATED');
  });
});

describe('client(id)', () => {
  it('a USER is FORBIDDEN a client that is not on their list, and the answer names no data of it', async () => {
    const theirs = await makeClient(server);
    const other = await makeClient(server);
    const { token } = await signedIn(server, { clientIds: [theirs.id] });
    const res = await server.gql(CLIENT, { id: String(other.id) }, token);
    expect(res.data).toBeNull();
    expect(codeOf(res)).toBe('FORBIDDEN');
    expect(JSON.stringify(res.errors)).not.toContain(other.name);
  });

  it('ADMIN gets any client', async () => {
    const client = await makeClient(server);
    const res = await server.gql(CLIENT, { id: String(client.id) }, adminToken);
    expect(res.errors).toBeUndefined();
    expect(res.data!.client).toEqual({
      id: String(client.id),
      name: client.name,
      createdAt: client.createdAt.toISOString(),
      updatedAt: client.updatedAt.toISOString(),
    });
  });

  it('an unknown id is NOT_FOUND', async () => {
    const res = await server.gql(CLIENT, { id: '999999' }, adminToken);
    expect(res.data).toBeNull();
    expect(codeOf(res)).toBe('NOT_FOUND');
    expect(res.errors![0]!.message).toBe(NOT_FOUND_MESSAGE);
  });

  it('an id that is not a positive integer is BAD_USER_INPUT', async () => {
    for (const id of ['abc', '0', '-1', '1.5']) {
      const res = await server.gql(CLIENT, { id }, adminToken);
      expect(codeOf(res)).toBe('BAD_USER_INPUT');
    }
  });

  it('anonymous callers are UNAUTHENTICATED', async () => {
    const client = await makeClient(server);
    const res = await server.gql(CLIENT, { id: String(client.id) });
    expect(codeOf(res)).toBe('UNAUTHENTICATED');
  });
});

describe('createClient, updateClient, deleteClient are for ADMIN only', () => {
  it('a USER is FORBIDDEN and nothing changes', async () => {
    const client = await makeClient(server);
    const { token } = await signedIn(server, { clientIds: [client.id] });
    const before = await clientCount();

    const created = await server.gql(CREATE, { input: { name: uniqueName() } }, token);
    const updated = await server.gql(UPDATE, { id: String(client.id), input: { name: uniqueName() } }, token);
    const deleted = await server.gql(DELETE, { id: String(client.id) }, token);
    for (const res of [created, updated, deleted]) {
      expect(res.data).toBeNull();
      expect(codeOf(res)).toBe('FORBIDDEN');
    }

    expect(await clientCount()).toBe(before);
    const still = await server.gql(CLIENT, { id: String(client.id) }, adminToken);
    expect(still.data!.client.name).toBe(client.name);
  });

  it('anonymous callers are UNAUTHENTICATED and nothing changes', async () => {
    const client = await makeClient(server);
    const before = await clientCount();

    const created = await server.gql(CREATE, { input: { name: uniqueName() } });
    const updated = await server.gql(UPDATE, { id: String(client.id), input: { name: uniqueName() } });
    const deleted = await server.gql(DELETE, { id: String(client.id) });
    for (const res of [created, updated, deleted]) {
      expect(res.data).toBeNull();
      expect(codeOf(res)).toBe('UNAUTHENTICATED');
    }

    expect(await clientCount()).toBe(before);
    const still = await server.gql(CLIENT, { id: String(client.id) }, adminToken);
    expect(still.data!.client.name).toBe(client.name);
  });
});

describe('createClient', () => {
  it('creates a client with a trimmed name, and it can be read back', async () => {
    const name = uniqueName('Trimmed');
    const before = Date.now();
    const res = await server.gql(CREATE, { input: { name: `   ${name}\t ` } }, adminToken);
    expect(res.errors).toBeUndefined();
    const created = res.data!.createClient;
    expect(created.name).toBe(name);
    expect(created.id).toMatch(/^[1-9][0-9]*$/);
    expect(Date.parse(created.createdAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(created.createdAt)).toBeLessThanOrEqual(Date.now() + 1000);

    const read = await server.gql(CLIENT, { id: created.id }, adminToken);
    expect(read.data!.client).toEqual(created);
  });

  it('refuses an empty or blank name with BAD_USER_INPUT on fields.name', async () => {
    const before = await clientCount();
    for (const name of ['', '   ']) {
      const res = await server.gql(CREATE, { input: { name } }, adminToken);
      expect(res.data).toBeNull();
      expect(codeOf(res)).toBe('BAD_USER_INPUT');
      expect(res.errors![0]!.extensions.fields).toEqual({ name: expect.any(String) });
    }
    expect(await clientCount()).toBe(before);
  });

  it('accepts a name of 200 characters and refuses one of 201', async () => {
    const stem = `${process.pid}-${Date.now()}-`;
    const ok = stem + 'a'.repeat(200 - stem.length);
    const tooLong = stem + 'b'.repeat(201 - stem.length);
    expect(ok).toHaveLength(200);
    expect(tooLong).toHaveLength(201);

    const accepted = await server.gql(CREATE, { input: { name: ok } }, adminToken);
    expect(accepted.errors).toBeUndefined();
    expect(accepted.data!.createClient.name).toBe(ok);

    const before = await clientCount();
    const refused = await server.gql(CREATE, { input: { name: tooLong } }, adminToken);
    expect(refused.data).toBeNull();
    expect(codeOf(refused)).toBe('BAD_USER_INPUT');
    expect(refused.errors![0]!.extensions.fields).toEqual({ name: expect.any(String) });
    expect(await clientCount()).toBe(before);
  });

  it('refuses a name already taken, whatever its case, with ALREADY_EXISTS', async () => {
    const existing = await makeClient(server, uniqueName('Acme'));
    const before = await clientCount();
    for (const name of [existing.name, existing.name.toUpperCase(), `  ${existing.name.toLowerCase()} `]) {
      const res = await server.gql(CREATE, { input: { name } }, adminToken);
      expect(res.data).toBeNull();
      expect(codeOf(res)).toBe('ALREADY_EXISTS');
      expect(res.errors![0]!.message).toBe(NAME_TAKEN);
    }
    expect(await clientCount()).toBe(before);
  });
});

describe('updateClient', () => {
  it('renames a client, trimming the name', async () => {
    const client = await makeClient(server);
    const name = uniqueName('Renamed');
    const res = await server.gql(UPDATE, { id: String(client.id), input: { name: ` ${name}  ` } }, adminToken);
    expect(res.errors).toBeUndefined();
    expect(res.data!.updateClient).toMatchObject({ id: String(client.id), name, createdAt: client.createdAt.toISOString() });
    expect(Date.parse(res.data!.updateClient.updatedAt)).toBeGreaterThanOrEqual(client.updatedAt.getTime());

    const read = await server.gql(CLIENT, { id: String(client.id) }, adminToken);
    expect(read.data!.client.name).toBe(name);
  });

  it('may change only the case of its own name', async () => {
    const client = await makeClient(server, uniqueName('casing'));
    const res = await server.gql(UPDATE, { id: String(client.id), input: { name: client.name.toUpperCase() } }, adminToken);
    expect(res.errors).toBeUndefined();
    expect(res.data!.updateClient.name).toBe(client.name.toUpperCase());
  });

  it("refuses another client's name, whatever its case, with ALREADY_EXISTS and leaves the name as it was", async () => {
    const taken = await makeClient(server, uniqueName('Globex'));
    const client = await makeClient(server);
    const res = await server.gql(UPDATE, { id: String(client.id), input: { name: taken.name.toUpperCase() } }, adminToken);
    expect(res.data).toBeNull();
    expect(codeOf(res)).toBe('ALREADY_EXISTS');
    expect(res.errors![0]!.message).toBe(NAME_TAKEN);

    const read = await server.gql(CLIENT, { id: String(client.id) }, adminToken);
    expect(read.data!.client.name).toBe(client.name);
  });

  it('refuses an invalid name with BAD_USER_INPUT on fields.name and leaves the name as it was', async () => {
    const client = await makeClient(server);
    for (const name of ['', '  ', 'x'.repeat(201)]) {
      const res = await server.gql(UPDATE, { id: String(client.id), input: { name } }, adminToken);
      expect(codeOf(res)).toBe('BAD_USER_INPUT');
      expect(res.errors![0]!.extensions.fields).toEqual({ name: expect.any(String) });
    }
    const read = await server.gql(CLIENT, { id: String(client.id) }, adminToken);
    expect(read.data!.client.name).toBe(client.name);
  });

  it('an unknown id is NOT_FOUND', async () => {
    const res = await server.gql(UPDATE, { id: '999999', input: { name: uniqueName() } }, adminToken);
    expect(res.data).toBeNull();
    expect(codeOf(res)).toBe('NOT_FOUND');
    expect(res.errors![0]!.message).toBe(NOT_FOUND_MESSAGE);
  });
});

describe('deleteClient', () => {
  it('returns the id, and the client is gone', async () => {
    const client = await makeClient(server);
    const res = await server.gql(DELETE, { id: String(client.id) }, adminToken);
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ deleteClient: String(client.id) });

    const read = await server.gql(CLIENT, { id: String(client.id) }, adminToken);
    expect(codeOf(read)).toBe('NOT_FOUND');
    const list = await server.gql(CLIENTS, undefined, adminToken);
    expect(ids(list.data!.clients)).not.toContain(String(client.id));
  });

  it("removes the client from every user's access list, and only that client", async () => {
    const doomed = await makeClient(server);
    const kept = await makeClient(server);
    const { user: first, token: firstToken } = await signedIn(server, { clientIds: [doomed.id, kept.id] });
    const { user: second } = await signedIn(server, { clientIds: [doomed.id] });

    const res = await server.gql(DELETE, { id: String(doomed.id) }, adminToken);
    expect(res.data).toEqual({ deleteClient: String(doomed.id) });

    const firstNow = await server.gql(USER_CLIENTS, { id: String(first.id) }, adminToken);
    expect(firstNow.data!.user.clients).toEqual([{ id: String(kept.id) }]);
    const secondNow = await server.gql(USER_CLIENTS, { id: String(second.id) }, adminToken);
    expect(secondNow.data!.user.clients).toEqual([]);
    // What the user sees follows at once.
    const seen = await server.gql(CLIENTS, undefined, firstToken);
    expect(ids(seen.data!.clients)).toEqual([String(kept.id)]);
  });

  it('an unknown id is NOT_FOUND', async () => {
    const res = await server.gql(DELETE, { id: '999999' }, adminToken);
    expect(res.data).toBeNull();
    expect(codeOf(res)).toBe('NOT_FOUND');
    expect(res.errors![0]!.message).toBe(NOT_FOUND_MESSAGE);
  });

  it('deleting the same client twice is NOT_FOUND the second time', async () => {
    const client = await makeClient(server);
    expect((await server.gql(DELETE, { id: String(client.id) }, adminToken)).data).toEqual({ deleteClient: String(client.id) });
    expect(codeOf(await server.gql(DELETE, { id: String(client.id) }, adminToken))).toBe('NOT_FOUND');
  });
});
