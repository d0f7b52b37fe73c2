import { describe, expect, it } from 'vitest';
import { userActor } from '../../server/domain/actor.js';
import { ActorDirectory, credentialKey, type SignedIn } from '../../server/services/actor-directory.js';

/**
 * A stand-in for the database: sessions (credentials) of users; counts reads, and answers what
 * the rows say now (undefined for a session that ended or never was).
 */
function fakeDatabase() {
  const users = new Map<number, ('admin' | 'user')[]>();
  const sessions = new Map<number, { userId: number; ended: boolean }>();
  let reads = 0;
  return {
    get reads() {
      return reads;
    },
    user(id: number, roles: ('admin' | 'user')[]) {
      users.set(id, roles);
    },
    /** Session `id` of user `userId` (session ids are unique across users). */
    session(id: number, userId: number) {
      sessions.set(id, { userId, ended: false });
    },
    end(id: number) {
      sessions.get(id)!.ended = true;
    },
    load: (sessionId: number) => async (): Promise<SignedIn | undefined> => {
      reads += 1;
      const session = sessions.get(sessionId);
      if (!session || session.ended) return undefined;
      const roles = users.get(session.userId);
      if (!roles) return undefined;
      return {
        actor: userActor(session.userId, `u${session.userId}@example.com`, roles, [], { kind: 'session', id: sessionId }),
        expiresAt: new Date(Date.now() + 3_600_000),
        lastSeenAt: new Date(),
      };
    },
  };
}

const key = (sessionId: number) => credentialKey('session', sessionId);

describe('ActorDirectory (the cache of signed-in users, by credential)', () => {
  it('reads the database every time until notifications are being received', async () => {
    const db = fakeDatabase();
    db.user(1, ['admin']);
    db.session(10, 1);
    const directory = new ActorDirectory();
    await directory.lookup(key(10), db.load(10));
    await directory.lookup(key(10), db.load(10));
    expect(db.reads).toBe(2);
    expect(directory.size).toBe(0);
  });

  it('serves a session from memory once live, until its user changes', async () => {
    const db = fakeDatabase();
    db.user(1, ['admin']);
    db.session(10, 1);
    const directory = new ActorDirectory();
    directory.resume();
    expect((await directory.lookup(key(10), db.load(10)))?.actor.roles).toEqual(['admin']);
    expect((await directory.lookup(key(10), db.load(10)))?.actor.roles).toEqual(['admin']);
    expect(db.reads).toBe(1);

    db.user(1, ['user']);
    directory.changed([1]);
    expect((await directory.lookup(key(10), db.load(10)))?.actor.roles).toEqual(['user']);
    expect(db.reads).toBe(2);
  });

  it('forgets every session of a user that changed, and only theirs', async () => {
    const db = fakeDatabase();
    db.user(1, ['user']);
    db.user(2, ['user']);
    db.session(10, 1);
    db.session(11, 1);
    db.session(20, 2);
    const directory = new ActorDirectory();
    directory.resume();
    for (const id of [10, 11, 20]) await directory.lookup(key(id), db.load(id));
    expect(directory.size).toBe(3);
    directory.changed([1]);
    expect(directory.size).toBe(1);
  });

  it('forgets a session that ended, so that its next request finds it ended', async () => {
    const db = fakeDatabase();
    db.user(1, ['user']);
    db.session(10, 1);
    db.session(11, 1);
    const directory = new ActorDirectory();
    directory.resume();
    await directory.lookup(key(10), db.load(10));
    await directory.lookup(key(11), db.load(11));
    db.end(10);
    directory.ended([key(10)]);
    expect(await directory.lookup(key(10), db.load(10))).toBeUndefined();
    expect(await directory.lookup(key(11), db.load(11))).toBeDefined();
    expect(db.reads).toBe(3);
  });

  it('forgets exactly the users or sessions a notification names, or everything for "*" and "s:*"', async () => {
    const db = fakeDatabase();
    for (const id of [1, 2, 3]) {
      db.user(id, ['user']);
      db.session(id * 10, id);
    }
    const directory = new ActorDirectory();
    directory.resume();
    const loadAll = async () => {
      for (const id of [1, 2, 3]) await directory.lookup(key(id * 10), db.load(id * 10));
    };
    await loadAll();
    expect(directory.size).toBe(3);

    directory.notified('1,3');
    expect(directory.size).toBe(1);
    await loadAll();
    directory.notified('s:20');
    expect(directory.size).toBe(2);
    await loadAll();
    directory.notified('*');
    expect(directory.size).toBe(0);
    await loadAll();
    directory.notified('s:*');
    expect(directory.size).toBe(0);
  });

  it('tells an API token (t:) from a session (s:) of the same id, and forgets both with their user', async () => {
    const db = fakeDatabase();
    db.user(1, ['user']);
    db.session(10, 1);
    const directory = new ActorDirectory();
    directory.resume();
    const token = credentialKey('api-token', 10);
    await directory.lookup(key(10), db.load(10));
    await directory.lookup(token, db.load(10));
    expect(directory.size).toBe(2);
    directory.notified('t:10');
    expect(directory.size).toBe(1);
    expect(await directory.lookup(key(10), db.load(10))).toBeDefined();
    expect(db.reads).toBe(2); // the session was still held
    await directory.lookup(token, db.load(10));
    directory.notified('1');
    expect(directory.size).toBe(0);
    await directory.lookup(token, db.load(10));
    directory.notified('t:*');
    expect(directory.size).toBe(0);
  });

  it('treats a payload it cannot read as "everything changed"', async () => {
    const db = fakeDatabase();
    db.user(1, ['user']);
    db.session(10, 1);
    const directory = new ActorDirectory();
    directory.resume();
    await directory.lookup(key(10), db.load(10));
    directory.notified('1,x');
    expect(directory.size).toBe(0);
    await directory.lookup(key(10), db.load(10));
    directory.notified('s:10,?');
    expect(directory.size).toBe(0);
  });

  it('does not keep a read that was under way when a change arrived (it may predate the change)', async () => {
    const db = fakeDatabase();
    db.user(1, ['admin']);
    db.session(10, 1);
    const directory = new ActorDirectory();
    directory.resume();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const before = db.load(10)(); // read before the change commits...
    const slowRead = directory.lookup(key(10), async () => {
      await released;
      return before;
    });
    db.user(1, ['user']);
    directory.changed([1]); // ...which is announced while the read is still on its way
    release();
    expect((await slowRead)?.actor.roles).toEqual(['admin']); // that request saw the old state
    expect(directory.size).toBe(0); // but the next one reads again
    expect((await directory.lookup(key(10), db.load(10)))?.actor.roles).toEqual(['user']);
  });

  it('stops serving from memory while the notification channel is down, and starts afresh after', async () => {
    const db = fakeDatabase();
    db.user(1, ['admin']);
    db.session(10, 1);
    const directory = new ActorDirectory();
    directory.resume();
    await directory.lookup(key(10), db.load(10));
    directory.suspend();
    expect(directory.active).toBe(false);
    db.user(1, ['user']); // a change whose notification was missed
    expect((await directory.lookup(key(10), db.load(10)))?.actor.roles).toEqual(['user']);
    expect((await directory.lookup(key(10), db.load(10)))?.actor.roles).toEqual(['user']);
    expect(db.reads).toBe(3);
    directory.resume();
    await directory.lookup(key(10), db.load(10));
    await directory.lookup(key(10), db.load(10));
    expect(db.reads).toBe(4);
  });

  it('never caches a session that does not exist or has ended', async () => {
    const db = fakeDatabase();
    db.user(9, ['user']);
    const directory = new ActorDirectory();
    directory.resume();
    expect(await directory.lookup(key(90), db.load(90))).toBeUndefined();
    db.session(90, 9);
    expect(await directory.lookup(key(90), db.load(90))).toBeDefined();
    expect(directory.size).toBe(1);
  });

  it('holds at most maxEntries credentials, dropping the least recently read', async () => {
    const db = fakeDatabase();
    for (const id of [1, 2, 3]) {
      db.user(id, ['user']);
      db.session(id * 10, id);
    }
    const directory = new ActorDirectory({ maxEntries: 2 });
    directory.resume();
    await directory.lookup(key(10), db.load(10));
    await directory.lookup(key(20), db.load(20));
    await directory.lookup(key(30), db.load(30));
    expect(directory.size).toBe(2);
    const reads = db.reads;
    await directory.lookup(key(10), db.load(10)); // evicted: read again
    await directory.lookup(key(30), db.load(30)); // still held
    expect(db.reads).toBe(reads + 1);
    directory.changed([1, 2, 3]);
    expect(directory.size).toBe(0);
  });

  it('trusts an entry for maxAgeMs at most, whatever the notifications say', async () => {
    const db = fakeDatabase();
    db.user(1, ['admin']);
    db.session(10, 1);
    let now = 1_000;
    const directory = new ActorDirectory({ maxAgeMs: 500, now: () => now });
    directory.resume();
    await directory.lookup(key(10), db.load(10));
    now += 499;
    await directory.lookup(key(10), db.load(10));
    expect(db.reads).toBe(1);
    now += 1;
    await directory.lookup(key(10), db.load(10));
    expect(db.reads).toBe(2);
  });
});
