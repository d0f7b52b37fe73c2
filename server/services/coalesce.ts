import type { EntityManager } from '@mikro-orm/postgresql';

/** The most keys one coalesced read asks for. */
const MAX_BATCH = 500;

/**
 * Reads by key that arrive together, in the same turn of the event loop as many requests do under
 * load (or as the fields of one page do), go to the database as one statement instead of one each:
 * every statement costs a round trip and PostgreSQL's parsing and planning, and on this machine
 * its socket write alone was a fifth of the server's time. A read alone waits for nothing more
 * than the end of the current turn. Only the reading is shared: each caller has passed its own
 * access check before it asks, and gets its own answer (or the statement's failure). A read
 * inside a transaction is never shared (it must see that transaction's writes).
 */
export class Coalescer<K, V> {
  private batch: { em: EntityManager; waiting: Map<K, { resolve: (value: V | null) => void; reject: (error: unknown) => void }[]> } | undefined;

  /** `fetch` reads every key asked for in one statement; a key it does not answer reads as null. */
  constructor(private readonly fetch: (em: EntityManager, keys: readonly K[]) => Promise<Map<K, V>>) {}

  async read(em: EntityManager, key: K): Promise<V | null> {
    if (em.isInTransaction()) return (await this.fetch(em, [key])).get(key) ?? null;
    let batch = this.batch;
    if (!batch) {
      const started = { em, waiting: new Map() };
      batch = this.batch = started;
      setImmediate(() => void this.flush(started));
    }
    const answer = new Promise<V | null>((resolve, reject) => {
      const waiters = batch.waiting.get(key);
      if (waiters) waiters.push({ resolve, reject });
      else batch.waiting.set(key, [{ resolve, reject }]);
    });
    if (batch.waiting.size >= MAX_BATCH) void this.flush(batch);
    return answer;
  }

  private async flush(batch: NonNullable<Coalescer<K, V>['batch']>): Promise<void> {
    if (this.batch !== batch) return; // already sent
    this.batch = undefined;
    try {
      const found = await this.fetch(batch.em, [...batch.waiting.keys()]);
      for (const [key, waiters] of batch.waiting) for (const waiter of waiters) waiter.resolve(found.get(key) ?? null);
    } catch (error) {
      for (const waiters of batch.waiting.values()) for (const waiter of waiters) waiter.reject(error);
    }
  }
}
