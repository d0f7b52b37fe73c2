import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PASSWORD, makeUser } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * The browser session (README: Using the API, `login`, `logout`, and Security, "The browser
 * session"): login also sets an httpOnly cookie carrying the token, which stands in for the Bearer
 * header when there is none; logout clears it.
 */

const LOGIN = 'mutation($email: String!, $password: String!) { login(email: $email, password: $password) { token expiresAt user { id } } }';
const LOGOUT = 'mutation { logout }';
const ME = '{ me { id email } }';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ jwtExpiresInSeconds: 3600 });
});

afterAll(async () => {
  await server?.close();
});

interface Answer {
  status: number;
  body: any;
  setCookie: string[];
}

async function post(query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: await response.json(), setCookie: response.headers.getSetCookie() };
}

/** The cookie's attributes, by lower-case name; the first entry is the value. */
function parseCookie(header: string): { name: string; value: string; attributes: Map<string, string> } {
  const [pair, ...rest] = header.split(';').map((part) => part.trim());
  const eq = pair!.indexOf('=');
  const attributes = new Map<string, string>();
  for (const attr of rest) {
    const at = attr.indexOf('=');
    attributes.set((at < 0 ? attr : attr.slice(0, at)).toLowerCase(), at < 0 ? '' : attr.slice(at + 1));
  }
  return { name: pair!.slice(0, eq), value: pair!.slice(eq + 1), attributes };
}

async function signIn(email: string): Promise<{ cookie: string; token: string; expiresAt: string; header: string }> {
  const res = await post(LOGIN, { email, password: DEFAULT_PASSWORD });
  expect(res.body.errors).toBeUndefined();
  expect(res.setCookie).toHaveLength(1);
  const parsed = parseCookie(res.setCookie[0]!);
  return { cookie: `${parsed.name}=${parsed.value}`, token: res.body.data.login.token, expiresAt: res.body.data.login.expiresAt, header: res.setCookie[0]! };
}

describe('login', () => {
  it('sets an httpOnly, SameSite=Strict session cookie on / that carries the token and lasts as long as it', async () => {
    const user = await makeUser(server);
    const { header, token, expiresAt } = await signIn(user.email);
    const cookie = parseCookie(header);
    expect(cookie.name).toBe('tracker_session');
    expect(cookie.value).toBe(token);
    expect(cookie.attributes.has('httponly')).toBe(true);
    expect(cookie.attributes.get('samesite')).toBe('Strict');
    expect(cookie.attributes.get('path')).toBe('/');
    const maxAge = Number(cookie.attributes.get('max-age'));
    const lifetime = (Date.parse(expiresAt) - Date.now()) / 1000;
    expect(Math.abs(maxAge - lifetime)).toBeLessThanOrEqual(2);
    expect(maxAge).toBeGreaterThan(3500);
  });

  it('marks the cookie Secure when the request came over HTTPS (through a proxy), and not otherwise', async () => {
    const user = await makeUser(server);
    const plain = await post(LOGIN, { email: user.email, password: DEFAULT_PASSWORD });
    expect(parseCookie(plain.setCookie[0]!).attributes.has('secure')).toBe(false);
    const proxied = await post(LOGIN, { email: user.email, password: DEFAULT_PASSWORD }, { 'x-forwarded-proto': 'https' });
    expect(parseCookie(proxied.setCookie[0]!).attributes.has('secure')).toBe(true);
  });

  it('sets no cookie when the credentials are wrong', async () => {
    const user = await makeUser(server);
    const res = await post(LOGIN, { email: user.email, password: 'not the password' });
    expect(res.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(res.setCookie).toEqual([]);
  });
});

describe('the session cookie', () => {
  it('signs the request in when there is no Authorization header', async () => {
    const user = await makeUser(server);
    const { cookie } = await signIn(user.email);
    const res = await post(ME, {}, { cookie: `theme=dark; ${cookie}` });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.me).toEqual({ id: String(user.id), email: user.email });
  });

  it('gives way to an Authorization header, which always wins', async () => {
    const first = await makeUser(server);
    const second = await makeUser(server);
    const { cookie } = await signIn(first.email);
    const { token } = await signIn(second.email);
    const res = await post(ME, {}, { cookie, authorization: `Bearer ${token}` });
    expect(res.body.data.me.id).toBe(String(second.id));
    const broken = await post(ME, {}, { cookie, authorization: 'Bearer not-a-token' });
    expect(broken.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('stops working once the password changes, like the token it carries', async () => {
    const user = await makeUser(server);
    const { cookie } = await signIn(user.email);
    await server.services.users.update(server.system(), user.id, { password: 'another long passphrase' });
    const res = await post(ME, {}, { cookie });
    expect(res.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(res.body.errors[0].message).toMatch(/no longer valid/);
  });

  it('is still held to CSRF prevention: a simple cross-site form post is refused', async () => {
    const user = await makeUser(server);
    const { cookie } = await signIn(user.email);
    const response = await fetch(`${server.url}/graphql?query=${encodeURIComponent(ME)}`, { method: 'GET', headers: { cookie } });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/CSRF/i);
  });
});

describe('logout', () => {
  it('clears the cookie, whoever asks, and the browser is signed out', async () => {
    const user = await makeUser(server);
    const { cookie } = await signIn(user.email);
    const res = await post(LOGOUT, {}, { cookie });
    expect(res.body).toEqual({ data: { logout: true } });
    expect(res.setCookie).toHaveLength(1);
    const cleared = parseCookie(res.setCookie[0]!);
    expect(cleared.name).toBe('tracker_session');
    expect(cleared.value).toBe('');
    expect(cleared.attributes.get('max-age')).toBe('0');
    expect(cleared.attributes.get('path')).toBe('/');
    expect(cleared.attributes.has('httponly')).toBe(true);

    const anonymous = await post(LOGOUT);
    expect(anonymous.body).toEqual({ data: { logout: true } });

    const after = await post(ME);
    expect(after.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it("ends the cookie's session: the same token, copied before, is refused afterwards, as a cookie and as a Bearer token", async () => {
    const user = await makeUser(server);
    const { cookie, token } = await signIn(user.email);
    await post(LOGOUT, {}, { cookie });
    expect((await post(ME, {}, { cookie })).body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await post(ME, {}, { authorization: `Bearer ${token}` })).body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('ends a Bearer token\'s session, and only that one', async () => {
    const user = await makeUser(server);
    const { token } = await signIn(user.email);
    const other = await signIn(user.email);
    await post(LOGOUT, {}, { authorization: `Bearer ${token}` });
    expect((await post(ME, {}, { authorization: `Bearer ${token}` })).body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await post(ME, {}, { authorization: `Bearer ${other.token}` })).body.data.me.id).toBe(String(user.id));
  });
});
