import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../../server/domain/errors.js';
import type { UserSummary } from '../../server/services/user-read-model.js';
import { makeAdmin, makeUser } from '../support/factories.js';
import { openTestServices, refusal, type TestServices } from '../support/services.js';

/**
 * UserService's last-admin rule (README: Using the API, "Rules worth knowing"): the last admin
 * cannot be deleted nor lose the ADMIN role (LAST_ADMIN), also when two changes race; every other
 * user can. Called as an admin, on a real database; over HTTP, tests/graphql/users-delete.test.ts
 * checks that LAST_ADMIN reaches extensions.code.
 */
let t: TestServices;
/** The admin these specs act as, as the services last answered about them. */
let first: UserSummary;
const asFirst = () => t.asUser(first);
const users = () => t.services.users;

beforeAll(async () => {
  t = await openTestServices();
  first = await makeAdmin(t, { name: 'First Admin', email: `first-admin-${process.pid}@example.com` });
});

afterAll(async () => {
  await t?.close();
});

/** A user as stored, read as the first admin. */
const stored = (id: number) => users().get(asFirst(), id);

/** The outcome of a call: 'OK', or the code of the DomainError it was refused with. */
const outcome = (work: Promise<unknown>): Promise<string> =>
  work.then(
    () => 'OK',
    (error: unknown) => (error instanceof DomainError ? error.code : Promise.reject(error)),
  );

describe('UserService', () => {
  describe('the last-admin rule', () => {
    /** Leaves the first admin as the only admin (back again, should a spec have deleted or demoted them). */
    beforeEach(async () => {
      first = await users()
        .get(t.asSystem(), first.id)
        .then(
          (user) => (user.roles.includes('admin') ? user : users().update(t.asSystem(), user.id, { roles: ['admin'] })),
          () => makeAdmin(t, { name: 'First Admin' }),
        );
      const all = await users().list(asFirst(), { limit: 1000 });
      expect(all.total).toBeLessThanOrEqual(1000);
      for (const u of all.items) {
        if (u.id !== first.id && u.roles.includes('admin')) await users().update(asFirst(), u.id, { roles: ['user'] });
      }
      const admins = (await users().list(asFirst(), { limit: 1000 })).items.filter((u) => u.roles.includes('admin'));
      expect(admins.map((u) => u.id)).toEqual([first.id]);
    });

    describe('remove', () => {
      it('refuses to delete the last admin with LAST_ADMIN, and the admin stays', async () => {
        const before = await stored(first.id);
        const error = await refusal(users().remove(asFirst(), first.id));
        expect(error.code).toBe('LAST_ADMIN');
        expect(error.message).toMatch(/admin/i);
        expect(await stored(first.id)).toEqual(before);
      });

      it('lets one of two admins be deleted, then refuses the other', async () => {
        const second = await makeAdmin(t);
        expect(await users().remove(asFirst(), second.id)).toBe(second.id);
        expect((await refusal(users().remove(asFirst(), first.id))).code).toBe('LAST_ADMIN');
      });

      it('lets an admin delete themselves while another admin remains', async () => {
        const second = await makeAdmin(t);
        const third = await makeAdmin(t);
        await users().remove(t.asUser(second), third.id);
        // two admins remain (first and second): second may delete their own account
        expect(await users().remove(t.asUser(second), second.id)).toBe(second.id);
        expect((await refusal(users().remove(asFirst(), first.id))).code).toBe('LAST_ADMIN');
      });

      it('always lets a non-admin be deleted, even while there is one admin', async () => {
        const user = await makeUser(t);
        expect(await users().remove(asFirst(), user.id)).toBe(user.id);
      });

      it('keeps one admin when the last two are deleted at the same time', async () => {
        const second = await makeAdmin(t);
        const codes = await Promise.all([outcome(users().remove(t.asUser(first), second.id)), outcome(users().remove(t.asUser(second), first.id))]);
        expect([...codes].sort()).toEqual(['LAST_ADMIN', 'OK']);
        const survivor = codes[0] === 'OK' ? first : second;
        const admins = (await users().list(t.asUser(survivor), { limit: 1000 })).items.filter((u) => u.roles.includes('admin'));
        expect(admins.map((u) => u.id)).toEqual([survivor.id]);
      });
    });

    describe('update', () => {
      it('refuses to take ADMIN from the last admin with LAST_ADMIN, and changes nothing', async () => {
        const before = await stored(first.id);
        for (const input of [{ roles: ['user'] }, { roles: ['user'], name: 'Demoted Admin', notificationPreferences: { ui: false } }]) {
          expect((await refusal(users().update(asFirst(), first.id, input))).code).toBe('LAST_ADMIN');
          expect(await stored(first.id)).toEqual(before);
        }
      });

      it('lets the last admin keep ADMIN while changing other fields', async () => {
        const updated = await users().update(asFirst(), first.id, { roles: ['admin', 'user'], name: 'First Admin' });
        expect([...updated.roles].sort()).toEqual(['admin', 'user']);
        first = await users().update(asFirst(), first.id, { roles: ['admin'] });
        expect(first.roles).toEqual(['admin']);
      });

      it('lets one of two admins be demoted, then refuses the other', async () => {
        const second = await makeAdmin(t);
        const demoted = await users().update(asFirst(), second.id, { roles: ['user'] });
        expect(demoted.roles).toEqual(['user']);
        expect((await refusal(users().update(asFirst(), first.id, { roles: ['user'] }))).code).toBe('LAST_ADMIN');
      });

      it('always lets a non-admin change roles, even while there is one admin', async () => {
        const user = await makeUser(t);
        expect((await users().update(asFirst(), user.id, { roles: ['user'], name: 'Still User' })).roles).toEqual(['user']);
      });

      it('keeps one admin when the last two are demoted at the same time', async () => {
        const second = await makeAdmin(t);
        const codes = await Promise.all([outcome(users().update(asFirst(), second.id, { roles: ['user'] })), outcome(users().update(asFirst(), first.id, { roles: ['user'] }))]);
        expect([...codes].sort()).toEqual(['LAST_ADMIN', 'OK']);
        // Read as the admin who is left.
        const remaining = codes[1] === 'OK' ? second : first;
        const admins = (await users().list(t.asUser(remaining), { limit: 1000 })).items.filter((u) => u.roles.includes('admin'));
        expect(admins).toHaveLength(1);
      });
    });
  });
});
