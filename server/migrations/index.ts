// The committed migrations, in order. `npm run db:migration` generates a new one and updates this list.
import { Migration20261126083253 } from './Migration20261126083253.js';
import { Migration20261126085742 } from './Migration20261126085742.js';
import { Migration20261126090605 } from './Migration20261126090605.js';
import { Migration20261126092319 } from './Migration20261126092319.js';
import { Migration20261126100000 } from './Migration20261126100000.js';
import { Migration20261126120000 } from './Migration20261126120000.js';
import { Migration20261126130000 } from './Migration20261126130000.js';
import { Migration20261201090000 } from './Migration20261201090000.js';
import { Migration20261201100000 } from './Migration20261201100000.js';
import { Migration20261201110000 } from './Migration20261201110000.js';
import { Migration20261201120000 } from './Migration20261201120000.js';

export const MIGRATIONS = [{ name: 'Migration20261126083253', class: Migration20261126083253 }, { name: 'Migration20261126085742', class: Migration20261126085742 }, { name: 'Migration20261126090605', class: Migration20261126090605 }, { name: 'Migration20261126092319', class: Migration20261126092319 }, { name: 'Migration20261126100000', class: Migration20261126100000 }, { name: 'Migration20261126120000', class: Migration20261126120000 }, { name: 'Migration20261126130000', class: Migration20261126130000 }, { name: 'Migration20261201090000', class: Migration20261201090000 }, { name: 'Migration20261201100000', class: Migration20261201100000 }, { name: 'Migration20261201110000', class: Migration20261201110000 }, { name: 'Migration20261201120000', class: Migration20261201120000 }];
