/**
 * `npm run db:migration`: generates the next migration with MikroORM's migration generator, from
 * the difference between the committed migrations and the entities, and lists it in
 * server/migrations/index.ts. It works on a throw-away in-memory database, so it needs no server.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT_DIR } from '../config.js';
import { migratorOf, openDatabase } from './database.js';

const dir = join(ROOT_DIR, 'server/migrations');
const database = await openDatabase({ kind: 'memory' }, { purpose: 'migration generator' });
try {
  const result = await (await migratorOf(database.orm)).createMigration(dir, false, false);
  if (!result.fileName) {
    console.log('No changes: the migrations already match the entities.');
  } else {
    console.log(`Created server/migrations/${result.fileName}:\n${result.code}`);
    const names = readdirSync(dir)
      .filter((f) => /^Migration\d+.*\.ts$/.test(f))
      .map((f) => f.replace(/\.ts$/, ''))
      .sort();
    writeFileSync(
      join(dir, 'index.ts'),
      [
        '// The committed migrations, in order. `npm run db:migration` generates a new one and updates this list.',
        ...names.map((n) => `import { ${n} } from './${n}.js';`),
        '',
        `export const MIGRATIONS = [${names.map((n) => `{ name: '${n}', class: ${n} }`).join(', ')}];`,
        '',
      ].join('\n'),
    );
  }
} finally {
  await database.close();
}
