// The committed migrations, in order. `npm run db:migration` generates a new one and updates this list.
import { Migration20261126083253 } from './Migration20261126083253.js';
import { Migration20261126085742 } from './Migration20261126085742.js';

export const MIGRATIONS = [{ name: 'Migration20261126083253', class: Migration20261126083253 }, { name: 'Migration20261126085742', class: Migration20261126085742 }];
