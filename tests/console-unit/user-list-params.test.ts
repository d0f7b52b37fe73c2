import { describe, expect, it } from 'vitest';
import { filterClients } from '../../console/src/lib/clients.js';
import { USER_STATUSES, readUserListParams, userListHref } from '../../console/src/lib/users.js';

/** The users list keeps its state in the URL (console/src/lib/users.ts); the client picker filters. */

describe('the users list in the URL', () => {
  it('defaults to the first page by name, ascending', () => {
    expect(readUserListParams(new URL('http://x/users'))).toEqual({ search: '', status: null, page: 1, orderBy: 'NAME', direction: 'ASC' });
    expect(userListHref({ search: '', status: null, page: 1, orderBy: 'NAME', direction: 'ASC' })).toBe('/users');
  });

  it('round-trips search, status, page and order', () => {
    const params = { search: 'ada lovelace', status: 'SUSPENDED', page: 3, orderBy: 'LAST_LOGIN_AT', direction: 'DESC' } as const;
    expect(readUserListParams(new URL(`http://x${userListHref(params)}`))).toEqual(params);
  });

  it('keeps the status filter in lower case, /users?status=invited, for each status', () => {
    expect(userListHref({ search: '', status: 'INVITED', page: 1, orderBy: 'NAME', direction: 'ASC' })).toBe('/users?status=invited');
    for (const status of USER_STATUSES) expect(readUserListParams(new URL(`http://x/users?status=${status.toLowerCase()}`)).status).toBe(status);
    expect(USER_STATUSES).toEqual(['ACTIVE', 'INVITED', 'SUSPENDED']);
  });

  it('falls back to the defaults on nonsense', () => {
    expect(readUserListParams(new URL('http://x/users?page=-2&sort=password&dir=up&status=ACTIVE'))).toEqual({ search: '', status: null, page: 1, orderBy: 'NAME', direction: 'ASC' });
    expect(readUserListParams(new URL('http://x/users?status=toString')).status).toBeNull();
  });
});

describe('filterClients', () => {
  it('matches a case-insensitive substring of the name', () => {
    const clients = [{ name: 'Acme Corp' }, { name: 'Globex' }, { name: 'ACME Europe' }];
    expect(filterClients(clients, ' acme ').map((c) => c.name)).toEqual(['Acme Corp', 'ACME Europe']);
    expect(filterClients(clients, '')).toHaveLength(3);
  });
});
