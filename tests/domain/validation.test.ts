import { describe, expect, it } from 'vitest';
import {
  DEFAULT_NOTIFICATION_PREFERENCES,
  FieldProblems,
  checkEmail,
  checkIds,
  checkName,
  checkNotificationPreferences,
  checkPassword,
  checkRoles,
  checkSearch,
  parseId,
  type Check,
} from '../../server/domain/validation.js';

/** The API's validation rules (README: Using the API), as pure functions. */

function valueOf<T>(check: Check<T>): T {
  if (!check.ok) throw new Error(`expected ok, got problem "${check.problem}"`);
  return check.value;
}
function problemOf<T>(check: Check<T>): string {
  if (check.ok) throw new Error(`expected a problem, got ${JSON.stringify(check.value)}`);
  expect(check.problem).toMatch(/\S/);
  return check.problem;
}

/** An address of exactly `length` characters: local part of `local` characters, labels of at most 63. */
function email(length: number, local = 64): string {
  const localPart = 'l'.repeat(local);
  let remaining = length - local - 1 - 'com'.length;
  const labels: string[] = [];
  while (remaining > 0) {
    const label = Math.min(63, remaining - 1);
    labels.push('d'.repeat(label));
    remaining -= label + 1;
  }
  const address = `${localPart}@${[...labels, 'com'].join('.')}`;
  expect(address).toHaveLength(length);
  return address;
}

describe('checkName', () => {
  it('trims the name', () => {
    expect(valueOf(checkName('  Ada Lovelace \n\t'))).toBe('Ada Lovelace');
  });

  it('keeps inner spaces as they are', () => {
    expect(valueOf(checkName('Ada   Lovelace'))).toBe('Ada   Lovelace');
  });

  it.each(['', ' ', '   ', '\t\n '])('refuses the empty or blank name %j', (name) => {
    problemOf(checkName(name));
  });

  it.each(['Ada\nLovelace', 'Ada\r\n2026-12-01T00:00:00.000Z info  forged', 'Tab\there', 'Nul\u0000', 'Esc\u001b[31mred', 'Del\u007f', 'Unit\u001fSeparator'])(
    'refuses a name with a control character inside: %j',
    (name) => {
      expect(problemOf(checkName(name))).toMatch(/control characters/);
    },
  );

  it('accepts characters beyond the control ranges, emoji and other scripts included', () => {
    expect(valueOf(checkName('Zoë 🎉 日本 \u0080\u00a0nbsp'))).toBe('Zoë 🎉 日本 \u0080\u00a0nbsp');
  });

  it('accepts 1 character and 200 characters', () => {
    expect(valueOf(checkName('x'))).toBe('x');
    expect(valueOf(checkName('n'.repeat(200)))).toBe('n'.repeat(200));
  });

  it('refuses 201 characters', () => {
    expect(problemOf(checkName('n'.repeat(201)))).toMatch(/200/);
  });

  it('counts after trimming', () => {
    expect(valueOf(checkName(`   ${'n'.repeat(200)}   `))).toBe('n'.repeat(200));
    problemOf(checkName(`   ${'n'.repeat(201)}   `));
  });

  it('counts characters, not bytes or UTF-16 units', () => {
    expect(valueOf(checkName('é'.repeat(200)))).toBe('é'.repeat(200));
    expect(valueOf(checkName('😀'.repeat(200)))).toBe('😀'.repeat(200));
    problemOf(checkName('😀'.repeat(201)));
  });
});

describe('checkEmail', () => {
  it('trims and lowercases', () => {
    expect(valueOf(checkEmail('  Ada.Lovelace@Example.COM \n'))).toBe('ada.lovelace@example.com');
  });

  it.each(['a@b', 'a@b.co', 'first.last+tag@sub.example.org', "o'brien@example.ie", 'x_y-z@ex-ample.com', '1@2.3'])('accepts %j', (address) => {
    expect(valueOf(checkEmail(address))).toBe(address);
  });

  it.each([
    '',
    '   ',
    'plainaddress',
    '@example.com',
    'someone@',
    'two@@example.com',
    'two@at@example.com',
    'spa ce@example.com',
    'someone@exa mple.com',
    'a@-example.com',
    'a@example-.com',
    'a@example..com',
    'a@.example.com',
    'a@example.com.',
    '<a@example.com>',
  ])('refuses %j', (address) => {
    problemOf(checkEmail(address));
  });

  it('accepts 254 characters and refuses 255', () => {
    const longest = email(254);
    expect(valueOf(checkEmail(longest))).toBe(longest);
    expect(problemOf(checkEmail(email(255)))).toMatch(/254/);
  });

  it('measures the length after trimming', () => {
    const longest = email(254);
    expect(valueOf(checkEmail(`  ${longest}  `))).toBe(longest);
  });

  it('accepts a local part of 64 characters and refuses 65', () => {
    expect(valueOf(checkEmail(`${'l'.repeat(64)}@example.com`))).toBe(`${'l'.repeat(64)}@example.com`);
    problemOf(checkEmail(`${'l'.repeat(65)}@example.com`));
  });

  it('accepts a domain label of 63 characters and refuses 64', () => {
    expect(valueOf(checkEmail(`a@${'d'.repeat(63)}.com`))).toBe(`a@${'d'.repeat(63)}.com`);
    problemOf(checkEmail(`a@${'d'.repeat(64)}.com`));
    problemOf(checkEmail(`a@example.${'d'.repeat(64)}`));
  });
});

describe('checkPassword', () => {
  it('refuses 7 characters and accepts 8', () => {
    expect(problemOf(checkPassword('1234567'))).toMatch(/8/);
    expect(valueOf(checkPassword('12345678'))).toBe('12345678');
  });

  it('refuses the empty password', () => {
    problemOf(checkPassword(''));
  });

  it('keeps the password exactly as given: no trimming', () => {
    expect(valueOf(checkPassword('  spaced out  '))).toBe('  spaced out  ');
  });

  it('measures the minimum in bytes too: 8 bytes of "é" (4 characters) pass, 7 bytes do not', () => {
    expect(valueOf(checkPassword('éééé'))).toBe('éééé');
    expect(problemOf(checkPassword('ééé' + 'x'))).toMatch(/at least 8 bytes/);
  });

  it('accepts 72 bytes and refuses 73 (ASCII)', () => {
    expect(valueOf(checkPassword('p'.repeat(72)))).toBe('p'.repeat(72));
    expect(problemOf(checkPassword('p'.repeat(73)))).toMatch(/72/);
  });

  it('counts UTF-8 bytes: "é" is 2 bytes, "€" 3, "😀" 4', () => {
    expect(valueOf(checkPassword('é'.repeat(36)))).toBe('é'.repeat(36)); // 72 bytes
    problemOf(checkPassword('é'.repeat(36) + 'x')); // 73 bytes
    problemOf(checkPassword('é'.repeat(37))); // 74 bytes
    expect(valueOf(checkPassword('€'.repeat(24)))).toBe('€'.repeat(24)); // 72 bytes
    problemOf(checkPassword('€'.repeat(24) + 'x')); // 73 bytes
    expect(valueOf(checkPassword('😀'.repeat(18)))).toBe('😀'.repeat(18)); // 72 bytes
    problemOf(checkPassword('😀'.repeat(18) + 'x')); // 73 bytes
    expect(valueOf(checkPassword('p'.repeat(71) + 'x'))).toHaveLength(72);
    problemOf(checkPassword('p'.repeat(71) + 'é')); // 71 + 2 = 73 bytes
  });
});

describe('checkRoles', () => {
  it('accepts each known role in any case and returns them lower case', () => {
    expect(valueOf(checkRoles(['ADMIN']))).toEqual(['admin']);
    expect(valueOf(checkRoles(['user']))).toEqual(['user']);
    expect(valueOf(checkRoles(['Admin', 'USER']))).toEqual(['admin', 'user']);
  });

  it('collapses repeats, also across case', () => {
    expect(valueOf(checkRoles(['USER', 'user', 'User']))).toEqual(['user']);
    expect(valueOf(checkRoles(['ADMIN', 'USER', 'admin', 'user']))).toEqual(['admin', 'user']);
  });

  it('refuses an empty list', () => {
    problemOf(checkRoles([]));
  });

  it('refuses an unknown role, naming it and the known ones', () => {
    const problem = problemOf(checkRoles(['user', 'superuser']));
    expect(problem).toContain('superuser');
    expect(problem).toMatch(/admin/);
    expect(problem).toMatch(/user/);
  });

  it('refuses an empty role name', () => {
    problemOf(checkRoles(['']));
  });
});

describe('parseId', () => {
  it.each([
    ['1', 1],
    ['42', 42],
    [' 7 ', 7],
    [1, 1],
    [2147483647, 2147483647],
    ['2147483647', 2147483647],
  ] as const)('reads %j as %i', (raw, id) => {
    expect(parseId(raw)).toBe(id);
  });

  it.each(['abc', '0', '-1', '1.5', '', ' ', '01', '+1', '1e3', '0x10', '1 2', 0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])(
    'refuses %j',
    (raw) => {
      expect(parseId(raw)).toBeNull();
    },
  );

  it('refuses ids past the database integer range', () => {
    expect(parseId('2147483648')).toBeNull();
    expect(parseId(2147483648)).toBeNull();
    expect(parseId('99999999999999999999')).toBeNull();
  });
});

describe('checkIds', () => {
  it('reads ids from strings and numbers', () => {
    expect(valueOf(checkIds(['3', 1, '2']))).toEqual([3, 1, 2]);
  });

  it('collapses repeats, keeping the first order', () => {
    expect(valueOf(checkIds(['2', 2, '1', '2', 1]))).toEqual([2, 1]);
  });

  it('accepts the empty list', () => {
    expect(valueOf(checkIds([]))).toEqual([]);
  });

  it('refuses any entry that is not a positive integer, naming every bad one', () => {
    const problem = problemOf(checkIds(['1', 'abc', '0', '-4', '2']));
    expect(problem).toContain('abc');
    expect(problem).toContain('"0"');
    expect(problem).toContain('-4');
  });
});

describe('checkNotificationPreferences', () => {
  it('defaults to both on', () => {
    expect(DEFAULT_NOTIFICATION_PREFERENCES).toEqual({ email: true, ui: true });
  });

  it('accepts both keys', () => {
    expect(valueOf(checkNotificationPreferences({ email: false, ui: true }))).toEqual({ email: false, ui: true });
  });

  it('accepts one key or none, leaving the other out (to be merged)', () => {
    expect(valueOf(checkNotificationPreferences({ ui: false }))).toEqual({ ui: false });
    expect(valueOf(checkNotificationPreferences({ email: true }))).toEqual({ email: true });
    expect(valueOf(checkNotificationPreferences({}))).toEqual({});
  });

  it('treats a null or undefined key as absent', () => {
    expect(valueOf(checkNotificationPreferences({ email: null, ui: undefined }))).toEqual({});
  });

  it('refuses an unknown key, naming it', () => {
    expect(problemOf(checkNotificationPreferences({ email: true, sms: true }))).toContain('sms');
  });

  it.each([
    { email: 'true' },
    { ui: 1 },
    { ui: 0 },
    { email: {} },
  ])('refuses a value that is not a boolean: %j', (raw) => {
    problemOf(checkNotificationPreferences(raw));
  });

  it.each([null, undefined, 'email', true, 1, [], [true, false]])('refuses %j, which is not an object', (raw) => {
    problemOf(checkNotificationPreferences(raw));
  });
});

describe('checkSearch', () => {
  it('trims the search text', () => {
    expect(valueOf(checkSearch('  ada  '))).toBe('ada');
  });

  it('keeps wildcard characters as they are (the query escapes them)', () => {
    expect(valueOf(checkSearch('50%_\\'))).toBe('50%_\\');
  });
});

describe('FieldProblems', () => {
  it('gathers one problem per field, keeping the first', () => {
    const problems = new FieldProblems();
    expect(problems.empty).toBe(true);
    expect(problems.take('name', checkName('Ada'))).toBe('Ada');
    expect(problems.empty).toBe(true);
    expect(problems.take('email', checkEmail('nope'))).toBeUndefined();
    problems.add('email', 'second problem');
    problems.add('clientIds', 'no client with id 9');
    expect(problems.empty).toBe(false);
    expect(Object.keys(problems.fields).sort()).toEqual(['clientIds', 'email']);
    expect(problems.fields.email).not.toBe('second problem');
  });

  it('throws them all at once as BAD_USER_INPUT, and nothing when there is none', () => {
    const problems = new FieldProblems();
    expect(() => problems.throwIfAny()).not.toThrow();
    problems.add('name', 'must not be empty');
    problems.add('roles', 'must name at least one role');
    expect(() => problems.throwIfAny()).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', fields: { name: 'must not be empty', roles: 'must name at least one role' } }));
  });
});
