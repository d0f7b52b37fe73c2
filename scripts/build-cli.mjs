#!/usr/bin/env node
/**
 * Bundles the operator CLI (cli/main.ts and the server code it runs) into .build/cli.mjs, so that
 * ./scripts/user starts in a fraction of a second: one file to load instead of hundreds of
 * modules, and no TypeScript compiler at run time. ./scripts/user and ./scripts/client call this
 * by themselves whenever the bundle is missing or older than the sources; nobody needs to run it.
 */
import { mkdirSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = join(root, '.build', 'cli.mjs');
// Written aside and renamed into place: two commands building at once never read half a file.
const draft = `${outfile}.${process.pid}.tmp`;

// Native code, WebAssembly with files of its own, and the drivers that knex and MikroORM can
// require but this project never uses. Everything that touches MikroORM is bundled, so that there
// is exactly one copy of it.
const external = [
  '@node-rs/bcrypt',
  '@electric-sql/pglite',
  '@electric-sql/pglite-socket',
  'pg-native',
  'pg-query-stream',
  'mysql',
  'mysql2',
  'mariadb',
  'mariadb/callback',
  'sqlite3',
  'better-sqlite3',
  'libsql',
  'tedious',
  'oracledb',
  'ts-morph',
  '@mikro-orm/cli',
  '@mikro-orm/reflection',
  '@mikro-orm/seeder',
  '@mikro-orm/entity-generator',
  '@mikro-orm/mysql',
  '@mikro-orm/mariadb',
  '@mikro-orm/sqlite',
  '@mikro-orm/libsql',
  '@mikro-orm/better-sqlite',
  '@mikro-orm/mongodb',
  '@mikro-orm/mssql',
];

mkdirSync(dirname(outfile), { recursive: true });
await build({
  entryPoints: [join(root, 'cli', 'main.ts')],
  outfile: draft,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external,
  tsconfig: join(root, 'tsconfig.json'),
  // Bundled CommonJS packages call require(); give the ES module one.
  banner: { js: "import { createRequire as __trackerRequire } from 'node:module'; const require = __trackerRequire(import.meta.url);" },
  logLevel: 'error',
  legalComments: 'none',
});
renameSync(draft, outfile);
