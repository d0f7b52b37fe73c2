import { describe, expect, it } from 'vitest';
import { escapeCell, joinList, splitList, unescapeCell } from '../../server/domain/user-file.js';

/** The cells of the users file (README: Bulk import and export): guarded against formulas, and exactly reversible. */
describe('escapeCell and unescapeCell', () => {
  const texts = ['plain', '', '=1+1', '+33 1 23', '-minus', '@handle', '\tTab', '\rCR', "'", "'quoted", "'=x", "''=x", "'''@x", "x'=y", "''", "'plain", ' =space first'];

  it('put a leading apostrophe before what a spreadsheet would run as a formula, and leave anything else as it is', () => {
    expect(texts.map(escapeCell)).toEqual(['plain', '', "'=1+1", "'+33 1 23", "'-minus", "'@handle", "'\tTab", "'\rCR", "'", "'quoted", "''=x", "'''=x", "''''@x", "x'=y", "''", "'plain", ' =space first']);
  });

  it('are inverses: every text comes back as it was, a text that really starts with an apostrophe before a formula character too', () => {
    for (const text of texts) expect(unescapeCell(escapeCell(text))).toBe(text);
  });

  it('never leave a cell that starts a formula', () => {
    for (const text of texts) expect(escapeCell(text)).not.toMatch(/^[=+\-@\t\r]/);
  });
});

describe('joinList and splitList', () => {
  it('separate entries with ";", writing a ";" or "\\" inside one as "\\;" or "\\\\", and read them back', () => {
    const names = ['Acme', 'Semi;Colon', 'Back\\slash', 'Both \\;'];
    expect(joinList(names)).toBe('Acme;Semi\\;Colon;Back\\\\slash;Both \\\\\\;');
    expect(splitList(joinList(names))).toEqual(names);
  });

  it('read an empty cell as no entry, and trim each entry', () => {
    expect(splitList('')).toEqual([]);
    expect(splitList(' admin ; user ;')).toEqual(['admin', 'user']);
  });
});
