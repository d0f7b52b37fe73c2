import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, renameSync, rmdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/**
 * An exclusive lock on the embedded database's data directory. PGlite corrupts a data directory
 * that two processes open at once, so whoever opens it first publishes its pid in a lock file; a
 * second process is refused with a clear message. A lock left by a process that no longer runs is
 * taken over, by one process at a time.
 *
 * Every claim is written in full to a file of its own, then linked into place: link() fails when
 * the lock exists, so of processes claiming a free directory exactly one wins, and nobody ever
 * reads a half-written lock. Taking over a stale lock means removing it first, and two processes
 * that both found it stale must not both do that (the second would remove the first one's fresh
 * lock, and both would open the database): a takeover happens only while holding `.takeover` (a
 * directory, created atomically with mkdir), after reading the lock once more.
 */
export interface LockHolder {
  pid: number;
  hostname: string;
  purpose: string;
  since: string;
  /** Extra facts the holder publishes for other local processes (e.g. how to reach it). */
  [key: string]: unknown;
}

export class DataDirLockedError extends Error {
  override readonly name = 'DataDirLockedError';
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
  ) {
    super(
      `The embedded database in ${dataDir} is in use by another process ` +
        `(pid ${holder.pid}, ${holder.purpose}, since ${holder.since}). ` +
        'Only one process may open it at a time: stop that process, or set DATABASE_URL to use a PostgreSQL server.',
    );
  }
}

export const LOCK_FILE = 'tracker.lock';

export class DataDirLock {
  private released = false;
  private readonly onExit = (): void => this.release();

  private constructor(
    readonly path: string,
    readonly holder: LockHolder,
  ) {
    process.once('exit', this.onExit);
  }

  static acquire(dataDir: string, purpose: string, extra: Record<string, unknown> = {}): DataDirLock {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const path = join(dataDir, LOCK_FILE);
    const holder: LockHolder = { pid: process.pid, hostname: hostname(), purpose, since: new Date().toISOString(), ...extra };
    const claim = `${path}.${process.pid}.${randomBytes(6).toString('hex')}`;
    writeFileSync(claim, JSON.stringify(holder), { mode: 0o600, flag: 'wx' });
    try {
      for (let attempt = 0; attempt < 50; attempt++) {
        try {
          linkSync(claim, path);
          return new DataDirLock(path, holder);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        }
        const current = readHolderFile(path);
        if (current && isAlive(current)) throw new DataDirLockedError(dataDir, current);
        // The holder is gone (crashed or killed): remove its stale lock, then claim again.
        removeStaleLock(path, current);
      }
      throw new Error(`Could not lock ${dataDir}: the lock file keeps changing hands`);
    } finally {
      unlinkSync(claim);
    }
  }

  /**
   * Adds facts for other local processes to the lock (how to reach this process: the control
   * socket). The lock is replaced whole, atomically (rename): a reader sees the old one or the new.
   */
  publish(facts: Record<string, unknown>): void {
    if (this.released) return;
    Object.assign(this.holder, facts);
    const draft = `${this.path}.${process.pid}.${randomBytes(6).toString('hex')}`;
    writeFileSync(draft, JSON.stringify(this.holder), { mode: 0o600, flag: 'wx' });
    renameSync(draft, this.path);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    process.removeListener('exit', this.onExit);
    const current = readHolderFile(this.path);
    if (current?.pid === this.holder.pid) {
      try {
        unlinkSync(this.path);
      } catch {
        // Already gone: nothing to release.
      }
    }
  }
}

/** A `.takeover` older than this was left by a process that died while taking a lock over. */
const TAKEOVER_STALE_MS = 30_000;

/**
 * Removes the lock at `path` if it is still the stale one read (`seen`), holding `.takeover` so
 * that no other process does the same meanwhile. When another process holds `.takeover`, waits a
 * moment instead: the caller claims again, and finds that process's lock.
 */
function removeStaleLock(path: string, seen: LockHolder | null): void {
  const takeover = `${path}.takeover`;
  try {
    mkdirSync(takeover, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    if (Date.now() - (statMtime(takeover) ?? Date.now()) > TAKEOVER_STALE_MS) rmdirQuietly(takeover);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    return;
  }
  try {
    // Still the lock that was found stale? (Nobody can replace it meanwhile: a claim fails while it
    // exists, and a takeover needs .takeover, which is ours.)
    const now = readHolderFile(path);
    if (JSON.stringify(now) === JSON.stringify(seen)) {
      try {
        unlinkSync(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
  } finally {
    rmdirQuietly(takeover);
  }
}

function statMtime(path: string): number | null {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return null;
  }
}

function rmdirQuietly(path: string): void {
  try {
    rmdirSync(path);
  } catch {
    // Gone already.
  }
}

/** Who holds the data directory now, if anyone alive does. */
export function currentHolder(dataDir: string): LockHolder | null {
  const holder = readHolder(dataDir);
  return holder && isAlive(holder) ? holder : null;
}

function readHolder(dataDir: string): LockHolder | null {
  return readHolderFile(join(dataDir, LOCK_FILE));
}

function readHolderFile(path: string): LockHolder | null {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
    return typeof parsed.pid === 'number' ? parsed : null;
  } catch {
    // Missing, or half-written by a process that died while writing it: not a live holder.
    return null;
  }
}

function isAlive(holder: LockHolder): boolean {
  if (holder.hostname !== hostname()) return true; // a shared file system: we cannot tell, so assume it is.
  if (holder.pid === process.pid) return true;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
