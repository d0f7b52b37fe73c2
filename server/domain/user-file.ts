/**
 * The users file of bulk import and export (README: Bulk import and export), cell by cell: pure
 * and reversible, so that a file exported and imported again changes nothing.
 */
export const USER_FILE_COLUMNS = ['name', 'email', 'roles', 'clients', 'status'] as const;
export type UserFileColumn = (typeof USER_FILE_COLUMNS)[number];

/** What a spreadsheet reads as the start of a formula (or turns into one): =, +, -, @, a tab, a carriage return. */
const FORMULA_START = /^'*[=+\-@\t\r]/;
const ESCAPED_FORMULA_START = /^'+[=+\-@\t\r]/;

/**
 * A cell as the file holds it: one that a spreadsheet would run as a formula gets a leading `'`
 * (OWASP's advice against CSV injection). So that this can be undone exactly, a text that starts
 * with apostrophes before such a character gets one more: `'=x` is written `''=x`.
 */
export function escapeCell(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** The inverse of escapeCell: one leading `'` before apostrophes and a formula character is dropped; anything else is as written. */
export function unescapeCell(cell: string): string {
  return ESCAPED_FORMULA_START.test(cell) ? cell.slice(1) : cell;
}

/** Roles and client names are separated by `;` in their cells; a `;` or `\` inside a client's name is written `\;` or `\\`. */
export const LIST_SEPARATOR = ';';

export function joinList(items: readonly string[]): string {
  return items.map((item) => item.replace(/[\\;]/g, (c) => `\\${c}`)).join(LIST_SEPARATOR);
}

/** A list cell's entries, trimmed, empty ones left out ("" is the empty list). */
export function splitList(cell: string): string[] {
  const items: string[] = [];
  let current = '';
  for (let i = 0; i < cell.length; i++) {
    const c = cell[i]!;
    if (c === '\\' && i + 1 < cell.length) current += cell[++i];
    else if (c === LIST_SEPARATOR) {
      items.push(current);
      current = '';
    } else current += c;
  }
  items.push(current);
  return items.map((item) => item.trim()).filter((item) => item !== '');
}

/** The outcome of one row of an import. */
export const IMPORT_ACTIONS = ['created', 'updated', 'unchanged', 'error'] as const;
export type ImportAction = (typeof IMPORT_ACTIONS)[number];

/** The fields an import may change on an existing user, in the order a report names them. */
export const IMPORT_CHANGE_FIELDS = ['name', 'roles', 'clients'] as const;
export type ImportChangeField = (typeof IMPORT_CHANGE_FIELDS)[number];
