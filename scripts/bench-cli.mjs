#!/usr/bin/env node
/**
 * `npm run bench:cli`: how long `./scripts/user get 1` takes, wall time from start to exit, on
 * PostgreSQL (DATABASE_URL, or BENCH_DATABASE_URL) and on the embedded database (a fresh temporary
 * data directory), with and without the server holding it. Prints a markdown table.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench npm run bench:cli -- --runs 20
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runsFlag = process.argv.indexOf('--runs');
const runs = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 10;
const baseEnv = { ...process.env, BCRYPT_ROUNDS: '4' };
for (const key of ['DATABASE_URL', 'TRACKER_DATA_DIR', 'PORT']) delete baseEnv[key];
const postgresUrl = process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL;

function cli(args, env) {
  const started = process.hrtime.bigint();
  const result = spawnSync(join(root, 'scripts', 'user'), args, { cwd: root, env: { ...baseEnv, ...env }, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`./scripts/user ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  return { ms, stdout: result.stdout };
}

function ensureUser(env) {
  const list = JSON.parse(cli(['list', '--limit', '1', '--json'], env).stdout);
  if (list.items.length > 0) return list.items[0].id;
  return JSON.parse(cli(['create', '--name', 'Bench Admin', '--email', 'bench-admin@example.com', '--password', 'bench-password', '--roles', 'admin', '--json'], env).stdout).id;
}

function measure(label, env) {
  const id = String(ensureUser(env));
  cli(['get', id], env); // warm: the bundle is built and the OS caches are filled
  const times = [];
  for (let i = 0; i < runs; i++) {
    times.push(cli(['get', id], env).ms);
    process.stderr.write(`\r${label}: ${i + 1}/${runs}`);
  }
  process.stderr.write('\n');
  times.sort((a, b) => a - b);
  const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
  return { label, min: times[0], median: at(0.5), p90: at(0.9), max: times.at(-1) };
}

async function withServer(env, work) {
  // Started as `npm start` starts it (scripts/start).
  const server = spawn('sh', [join(root, 'scripts', 'start')], { cwd: root, env: { ...baseEnv, ...env, PORT: '0' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  server.stderr.on('data', (chunk) => (log += chunk));
  await new Promise((resolve, reject) => {
    const poll = setInterval(() => {
      if (log.includes('listening on')) {
        clearInterval(poll);
        resolve();
      } else if (server.exitCode !== null) {
        clearInterval(poll);
        reject(new Error(log));
      }
    }, 50);
  });
  try {
    return work();
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
  }
}

const rows = [];
if (postgresUrl) rows.push(measure('PostgreSQL', { DATABASE_URL: postgresUrl }));
else process.stderr.write('DATABASE_URL (or BENCH_DATABASE_URL) is not set: skipping PostgreSQL\n');
const dataDir = mkdtempSync(join(tmpdir(), 'tracker-bench-cli-'));
try {
  rows.push(measure('embedded, no server', { TRACKER_DATA_DIR: dataDir }));
  rows.push(await withServer({ TRACKER_DATA_DIR: dataDir }, () => measure('embedded, server running (through it)', { TRACKER_DATA_DIR: dataDir })));
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}

const f = (ms) => `${Math.round(ms)} ms`;
console.log(`\n\`./scripts/user get <id>\`, wall time over ${runs} runs (${cpus().length} cores, Node ${process.version})\n`);
console.log('| database | min | median | p90 | max |\n| --- | --- | --- | --- | --- |');
for (const r of rows) console.log(`| ${r.label} | ${f(r.min)} | ${f(r.median)} | ${f(r.p90)} | ${f(r.max)} |`);
