import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/database.js';

describe('migrations', () => {
  it('bring an empty database to exactly the schema the entities describe (run `npm run db:migration` after changing an entity)', async () => {
    const db = await createTestDatabase();
    try {
      const pending = await db.database.orm.schema.getUpdateSchemaSQL({ wrap: false, safe: false, dropTables: true });
      expect(pending.trim()).toBe('');
    } finally {
      await db.drop();
    }
  });
});
