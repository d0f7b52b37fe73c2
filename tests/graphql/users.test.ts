import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PASSWORD, login, makeAdmin, makeClient, makeUser, signedIn } from '../support/factories.js';
import { startTestServer, type GraphQLResponse, type TestServer } from '../support/server.js';
import { userActor } from '../../server/domain/actor.js';

/**
 * The users API of CONTRACT.md §1, spoken over HTTP: paging and search, reading one user,
 * creating, updating and deleting users (with the contract's validation and the last-admin rule),
 * the self-service `me` / `updateMe`, and who may call what.
 */

const USER_FIELDS = `id name email roles clients { id name } notificationPreferences { email ui } createdAt updatedAt lastLoginAt`;

const USERS = `query($skip: Int, $limit: Int, $search: String) {
  users(skip: $skip, limit: $limit, search: $search) { total skip limit items { ${USER_FIELDS} } }
}`;
const USERS_DEFAULTS = `query { users { total skip limit items { id } } }`;
const USER = `query($id: ID!) { user(id: $id) { ${USER_FIELDS} } }`;
const ME = `query { me { ${USER_FIELDS} } }`;
const CREATE = `mutation($input: CreateUserInput!) { createUser(input: $input) { ${USER_FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateUserInput!) { updateUser(id: $id, input: $input) { ${USER_FIELDS} } }`;
const DELETE = `mutation($id: ID!) { deleteUser(id: $id) }`;
const UPDATE_ME = `mutation($input: UpdateMeInput!) { updateMe(input: $input) { ${USER_FIELDS} } }`;
const LOGIN = `mutation($email: String!, $password: String!) { login(email: $email, password: $password) { token user { id } } }`;

interface UserJson {
  id: string;
  name: string;
  email: string;
  roles: string[];
  clients: { id: string; name: string }[];
  notificationPreferences: { email: boolean; ui: boolean };
  createdAt: string;
  updatedAt: string;
  lastLoginAt: string | null;
}
interface UserPageJson {
  total: number;
  skip: number;
  limit: number;
  items: UserJson[];
}

let server: TestServer;
let adminToken: string;
let adminId: string;
let marker = 0;

/** A token that appears in no other test's names or emails. */
const unique = (label = 'm') => `${label}${process.pid}x${++marker}`;

/** The single error of a failed response. */
function errorOf(res: GraphQLResponse) {
  expect(res.errors, `expected an error, got ${JSON.stringify(res.data)}`).toHaveLength(1);
  return res.errors![0]!;
}
const codeOf = (res: GraphQLResponse) => errorOf(res).extensions.code;
const fieldsOf = (res: GraphQLResponse) => errorOf(res).extensions.fields ?? {};

function dataOf<T>(res: GraphQLResponse<T>): T {
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data!;
}

async function createUser(input: Record<string, unknown>, token = adminToken) {
  return server.gql<{ createUser: UserJson }>(CREATE, { input }, token);
}
async function updateUser(id: string | number, input: Record<string, unknown>, token = adminToken) {
  return server.gql<{ updateUser: UserJson }>(UPDATE, { id: String(id), input }, token);
}
async function getUser(id: string | number, token = adminToken) {
  return server.gql<{ user: UserJson }>(USER, { id: String(id) }, token);
}
async function listUsers(variables: Record<string, unknown> = {}, token = adminToken) {
  return server.gql<{ users: UserPageJson }>(USERS, variables, token);
}
/** How many users exist, straight from the database. */
async function countUsers(): Promise<number> {
  return (await server.services.users.list(server.system(), { limit: 1 })).total;
}
/** A user as stored, read as an admin over the API. */
async function storedUser(id: string | number): Promise<UserJson> {
  return dataOf(await getUser(id)).user;
}
const validInput = (overrides: Record<string, unknown> = {}) => {
  const m = unique('new');
  return { name: `New ${m}`, email: `${m}@example.com`, password: DEFAULT_PASSWORD, ...overrides };
};

beforeAll(async () => {
  server = await startTestServer();
  const admin = await makeAdmin(server, { name: 'First Admin', email: `first-admin-${process.pid}@example.com` });
  adminId = String(admin.id);
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

describe('user query', () => {
  it('lets an ADMIN read any user', async () => {
    const other = await makeUser(server, { notificationPreferences: { email: false } });
    const res = await getUser(other.id);
    expect(dataOf(res).user).toMatchObject({
      id: String(other.id),
      name: other.name,
      email: other.email,
      roles: ['USER'],
      clients: [],
      notificationPreferences: { email: false, ui: true },
      lastLoginAt: null,
    });
  });

  it('lets a USER read their own profile', async () => {
    const { user, token } = await signedIn(server);
    const res = await getUser(user.id, token);
    expect(dataOf(res).user).toMatchObject({ id: String(user.id), email: user.email, roles: ['USER'] });
  });

  it('refuses a USER reading another user with FORBIDDEN', async () => {
    const { token } = await signedIn(server);
    const other = await makeUser(server);
    const res = await getUser(other.id, token);
    expect(codeOf(res)).toBe('FORBIDDEN');
    expect(res.data?.user ?? null).toBeNull();
    expect(JSON.stringify(res)).not.toContain(other.email);
  });

  it('refuses a USER reading an admin with FORBIDDEN', async () => {
    const { token } = await signedIn(server);
    expect(codeOf(await getUser(adminId, token))).toBe('FORBIDDEN');
  });

  it('refuses an anonymous caller with UNAUTHENTICATED', async () => {
    const other = await makeUser(server);
    expect(codeOf(await server.gql(USER, { id: String(other.id) }))).toBe('UNAUTHENTICATED');
  });

  it('answers an unknown id with NOT_FOUND and the contract message', async () => {
    const res = await getUser('987654');
    const error = errorOf(res);
    expect(error.extensions.code).toBe('NOT_FOUND');
    expect(error.message).toBe('The user with this id does not exist in the system');
  });

  it.each(['abc', '0', '-1', '1.5', '', '+1'])('refuses the id %j with BAD_USER_INPUT', async (id) => {
    const res = await getUser(id);
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
  });

  it('refuses a malformed id with BAD_USER_INPUT for a USER too', async () => {
    const { token } = await signedIn(server);
    expect(codeOf(await getUser('abc', token))).toBe('BAD_USER_INPUT');
  });

  it('reads the users that callers ask for at the same moment in one statement', async () => {
    const users = await Promise.all(Array.from({ length: 5 }, () => makeUser(server)));
    const asAdmin = () => server.services.context(userActor(Number(adminId), 'admin@example.com', ['admin'], []));
    const read = (id: number) => server.services.users.get(asAdmin(), id).then((u) => u.email, (e: Error) => e.message);
    let emails: string[] = [];
    const statements = await server.countStatements(async () => {
      emails = await Promise.all([...users.map((u) => read(u.id)), read(users[0]!.id), read(987654)]);
    });
    expect(statements).toBe(1);
    expect(emails).toEqual([...users.map((u) => u.email), users[0]!.email, 'The user with this id does not exist in the system']);
  });

  it('gives each of many concurrent callers their own answer, and their own refusal', async () => {
    const users = await Promise.all(Array.from({ length: 6 }, () => signedIn(server)));
    const ids = users.map(({ user }) => user.id);
    const answers = await Promise.all([
      ...ids.map((id) => getUser(id)), // the admin reads each of them
      ...users.map(({ token }) => server.gql(ME, {}, token)), // and each reads themselves
      getUser('987654'), // one that does not exist
      getUser(ids[1]!, users[0]!.token), // one this caller may not read
    ]);
    ids.forEach((id, i) => expect(dataOf(answers[i]!).user).toMatchObject({ id: String(id), email: users[i]!.user.email }));
    ids.forEach((id, i) => expect(dataOf(answers[ids.length + i]!).me).toMatchObject({ id: String(id), email: users[i]!.user.email }));
    expect(codeOf(answers[12]!)).toBe('NOT_FOUND');
    expect(codeOf(answers[13]!)).toBe('FORBIDDEN');
  });

  it('costs one statement for a user read alone', async () => {
    const other = await makeUser(server);
    await getUser(other.id);
    expect(await server.countStatements(() => getUser(other.id))).toBe(1);
  });
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

describe('updateUser', () => {
  it('leaves every omitted field unchanged', async () => {
    const a = await makeClient(server);
    const user = await makeUser(server, { roles: ['user'], clientIds: [a.id], notificationPreferences: { email: false, ui: true } });
    const before = await storedUser(user.id);
    const updated = dataOf(await updateUser(user.id, { name: 'Renamed Person' })).updateUser;
    expect(updated).toMatchObject({
      id: before.id,
      name: 'Renamed Person',
      email: before.email,
      roles: before.roles,
      clients: before.clients,
      notificationPreferences: before.notificationPreferences,
      createdAt: before.createdAt,
    });
    expect(await storedUser(user.id)).toEqual(updated);
    // the password did not change either
    expect((await server.gql(LOGIN, { email: before.email, password: DEFAULT_PASSWORD })).errors).toBeUndefined();
  });

  it('changes nothing but updatedAt when the input is empty', async () => {
    const user = await makeUser(server);
    const before = await storedUser(user.id);
    const updated = dataOf(await updateUser(user.id, {})).updateUser;
    expect({ ...updated, updatedAt: undefined }).toEqual({ ...before, updatedAt: undefined });
  });

  it('normalises name and email as createUser does', async () => {
    const user = await makeUser(server);
    const m = unique('upd');
    const updated = dataOf(await updateUser(user.id, { name: '  Trimmed  ', email: ` ${m.toUpperCase()}@Example.ORG ` })).updateUser;
    expect(updated.name).toBe('Trimmed');
    expect(updated.email).toBe(`${m}@example.org`);
  });

  it('changes roles, collapsing repeats', async () => {
    const user = await makeUser(server);
    const updated = dataOf(await updateUser(user.id, { roles: ['ADMIN', 'ADMIN'] })).updateUser;
    expect(updated.roles).toEqual(['ADMIN']);
    const back = dataOf(await updateUser(user.id, { roles: ['USER'] })).updateUser;
    expect(back.roles).toEqual(['USER']);
  });

  it('replaces the whole client list with clientIds', async () => {
    const [a, b, c] = [await makeClient(server), await makeClient(server), await makeClient(server)];
    const user = await makeUser(server, { clientIds: [a.id, b.id] });
    const updated = dataOf(await updateUser(user.id, { clientIds: [String(c.id), String(b.id), String(c.id)] })).updateUser;
    expect(updated.clients.map((x) => x.id).sort()).toEqual([String(b.id), String(c.id)].sort());
    expect((await storedUser(user.id)).clients.map((x) => x.id).sort()).toEqual([String(b.id), String(c.id)].sort());
  });

  it('clears the client list with clientIds []', async () => {
    const [a, b] = [await makeClient(server), await makeClient(server)];
    const user = await makeUser(server, { clientIds: [a.id, b.id] });
    const updated = dataOf(await updateUser(user.id, { clientIds: [] })).updateUser;
    expect(updated.clients).toEqual([]);
    expect((await storedUser(user.id)).clients).toEqual([]);
  });

  it('merges notificationPreferences into the stored ones', async () => {
    const user = await makeUser(server, { notificationPreferences: { email: false, ui: true } });
    const first = dataOf(await updateUser(user.id, { notificationPreferences: { ui: false } })).updateUser;
    expect(first.notificationPreferences).toEqual({ email: false, ui: false });
    const second = dataOf(await updateUser(user.id, { notificationPreferences: { email: true } })).updateUser;
    expect(second.notificationPreferences).toEqual({ email: true, ui: false });
    const untouched = dataOf(await updateUser(user.id, { notificationPreferences: {} })).updateUser;
    expect(untouched.notificationPreferences).toEqual({ email: true, ui: false });
  });

  it('changes the password: the new one logs in, the old one does not', async () => {
    const user = await makeUser(server);
    dataOf(await updateUser(user.id, { password: 'brand new secret' }));
    expect((await server.gql(LOGIN, { email: user.email, password: 'brand new secret' })).errors).toBeUndefined();
    expect(codeOf(await server.gql(LOGIN, { email: user.email, password: DEFAULT_PASSWORD }))).toBe('UNAUTHENTICATED');
  });

  it('keeps the user own email when it is given again in another case', async () => {
    const user = await makeUser(server);
    const updated = dataOf(await updateUser(user.id, { email: user.email.toUpperCase() })).updateUser;
    expect(updated.email).toBe(user.email);
  });

  it('refuses an email taken by another user with ALREADY_EXISTS and changes nothing', async () => {
    const taken = await makeUser(server);
    const user = await makeUser(server);
    const before = await storedUser(user.id);
    const res = await updateUser(user.id, { name: 'Should Not Stick', email: taken.email.toUpperCase() });
    const error = errorOf(res);
    expect(error.extensions.code).toBe('ALREADY_EXISTS');
    expect(error.message).toBe('A user with this email already exists');
    expect(await storedUser(user.id)).toEqual(before);
  });

  it('answers an unknown id with NOT_FOUND', async () => {
    const res = await updateUser('987654', { name: 'Nobody' });
    const error = errorOf(res);
    expect(error.extensions.code).toBe('NOT_FOUND');
    expect(error.message).toBe('The user with this id does not exist in the system');
  });

  it.each(['abc', '0', '-1', '1.5'])('refuses the id %j with BAD_USER_INPUT', async (id) => {
    expect(codeOf(await updateUser(id, { name: 'Nobody' }))).toBe('BAD_USER_INPUT');
  });

  it('is all or nothing: one bad field and no field changes', async () => {
    const [a, b] = [await makeClient(server), await makeClient(server)];
    const user = await makeUser(server, { clientIds: [a.id] });
    const before = await storedUser(user.id);
    const attempts: Record<string, unknown>[] = [
      { name: 'Good Name', email: 'not-an-email' },
      { name: 'Good Name', clientIds: [String(b.id), '987654'] },
      { email: `${unique('ok')}@example.com`, password: 'short' },
      { notificationPreferences: { email: false }, roles: [] },
      { clientIds: [String(b.id)], name: '  ' },
    ];
    for (const input of attempts) {
      const res = await updateUser(user.id, input);
      expect(codeOf(res)).toBe('BAD_USER_INPUT');
      expect(await storedUser(user.id)).toEqual(before);
    }
    expect((await server.gql(LOGIN, { email: before.email, password: DEFAULT_PASSWORD })).errors).toBeUndefined();
  });

  it('names every bad field at once', async () => {
    const user = await makeUser(server);
    const res = await updateUser(user.id, { name: '', email: 'x', password: '1', roles: [], clientIds: ['987654'] });
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(Object.keys(fieldsOf(res)).sort()).toEqual(['clientIds', 'email', 'name', 'password', 'roles']);
  });
});

describe('deleteUser', () => {
  it('returns the deleted id as a string, and the user is gone', async () => {
    const user = await makeUser(server);
    const before = await countUsers();
    const res = await server.gql<{ deleteUser: string }>(DELETE, { id: String(user.id) }, adminToken);
    expect(dataOf(res).deleteUser).toBe(String(user.id));
    expect(typeof res.data!.deleteUser).toBe('string');
    const gone = await getUser(user.id);
    expect(codeOf(gone)).toBe('NOT_FOUND');
    expect(errorOf(gone).message).toBe('The user with this id does not exist in the system');
    expect(await countUsers()).toBe(before - 1);
  });

  it('frees the email of the deleted user', async () => {
    const user = await makeUser(server);
    dataOf(await server.gql(DELETE, { id: String(user.id) }, adminToken));
    expect(dataOf(await createUser(validInput({ email: user.email }))).createUser.email).toBe(user.email);
  });

  it('keeps a deleted user out: login fails and their old token is refused', async () => {
    const { user, token } = await signedIn(server);
    dataOf(await server.gql(DELETE, { id: String(user.id) }, adminToken));
    expect(codeOf(await server.gql(ME, {}, token))).toBe('UNAUTHENTICATED');
    expect(codeOf(await server.gql(LOGIN, { email: user.email, password: DEFAULT_PASSWORD }))).toBe('UNAUTHENTICATED');
  });

  it('answers an unknown id with NOT_FOUND, also when deleting twice', async () => {
    const unknown = await server.gql(DELETE, { id: '987654' }, adminToken);
    expect(codeOf(unknown)).toBe('NOT_FOUND');
    expect(errorOf(unknown).message).toBe('The user with this id does not exist in the system');
    const user = await makeUser(server);
    dataOf(await server.gql(DELETE, { id: String(user.id) }, adminToken));
    expect(codeOf(await server.gql(DELETE, { id: String(user.id) }, adminToken))).toBe('NOT_FOUND');
  });

  it.each(['abc', '0', '-1', '1.5'])('refuses the id %j with BAD_USER_INPUT', async (id) => {
    expect(codeOf(await server.gql(DELETE, { id }, adminToken))).toBe('BAD_USER_INPUT');
  });
});

describe('the last-admin rule', () => {
  /** Leaves the signed-in first admin as the only admin. */
  async function makeFirstAdminTheOnlyOne() {
    const all = dataOf(await listUsers({ limit: 1000 })).users;
    expect(all.total).toBeLessThanOrEqual(1000);
    for (const u of all.items) {
      if (u.id !== adminId && u.roles.includes('ADMIN')) dataOf(await updateUser(u.id, { roles: ['USER'] }));
    }
    const admins = dataOf(await listUsers({ limit: 1000 })).users.items.filter((u) => u.roles.includes('ADMIN'));
    expect(admins.map((u) => u.id)).toEqual([adminId]);
  }

  it('refuses to delete the only admin with LAST_ADMIN, and the admin stays', async () => {
    await makeFirstAdminTheOnlyOne();
    const before = await storedUser(adminId);
    const res = await server.gql(DELETE, { id: adminId }, adminToken);
    const error = errorOf(res);
    expect(error.extensions.code).toBe('LAST_ADMIN');
    expect(error.message).toMatch(/admin/i);
    expect(await storedUser(adminId)).toEqual(before);
  });

  it('refuses to take ADMIN from the only admin with LAST_ADMIN, and changes nothing', async () => {
    await makeFirstAdminTheOnlyOne();
    const before = await storedUser(adminId);
    for (const input of [{ roles: ['USER'] }, { roles: ['USER'], name: 'Demoted Admin', notificationPreferences: { ui: false } }]) {
      const res = await updateUser(adminId, input);
      expect(codeOf(res)).toBe('LAST_ADMIN');
      expect(await storedUser(adminId)).toEqual(before);
    }
  });

  it('lets the only admin keep ADMIN while changing other fields', async () => {
    await makeFirstAdminTheOnlyOne();
    const updated = dataOf(await updateUser(adminId, { roles: ['ADMIN', 'USER'], name: 'First Admin' })).updateUser;
    expect([...updated.roles].sort()).toEqual(['ADMIN', 'USER']);
    const back = dataOf(await updateUser(adminId, { roles: ['ADMIN'] })).updateUser;
    expect(back.roles).toEqual(['ADMIN']);
  });

  it('lets one of two admins be demoted, then refuses the other', async () => {
    await makeFirstAdminTheOnlyOne();
    const second = await makeAdmin(server);
    const demoted = dataOf(await updateUser(second.id, { roles: ['USER'] })).updateUser;
    expect(demoted.roles).toEqual(['USER']);
    expect(codeOf(await updateUser(adminId, { roles: ['USER'] }))).toBe('LAST_ADMIN');
  });

  it('lets one of two admins be deleted, then refuses the other', async () => {
    await makeFirstAdminTheOnlyOne();
    const second = await makeAdmin(server);
    expect(dataOf(await server.gql<{ deleteUser: string }>(DELETE, { id: String(second.id) }, adminToken)).deleteUser).toBe(String(second.id));
    expect(codeOf(await server.gql(DELETE, { id: adminId }, adminToken))).toBe('LAST_ADMIN');
  });

  it('lets an admin delete themselves while another admin remains', async () => {
    await makeFirstAdminTheOnlyOne();
    const second = await makeAdmin(server);
    const secondToken = await login(server, second.email);
    const third = await makeAdmin(server);
    dataOf(await server.gql(DELETE, { id: String(third.id) }, secondToken));
    // two admins remain (first and second): second may delete their own account
    const res = await server.gql<{ deleteUser: string }>(DELETE, { id: String(second.id) }, secondToken);
    expect(dataOf(res).deleteUser).toBe(String(second.id));
    expect(codeOf(await server.gql(DELETE, { id: adminId }, adminToken))).toBe('LAST_ADMIN');
  });

  it('always lets a non-admin be deleted, even while there is one admin', async () => {
    await makeFirstAdminTheOnlyOne();
    const user = await makeUser(server);
    const res = await server.gql<{ deleteUser: string }>(DELETE, { id: String(user.id) }, adminToken);
    expect(dataOf(res).deleteUser).toBe(String(user.id));
  });

  it('always lets a non-admin change roles, even while there is one admin', async () => {
    await makeFirstAdminTheOnlyOne();
    const user = await makeUser(server);
    expect(dataOf(await updateUser(user.id, { roles: ['USER'], name: 'Still User' })).updateUser.roles).toEqual(['USER']);
  });

  it('keeps one admin when the last two are demoted at the same time', async () => {
    await makeFirstAdminTheOnlyOne();
    const second = await makeAdmin(server);
    const results = await Promise.all([updateUser(second.id, { roles: ['USER'] }), updateUser(adminId, { roles: ['USER'] })]);
    const codes = results.map((r) => r.errors?.[0]?.extensions.code ?? 'OK');
    expect([...codes].sort()).toEqual(['LAST_ADMIN', 'OK']);
    const admins = dataOf(await listUsers({ limit: 1000 }, codes[1] === 'OK' ? await login(server, second.email) : adminToken)).users.items.filter((u) =>
      u.roles.includes('ADMIN'),
    );
    expect(admins).toHaveLength(1);
    // restore: the first admin is the admin the rest of the file signs in as
    if (codes[1] === 'OK') {
      const secondToken = await login(server, second.email);
      dataOf(await updateUser(adminId, { roles: ['ADMIN'] }, secondToken));
      dataOf(await updateUser(second.id, { roles: ['USER'] }, secondToken));
    }
  });
});

describe('access to the users API', () => {
  const adminOnly = (ids: { user: string; other: string }) => [
    { name: 'users', query: USERS, variables: {} },
    { name: 'createUser', query: CREATE, variables: { input: validInput() } },
    { name: 'updateUser', query: UPDATE, variables: { id: ids.other, input: { name: 'Hijacked' } } },
    { name: 'updateUser (own id)', query: UPDATE, variables: { id: ids.user, input: { roles: ['ADMIN'] } } },
    { name: 'deleteUser', query: DELETE, variables: { id: ids.other } },
  ];

  it('gives FORBIDDEN to a USER on every admin-only operation, and changes nothing', async () => {
    const { user, token } = await signedIn(server);
    const other = await makeUser(server);
    const ids = { user: String(user.id), other: String(other.id) };
    const beforeCount = await countUsers();
    const beforeOther = await storedUser(other.id);
    const beforeSelf = await storedUser(user.id);
    for (const op of adminOnly(ids)) {
      const res = await server.gql(op.query, op.variables, token);
      expect(codeOf(res), op.name).toBe('FORBIDDEN');
      expect(res.data ?? null, op.name).toBeNull();
    }
    expect(await countUsers()).toBe(beforeCount);
    expect(await storedUser(other.id)).toEqual(beforeOther);
    expect(await storedUser(user.id)).toEqual(beforeSelf);
  });

  it('gives UNAUTHENTICATED to an anonymous caller on every admin-only operation, and changes nothing', async () => {
    const other = await makeUser(server);
    const ids = { user: String(other.id), other: String(other.id) };
    const beforeCount = await countUsers();
    const beforeOther = await storedUser(other.id);
    for (const op of adminOnly(ids)) {
      const res = await server.gql(op.query, op.variables);
      expect(codeOf(res), op.name).toBe('UNAUTHENTICATED');
    }
    expect(await countUsers()).toBe(beforeCount);
    expect(await storedUser(other.id)).toEqual(beforeOther);
  });

  it('gives UNAUTHENTICATED for a malformed token', async () => {
    const res = await server.gql(USERS, {}, 'not-a-token');
    expect(codeOf(res)).toBe('UNAUTHENTICATED');
  });

  it('reads roles from the database on each request: a demoted admin loses access at once', async () => {
    const admin = await makeAdmin(server);
    const token = await login(server, admin.email);
    expect(dataOf(await listUsers({ limit: 1 }, token)).users.limit).toBe(1);
    dataOf(await updateUser(admin.id, { roles: ['USER'] }));
    expect(codeOf(await listUsers({ limit: 1 }, token))).toBe('FORBIDDEN');
  });
});

describe('me', () => {
  it('returns the signed-in USER', async () => {
    const client = await makeClient(server);
    const { user, token } = await signedIn(server, { clientIds: [client.id] });
    const me = dataOf(await server.gql<{ me: UserJson }>(ME, {}, token)).me;
    expect(me).toMatchObject({ id: String(user.id), email: user.email, name: user.name, roles: ['USER'], clients: [{ id: String(client.id), name: client.name }] });
    expect(me.lastLoginAt).not.toBeNull();
  });

  it('returns the signed-in ADMIN', async () => {
    const me = dataOf(await server.gql<{ me: UserJson }>(ME, {}, adminToken)).me;
    expect(me.id).toBe(adminId);
    expect(me.roles).toContain('ADMIN');
  });

  it('gives UNAUTHENTICATED to an anonymous caller', async () => {
    expect(codeOf(await server.gql(ME, {}))).toBe('UNAUTHENTICATED');
  });
});

describe('updateMe', () => {
  const updateMe = (input: Record<string, unknown>, token: string) => server.gql<{ updateMe: UserJson }>(UPDATE_ME, { input }, token);

  it('changes the caller name (trimmed) and merges notification preferences', async () => {
    const { user, token } = await signedIn(server, { notificationPreferences: { email: true, ui: true } });
    const updated = dataOf(await updateMe({ name: '  Self Named  ', notificationPreferences: { email: false } }, token)).updateMe;
    expect(updated).toMatchObject({ id: String(user.id), name: 'Self Named', email: user.email, roles: ['USER'], notificationPreferences: { email: false, ui: true } });
    const again = dataOf(await updateMe({ notificationPreferences: { ui: false } }, token)).updateMe;
    expect(again.notificationPreferences).toEqual({ email: false, ui: false });
    expect(again.name).toBe('Self Named');
    expect(await storedUser(user.id)).toEqual(again);
  });

  it('works for an ADMIN too', async () => {
    const admin = await makeAdmin(server);
    const token = await login(server, admin.email);
    const updated = dataOf(await updateMe({ name: 'Admin Self' }, token)).updateMe;
    expect(updated.name).toBe('Admin Self');
    expect(updated.roles).toEqual(['ADMIN']);
    dataOf(await server.gql(DELETE, { id: String(admin.id) }, adminToken));
  });

  it('refuses a bad name with fields.name and changes nothing', async () => {
    const { user, token } = await signedIn(server);
    const before = await storedUser(user.id);
    const res = await updateMe({ name: '   ', notificationPreferences: { ui: false } }, token);
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(res)).toHaveProperty('name');
    expect(await storedUser(user.id)).toEqual(before);
  });

  it('refuses a new password without currentPassword with fields.currentPassword', async () => {
    const { user, token } = await signedIn(server);
    const res = await updateMe({ password: 'another secret' }, token);
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(res)).toHaveProperty('currentPassword');
    expect((await server.gql(LOGIN, { email: user.email, password: DEFAULT_PASSWORD })).errors).toBeUndefined();
  });

  it('refuses a new password with a wrong currentPassword with fields.currentPassword, and changes nothing', async () => {
    const { user, token } = await signedIn(server);
    const before = await storedUser(user.id);
    const res = await updateMe({ password: 'another secret', currentPassword: 'not the password', name: 'Changed Anyway' }, token);
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(res)).toHaveProperty('currentPassword');
    expect(await storedUser(user.id)).toEqual(before);
    expect(codeOf(await server.gql(LOGIN, { email: user.email, password: 'another secret' }))).toBe('UNAUTHENTICATED');
  });

  it('refuses a too-short new password with fields.password even with the right currentPassword', async () => {
    const { token } = await signedIn(server);
    const res = await updateMe({ password: 'short', currentPassword: DEFAULT_PASSWORD }, token);
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(res)).toHaveProperty('password');
  });

  it('with the right currentPassword: the new password logs in, the old one does not, old tokens are revoked', async () => {
    const { user, token } = await signedIn(server);
    const res = await updateMe({ password: 'my new passphrase', currentPassword: DEFAULT_PASSWORD }, token);
    expect(dataOf(res).updateMe.id).toBe(String(user.id));
    const fresh = await server.gql<{ login: { token: string } }>(LOGIN, { email: user.email, password: 'my new passphrase' });
    expect(dataOf(fresh).login.token).toMatch(/\S/);
    expect(codeOf(await server.gql(LOGIN, { email: user.email, password: DEFAULT_PASSWORD }))).toBe('UNAUTHENTICATED');
    expect(codeOf(await server.gql(ME, {}, token))).toBe('UNAUTHENTICATED');
    expect(dataOf(await server.gql<{ me: UserJson }>(ME, {}, fresh.data!.login.token)).me.id).toBe(String(user.id));
  });

  it('gives UNAUTHENTICATED to an anonymous caller', async () => {
    expect(codeOf(await server.gql(UPDATE_ME, { input: { name: 'Nobody' } }))).toBe('UNAUTHENTICATED');
  });
});
