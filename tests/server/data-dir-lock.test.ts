import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataDirLock, DataDirLockedError, LOCK_FILE, currentHolder } from '../../server/db/data-dir-lock.js';
import { ROOT_DIR } from '../../server/config.js';
import { tempDataDir } from '../support/process.js';

/** A pid that no process has: the holder of a lock left behind by a crash. */
const DEAD_PID = 2 ** 22 + 12345;

function writeStaleLock(dir: string): void {
  writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: DEAD_PID, hostname: hostname(), purpose: 'a process that crashed', since: new Date(0).toISOString() }));
}

describe('DataDirLock', () => {
  it('lets one holder in and names it to the next, until it lets go', () => {
    const dir = tempDataDir();
    const lock = DataDirLock.acquire(dir, 'the first');
    expect(currentHolder(dir)).toMatchObject({ pid: process.pid, purpose: 'the first' });
    expect(() => DataDirLock.acquire(dir, 'the second')).toThrow(DataDirLockedError);
    lock.release();
    expect(currentHolder(dir)).toBeNull();
    DataDirLock.acquire(dir, 'the second').release();
  });

  it('takes over a lock whose holder no longer runs, leaving nothing of its own behind', () => {
    const dir = tempDataDir();
    writeStaleLock(dir);
    const lock = DataDirLock.acquire(dir, 'after the crash');
    expect(currentHolder(dir)).toMatchObject({ pid: process.pid, purpose: 'after the crash' });
    lock.release();
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('several processes that find the same stale lock at the same moment', () => {
  const CONTENDERS = 4;
  const ROUNDS = 25;
  let contenders: { child: ChildProcess; lines: Interface; next: () => Promise<string> }[] = [];

  beforeAll(async () => {
    contenders = Array.from({ length: CONTENDERS }, () => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT_DIR, 'tests/server/fixtures/lock-contender.ts')], { cwd: ROOT_DIR, stdio: ['pipe', 'pipe', 'inherit'] });
      const lines = createInterface({ input: child.stdout! });
      const queue: string[] = [];
      const waiting: ((line: string) => void)[] = [];
      lines.on('line', (line) => (waiting.length > 0 ? waiting.shift()!(line) : queue.push(line)));
      const next = () => new Promise<string>((resolve) => (queue.length > 0 ? resolve(queue.shift()!) : waiting.push(resolve)));
      return { child, lines, next };
    });
    // Each is ready once it answers a release (it has loaded everything it needs).
    for (const c of contenders) c.child.stdin!.write('release\n');
    await Promise.all(contenders.map((c) => c.next()));
  });

  afterAll(() => {
    for (const c of contenders) c.child.kill();
  });

  it('never let two of them in: exactly one takes it over, the others are told who holds it', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const dir = tempDataDir();
      writeStaleLock(dir);
      const at = Date.now() + 150;
      for (const c of contenders) c.child.stdin!.write(`go ${dir} ${at}\n`);
      const outcomes = await Promise.all(contenders.map((c) => c.next()));
      expect(outcomes.filter((o) => o === 'won'), `round ${round}: ${outcomes.join(', ')}`).toHaveLength(1);
      expect(outcomes.filter((o) => o === 'lost')).toHaveLength(CONTENDERS - 1);
      for (const c of contenders) c.child.stdin!.write('release\n');
      await Promise.all(contenders.map((c) => c.next()));
      expect(existsSync(join(dir, `${LOCK_FILE}.takeover`))).toBe(false);
    }
  });
});
