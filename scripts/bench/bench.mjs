#!/usr/bin/env node
/**
 * `npm run bench`: the API under load on PostgreSQL, against a floor server, in one run.
 *
 * Creates a fresh database on the PostgreSQL server of BENCH_DATABASE_URL (or DATABASE_URL, or the
 * local postgres://postgres@127.0.0.1:5432/postgres), lets the real server migrate it, seeds it
 * (seed.mjs), starts the real server as `npm start` does (scripts/start) and the floor
 * (floor.mjs), and drives each scenario with autocannon on loopback. Prints a markdown table; the
 * database is dropped at the end (--keep keeps it).
 *
 *   npm run bench                                   # 100,000 users, 50 connections, 3 rounds of 10 s
 *   npm run bench -- --users 20000 --rounds 1 --duration 3
 *   npm run bench -- --search-users 1000000         # then grow to 1M users and time search alone
 *   npm run bench -- --only page,get --profile      # server under --cpu-prof, profile in .bench/
 *   npm run bench -- --only import                  # importUsers of 5,000 rows, then again (no-op)
 *
 * Flags: --users N, --rounds R, --duration S, --connections C, --only a,b, --skip-floor,
 * --search-users N, --bcrypt-rounds R (default 12, the server's default), --profile, --keep.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { BENCH_ADMIN_EMAIL, BENCH_PASSWORD, LAST_NAMES, seedUsers, seededUser } from './seed.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

// ---------------------------------------------------------------------------------------------
// Options

function flag(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = process.argv[i + 1];
  return value === undefined || value.startsWith('--') ? true : value;
}
const opts = {
  users: Number(flag('users', 100_000)),
  rounds: Number(flag('rounds', 3)),
  duration: Number(flag('duration', 10)),
  connections: Number(flag('connections', 50)),
  only: flag('only', '') ? String(flag('only')).split(',') : null,
  skipFloor: flag('skip-floor', false) === true,
  searchUsers: Number(flag('search-users', 0)),
  bcryptRounds: Number(flag('bcrypt-rounds', 12)),
  profile: flag('profile', false) === true,
  keep: flag('keep', false) === true,
};
const wanted = (name) => !opts.only || opts.only.includes(name);
const baseUrl = process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

const log = (message) => process.stderr.write(`${message}\n`);
const status = (message) => process.stderr.write(`\r\x1b[K${message}`);
const fmt = (n) => Math.round(n).toLocaleString('en-US');

// Deterministic randomness (mulberry32): the same requests, in the same order, on every run.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------------------------------------
// Processes

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Spawns a server process ([command, ...args]) and resolves once its log says it listens. */
async function startProcess(label, [command, ...args], env, readyText) {
  const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c) => (output += c));
  child.stderr.on('data', (c) => (output += c));
  await new Promise((resolve, reject) => {
    const poll = setInterval(() => {
      if (output.includes(readyText)) {
        clearInterval(poll);
        resolve();
      } else if (child.exitCode !== null) {
        clearInterval(poll);
        reject(new Error(`${label} exited (${child.exitCode}):\n${output}`));
      }
    }, 25);
  });
  return {
    pid: child.pid,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

/** Resident set size of a process, in MB (VmRSS of /proc/<pid>/status). */
function rssMb(pid) {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

// ---------------------------------------------------------------------------------------------
// GraphQL

const USER_FIELDS = 'id name email roles clients { id name } notificationPreferences { email ui } createdAt updatedAt lastLoginAt';
const Q = {
  page: `query($skip: Int, $limit: Int) { users(skip: $skip, limit: $limit) { total skip limit items { ${USER_FIELDS} } } }`,
  keyset: `query($after: ID, $limit: Int) { users(after: $after, limit: $limit) { total skip limit items { ${USER_FIELDS} } } }`,
  search: `query($search: String) { users(search: $search, limit: 100) { total skip limit items { ${USER_FIELDS} } } }`,
  get: `query($id: ID!) { user(id: $id) { ${USER_FIELDS} } }`,
  me: `query { me { ${USER_FIELDS} } }`,
  login: `mutation($email: String!, $password: String!) { login(email: $email, password: $password) { token expiresAt user { ${USER_FIELDS} } } }`,
  create: `mutation($input: CreateUserInput!) { createUser(input: $input) { ${USER_FIELDS} } }`,
  apiToken: 'mutation { createApiToken(input: { name: "bench" }) { token } }',
  importUsers: 'mutation($csv: String!) { importUsers(csv: $csv) { applied created updated unchanged errors } }',
  exportUsers: 'query($search: String) { exportUsers(search: $search) }',
};

async function gql(url, query, variables, token) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors) throw new Error(`${query.slice(0, 60)}…: ${JSON.stringify(body.errors)}`);
  return body.data;
}

// ---------------------------------------------------------------------------------------------
// Load

/**
 * One scenario: `rounds` windows of `duration` seconds with autocannon, each request's variables
 * from `variables()`; the medians of the rounds. Every response is checked: a GraphQL error or a
 * non-2xx status fails the bench rather than flattering it.
 */
async function load(label, { url, query, variables, token, connections = opts.connections, duration = opts.duration, rounds = opts.rounds, pid, quiet, timeout = 10 }) {
  const results = [];
  for (let round = 1; round <= rounds; round++) {
    let rss = pid ? rssMb(pid) : NaN;
    const instance = autocannon({
      url: `${url}/graphql`,
      connections,
      duration,
      timeout,
      requests: [
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
          setupRequest: (request) => ({ ...request, body: JSON.stringify({ query, variables: variables() }) }),
        },
      ],
      verifyBody: (body) => !body.includes('"errors"'),
    });
    let seconds = 0;
    instance.on('tick', ({ counter }) => {
      seconds++;
      if (pid) rss = Math.max(rss, rssMb(pid));
      if (!quiet) status(`${label}: round ${round}/${rounds}, ${seconds}/${duration} s, ${fmt(counter)} req/s`);
    });
    const result = await instance;
    const failed = result.non2xx + result.errors + result.mismatches + result.timeouts;
    if (failed > 0) throw new Error(`${label}: ${failed} of ${result.requests.total} requests failed (non-2xx ${result.non2xx}, errors ${result.errors}, GraphQL errors ${result.mismatches}, timeouts ${result.timeouts})`);
    results.push({ rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, rss });
  }
  if (!quiet) status('');
  const median = (key) => {
    const values = results.map((r) => r[key]).sort((a, b) => a - b);
    return values[Math.floor(values.length / 2)];
  };
  const summary = { rps: median('rps'), p50: median('p50'), p99: median('p99'), rss: Math.max(...results.map((r) => r.rss)) };
  if (!quiet) log(`${label}: ${fmt(summary.rps)} req/s, p50 ${summary.p50} ms, p99 ${summary.p99} ms`);
  return summary;
}

// ---------------------------------------------------------------------------------------------
// The run

const rows = [];
const cleanup = [];

async function main() {
  const startedAt = new Date();
  const load1 = loadavg()[0];
  const dbName = `tracker_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`drop database if exists "${dbName}" with (force)`);
  await admin.query(`create database "${dbName}"`);
  const dbUrl = new URL(baseUrl);
  dbUrl.pathname = `/${dbName}`;
  const databaseUrl = dbUrl.toString();
  cleanup.push(async () => {
    if (opts.keep) log(`kept the database: ${databaseUrl}`);
    else await admin.query(`drop database if exists "${dbName}" with (force)`);
    await admin.end();
  });
  log(`database ${dbName} on ${new URL(baseUrl).host}`);

  const dataDir = mkdtempSync(join(tmpdir(), 'tracker-bench-'));
  cleanup.push(async () => rmSync(dataDir, { recursive: true, force: true }));
  const serverEnv = {
    DATABASE_URL: databaseUrl,
    JWT_SECRET: randomBytes(48).toString('base64url'),
    HOST: '127.0.0.1',
    BCRYPT_ROUNDS: String(opts.bcryptRounds),
    NODE_ENV: 'production',
    TRACKER_DATA_DIR: dataDir,
  };
  // What `npm start` runs: the bundle (built here if stale), its pid the server's for RSS. Options
  // for node go after the script.
  const serverArgs = ['sh', join(root, 'scripts', 'start')];

  // Let the server's own migrations make the schema, then seed with it stopped.
  log('migrating (the server applies its migrations)…');
  const migrating = await startProcess('server', serverArgs, { ...serverEnv, PORT: String(await freePort()) }, 'listening on');
  await migrating.stop();

  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  cleanup.unshift(() => db.end());
  let seedStart = Date.now();
  await seedUsers(db, { from: 1, to: opts.users, rounds: opts.bcryptRounds, progress: (n) => status(`seeding users: ${fmt(n)}/${fmt(opts.users)}`) });
  status('seeding: vacuum analyze');
  await db.query('vacuum analyze');
  status('');
  const counts = (await db.query(`select (select count(*) from users)::int as users, (select count(*) from clients)::int as clients, (select count(*) from user_clients)::int as links`)).rows[0];
  log(`seeded ${fmt(counts.users)} users, ${fmt(counts.clients)} clients, ${fmt(counts.links)} access-list entries in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`);

  // The real server, fresh.
  const port = await freePort();
  const profileDir = join(root, '.bench', 'profiles');
  if (opts.profile) mkdirSync(profileDir, { recursive: true });
  const server = await startProcess(
    'server',
    [...serverArgs, ...(opts.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])],
    { ...serverEnv, PORT: String(port) },
    'listening on',
  );
  cleanup.unshift(() => server.stop());
  const url = `http://127.0.0.1:${port}`;
  const startRss = rssMb(server.pid);
  const { login } = await gql(url, Q.login, { email: BENCH_ADMIN_EMAIL, password: BENCH_PASSWORD });
  const token = login.token;
  // A few requests of each kind, then rest: what a server that has answered some traffic holds.
  for (let i = 0; i < 20; i++) {
    await gql(url, Q.page, { skip: i * 100, limit: 100 }, token);
    await gql(url, Q.get, { id: String(i + 2) }, token);
    await gql(url, Q.me, {}, token);
  }
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const idleRss = rssMb(server.pid);
  log(`server: pid ${server.pid}, RSS ${startRss.toFixed(0)} MB at start, ${idleRss.toFixed(0)} MB idle after warm-up`);

  let floor;
  let floorSameSql;
  if (!opts.skipFloor) {
    const floorPort = await freePort();
    floor = await startProcess('floor', [process.execPath, 'scripts/bench/floor.mjs'], { DATABASE_URL: databaseUrl, PORT: String(floorPort) }, 'listening');
    floor.url = `http://127.0.0.1:${floorPort}`;
    cleanup.unshift(() => floor.stop());
    const samePort = await freePort();
    floorSameSql = await startProcess('floor (server SQL)', [process.execPath, 'scripts/bench/floor.mjs', '--sql', 'server'], { DATABASE_URL: databaseUrl, PORT: String(samePort) }, 'listening');
    floorSameSql.url = `http://127.0.0.1:${samePort}`;
    cleanup.unshift(() => floorSameSql.stop());
    // The floor must answer what the server answers, byte for byte.
    for (const [query, variables] of [
      [Q.page, { skip: 12_345 % opts.users, limit: 100 }],
      [Q.get, { id: '777' }],
    ]) {
      const fromServer = JSON.stringify(await gql(url, query, variables, token));
      const fromFloor = JSON.stringify(await gql(floor.url, query, variables));
      const fromSame = JSON.stringify(await gql(floorSameSql.url, query, variables));
      if (fromServer !== fromFloor || fromServer !== fromSame) {
        throw new Error(`the floor's answer differs from the server's for ${JSON.stringify(variables)}:\n${fromServer.slice(0, 400)}\n${fromFloor.slice(0, 400)}`);
      }
    }
  }

  const random = rng(7);
  const randomId = () => String(2 + Math.floor(random() * (opts.users - 1)));
  const randomSkip = () => Math.floor(random() * Math.max(1, opts.users - 100));
  const selectiveSearch = () => {
    const id = 2 + Math.floor(random() * (opts.users - 1));
    return seededUser(id).email.split('@')[0].split('.').slice(1).join('.'); // "okafor.12345"
  };
  const commonSearch = () => LAST_NAMES[Math.floor(random() * LAST_NAMES.length)].toLowerCase().slice(1, 6); // "kafor"

  const add = (scenario, server, floorResult, note = '', key = '') => rows.push({ scenario, server, floor: floorResult, note, key });

  if (wanted('page')) {
    const v = () => ({ skip: randomSkip(), limit: 100 });
    const s = await load('users page, server', { url, query: Q.page, variables: v, token, pid: server.pid });
    const f = floor && (await load('users page, floor', { url: floor.url, query: Q.page, variables: v, pid: floor.pid }));
    add('users page (limit 100, random skip, clients, total)', s, f, '', 'page');
    if (floorSameSql) {
      const same = await load('users page, floor with the server SQL', { url: floorSameSql.url, query: Q.page, variables: v, pid: floorSameSql.pid });
      add('users page: server vs a floor using the server SQL', s, same, 'same statement shape: what the stack costs');
    }
  }
  if (wanted('get')) {
    const v = () => ({ id: randomId() });
    const s = await load('user(id), server', { url, query: Q.get, variables: v, token, pid: server.pid });
    const f = floor && (await load('user(id), floor', { url: floor.url, query: Q.get, variables: v, pid: floor.pid }));
    add('user(id) (random id)', s, f, '', 'get');
  }
  if (wanted('get-api-token')) {
    // The same requests signed with an API token (trk_…) instead of a sign-in's JWT.
    const { createApiToken } = await gql(url, Q.apiToken, {}, token);
    const s = await load('user(id), API token', { url, query: Q.get, variables: () => ({ id: randomId() }), token: createApiToken.token, pid: server.pid });
    const session = rows.find((r) => r.key === 'get')?.server;
    add('user(id) with an API token', s, undefined, session ? `${(s.rps / session.rps).toFixed(2)}× user(id) with a session` : '', 'get-api-token');
  }
  if (wanted('me')) add('me', await load('me', { url, query: Q.me, variables: () => ({}), token, pid: server.pid }));
  if (wanted('search')) {
    add(`users(search:) selective, e.g. "${selectiveSearch()}"`, await load('search, selective', { url, query: Q.search, variables: () => ({ search: selectiveSearch() }), token, pid: server.pid }));
    add(`users(search:) common, e.g. "${commonSearch()}" (1/60 match)`, await load('search, common', { url, query: Q.search, variables: () => ({ search: commonSearch() }), token, pid: server.pid }));
  }
  if (wanted('keyset')) {
    const end = Math.max(1, opts.users - 100);
    const first = await load('keyset page at the start', { url, query: Q.keyset, variables: () => ({ after: '1', limit: 100 }), token, pid: server.pid });
    const last = await load('keyset page at the end', { url, query: Q.keyset, variables: () => ({ after: String(end), limit: 100 }), token, pid: server.pid });
    add('users(after:) keyset page at the start', first);
    add(`users(after: "${end}") keyset page at the end`, last, undefined, `${(last.rps / first.rps).toFixed(2)}× the start's req/s`);
    const offsetFirst = await load('offset page at the start', { url, query: Q.page, variables: () => ({ skip: 0, limit: 100 }), token, pid: server.pid });
    const offsetLast = await load('offset page at the end', { url, query: Q.page, variables: () => ({ skip: end, limit: 100 }), token, pid: server.pid });
    add('users(skip: 0) offset page at the start', offsetFirst);
    add(`users(skip: ${end}) offset page at the end`, offsetLast, undefined, `${(offsetLast.rps / offsetFirst.rps).toFixed(2)}× the start's req/s`);
  }
  let loginVariables;
  {
    const r = rng(11);
    loginVariables = () => ({ email: seededUser(2 + Math.floor(r() * (opts.users - 1))).email, password: BENCH_PASSWORD });
  }
  // bcrypt-bound: 20 at once (four run on libuv's threads, the rest queue), and time to queue.
  const BCRYPT_CONNECTIONS = 20;
  if (wanted('login')) {
    add(`login (bcrypt cost ${opts.bcryptRounds}), ${BCRYPT_CONNECTIONS} connections`, await load('login', { url, query: Q.login, variables: loginVariables, connections: BCRYPT_CONNECTIONS, timeout: 60, pid: server.pid }));
  }
  if (wanted('create')) {
    let n = 0;
    const run = randomBytes(3).toString('hex');
    const v = () => ({ input: { name: `Bench Created ${++n}`, email: `bench-${run}-${n}@example.com`, password: BENCH_PASSWORD, clientIds: [String(1 + (n % 1000))] } });
    add(`createUser (bcrypt cost ${opts.bcryptRounds}), ${BCRYPT_CONNECTIONS} connections`, await load('createUser', { url, query: Q.create, variables: v, token, connections: BCRYPT_CONNECTIONS, timeout: 60, pid: server.pid }));
  }
  if (wanted('me-under-login')) {
    // A trivial request's latency while 20 logins (bcrypt) are in flight at once.
    const logins = load('login ×20', { url, query: Q.login, variables: loginVariables, connections: 20, timeout: 60, pid: server.pid, quiet: true });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const me = await load('me while 20 logins run', { url, query: Q.me, variables: () => ({}), token, connections: 1, duration: opts.duration - 1, pid: server.pid });
    const l = await logins;
    add('me, one connection, while 20 logins run at once', me, undefined, `logins meanwhile: ${fmt(l.rps)}/s, p99 ${l.p99} ms`, 'me-under-login');
  }

  // Bulk import (importUsers): one file of 5,000 rows, mostly new emails (each invited, its email
  // queued) and some existing users renamed, then the same file again, which changes nothing.
  let imports;
  if (wanted('import')) {
    const run = randomBytes(3).toString('hex');
    const clientNames = (await gql(url, 'query { clients { name } }', {}, token)).clients.slice(0, 3).map((c) => c.name);
    const existing = Array.from({ length: 100 }, (_, i) => seededUser(2 + i)).map((u, i) => `Renamed In Import ${i},${u.email},user,${clientNames[i % 3]},`);
    const fresh = Array.from({ length: 4900 }, (_, i) => `Imported Person ${i},import-${run}-${i}@example.com,user,${clientNames.join(';')},`);
    const csv = `name,email,roles,clients,status\r\n${[...existing, ...fresh].join('\r\n')}\r\n`;
    const timed = async (label, query, variables) => {
      status(`${label}…`);
      const started = process.hrtime.bigint();
      const data = await gql(url, query, variables, token);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      status('');
      log(`${label}: ${fmt(ms)} ms`);
      return { ms, data };
    };
    const first = await timed('importUsers, 5,000 rows (4,900 new, 100 renamed)', Q.importUsers, { csv });
    const again = await timed('importUsers, the same file again (nothing to change)', Q.importUsers, { csv });
    const exported = await timed('exportUsers, the imported users', Q.exportUsers, { search: `import-${run}-` });
    if (first.data.importUsers.created !== 4900 || again.data.importUsers.unchanged !== 5000) throw new Error(`the import did not do what it should: ${JSON.stringify([first.data, again.data])}`);
    imports = { first, again, exported, bytes: Buffer.byteLength(csv), rows: exported.data.exportUsers.trimEnd().split('\r\n').length - 1 };
  }

  await new Promise((resolve) => setTimeout(resolve, 3000));
  const afterRss = rssMb(server.pid);
  // V8 keeps the heap a load grew until its memory reducer sees the process idle (tens of
  // seconds): wait for that, up to a minute, to report what the server settles back to, and
  // what it holds 10 s after the load (a target).
  const settled = { rss: afterRss, seconds: 3, at10: NaN };
  while ((settled.rss > idleRss * 1.15 || settled.seconds < 10) && settled.seconds < 60) {
    status(`server RSS after the load: ${fmt(settled.rss)} MB at ${settled.seconds} s; waiting for it to settle…`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    settled.seconds += 1;
    settled.rss = rssMb(server.pid);
    if (settled.seconds === 10) settled.at10 = settled.rss;
  }

  // The operator CLI: ./scripts/user get 1, wall time, on this database.
  let cli;
  if (wanted('cli')) {
    const cliEnv = { ...process.env, ...serverEnv };
    delete cliEnv.PORT;
    const run = () => {
      const started = process.hrtime.bigint();
      const result = spawnSync(join(root, 'scripts', 'user'), ['get', '1'], { cwd: root, env: cliEnv, encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`./scripts/user get 1 failed: ${result.stderr}`);
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    run(); // the bundle is built once, and the OS caches filled
    const times = [];
    for (let i = 0; i < 7; i++) {
      times.push(run());
      status(`./scripts/user get 1: ${i + 1}/7`);
    }
    status('');
    times.sort((a, b) => a - b);
    cli = { median: times[3], max: times[6] };
  }

  report({ startedAt, load1, counts, startRss, idleRss, afterRss, settled, cli, imports });

  // Search at 1M users (or --search-users N): grow the same database, then time search alone.
  let bigSearch;
  if (opts.searchUsers > opts.users) {
    await server.stop();
    seedStart = Date.now();
    // After the users createUser added: seeded users keep the names their ids give them.
    const next = (await db.query('select max(id)::int + 1 as next from users')).rows[0].next;
    await seedUsers(db, { from: next, to: opts.searchUsers, rounds: opts.bcryptRounds, progress: (n) => status(`seeding users: ${fmt(n)}/${fmt(opts.searchUsers)}`) });
    status('seeding: vacuum analyze');
    await db.query('vacuum analyze');
    status('');
    log(`grew to ${fmt(opts.searchUsers)} users in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`);
    const big = await startProcess('server', serverArgs, { ...serverEnv, PORT: String(port) }, 'listening on');
    cleanup.unshift(() => big.stop());
    const bigToken = (await gql(url, Q.login, { email: BENCH_ADMIN_EMAIL, password: BENCH_PASSWORD })).login.token;
    const r = rng(13);
    const selective = () => {
      const id = 2 + Math.floor(r() * (opts.searchUsers - 1));
      return seededUser(id).email.split('@')[0].split('.').slice(1).join('.');
    };
    const common = () => LAST_NAMES[Math.floor(r() * LAST_NAMES.length)].toLowerCase().slice(1, 6);
    for (let i = 0; i < 20; i++) await gql(url, Q.search, { search: selective() }, bigToken);
    bigSearch = {
      selective1: await load(`search at ${fmt(opts.searchUsers)}, selective, 1 connection`, { url, query: Q.search, variables: () => ({ search: selective() }), token: bigToken, connections: 1, pid: big.pid }),
      selective: await load(`search at ${fmt(opts.searchUsers)}, selective`, { url, query: Q.search, variables: () => ({ search: selective() }), token: bigToken, pid: big.pid }),
      common1: await load(`search at ${fmt(opts.searchUsers)}, common, 1 connection`, { url, query: Q.search, variables: () => ({ search: common() }), token: bigToken, connections: 1, pid: big.pid }),
    };
  }

  if (bigSearch) reportSearch(bigSearch);
}

function report({ startedAt, load1, counts, startRss, idleRss, afterRss, settled, cli, imports }) {
  const ratio = (a, b) => (b ? ` (${(a / b).toFixed(2)}×)` : '');
  const ms = (v) => (v < 10 ? v.toFixed(1) : fmt(v));
  const out = [];
  out.push('');
  out.push(
    `${fmt(counts.users)} users, ${fmt(counts.clients)} clients, ${fmt(counts.links)} access-list entries; ${opts.connections} connections, ` +
      `${opts.rounds} × ${opts.duration} s windows (medians); ${cpus().length} cores (${cpus()[0].model.trim()}), ${fmt(totalmem() / 2 ** 30)} GiB, ` +
      `Node ${process.version}; load average ${load1.toFixed(2)} at start, ${loadavg()[0].toFixed(2)} at end; ${startedAt.toISOString()}`,
  );
  out.push('');
  out.push('Ratios are to the floor (node:http + pg, one SQL statement per request) in the same run: above 1 is better for req/s, below 1 is better for latency and RSS.');
  out.push('');
  out.push('| scenario | req/s | p50 ms | p99 ms | RSS MB | floor req/s | note |');
  out.push('| --- | --- | --- | --- | --- | --- | --- |');
  for (const { scenario, server: s, floor: f, note } of rows) {
    out.push(
      `| ${scenario} | ${fmt(s.rps)}${ratio(s.rps, f?.rps)} | ${ms(s.p50)}${ratio(s.p50, f?.p50)} | ${ms(s.p99)}${ratio(s.p99, f?.p99)} | ${fmt(s.rss)}${ratio(s.rss, f?.rss)} | ${f ? fmt(f.rps) : '—'} | ${note} |`,
    );
  }
  out.push('');
  const back = settled.seconds > 10 ? `, ${fmt(settled.rss)} MB ${settled.seconds} s after it` : '';
  out.push(`Server RSS: ${fmt(startRss)} MB at start, ${fmt(idleRss)} MB idle after warm-up, ${fmt(afterRss)} MB idle 3 s after the load, ${fmt(settled.at10)} MB 10 s after it${back}.`);
  out.push(...targets(settled));
  if (cli) out.push(`\`./scripts/user get 1\` on this database: median ${fmt(cli.median)} ms, max ${fmt(cli.max)} ms wall (7 runs).`);
  if (imports) {
    const i = imports.first.data.importUsers;
    out.push(
      `importUsers of ${fmt(imports.bytes / 1024)} KiB, 5,000 rows: ${fmt(imports.first.ms)} ms applying it (${fmt(i.created)} invited, ${fmt(i.updated)} updated), ` +
        `${fmt(imports.again.ms)} ms for the same file again (all unchanged); exportUsers of those ${fmt(imports.rows)} users: ${fmt(imports.exported.ms)} ms.`,
    );
  }
  console.log(out.join('\n'));
}

/** The performance targets (README, Performance) against this run: met, or missed and by how much. */
function targets(settled) {
  const row = (key) => rows.find((r) => r.key === key);
  const lines = [];
  const check = (what, ok, figures) => lines.push(`| ${what} | ${ok === undefined ? 'not run' : ok ? '**met**' : '**missed**'} | ${figures} |`);
  const page = row('page');
  if (page?.floor) {
    const rps = page.server.rps / page.floor.rps;
    const p99 = page.server.p99 / page.floor.p99;
    check('users page: req/s ≥ 1.0× the floor and p99 ≤ 1.5× its p99', rps >= 1 && p99 <= 1.5, `${rps.toFixed(2)}× req/s, ${p99.toFixed(2)}× p99`);
  }
  const get = row('get');
  if (get?.floor) check('user(id) with a session ≥ 0.75× the floor', get.server.rps / get.floor.rps >= 0.75, `${(get.server.rps / get.floor.rps).toFixed(2)}×`);
  const api = row('get-api-token');
  if (api && get) check('user(id) with an API token within 10 % of a session', api.server.rps >= 0.9 * get.server.rps, `${(api.server.rps / get.server.rps).toFixed(2)}× the session's req/s`);
  const loaded = rows.filter((r) => Number.isFinite(r.server.rss));
  if (loaded.length) {
    const worst = loaded.reduce((a, b) => (b.server.rss > a.server.rss ? b : a));
    check('server RSS during the load ≤ 150 MB', worst.server.rss <= 150, `highest ${fmt(worst.server.rss)} MB (${worst.scenario})`);
  }
  check('server RSS back under 150 MB within 10 s of the load', Number.isFinite(settled.at10) ? settled.at10 <= 150 : undefined, `${fmt(settled.at10)} MB at 10 s`);
  const me = row('me-under-login');
  if (me) check('me p99 under 20 ms while 20 logins run', me.server.p99 < 20, `p99 ${me.server.p99} ms`);
  return lines.length ? ['', '| target | result | figures |', '| --- | --- | --- |', ...lines] : [];
}

function reportSearch(bigSearch) {
  const ms = (v) => (v < 10 ? v.toFixed(1) : fmt(v));
  const out = [];
  {
    out.push('');
    out.push(`users(search:) at ${fmt(opts.searchUsers)} users (pg_trgm GIN index on name and email):`);
    out.push('');
    out.push('| search | connections | req/s | p50 ms | p99 ms |');
    out.push('| --- | --- | --- | --- | --- |');
    out.push(`| selective (an email fragment, "okafor.12345") | 1 | ${fmt(bigSearch.selective1.rps)} | ${ms(bigSearch.selective1.p50)} | ${ms(bigSearch.selective1.p99)} |`);
    out.push(`| selective | ${opts.connections} | ${fmt(bigSearch.selective.rps)} | ${ms(bigSearch.selective.p50)} | ${ms(bigSearch.selective.p99)} |`);
    out.push(`| common (a surname fragment, ~1/60 of users match; total counts them all) | 1 | ${fmt(bigSearch.common1.rps)} | ${ms(bigSearch.common1.p50)} | ${ms(bigSearch.common1.p99)} |`);
  }
  console.log(out.join('\n'));
}

async function runCleanup() {
  for (const step of cleanup.splice(0)) await step().catch((error) => log(`cleanup: ${error.message}`));
}

process.on('SIGINT', () => {
  log('\ninterrupted: stopping servers and dropping the database');
  runCleanup().finally(() => process.exit(130));
});

main()
  .catch((error) => {
    status('');
    log(`bench failed: ${error.stack ?? error}`);
    process.exitCode = 1;
  })
  .finally(runCleanup);
