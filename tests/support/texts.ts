/**
 * Text that people really type, in every shape that has tripped a database layer somewhere:
 * statement separators, both quotes, backslashes, placeholders of every driver ($1, ?, :name),
 * comment markers, LIKE wildcards, emoji (outside the BMP) and non-Latin scripts. None has
 * leading or trailing spaces (names are trimmed) or control characters (names refuse them), so
 * each must read back byte for byte.
 */
export const TRICKY_TEXTS = [
  'Acme; Inc',
  "'; drop table users; --",
  `O'Brien & "the boss"`,
  'C:\\Users\\ada\\new folder \\\\ share\\',
  'price $1, $2 and $$ quoted $$',
  'What? Really?? ?',
  'ids :name and :1 ::text',
  'a -- not a comment',
  '/* not a comment */ either',
  '100% of a_b',
  'Party 🎉 time 😀👍🏽',
  'Zoë Ångström-Łukasz',
  '日本語のテキスト',
  'Ελληνικά και русский',
  'العربية עברית',
] as const;
