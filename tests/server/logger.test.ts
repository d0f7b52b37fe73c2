import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { consoleLogger } from '../../server/logger.js';

function capture() {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return { logger: consoleLogger(stream), lines: () => text.split('\n').filter((l) => l !== '') };
}

const RECORD_START = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z (info |warn |error) /;

describe('the readable log', () => {
  it('keeps a record that quotes text with line breaks from passing for another record', () => {
    const { logger, lines } = capture();
    logger.info('Email to ada@example.com: New ticket\nTitle: x\n2026-12-01T00:00:00.000Z error The database was deleted\r\nbye');
    const written = lines();
    expect(written.filter((line) => RECORD_START.test(line))).toHaveLength(1);
    expect(written[0]).toMatch(/^\S+ info  Email to ada@example.com: New ticket$/);
    for (const line of written.slice(1)) expect(line.startsWith('    ')).toBe(true);
  });

  it('escapes every other control character, so that a terminal shows it rather than obeys it', () => {
    const { logger, lines } = capture();
    logger.warn('red \u001b[31malert\u001b[0m, bell \u0007, carriage\rreturn');
    expect(lines()).toEqual([expect.stringMatching(/warn  red \\u001b\[31malert\\u001b\[0m, bell \\u0007, carriage\\rreturn$/)]);
  });

  it('writes an error with its stack on indented lines', () => {
    const { logger, lines } = capture();
    logger.error('Internal error 123', new Error('boom\nwith a second line'));
    const written = lines();
    expect(written[0]).toMatch(/error Internal error 123: Error: boom$/);
    expect(written.filter((line) => RECORD_START.test(line))).toHaveLength(1);
    expect(written.length).toBeGreaterThan(2);
  });
});
