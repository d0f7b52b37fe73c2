/** The server's log: one record per event on stderr, with a time; errors with their stack (never sent to callers). */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

/**
 * Readable records: `<time> <level> <message>`. Whatever a message holds (a name or title someone
 * typed, an email's text, a stack), a record cannot pass for another: every line after its first is
 * indented, and control characters other than line breaks are escaped (`\r`, `\u001b`), so that
 * each line that starts at the margin starts a record.
 */
export function consoleLogger(stream: NodeJS.WritableStream = process.stderr): Logger {
  const line = (level: string, message: string) => stream.write(`${new Date().toISOString()} ${level} ${fenced(message)}\n`);
  return {
    info: (message) => line('info ', message),
    warn: (message) => line('warn ', message),
    error: (message, error) => line('error', error === undefined ? message : `${message}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
  };
}

/** Continuation lines indented, other control characters escaped. */
export function fenced(text: string): string {
  return text
    .split(/\r?\n/)
    .map((part) => part.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, (c) => (c === '\r' ? '\\r' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)))
    .join('\n    ');
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
