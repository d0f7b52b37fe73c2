import type { UserActor } from '../domain/actor.js';

/** Told when users' roles, email, existence or client access lists changed. */
export interface ActorChanges {
  /** After the change committed: the ids of the users it touched, or 'all'. */
  changed(userIds: readonly number[] | 'all'): void;
}

/** Told when credentials ended (sessions logged out, revoked, or ended by a password change; API tokens revoked). */
export interface CredentialChanges {
  /** After the change committed: the credentials that ended (`credentialKey`), or 'all'. */
  ended(keys: readonly string[] | 'all'): void;
}

const KEY_PREFIXES = { session: 's', 'api-token': 't' } as const;
type CredentialKind = keyof typeof KEY_PREFIXES;

/** How a credential is named in the directory and in the database's notifications: `s:<session id>`, `t:<API token id>`. */
export const credentialKey = (kind: CredentialKind, id: number | string): string => `${KEY_PREFIXES[kind]}:${id}`;

/** What authenticating a request needs to know about the credential it carries, and its user. */
export interface SignedIn {
  /** The user as the database had them when read, with the credential they act through. */
  readonly actor: UserActor;
  /** Null: it never expires (an API token made without an expiry). */
  readonly expiresAt: Date | null;
  /** When this credential was last recorded as used (written at most once a minute); null: never yet. */
  lastSeenAt: Date | null;
  /** What the database keeps of an API token's secret: a request must present the secret that matches it. */
  readonly secretHash?: string;
}

export interface ActorDirectoryOptions {
  /** Credentials kept in memory at most; the least recently stored go first. */
  maxEntries?: number;
  /**
   * How long an entry is trusted at most, whatever the notifications say: a safety net for a
   * notification channel that died without telling (it normally tells, and the cache empties).
   */
  maxAgeMs?: number;
  now?: () => number;
}

/**
 * The signed-in users that requests act as, by the credential they present (a session or an API token), kept in
 * memory so that authenticating a request costs no statement, yet current: a change to a user's
 * roles, email, existence or client access list, or the end of a credential, empties the entries
 * concerned
 * - at once on the instance that made the change (the services call `changed` / `ended` after
 *   committing);
 * - on every other instance when the database's notification arrives (`notified`, fed by
 *   `LISTEN tracker_actors`; the triggers of Migration20261126120000, Migration20261201090000 and Migration20261201120000
 *   send it at commit, whoever wrote: another instance, the operator's CLI, psql).
 *
 * Nothing is served from memory unless notifications are being received (`resume`): while the
 * channel is down (`suspend`), and before it first comes up, every request reads the database, as
 * if there were no cache. A read that was under way when a change arrived is used for its own
 * request but not kept, since it may predate the change.
 */
export class ActorDirectory implements ActorChanges, CredentialChanges {
  private readonly entries = new Map<string, { entry: SignedIn; storedAt: number }>();
  /** The credentials held for each user, so that a change to the user empties them all. */
  private readonly byUser = new Map<number, Set<string>>();
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

  /** How many credentials are held: for tests and diagnostics. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * The credential named `key`, from memory when held and fresh, otherwise from `load`
   * (undefined: no such credential, or it has ended).
   */
  async lookup(key: string, load: () => Promise<SignedIn | undefined>): Promise<SignedIn | undefined> {
    if (this.live) {
      const held = this.entries.get(key);
      if (held && this.now() - held.storedAt < this.maxAgeMs) return held.entry;
    }
    const generation = this.generation;
    const entry = await load();
    if (entry && this.live && generation === this.generation) this.store(key, entry);
    return entry;
  }

  changed(userIds: readonly number[] | 'all'): void {
    this.generation += 1;
    if (userIds === 'all') return this.clear();
    for (const id of userIds) {
      for (const key of this.byUser.get(id) ?? []) this.entries.delete(key);
      this.byUser.delete(id);
    }
  }

  ended(keys: readonly string[] | 'all'): void {
    this.generation += 1;
    if (keys === 'all') return this.clear();
    for (const key of keys) this.forget(key);
  }

  /**
   * A `tracker_actors` notification's payload: comma-separated user ids; `s:` and comma-separated
   * session ids; `t:` and comma-separated API token ids; or `*`, `s:*`, `t:*` for all of them.
   */
  notified(payload: string): void {
    const kind = payload.startsWith('s:') ? 'session' : payload.startsWith('t:') ? 'api-token' : null;
    const list = kind ? payload.slice(2) : payload;
    if (list === '*') return this.changed('all');
    const ids = list.split(',').map(Number);
    // A payload we cannot read is treated as "everything changed": never keep what may be stale.
    if (!ids.every(Number.isSafeInteger)) return this.changed('all');
    if (kind) this.ended(ids.map((id) => credentialKey(kind, id)));
    else this.changed(ids);
  }

  /** Notifications are being received from now on: entries may be kept. */
  resume(): void {
    this.generation += 1;
    this.clear();
    this.live = true;
  }

  /** Notifications may be missed from now on: forget everything and read the database every time. */
  suspend(): void {
    this.generation += 1;
    this.clear();
    this.live = false;
  }

  private store(key: string, entry: SignedIn): void {
    // Re-inserting moves the credential to the end: the map's first key is always the oldest stored.
    this.forget(key);
    this.entries.set(key, { entry, storedAt: this.now() });
    const keys = this.byUser.get(entry.actor.id) ?? new Set<string>();
    keys.add(key);
    this.byUser.set(entry.actor.id, keys);
    while (this.entries.size > this.maxEntries) this.forget(this.entries.keys().next().value!);
  }

  private forget(key: string): void {
    const held = this.entries.get(key);
    if (!held) return;
    this.entries.delete(key);
    const keys = this.byUser.get(held.entry.actor.id);
    keys?.delete(key);
    if (keys?.size === 0) this.byUser.delete(held.entry.actor.id);
  }

  private clear(): void {
    this.entries.clear();
    this.byUser.clear();
  }
}
