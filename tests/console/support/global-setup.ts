import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { CHROMIUM, SCREENSHOTS } from './browser.js';

/** Before any browser test: the console built from the current sources, and a browser to drive it. */
export default function setup(): void {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (apt-get install -y chromium)`);
  const build = spawnSync(process.execPath, ['console/build-if-stale.mjs'], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('The console did not build');
  mkdirSync(SCREENSHOTS, { recursive: true });
}
