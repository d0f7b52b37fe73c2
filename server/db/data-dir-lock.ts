import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/**
 * An exclusive lock on the embedded database's data directory. PGlite corrupts a data directory
 * that two processes open at once, so whoever opens it first writes its pid into a lock file
 * (created with O_EXCL); a second process is refused with a clear message. A lock left by a
 * process that no longer runs is taken over.
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
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        const fd = openSync(path, 'wx', 0o600);
        try {
          writeSync(fd, JSON.stringify(holder));
        } finally {
          closeSync(fd);
        }
        return new DataDirLock(path, holder);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const current = readHolder(dataDir);
      if (current && isAlive(current)) throw new DataDirLockedError(dataDir, current);
      // The holder is gone (crashed or killed): remove its stale lock and try again.
      try {
        unlinkSync(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    throw new Error(`Could not lock ${dataDir}: the lock file keeps changing hands`);
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
