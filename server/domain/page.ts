import { FieldProblems } from './validation.js';

/**
 * Paging, the same for every list (users, tickets, notifications, the audit log): `skip` rows
 * passed over, at most `limit` returned, and how many match over all pages.
 */
export const PAGE_LIMIT_DEFAULT = 100;
export const PAGE_LIMIT_MAX = 1000;

export interface Page<T> {
  items: T[];
  total: number;
  skip: number;
  limit: number;
}

export interface PageRequest {
  skip: number;
  limit: number;
}

/** What a caller asks for; either may be left out. */
export interface PageQuery {
  skip?: number | null;
  limit?: number | null;
}

/** The page a query asks for (skip 0 and limit 100 when left out); each bad argument is added to `problems`. */
export function checkPage(query: PageQuery, problems: FieldProblems): PageRequest {
  const skip = query.skip ?? 0;
  const limit = query.limit ?? PAGE_LIMIT_DEFAULT;
  if (!Number.isInteger(skip) || skip < 0) problems.add('skip', 'must be an integer of 0 or more');
  if (!Number.isInteger(limit) || limit < 1 || limit > PAGE_LIMIT_MAX) problems.add('limit', `must be an integer from 1 to ${PAGE_LIMIT_MAX}`);
  return { skip, limit };
}

export function pageOf<T>(items: T[], total: number, request: PageRequest): Page<T> {
  return { items, total, skip: request.skip, limit: request.limit };
}
