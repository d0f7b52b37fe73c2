import type { UserActor } from '../domain/actor.js';

/** Told when users' roles, email, token version, existence or client access lists changed. */
export interface ActorChanges {
  /** After the change committed: the ids of the users it touched, or 'all'. */
  changed(userIds: readonly number[] | 'all'): void;
}

/** What authenticating a request needs to know about a user. */
export interface ActorEntry {
  readonly actor: UserActor;
  readonly tokenVersion: number;
}

export interface ActorDirectoryOptions {
  /** Users kept in memory at most; the least recently stored go first. */
  maxEntries?: number;
  /**
   * How long an entry is trusted at most, whatever the notifications say: a safety net for a
   * notification channel that died without telling (it normally tells, and the cache empties).
   */
  maxAgeMs?: number;
  now?: () => number;
}

/**
 * The users that requests act as, kept in memory so that authenticating a request costs no
 * statement, yet current: a change to a user's roles, email, token version, existence or client
 * access list empties their entry
 * - at once on the instance that made the change (the services call `changed` after committing);
 * - on every other instance when the database's notification arrives (`notified`, fed by
 *   `LISTEN tracker_actors`; the triggers of Migration20261126120000 send it at commit, whoever
 *   wrote: another instance, the operator's CLI, psql).
 *
 * Nothing is served from memory unless notifications are being received (`resume`): while the
 * channel is down (`suspend`), and before it first comes up, every request reads the database, as
 * if there were no cache. A read that was under way when a change arrived is used for its own
 * request but not kept, since it may predate the change.
 */
export class ActorDirectory implements ActorChanges {
  private readonly entries = new Map<number, { entry: ActorEntry; storedAt: number }>();
  /** Bumped by every change and every suspend/resume: a read is kept only if none happened meanwhile. */
  private generation = 0;
  private live = false;
  private readonly maxEntries: number;
  private readonly maxAgeMs: number;
  private readonly now: () => number;

  constructor(options: ActorDirectoryOptions = {}) {
    this.maxEntries = options.maxEntries ?? 10_000;
    this.maxAgeMs = options.maxAgeMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  /** Is the cache in use (notifications are being received)? */
  get active(): boolean {
    return this.live;
  }

  /** How many users are held: for tests and diagnostics. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * The user with this id, from memory when held and fresh, otherwise from `load` (undefined:
   * no such user). `tokenVersion` is the version the caller's token carries: an entry with another
   * version is not trusted (it may be the stale one), and the database decides.
   */
  async lookup(userId: number, tokenVersion: number, load: () => Promise<ActorEntry | undefined>): Promise<ActorEntry | undefined> {
    if (this.live) {
      const held = this.entries.get(userId);
      if (held && held.entry.tokenVersion === tokenVersion && this.now() - held.storedAt < this.maxAgeMs) return held.entry;
    }
    const generation = this.generation;
    const entry = await load();
    if (entry && this.live && generation === this.generation) this.store(userId, entry);
    return entry;
  }

  changed(userIds: readonly number[] | 'all'): void {
    this.generation += 1;
    if (userIds === 'all') this.entries.clear();
    else for (const id of userIds) this.entries.delete(id);
  }

  /** A `tracker_actors` notification's payload: comma-separated user ids, or `*`. */
  notified(payload: string): void {
    if (payload === '*') return this.changed('all');
    const ids = payload.split(',').map(Number);
    // A payload we cannot read is treated as "everyone changed": never keep what may be stale.
    this.changed(ids.every(Number.isSafeInteger) ? ids : 'all');
  }

  /** Notifications are being received from now on: entries may be kept. */
  resume(): void {
    this.generation += 1;
    this.entries.clear();
    this.live = true;
  }

  /** Notifications may be missed from now on: forget everything and read the database every time. */
  suspend(): void {
    this.generation += 1;
    this.entries.clear();
    this.live = false;
  }

  private store(userId: number, entry: ActorEntry): void {
    // Re-inserting moves the user to the end: the map's first key is always the oldest stored.
    this.entries.delete(userId);
    this.entries.set(userId, { entry, storedAt: this.now() });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }
}
