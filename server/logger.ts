/** The server's log: one line per event on stderr, with a time; errors with their stack (never sent to callers). */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

export function consoleLogger(stream: NodeJS.WritableStream = process.stderr): Logger {
  const line = (level: string, message: string) => stream.write(`${new Date().toISOString()} ${level} ${message}\n`);
  return {
    info: (message) => line('info ', message),
    warn: (message) => line('warn ', message),
    error: (message, error) => line('error', error === undefined ? message : `${message}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
  };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
