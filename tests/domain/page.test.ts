import { describe, expect, it } from 'vitest';
import { PAGE_LIMIT_DEFAULT, checkPage, type PageQuery } from '../../server/domain/page.js';
import { FieldProblems } from '../../server/domain/validation.js';

/** Paging, the same for every list: skip >= 0, limit 1..1000, 0 and 100 when left out. */
function check(query: PageQuery) {
  const problems = new FieldProblems();
  const page = checkPage(query, problems);
  return { fields: problems.fields, page };
}

describe('checkPage', () => {
  it('accepts skip 0 and limits 1 and 1000', () => {
    expect(check({ skip: 0, limit: 1 })).toEqual({ fields: {}, page: { skip: 0, limit: 1 } });
    expect(check({ skip: 0, limit: 1000 })).toEqual({ fields: {}, page: { skip: 0, limit: 1000 } });
    expect(check({ skip: 5000, limit: 100 }).fields).toEqual({});
  });

  it('asks for the first page of 100 when skip and limit are left out', () => {
    expect(check({})).toEqual({ fields: {}, page: { skip: 0, limit: PAGE_LIMIT_DEFAULT } });
    expect(check({ skip: null, limit: null }).page).toEqual({ skip: 0, limit: 100 });
  });

  it('refuses a negative or fractional skip', () => {
    expect(Object.keys(check({ skip: -1, limit: 100 }).fields)).toEqual(['skip']);
    expect(Object.keys(check({ skip: 0.5, limit: 100 }).fields)).toEqual(['skip']);
  });

  it('refuses limits 0 and 1001', () => {
    expect(Object.keys(check({ skip: 0, limit: 0 }).fields)).toEqual(['limit']);
    expect(Object.keys(check({ skip: 0, limit: 1001 }).fields)).toEqual(['limit']);
    expect(Object.keys(check({ skip: 0, limit: 2.5 }).fields)).toEqual(['limit']);
  });

  it('names both when both are wrong', () => {
    expect(Object.keys(check({ skip: -1, limit: 0 }).fields).sort()).toEqual(['limit', 'skip']);
  });
});
