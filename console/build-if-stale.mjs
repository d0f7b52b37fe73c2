#!/usr/bin/env node
/**
 * Builds the admin console into console/build when the build is missing or older than anything it
 * is made from. Run by `npm install` (prepare), `npm start` (prestart) and the browser tests, so
 * that the server always serves a console matching the sources. `--force` always builds.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const consoleDir = dirname(fileURLToPath(import.meta.url));
const root = dirname(consoleDir);
const stamp = join(consoleDir, 'build', '.built');

/** What the build is made of: the console, the server's pure constants it imports, the lock file. */
const SOURCES = [
  join(consoleDir, 'src'),
  join(consoleDir, 'static'),
  join(consoleDir, 'svelte.config.js'),
  join(consoleDir, 'vite.config.ts'),
  join(consoleDir, 'build-if-stale.mjs'),
  join(root, 'server', 'domain'),
  join(root, 'package-lock.json'),
];

function newest(path) {
  if (!existsSync(path)) return 0;
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let latest = stats.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

const force = process.argv.includes('--force');
const builtAt = existsSync(stamp) && existsSync(join(consoleDir, 'build', 'index.html')) ? statSync(stamp).mtimeMs : 0;
if (!force && builtAt > 0 && builtAt >= Math.max(...SOURCES.map(newest))) {
  console.log('Admin console: the build is up to date (console/build).');
  process.exit(0);
}

let vite;
try {
  vite = join(dirname(createRequire(join(root, 'package.json')).resolve('vite/package.json')), 'bin', 'vite.js');
} catch {
  console.error('Admin console: vite is not installed; run `npm install` first.');
  process.exit(1);
}

console.log('Admin console: building into console/build ...');
const started = Date.now();
const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: consoleDir, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
if (result.status !== 0) {
  console.error('Admin console: the build failed (see above).');
  process.exit(result.status ?? 1);
}
writeFileSync(stamp, `${new Date().toISOString()}\n`);
console.log(`Admin console: built in ${((Date.now() - started) / 1000).toFixed(1)}s.`);
