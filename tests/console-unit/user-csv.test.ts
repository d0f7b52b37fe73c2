import { describe, expect, it } from 'vitest';
import type { ImportReportData } from '../../console/src/lib/graphql/operations.js';
import { csvUserCount, exportFileName, exportedMessage, importSummary, importVerdict, linesText, reportRows } from '../../console/src/lib/user-csv.js';

/** Export CSV and Import in the console (console/src/lib/user-csv.ts): the file's name, what an export says, and what a report says. */

type Row = ImportReportData['rows'][number];
const row = (line: number, action: Row['action'], extra: Partial<Row> = {}): Row => ({ line, email: `row${line}@example.com`, action, changes: [], error: null, ...extra });
function report(rows: Row[], applied = false): ImportReportData {
  const count = (action: Row['action']) => rows.filter((r) => r.action === action).length;
  return { applied, rows, created: count('created'), updated: count('updated'), unchanged: count('unchanged'), errors: count('error') };
}

describe('exportFileName', () => {
  it('is users-YYYY-MM-DD.csv, the day on the person’s own calendar', () => {
    expect(exportFileName(new Date(2026, 11, 3, 23, 59))).toBe('users-2026-12-03.csv');
    expect(exportFileName(new Date(2027, 0, 9, 0, 0))).toBe('users-2027-01-09.csv');
  });
});

describe('csvUserCount and exportedMessage', () => {
  const HEADER = 'name,email,roles,clients,status\r\n';
  it('counts the records after the header, not the line breaks inside a quoted cell', () => {
    expect(csvUserCount(HEADER)).toBe(0);
    expect(csvUserCount(`${HEADER}Ada,ada@example.com,admin,,active\r\n`)).toBe(1);
    expect(csvUserCount(`${HEADER}"Ada\r\nLovelace",ada@example.com,admin,"Acme, ""Inc""",active\r\nGrace,grace@example.com,user,,invited\r\n`)).toBe(2);
    expect(csvUserCount(`${HEADER}Ada,ada@example.com,admin,,active`)).toBe(1);
    expect(csvUserCount('')).toBe(0);
  });

  it('names how many users went to which file', () => {
    expect(exportedMessage(`${HEADER}Ada,ada@example.com,admin,,active\r\n`, 'users-2026-12-03.csv')).toBe('Exported 1 user to users-2026-12-03.csv');
    expect(exportedMessage(HEADER, 'users-2026-12-03.csv')).toBe('Exported 0 users to users-2026-12-03.csv');
  });
});

describe('linesText', () => {
  it('lists the lines in words, and past ten says how many more', () => {
    expect(linesText([4])).toBe('line 4');
    expect(linesText([3, 5])).toBe('lines 3 and 5');
    expect(linesText([2, 3, 9])).toBe('lines 2, 3 and 9');
    expect(linesText([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13])).toBe('lines 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 and 2 more');
  });
});

describe('importVerdict and importSummary', () => {
  it('a file with a bad row: nothing was changed, and the lines to fix', () => {
    const bad = report([row(2, 'created'), row(3, 'error', { error: 'roles: unknown role "boss"' }), row(5, 'error', { error: 'email: must be a valid email address' })]);
    expect(importVerdict(bad)).toBe('errors');
    expect(importSummary(bad)).toEqual({ title: 'Nothing was changed: 2 rows have errors', detail: 'Fix lines 3 and 5 of the file, then choose it again. The whole file is imported, or none of it.' });
    expect(importSummary(report([row(7, 'error')])).title).toBe('Nothing was changed: 1 row has an error');
  });

  it('a file that matches the users as they are: nothing to change, whether previewed or applied', () => {
    const same = report([row(2, 'unchanged'), row(3, 'unchanged')]);
    expect(importVerdict(same)).toBe('nothing');
    expect(importSummary(same)).toEqual({ title: 'Nothing to change', detail: 'Every row of the file matches its user as they are (2 users).' });
    expect(importSummary(report([row(2, 'unchanged')], true)).title).toBe('Nothing to change');
  });

  it('a dry run that would apply: what it will do, and that nothing has changed yet', () => {
    const ready = report([row(2, 'created'), row(3, 'created'), row(4, 'updated', { changes: ['name'] }), row(5, 'unchanged')]);
    expect(importVerdict(ready)).toBe('ready');
    expect(importSummary(ready)).toEqual({ title: 'Ready to apply: 2 users will be invited and 1 updated', detail: 'Nothing has changed yet. Apply imports the whole file; new users are emailed an invitation.' });
    expect(importSummary(report([row(4, 'updated')])).title).toBe('Ready to apply: 1 user will be updated');
  });

  it('applied: what it did, and that the new users were sent invitations', () => {
    const done = report([row(2, 'created'), row(3, 'updated'), row(4, 'unchanged')], true);
    expect(importVerdict(done)).toBe('applied');
    expect(importSummary(done)).toEqual({ title: 'Imported: 1 user invited and 1 updated', detail: 'Each new user was sent an invitation email, to choose their password. 1 user unchanged.' });
    expect(importSummary(report([row(3, 'updated'), row(4, 'updated')], true))).toEqual({ title: 'Imported: 2 users updated', detail: '' });
  });
});

describe('reportRows', () => {
  const rows = [row(2, 'unchanged'), row(3, 'updated'), row(4, 'error'), row(5, 'created'), row(6, 'error')];
  it('lists the bad rows first, then the changes, each in file order; the unchanged ones only when asked for', () => {
    expect(reportRows({ rows }, false).map((r) => r.line)).toEqual([4, 6, 3, 5]);
    expect(reportRows({ rows }, true).map((r) => r.line)).toEqual([4, 6, 3, 5, 2]);
  });
});
