#!/usr/bin/env node
/**
 * Bundles one program of this repository into a single ES module under .build/:
 *
 *   node scripts/build-bundle.mjs cli      cli/main.ts    → .build/cli.mjs     (./scripts/user, client, audit)
 *   node scripts/build-bundle.mjs server   server/main.ts → .build/server.mjs  (npm start)
 *
 * One file to load instead of hundreds of modules, and no TypeScript compiler at run time: the CLI
 * starts in a fraction of a second, and the server idles in far less memory than under tsx (whose
 * module-loader thread alone holds ~45 MB). scripts/run-cli and scripts/start call this by
 * themselves whenever a bundle is missing or older than the sources (scripts/bundle.sh); nobody
 * needs to run it. Each bundle has a linked source map (<bundle>.map) of the project's own code,
 * so that `node --enable-source-maps` turns its stack frames back into TypeScript lines.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ENTRIES = { cli: join(root, 'cli', 'main.ts'), server: join(root, 'server', 'main.ts') };

const name = process.argv[2];
if (!Object.hasOwn(ENTRIES, name)) {
  console.error(`usage: node scripts/build-bundle.mjs ${Object.keys(ENTRIES).join('|')}`);
  process.exit(2);
}
// The bundle sits one directory below the root, as the sources do (server/config.ts, server/http.ts
// find the root and the console build relative to their own file): the same paths hold in both.
const outfile = join(root, '.build', `${name}.mjs`);

// Native code, WebAssembly with files of its own, and the drivers that knex and MikroORM can
// require but this project never uses. Everything that touches MikroORM is bundled, so that there
// is exactly one copy of it.
const external = [
  '@node-rs/bcrypt',
  // Apollo hashes every operation's text with it: bundled, it cannot see that it runs in Node
  // (module.require is missing in the bundle) and falls back to sha.js, SHA-256 in JavaScript
  // (0.5 % of the server's CPU on the users page); loaded from node_modules it uses node:crypto.
  '@apollo/utils.createhash',
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
const { outputFiles } = await build({
  entryPoints: [ENTRIES[name]],
  outfile,
  write: false,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external,
  tsconfig: join(root, 'tsconfig.json'),
  // Bundled CommonJS packages call require(); give the ES module one.
  banner: { js: "import { createRequire as __trackerRequire } from 'node:module'; const require = __trackerRequire(import.meta.url);" },
  sourcemap: 'linked',
  sourcesContent: false,
  logLevel: 'error',
  legalComments: 'none',
});
const files = outputFiles.map((file) => {
  const map = file.path.endsWith('.map');
  return { path: file.path, map, text: map ? JSON.stringify(ownSourcesOnly(JSON.parse(file.text))) : asciiOnly(file.text) };
});

// Each file is written aside and renamed into place, the map before the bundle that names it: two
// commands building at once never read half a file, and a fresh bundle never has a stale map.
files.sort((a, b) => Number(b.map) - Number(a.map));
for (const file of files) {
  const draft = `${file.path}.${process.pid}.tmp`;
  writeFileSync(draft, file.text);
  renameSync(draft, file.path);
}

/**
 * The bundle in ASCII: V8 holds a script's source for as long as it runs, in one byte per
 * character when all are Latin-1 and in two otherwise, so one "—" in a comment costs the server
 * 7.6 MB. esbuild escapes strings and templates but not comments and regular expressions
 * (validator's alphabets); `\u` escapes mean the same there. A backslash before the character
 * (an identity escape in a pattern) becomes part of the new escape. Columns shift only after such
 * a character on its line: comments, and patterns in packages.
 */
function asciiOnly(text) {
  return text.replace(/(\\*)([^\x00-\x7f])/g, (_, backslashes, char) => {
    const escape = `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
    return (backslashes.length % 2 ? backslashes.slice(1) : backslashes) + escape;
  });
}

/**
 * The source map without its mappings into node_modules: stack frames in this project's code map
 * back to TypeScript lines, frames in packages keep their bundle lines. Node parses the map into
 * one object per mapping on the first stack trace it formats and keeps it: with the packages'
 * 1.1 million mappings that grew the idle server by ~100 MB, the project's own cost a few MB.
 */
function ownSourcesOnly(map) {
  const keepSource = map.sources.map((source) => !source.split('/').includes('node_modules'));
  const sources = [];
  const sourceIndex = map.sources.map((source, i) => (keepSource[i] ? sources.push(source) - 1 : -1));
  const names = [];
  const nameIndex = new Map();
  const state = [0, 0, 0, 0]; // source, original line, original column, name: relative across lines
  const out = [0, 0, 0, 0];
  let mapped = false; // whether the last segment kept (on this line or an earlier one) maps somewhere
  const lines = map.mappings.split(';').map((line) => {
    let column = 0;
    let outColumn = 0;
    const kept = [];
    // A segment of one field ends the range of the one before (which Node lets run on across
    // lines): package code stays unmapped instead of seeming to be the last project line before it.
    const unmapped = () => {
      if (!mapped) return;
      kept.push(encodeVlq(column - outColumn));
      outColumn = column;
      mapped = false;
    };
    for (const segment of line ? line.split(',') : []) {
      const fields = decodeVlq(segment);
      column += fields[0];
      for (let i = 1; i < fields.length; i++) state[i - 1] += fields[i];
      if (fields.length === 1 || !keepSource[state[0]]) {
        unmapped();
        continue;
      }
      const values = [sourceIndex[state[0]], state[1], state[2]];
      if (fields.length === 5) {
        const name = map.names[state[3]];
        if (!nameIndex.has(name)) nameIndex.set(name, names.push(name) - 1);
        values.push(nameIndex.get(name));
      }
      let encoded = encodeVlq(column - outColumn);
      outColumn = column;
      values.forEach((value, i) => {
        encoded += encodeVlq(value - out[i]);
        out[i] = value;
      });
      kept.push(encoded);
      mapped = true;
    }
    return kept.join(',');
  });
  return { version: 3, sources, names, mappings: lines.join(';') };
}

// Source map "mappings": base64 VLQ (https://tc39.es/ecma426/). A function, not a constant: it is
// called from the top-level code above.
function base64() {
  return 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
}

function decodeVlq(segment) {
  const values = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = base64().indexOf(char);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

function encodeVlq(value) {
  let rest = value < 0 ? (-value << 1) | 1 : value << 1;
  let encoded = '';
  do {
    const digit = rest & 31;
    rest >>>= 5;
    encoded += base64()[rest > 0 ? digit | 32 : digit];
  } while (rest > 0);
  return encoded;
}
