import pino from 'pino';
import { currentRequestId } from './request-scope.js';

/** Facts a record carries besides its message (never a secret, never a value someone sent). */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

/**
 * The server's log, on stderr: every record with its time, its level, and the id of the request it
 * belongs to (request-scope.ts); errors with their stack (never sent to callers).
 */
export interface Logger {
  /** Records in JSON, one object per line (LOG_FORMAT=json), which also carry each GraphQL operation. */
  readonly structured: boolean;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, error?: unknown, fields?: LogFields): void;
}

export type LogFormat = 'readable' | 'json';

export function createLogger(format: LogFormat, stream: NodeJS.WritableStream = process.stderr): Logger {
  return format === 'json' ? jsonLogger(stream) : consoleLogger(stream);
}

/**
 * Readable records: `<time> <level> [<request id>] <message> key=value…`. Whatever a message holds
 * (a name someone typed, an email's text, a stack), a record cannot pass for another: every line
 * after its first is indented, and control characters other than line breaks are escaped (`\r`,
 * `\u001b`), so that each line that starts at the margin starts a record.
 */
export function consoleLogger(stream: NodeJS.WritableStream = process.stderr): Logger {
  const line = (level: string, message: string, fields?: LogFields) => {
    const requestId = currentRequestId();
    const facts = fields ? Object.entries(fields).filter(([, v]) => v !== undefined).map(([k, v]) => ` ${k}=${String(v)}`).join('') : '';
    stream.write(`${new Date().toISOString()} ${level} ${requestId ? `[${requestId}] ` : ''}${fenced(message + facts)}\n`);
  };
  return {
    structured: false,
    info: (message, fields) => line('info ', message, fields),
    warn: (message, fields) => line('warn ', message, fields),
    error: (message, error, fields) => line('error', error === undefined ? message : `${message}: ${describeError(error)}`, fields),
  };
}

/** One JSON object per line (pino): `time`, `level`, `msg`, `requestId` within a request, and the record's fields. */
function jsonLogger(stream: NodeJS.WritableStream): Logger {
  const log = pino(
    {
      base: undefined,
      messageKey: 'msg',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => {
        const requestId = currentRequestId();
        return requestId ? { requestId } : {};
      },
    },
    stream === process.stderr ? pino.destination({ dest: 2, sync: true }) : stream,
  );
  return {
    structured: true,
    info: (message, fields) => log.info(fields ?? {}, message),
    warn: (message, fields) => log.warn(fields ?? {}, message),
    error: (message, error, fields) => log.error({ ...fields, ...(error === undefined ? {} : { error: describeError(error) }) }, message),
  };
}

/**
 * An error as the log shows it: its stack, but for a database error only the database's own
 * message and code: MikroORM puts the whole statement, values and all, in front of it.
 */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
    // knex's message is "<the statement> - <PostgreSQL's message>" (the SQLSTATE code says it is one).
    const said = error.message.includes(' - ') ? error.message.slice(error.message.lastIndexOf(' - ') + 3) : error.message;
    const frames = (error.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l));
    return [`${error.name}: ${said} (SQLSTATE ${code})`, ...frames].join('\n');
  }
  return error.stack ?? error.message;
}

/** Continuation lines indented, other control characters escaped. */
export function fenced(text: string): string {
  return text
    .split(/\r?\n/)
    .map((part) => part.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, (c) => (c === '\r' ? '\\r' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)))
    .join('\n    ');
}

export const silentLogger: Logger = { structured: false, info() {}, warn() {}, error() {} };
