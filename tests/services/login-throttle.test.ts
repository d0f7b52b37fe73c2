import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANONYMOUS } from '../../server/domain/actor.js';
import type { Services } from '../../server/services/index.js';
import type { UserSummary } from '../../server/services/user-read-model.js';
import { DEFAULT_PASSWORD, makeAdmin, makeUser } from '../support/factories.js';
import { openTestServices, refusal, type TestServices } from '../support/services.js';

/**
 * Password guessing, throttled (README: Security, "Sign-in throttling"; LoginThrottle as
 * AuthService.login applies it): failures counted per email and per network address lock that
 * email or address out, for longer at each further lockout within a day; locked out, even the
 * right password is refused with TOO_MANY_REQUESTS and when to retry; an admin lifts an email's
 * lockout (UserService.unlock). Each composition below counts from its own network address, so
 * that one's failures do not count against another's. Over HTTP, tests/graphql/auth.test.ts and
 * tests/graphql/lockout.test.ts keep TOO_MANY_REQUESTS with extensions.retryAfter, unlockUser and
 * lockedUntil.
 */
let t: TestServices;
let admin: UserSummary;

beforeAll(async () => {
  // The default limits: 10 failures per email, 100 per address.
  t = await openTestServices();
  admin = await makeAdmin(t);
});

afterAll(async () => {
  await t?.close();
});

/** Sign-in as `services` do it for a request from `address`. */
const signingIn = (services: Services, address: string) => (email: string, password: string) => services.auth.login(services.context(ANONYMOUS, { sourceAddress: address }), { email, password });

describe('LoginThrottle', () => {
  describe('per email, at the default limit of 10', () => {
    let signIn: ReturnType<typeof signingIn>;
    beforeAll(() => {
      signIn = signingIn(t.services, '192.0.2.10');
    });
    const fail = (email: string) => signIn(email, 'a wrong password');

    it('still lets the right password in after 9 failures', async () => {
      const user = await makeUser(t);
      for (let i = 0; i < 9; i++) await refusal(fail(user.email));
      const tenth = await signIn(user.email, DEFAULT_PASSWORD);
      expect(tenth.user.id).toBe(user.id);
    });

    it('does not lock out another email', async () => {
      const blocked = await makeUser(t);
      const other = await makeUser(t);
      for (let i = 0; i < 10; i++) await refusal(fail(blocked.email));
      expect((await refusal(signIn(blocked.email, DEFAULT_PASSWORD))).code).toBe('TOO_MANY_REQUESTS');

      expect((await signIn(other.email, DEFAULT_PASSWORD)).user.id).toBe(other.id);
    });

    it('forgets the failures on a successful sign-in before the limit', async () => {
      const user = await makeUser(t);
      for (let i = 0; i < 9; i++) await refusal(fail(user.email));
      await signIn(user.email, DEFAULT_PASSWORD);
      // Without the clearing these would make 18 failures in the window.
      for (let i = 0; i < 9; i++) expect((await refusal(fail(user.email))).code).toBe('UNAUTHENTICATED');
      expect((await signIn(user.email, DEFAULT_PASSWORD)).user.id).toBe(user.id);
    });
  });

  describe('per email, at a limit of 3', () => {
    let services: Services;
    let signIn: ReturnType<typeof signingIn>;
    beforeAll(() => {
      services = t.compose({ loginLimits: { perEmail: 3, perSource: 1000 } });
      signIn = signingIn(services, '192.0.2.3');
    });
    const fail = (email: string) => signIn(email, 'not the password');
    // Lifting and reading a lockout does not depend on the limits: the first composition does it.
    const users = () => t.services.users;
    const asAdmin = () => t.asUser(admin);

    it('locks an email out after its failures, refuses even the right password, and says when to retry', async () => {
      const user = await makeUser(t);
      for (let i = 0; i < 3; i++) expect((await refusal(fail(user.email))).code).toBe('UNAUTHENTICATED');
      const refused = await refusal(signIn(user.email, DEFAULT_PASSWORD));
      expect(refused.code).toBe('TOO_MANY_REQUESTS');
      expect(refused.message).toMatch(/^Too many failed sign-in attempts for this email; try again in 15 minutes$/);
      expect(refused.details.retryAfter).toBeGreaterThan(890);
      const lockedUntil = await users().lockedUntil(asAdmin(), user);
      expect(lockedUntil!.getTime() - Date.now()).toBeGreaterThan(14 * 60_000);
    });

    it('makes each further lockout within a day twice as long', async () => {
      const user = await makeUser(t);
      for (let i = 0; i < 3; i++) await refusal(fail(user.email));
      // The first lockout runs out: a quarter of an hour later, its failures are older than its end.
      const db = t.db.database.orm.em.getConnection();
      await db.execute(`update login_failures set created_at = created_at - interval '16 minutes' where email = ?`, [user.email]);
      await db.execute(`update login_lockouts set locked_until = now() - interval '1 second' where key = ?`, [`email:${user.email}`]);
      expect((await refusal(fail(user.email))).code).toBe('UNAUTHENTICATED');
      await refusal(fail(user.email));
      await refusal(fail(user.email));
      // …and the next one lasts 30 minutes.
      const refused = await refusal(signIn(user.email, DEFAULT_PASSWORD));
      expect(refused.details.retryAfter).toBeGreaterThan(29 * 60);
      expect(refused.message).toContain('try again in 30 minutes');
    });

    describe('UserService.unlock', () => {
      it('lifts the lockout for an admin, after which the right password works at once; refuses a USER', async () => {
        const user = await makeUser(t);
        for (let i = 0; i < 3; i++) await refusal(fail(user.email));
        expect((await refusal(signIn(user.email, DEFAULT_PASSWORD))).code).toBe('TOO_MANY_REQUESTS');

        const someone = await makeUser(t);
        expect((await refusal(users().unlock(t.asUser(someone), user.id))).code).toBe('FORBIDDEN');
        const unlocked = await users().unlock(asAdmin(), user.id);
        expect({ id: unlocked.id, lockedUntil: await users().lockedUntil(asAdmin(), unlocked) }).toEqual({ id: user.id, lockedUntil: null });
        expect((await signIn(user.email, DEFAULT_PASSWORD)).user.id).toBe(user.id);
        expect((await refusal(users().unlock(asAdmin(), 999999))).code).toBe('NOT_FOUND');
      });
    });
  });

  describe('per network address', () => {
    it('stops password spraying across many emails from one address', async () => {
      const signIn = signingIn(t.compose({ loginLimits: { perEmail: 100, perSource: 4 } }), '198.51.100.4');
      const target = await makeUser(t);
      for (let i = 0; i < 4; i++) expect((await refusal(signIn(`sprayed-${i}@example.com`, 'guess-guess'))).code).toBe('UNAUTHENTICATED');
      const refused = await refusal(signIn(target.email, DEFAULT_PASSWORD));
      expect(refused.code).toBe('TOO_MANY_REQUESTS');
      expect(refused.message).toContain('from your network address');
    });
  });
});
