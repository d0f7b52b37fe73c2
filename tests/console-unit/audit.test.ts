import { describe, expect, it } from 'vitest';
import {
  NO_AUDIT_FILTERS,
  actionLabel,
  auditHref,
  auditVariables,
  filterFormOf,
  hasAuditFilters,
  isoToLocalInput,
  localInputToIso,
  paramsOfFilterForm,
  rangeProblem,
  readAuditParams,
  summarizeChanges,
  targetHref,
} from '../../console/src/lib/audit.js';
import { AUDIT_ACTIONS } from '../../server/domain/audit.js';

/** The audit log page's pure logic (console/src/lib/audit.ts): the URL, the filter form, the summaries. */

const read = (path: string) => readAuditParams(new URL(`http://x${path}`));

describe('the audit log’s filters in the URL', () => {
  it('defaults to everything, the first page', () => {
    expect(read('/audit')).toEqual(NO_AUDIT_FILTERS);
    expect(auditHref(NO_AUDIT_FILTERS)).toBe('/audit');
    expect(hasAuditFilters(NO_AUDIT_FILTERS)).toBe(false);
  });

  it('round-trips every filter and the page, with a readable target', () => {
    const params = {
      action: 'user.update',
      actorId: '3',
      targetType: 'user',
      targetId: '5',
      from: '2026-01-02T09:00:00.000Z',
      to: '2026-01-03T17:30:59.999Z',
      page: 2,
    } as const;
    const href = auditHref(params);
    expect(href).toBe('/audit?action=user.update&actor=3&target=user:5&from=2026-01-02T09%3A00%3A00.000Z&to=2026-01-03T17%3A30%3A59.999Z&page=2'.replaceAll('%3A', ':'));
    expect(read(href)).toEqual(params);
    expect(hasAuditFilters(params)).toBe(true);
  });

  it('keeps a target type without an id', () => {
    expect(auditHref({ targetType: 'ticket' })).toBe('/audit?target=ticket');
    expect(read('/audit?target=ticket')).toMatchObject({ targetType: 'ticket', targetId: null });
  });

  it('builds the links of a user’s page: their activity, and changes to them', () => {
    expect(auditHref({ actorId: '7' })).toBe('/audit?actor=7');
    expect(auditHref({ targetType: 'user', targetId: '7' })).toBe('/audit?target=user:7');
  });

  it('ignores what it does not understand rather than sending it to the API', () => {
    expect(read('/audit?action=user.explode&actor=abc&target=planet:4&from=yesterday&to=&page=0')).toEqual(NO_AUDIT_FILTERS);
    expect(read('/audit?actor=-1&target=user:0')).toMatchObject({ actorId: null, targetType: 'user', targetId: null });
    expect(read('/audit?page=2.5').page).toBe(1);
  });

  it('turns params into the query’s variables, a page at a time', () => {
    expect(auditVariables({ ...NO_AUDIT_FILTERS, action: 'login.failure', page: 3 })).toEqual({
      action: 'login.failure',
      actorId: null,
      targetType: null,
      targetId: null,
      from: null,
      to: null,
      skip: 50,
      limit: 25,
    });
  });

  it('says when the time range is empty instead of asking the API', () => {
    expect(rangeProblem({ from: '2026-01-02T00:00:00.000Z', to: '2026-01-01T00:00:00.000Z' })).toMatch(/From must not be after To/);
    expect(rangeProblem({ from: '2026-01-01T00:00:00.000Z', to: '2026-01-01T00:00:00.000Z' })).toBeNull();
    expect(rangeProblem({ from: null, to: '2026-01-01T00:00:00.000Z' })).toBeNull();
  });
});

describe('the date-time inputs', () => {
  it('show a time in local time to the minute, and read it back', () => {
    const local = '2026-03-04T05:06';
    const iso = localInputToIso(local)!;
    expect(new Date(iso).getTime()).toBe(new Date(2026, 2, 4, 5, 6).getTime());
    expect(isoToLocalInput(iso)).toBe(local);
  });

  it('make "To" include the whole minute', () => {
    const iso = localInputToIso('2026-03-04T05:06', 'end')!;
    expect(new Date(iso).getTime()).toBe(new Date(2026, 2, 4, 5, 6, 59, 999).getTime());
    expect(isoToLocalInput(iso)).toBe('2026-03-04T05:06');
  });

  it('refuse what is not a date-time', () => {
    expect(localInputToIso('')).toBeNull();
    expect(localInputToIso('tomorrow')).toBeNull();
    expect(localInputToIso('2026-13-45T99:99')).toBeNull();
    expect(isoToLocalInput(null)).toBe('');
    expect(isoToLocalInput('nonsense')).toBe('');
  });
});

describe('the filter form', () => {
  const empty = filterFormOf(NO_AUDIT_FILTERS);

  it('starts from the URL’s params and gives them back (page 1)', () => {
    const params = { ...NO_AUDIT_FILTERS, action: 'client.delete', actorId: '2', targetType: 'client', targetId: '9', page: 4 } as const;
    const form = filterFormOf(params);
    expect(form).toEqual({ action: 'client.delete', actor: '2', targetType: 'client', targetId: '9', from: '', to: '' });
    expect(paramsOfFilterForm(form)).toEqual({ ok: true, params: { ...params, page: 1 } });
  });

  it('reads the time range as the inputs show it', () => {
    const result = paramsOfFilterForm({ ...empty, from: '2026-03-04T05:06', to: '2026-03-04T07:00' });
    expect(result).toEqual({ ok: true, params: { ...NO_AUDIT_FILTERS, from: localInputToIso('2026-03-04T05:06'), to: localInputToIso('2026-03-04T07:00', 'end') } });
  });

  it('says what is wrong beside each field', () => {
    expect(paramsOfFilterForm({ ...empty, actor: 'ada' })).toEqual({ ok: false, errors: { actor: expect.stringMatching(/user id/) } });
    expect(paramsOfFilterForm({ ...empty, targetId: '5' })).toEqual({ ok: false, errors: { targetType: expect.stringMatching(/type/) } });
    expect(paramsOfFilterForm({ ...empty, targetType: 'user', targetId: 'x' })).toEqual({ ok: false, errors: { targetId: expect.any(String) } });
    expect(paramsOfFilterForm({ ...empty, from: '2026-03-05T00:00', to: '2026-03-04T00:00' })).toEqual({ ok: false, errors: { to: expect.stringMatching(/before From/) } });
  });

  it('trims the ids', () => {
    expect(paramsOfFilterForm({ ...empty, actor: ' 12 ' })).toMatchObject({ ok: true, params: { actorId: '12' } });
  });
});

describe('actions and targets', () => {
  it('names every action the server records', () => {
    for (const action of AUDIT_ACTIONS) expect(actionLabel(action)).not.toBe(action);
    expect(actionLabel('user.update')).toBe('User updated');
    expect(actionLabel('login.failure')).toBe('Sign-in failed');
    expect(actionLabel('something.new')).toBe('something.new');
  });

  it('links a target to its page', () => {
    expect(targetHref('user', '5')).toBe('/users/5');
    expect(targetHref('client', '2')).toBe('/clients/2');
    expect(targetHref('ticket', '9')).toBe('/tickets/9');
    expect(targetHref(null, null)).toBeNull();
    expect(targetHref('planet', '1')).toBeNull();
  });
});

describe('change summaries', () => {
  it('shows an update as from → to, and a password only as changed', () => {
    expect(summarizeChanges({ name: { from: 'Ada', to: 'Ada L.' }, password: 'changed' })).toEqual(['name: Ada → Ada L.', 'password changed']);
  });

  it('shows a created record’s values, and a deleted one’s', () => {
    expect(summarizeChanges({ name: { to: 'Acme' } })).toEqual(['name: Acme']);
    expect(summarizeChanges({ title: { from: 'Old ticket' } })).toEqual(['title was Old ticket']);
  });

  it('reads roles, statuses, preferences and empty lists as people say them', () => {
    expect(
      summarizeChanges({
        roles: { from: ['user'], to: ['ADMIN', 'user'] },
        status: { from: 'OPEN', to: 'IN_PROGRESS' },
        notificationPreferences: { from: { email: true, ui: true }, to: { email: false, ui: false } },
        clientIds: { from: [], to: [1] },
      }),
    ).toEqual(['roles: User → Admin, User', 'status: Open → In progress', 'notifications: e-mail, in-app → none', 'clients: none → #1']);
  });

  it('reads an account’s lifecycle: user statuses, a chosen password, the sessions a change ended', () => {
    expect(summarizeChanges({ status: { from: 'invited', to: 'active' }, password: 'chosen' })).toEqual(['status: Invited → Active', 'password chosen']);
    expect(summarizeChanges({ status: { from: 'active', to: 'suspended' }, sessions: '2 ended' })).toEqual(['status: Active → Suspended', 'sessions: 2 ended']);
    expect(summarizeChanges({ status: { from: 'suspended', to: 'invited' } })).toEqual(['status: Suspended → Invited']);
  });

  it('names clients when it knows them', () => {
    const clientName = (id: string) => ({ '1': 'Acme', '2': 'Globex' })[id];
    expect(summarizeChanges({ clientIds: { from: [1], to: [1, 2, 3] }, clientId: { to: 2 } }, { clientName })).toEqual(['clients: Acme → Acme, Globex, #3', 'client: Globex']);
  });

  it('shortens long text to one line', () => {
    const [line] = summarizeChanges({ description: { from: '', to: `first line\n${'x'.repeat(200)}` } });
    expect(line).toMatch(/^description: \(empty\) → first line x+…$/);
    expect(line!.length).toBeLessThan(100);
  });

  it('reads lockouts and unlocks', () => {
    expect(summarizeChanges({ lockout: 'lifted' })).toEqual(['lockout lifted']);
    expect(summarizeChanges({ lockout: 'none was active' })).toEqual(['lockout: none was active']);
    expect(summarizeChanges({ lockedOut: 'email', until: '2026-01-02T03:04:05.000Z', level: '1' }, { formatTime: () => 'soon' })).toEqual(['locked out: email', 'until: soon', 'level: 1']);
  });

  it('has nothing to say without changes, and copes with what it does not expect', () => {
    expect(summarizeChanges(null)).toEqual([]);
    expect(summarizeChanges({})).toEqual([]);
    expect(summarizeChanges(['x'])).toEqual([]);
    expect(summarizeChanges({ flag: { from: false, to: true }, extra: { a: 1 }, other: 3 })).toEqual(['flag: no → yes', 'extra: {"a":1}', 'other: 3']);
  });
});
