import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContextExtras } from '../../server/services/context.js';
import type { AuditQuery } from '../../server/services/audit-log.js';
import type { UserSummary } from '../../server/services/user-read-model.js';
import { DEFAULT_PASSWORD, makeAdmin, makeClient, makeUser } from '../support/factories.js';
import { openTestServices, refusal, type TestServices } from '../support/services.js';

/**
 * What the audit log records (README: Security, "Audit log"): every change to users, clients and
 * tickets and every sign-in, failed sign-in, lockout and unlock, with actor, target, time, changed
 * fields, channel and network address, written by the services in the transaction of the change;
 * never a password or a hash. Over HTTP, tests/graphql/audit.test.ts checks that a request's
 * channel and address reach the log, and reading it (filters, paging, who may).
 */
let t: TestServices;
let admin: UserSummary;

/** Where the admin's requests come from, as the API's context would say. */
const FROM = '127.0.0.1';
const asAdmin = (extras: ContextExtras = {}) => t.asUser(admin, { sourceAddress: FROM, ...extras });
const audit = (query: AuditQuery = {}) => t.services.audit.list(t.asUser(admin), query);
const signIn = (email: string, password: string) => t.services.auth.login(t.asAnonymous({ sourceAddress: FROM }), { email, password });

beforeAll(async () => {
  t = await openTestServices({ loginLimits: { perEmail: 3, perSource: 1000 } });
  admin = await makeAdmin(t);
});

afterAll(async () => {
  await t?.close();
});

describe('AuditLog', () => {
  describe('what it records', () => {
    it('a user created, updated and deleted: actor, target, time, changed fields, never the password', async () => {
      const before = new Date();
      const client = await makeClient(t, 'Audited Client');
      const { users } = t.services;
      const { id } = await users.create(asAdmin(), { name: 'Audited', email: 'audited@example.com', password: 'secret-password-1', clientIds: [client.id] });
      await users.update(asAdmin(), id, { name: 'Audited Again', password: 'secret-password-2', roles: ['user', 'admin'] });
      await users.remove(asAdmin(), id);

      const { items } = await audit({ targetType: 'user', targetId: id });
      expect(items.map((e) => e.action)).toEqual(['user.delete', 'user.update', 'user.create']);
      for (const entry of items) {
        expect(entry).toMatchObject({ actorId: admin.id, actorLabel: admin.email, channel: 'api', targetType: 'user', targetId: String(id), sourceAddress: expect.stringContaining('127.0.0.1') });
        expect(entry.at.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1000);
      }
      expect(items[2]!.changes).toMatchObject({ name: { to: 'Audited' }, email: { to: 'audited@example.com' }, roles: { to: ['user'] }, clientIds: { to: [client.id] } });
      expect(items[1]!.changes).toEqual({ name: { from: 'Audited', to: 'Audited Again' }, roles: { from: ['user'], to: ['user', 'admin'] }, password: 'changed' });
      expect(items[0]!.changes).toMatchObject({ email: { from: 'audited@example.com' } });
      const everything = JSON.stringify(await audit({ limit: 1000 }));
      expect(everything).not.toContain('secret-password');
      expect(everything).not.toMatch(/\$2[aby]\$/);
    });

    it('clients and tickets, and the channel the context names (the console says so)', async () => {
      const { clients, tickets } = t.services;
      const client = (await clients.create(asAdmin({ channel: 'console' }), { name: 'Console Client' })).id;
      await clients.update(asAdmin(), client, { name: 'Renamed Client' });
      const ticket = (await tickets.create(asAdmin(), { clientId: client, title: 'Audited ticket' })).id;
      await tickets.update(asAdmin(), ticket, { status: 'DONE' });
      await tickets.remove(asAdmin(), ticket);
      await clients.remove(asAdmin(), client);

      const clientLog = (await audit({ targetType: 'client', targetId: client })).items;
      expect(clientLog.map((e) => [e.action, e.channel])).toEqual([
        ['client.delete', 'api'],
        ['client.update', 'api'],
        ['client.create', 'console'],
      ]);
      expect(clientLog[1]!.changes).toEqual({ name: { from: 'Console Client', to: 'Renamed Client' } });
      const ticketLog = (await audit({ targetType: 'ticket', targetId: ticket })).items;
      expect(ticketLog.map((e) => e.action)).toEqual(['ticket.delete', 'ticket.update', 'ticket.create']);
      expect(ticketLog[1]!.changes).toEqual({ status: { from: 'OPEN', to: 'DONE' } });
    });

    it('sign-ins, failed sign-ins, lockouts and unlocks', async () => {
      const user = await makeUser(t);
      await signIn(user.email, DEFAULT_PASSWORD);
      for (let i = 0; i < 3; i++) await refusal(signIn(user.email, 'wrong-password'));
      await refusal(signIn('nobody-at-all@example.com', 'wrong-password'));
      await t.services.users.unlock(asAdmin(), user.id);
      await signIn(user.email, DEFAULT_PASSWORD);

      const mine = (await audit({ targetType: 'user', targetId: user.id })).items.map((e) => [e.action, e.actorLabel]);
      expect(mine.slice(0, 6)).toEqual([
        ['login.success', user.email],
        ['user.unlock', admin.email],
        ['login.lockout', user.email],
        ['login.failure', user.email],
        ['login.failure', user.email],
        ['login.failure', user.email],
      ]);
      const unknown = (await audit({ action: 'login.failure' })).items.find((e) => e.actorLabel === 'nobody-at-all@example.com');
      expect(unknown).toMatchObject({ actorId: null, targetType: null, targetId: null });
    });
  });
});
