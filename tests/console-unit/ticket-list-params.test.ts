import { describe, expect, it } from 'vitest';
import { readTicketListParams, ticketListHref } from '../../console/src/lib/tickets.js';

/** The tickets list keeps its filters and page in the URL (console/src/lib/tickets.ts). */

describe('the tickets list in the URL', () => {
  it('defaults to every client, any status, the first page', () => {
    expect(readTicketListParams(new URL('http://x/tickets'))).toEqual({ clientId: null, status: null, page: 1 });
    expect(ticketListHref({ clientId: null, status: null, page: 1 })).toBe('/tickets');
  });

  it('round-trips client, status and page, with readable status names', () => {
    const params = { clientId: '12', status: 'IN_PROGRESS', page: 2 } as const;
    expect(ticketListHref(params)).toBe('/tickets?client=12&status=in-progress&page=2');
    expect(readTicketListParams(new URL(`http://x${ticketListHref(params)}`))).toEqual(params);
  });

  it('ignores what it does not understand rather than sending it to the API', () => {
    expect(readTicketListParams(new URL('http://x/tickets?client=abc&status=CLOSED&page=-1'))).toEqual({ clientId: null, status: null, page: 1 });
  });
});
