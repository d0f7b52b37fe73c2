import { describe, expect, it } from 'vitest';
import { userActor } from '../../server/domain/actor.js';
import { ActorDirectory, type ActorEntry } from '../../server/services/actor-directory.js';

/** A stand-in for the database: counts reads, and answers what `rows` says now. */
function fakeDatabase() {
  const rows = new Map<number, ActorEntry>();
  let reads = 0;
  return {
    rows,
    get reads() {
      return reads;
    },
    set(id: number, roles: ('admin' | 'user')[], tokenVersion = 1, clientIds: number[] = []) {
      rows.set(id, { actor: userActor(id, `u${id}@example.com`, roles, clientIds), tokenVersion });
    },
    load: (id: number) => async () => {
      reads += 1;
      return rows.get(id);
    },
  };
}

describe('ActorDirectory (the cache of signed-in users)', () => {
  it('reads the database every time until notifications are being received', async () => {
    const db = fakeDatabase();
    db.set(1, ['admin']);
    const directory = new ActorDirectory();
    await directory.lookup(1, 1, db.load(1));
    await directory.lookup(1, 1, db.load(1));
    expect(db.reads).toBe(2);
    expect(directory.size).toBe(0);
  });

  it('serves a user from memory once live, until that user changes', async () => {
    const db = fakeDatabase();
    db.set(1, ['admin']);
    const directory = new ActorDirectory();
    directory.resume();
    expect((await directory.lookup(1, 1, db.load(1)))?.actor.roles).toEqual(['admin']);
    expect((await directory.lookup(1, 1, db.load(1)))?.actor.roles).toEqual(['admin']);
    expect(db.reads).toBe(1);

    db.set(1, ['user']);
    directory.changed([1]);
    expect((await directory.lookup(1, 1, db.load(1)))?.actor.roles).toEqual(['user']);
    expect(db.reads).toBe(2);
  });

  it('forgets exactly the users a notification names, or everyone for "*"', async () => {
    const db = fakeDatabase();
    for (const id of [1, 2, 3]) db.set(id, ['user']);
    const directory = new ActorDirectory();
    directory.resume();
    for (const id of [1, 2, 3]) await directory.lookup(id, 1, db.load(id));
    expect(directory.size).toBe(3);

    directory.notified('1,3');
    expect(directory.size).toBe(1);
    await directory.lookup(2, 1, db.load(2));
    expect(db.reads).toBe(3);

    directory.notified('*');
    expect(directory.size).toBe(0);
  });

  it('treats a payload it cannot read as "everyone changed"', async () => {
    const db = fakeDatabase();
    db.set(1, ['user']);
    const directory = new ActorDirectory();
    directory.resume();
    await directory.lookup(1, 1, db.load(1));
    directory.notified('1,x');
    expect(directory.size).toBe(0);
  });

  it('does not keep a read that was under way when a change arrived (it may predate the change)', async () => {
    const db = fakeDatabase();
    db.set(1, ['admin']);
    const directory = new ActorDirectory();
    directory.resume();
    let release!: () => void;
    const slowRead = directory.lookup(1, 1, async () => {
      const before = db.rows.get(1); // read before the change commits...
      await new Promise<void>((resolve) => (release = resolve));
      return before;
    });
    db.set(1, ['user']);
    directory.changed([1]); // ...which is announced while the read is still on its way
    release();
    expect((await slowRead)?.actor.roles).toEqual(['admin']); // that request saw the old state
    expect(directory.size).toBe(0); // but the next one reads again
    expect((await directory.lookup(1, 1, db.load(1)))?.actor.roles).toEqual(['user']);
  });

  it('stops serving from memory while the notification channel is down, and starts afresh after', async () => {
    const db = fakeDatabase();
    db.set(1, ['admin']);
    const directory = new ActorDirectory();
    directory.resume();
    await directory.lookup(1, 1, db.load(1));
    directory.suspend();
    expect(directory.active).toBe(false);
    db.set(1, ['user']); // a change whose notification was missed
    expect((await directory.lookup(1, 1, db.load(1)))?.actor.roles).toEqual(['user']);
    expect((await directory.lookup(1, 1, db.load(1)))?.actor.roles).toEqual(['user']);
    expect(db.reads).toBe(3);
    directory.resume();
    await directory.lookup(1, 1, db.load(1));
    await directory.lookup(1, 1, db.load(1));
    expect(db.reads).toBe(4);
  });

  it('asks the database when the token carries another version than the one held', async () => {
    const db = fakeDatabase();
    db.set(1, ['user'], 1);
    const directory = new ActorDirectory();
    directory.resume();
    await directory.lookup(1, 1, db.load(1));
    db.set(1, ['user'], 2); // the password changed; a token of the new version arrives first
    expect((await directory.lookup(1, 2, db.load(1)))?.tokenVersion).toBe(2);
    expect(db.reads).toBe(2);
  });

  it('never caches a user who does not exist', async () => {
    const db = fakeDatabase();
    const directory = new ActorDirectory();
    directory.resume();
    expect(await directory.lookup(9, 1, db.load(9))).toBeUndefined();
    db.set(9, ['user']);
    expect(await directory.lookup(9, 1, db.load(9))).toBeDefined();
  });

  it('holds at most maxEntries users, dropping the least recently read', async () => {
    const db = fakeDatabase();
    for (const id of [1, 2, 3]) db.set(id, ['user']);
    const directory = new ActorDirectory({ maxEntries: 2 });
    directory.resume();
    await directory.lookup(1, 1, db.load(1));
    await directory.lookup(2, 1, db.load(2));
    await directory.lookup(3, 1, db.load(3));
    expect(directory.size).toBe(2);
    const reads = db.reads;
    await directory.lookup(1, 1, db.load(1)); // evicted: read again
    await directory.lookup(3, 1, db.load(3)); // still held
    expect(db.reads).toBe(reads + 1);
  });

  it('trusts an entry for maxAgeMs at most, whatever the notifications say', async () => {
    const db = fakeDatabase();
    db.set(1, ['admin']);
    let now = 1_000;
    const directory = new ActorDirectory({ maxAgeMs: 500, now: () => now });
    directory.resume();
    await directory.lookup(1, 1, db.load(1));
    now += 499;
    await directory.lookup(1, 1, db.load(1));
    expect(db.reads).toBe(1);
    now += 1;
    await directory.lookup(1, 1, db.load(1));
    expect(db.reads).toBe(2);
  });
});
