import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PASSWORD, login, makeAdmin, makeClient, makeUser } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { LOGIN, errorOf, codeOf, fieldsOf, dataOf, validInput, unique, usersApi } from '../support/users-api.js';

/**
 * createUser over HTTP (README: Using the API; schema.graphql: Mutation.createUser,
 * CreateUserInput): the defaults, what is stored and answered (never the password), emails and
 * names normalised, repeated roles and client ids collapsed, every bad field named at once in
 * extensions.fields and nothing created, the bounds of each field, and one user per email, even
 * when twenty ask at once.
 */

let server: TestServer;
let adminToken: string;
const { createUser, listUsers, countUsers, storedUser } = usersApi(() => ({ server, adminToken }));

beforeAll(async () => {
  server = await startTestServer();
  const admin = await makeAdmin(server, { name: 'First Admin', email: `first-admin-${process.pid}@example.com` });
  adminToken = await login(server, admin.email);
});

afterAll(async () => {
  await server?.close();
});

describe('createUser', () => {
  it('creates a user with the defaults: roles [USER], no clients, both notifications on', async () => {
    const input = validInput();
    const before = await countUsers();
    const created = dataOf(await createUser(input)).createUser;
    expect(created).toMatchObject({
      name: input.name,
      email: input.email,
      roles: ['USER'],
      clients: [],
      notificationPreferences: { email: true, ui: true },
      lastLoginAt: null,
    });
    expect(created.id).toMatch(/^[1-9][0-9]*$/);
    expect(Number.isNaN(Date.parse(created.createdAt))).toBe(false);
    expect(Number.isNaN(Date.parse(created.updatedAt))).toBe(false);
    expect(await countUsers()).toBe(before + 1);
    expect(await storedUser(created.id)).toEqual(created);
  });

  it('never returns the password or its hash', async () => {
    const input = validInput({ password: 'a very secret pass' });
    const res = await createUser(input);
    expect(JSON.stringify(res)).not.toContain('a very secret pass');
    const typeInfo = await server.gql<{ __type: { fields: { name: string }[] } }>(`{ __type(name: "User") { fields { name } } }`, {}, adminToken);
    const names = dataOf(typeInfo).__type.fields.map((f) => f.name.toLowerCase());
    expect(names.filter((n) => n.includes('password'))).toEqual([]);
  });

  it('lets the new user log in with the given password', async () => {
    const input = validInput({ password: 'fresh password 1' });
    const created = dataOf(await createUser(input)).createUser;
    const res = await server.gql<{ login: { user: { id: string } } }>(LOGIN, { email: input.email, password: 'fresh password 1' });
    expect(dataOf(res).login.user.id).toBe(created.id);
  });

  it('stores the given roles, client list and notification preferences', async () => {
    const [a, b] = [await makeClient(server), await makeClient(server)];
    const created = dataOf(
      await createUser(validInput({ roles: ['ADMIN', 'USER'], clientIds: [String(a.id), String(b.id)], notificationPreferences: { email: false, ui: false } })),
    ).createUser;
    expect([...created.roles].sort()).toEqual(['ADMIN', 'USER']);
    expect(created.clients.map((c) => c.id).sort()).toEqual([String(a.id), String(b.id)].sort());
    expect(created.notificationPreferences).toEqual({ email: false, ui: false });
    expect(await storedUser(created.id)).toEqual(created);
  });

  it('fills in a notification preference left out of the input with its default', async () => {
    const created = dataOf(await createUser(validInput({ notificationPreferences: { ui: false } }))).createUser;
    expect(created.notificationPreferences).toEqual({ email: true, ui: false });
  });

  it('trims and lowercases the email', async () => {
    const m = unique('Case');
    const created = dataOf(await createUser(validInput({ email: `  ${m.toUpperCase()}.MiXeD@Example.COM \t` }))).createUser;
    expect(created.email).toBe(`${m.toLowerCase()}.mixed@example.com`);
    // and so it logs in with the normalised address
    const res = await server.gql(LOGIN, { email: `${m.toLowerCase()}.mixed@example.com`, password: DEFAULT_PASSWORD });
    expect(res.errors).toBeUndefined();
  });

  it('trims the name', async () => {
    const created = dataOf(await createUser(validInput({ name: '   Ada   Lovelace \n' }))).createUser;
    expect(created.name).toBe('Ada   Lovelace');
  });

  it('collapses repeated roles', async () => {
    const created = dataOf(await createUser(validInput({ roles: ['USER', 'USER', 'USER'] }))).createUser;
    expect(created.roles).toEqual(['USER']);
    const both = dataOf(await createUser(validInput({ roles: ['ADMIN', 'USER', 'ADMIN', 'USER'] }))).createUser;
    expect([...both.roles].sort()).toEqual(['ADMIN', 'USER']);
  });

  it('collapses repeated client ids', async () => {
    const [a, b] = [await makeClient(server), await makeClient(server)];
    const created = dataOf(await createUser(validInput({ clientIds: [String(a.id), String(b.id), String(a.id), String(a.id)] }))).createUser;
    expect(created.clients.map((c) => c.id).sort()).toEqual([String(a.id), String(b.id)].sort());
  });

  it('refuses a clientId that does not exist, naming it in fields.clientIds, and creates nothing', async () => {
    const a = await makeClient(server);
    const before = await countUsers();
    const input = validInput({ clientIds: [String(a.id), '987654'] });
    const res = await createUser(input);
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(Object.keys(fieldsOf(res))).toEqual(['clientIds']);
    expect(fieldsOf(res).clientIds).toContain('987654');
    expect(await countUsers()).toBe(before);
  });

  it('names every missing clientId', async () => {
    const res = await createUser(validInput({ clientIds: ['987654', '876543'] }));
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(res).clientIds).toContain('987654');
    expect(fieldsOf(res).clientIds).toContain('876543');
  });

  it.each(['abc', '0', '-3'])('refuses the malformed clientId %j with fields.clientIds', async (clientId) => {
    const res = await createUser(validInput({ clientIds: [clientId] }));
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(res)).toHaveProperty('clientIds');
  });

  it('names every bad field at once and creates nothing', async () => {
    const before = await countUsers();
    const res = await createUser({ name: '   ', email: 'not-an-email', password: 'short', roles: [], clientIds: ['987654'] });
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(Object.keys(fieldsOf(res)).sort()).toEqual(['clientIds', 'email', 'name', 'password', 'roles']);
    for (const problem of Object.values(fieldsOf(res))) expect(problem).toMatch(/\S/);
    expect(await countUsers()).toBe(before);
  });

  it('refuses an email already taken, in another case, with ALREADY_EXISTS and creates nothing', async () => {
    const existing = await makeUser(server);
    const before = await countUsers();
    const res = await createUser(validInput({ email: `  ${existing.email.toUpperCase()} ` }));
    const error = errorOf(res);
    expect(error.extensions.code).toBe('ALREADY_EXISTS');
    expect(error.message).toBe('A user with this email already exists');
    expect(await countUsers()).toBe(before);
  });

  it('lets exactly one of 20 parallel creates with one email win; the others get ALREADY_EXISTS', async () => {
    const m = unique('race');
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => createUser({ name: `Racer ${i}`, email: i % 2 ? `${m}@example.com` : `${m.toUpperCase()}@EXAMPLE.com`, password: DEFAULT_PASSWORD })),
    );
    const winners = results.filter((r) => r.errors === undefined && r.data?.createUser);
    const losers = results.filter((r) => r.errors !== undefined);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(19);
    for (const loser of losers) {
      expect(loser.errors![0]!.extensions.code).toBe('ALREADY_EXISTS');
      expect(loser.errors![0]!.message).toBe('A user with this email already exists');
    }
    const page = dataOf(await listUsers({ search: m })).users;
    expect(page.total).toBe(1);
    expect(page.items[0]!.id).toBe(winners[0]!.data!.createUser.id);
  });

  describe('validation boundaries', () => {
    async function expectAccepted(input: Record<string, unknown>) {
      const res = await createUser(validInput(input));
      expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
      return res.data!.createUser;
    }
    async function expectRefused(input: Record<string, unknown>, field: string) {
      const before = await countUsers();
      const res = await createUser(validInput(input));
      expect(codeOf(res)).toBe('BAD_USER_INPUT');
      expect(Object.keys(fieldsOf(res))).toEqual([field]);
      expect(await countUsers()).toBe(before);
    }
    /** An email of exactly `length` characters: a 64-character local part and labels of at most 63. */
    function emailOfLength(length: number): string {
      const local = unique('e').padEnd(64, 'l');
      let domain = 'com';
      const labels: string[] = [];
      let remaining = length - local.length - 1 - domain.length; // characters before ".com", dots included
      while (remaining > 0) {
        const label = Math.min(63, remaining - 1); // one dot after each label
        labels.push('d'.repeat(label));
        remaining -= label + 1;
      }
      domain = [...labels, domain].join('.');
      const email = `${local}@${domain}`;
      expect(email).toHaveLength(length);
      return email;
    }

    it('refuses a password of 7 characters and accepts one of 8', async () => {
      await expectRefused({ password: '1234567' }, 'password');
      await expectAccepted({ password: '12345678' });
    });

    it('accepts a password of 72 bytes and refuses one of 73 (ASCII)', async () => {
      await expectAccepted({ password: 'p'.repeat(72) });
      await expectRefused({ password: 'p'.repeat(73) }, 'password');
    });

    it('counts password length in UTF-8 bytes: 36 × "é" (72 bytes) is accepted, one more byte is refused', async () => {
      const created = await expectAccepted({ password: 'é'.repeat(36) });
      await expectRefused({ password: 'é'.repeat(36) + 'x' }, 'password');
      await expectRefused({ password: 'é'.repeat(37) }, 'password');
      // 18 × "😀" is 72 bytes; with one "é" more it is 74
      await expectAccepted({ password: '😀'.repeat(18) });
      await expectRefused({ password: '😀'.repeat(18) + 'é' }, 'password');
      const res = await server.gql(LOGIN, { email: created.email, password: 'é'.repeat(36) });
      expect(res.errors).toBeUndefined();
    });

    it('accepts an email of 254 characters and refuses one of 255', async () => {
      const longest = emailOfLength(254);
      const created = await expectAccepted({ email: longest });
      expect(created.email).toBe(longest);
      await expectRefused({ email: emailOfLength(255) }, 'email');
    });

    it('refuses a local part over 64 characters and a domain label over 63', async () => {
      await expectAccepted({ email: `${unique('l').padEnd(64, 'l')}@example.com` });
      await expectRefused({ email: `${unique('l').padEnd(65, 'l')}@example.com` }, 'email');
      await expectAccepted({ email: `${unique('d')}@${'d'.repeat(63)}.com` });
      await expectRefused({ email: `${unique('d')}@${'d'.repeat(64)}.com` }, 'email');
    });

    it.each(['', '   ', 'plainaddress', '@example.com', 'someone@', 'two@@example.com', 'spa ce@example.com', 'a@-example.com'])(
      'refuses the email %j',
      async (email) => {
        await expectRefused({ email }, 'email');
      },
    );

    it("refuses the names '' and '   '", async () => {
      await expectRefused({ name: '' }, 'name');
      await expectRefused({ name: '   ' }, 'name');
    });

    it('accepts a name of 200 characters and refuses one of 201', async () => {
      const created = await expectAccepted({ name: 'n'.repeat(200) });
      expect(created.name).toBe('n'.repeat(200));
      await expectRefused({ name: 'n'.repeat(201) }, 'name');
    });

    it('counts the name after trimming, in characters', async () => {
      const padded = await expectAccepted({ name: `  ${'n'.repeat(200)}  ` });
      expect(padded.name).toBe('n'.repeat(200));
      const accented = await expectAccepted({ name: 'é'.repeat(200) });
      expect(accented.name).toBe('é'.repeat(200));
      await expectRefused({ name: 'é'.repeat(201) }, 'name');
    });

    it('refuses roles []', async () => {
      await expectRefused({ roles: [] }, 'roles');
    });

    it('refuses an unknown role before it reaches the resolver', async () => {
      const res = await createUser(validInput({ roles: ['SUPERUSER'] }));
      expect(res.errors).toHaveLength(1);
      expect(['BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED']).toContain(res.errors![0]!.extensions.code);
    });
  });
});
