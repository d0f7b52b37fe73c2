/**
 * Telling "the database cannot be reached" apart from every other failure, so that callers get
 * DATABASE_UNAVAILABLE (CLI exit 5) rather than an internal error.
 */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);

export function isConnectionFailure(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    if (typeof current !== 'object') return false;
    const { code, message, name } = current as { code?: unknown; message?: unknown; name?: unknown };
    if (typeof code === 'string') {
      if (NETWORK_CODES.has(code)) return true;
      // Class 08: connection exception; 57P01..57P03: the server is shutting down or starting.
      if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03') return true;
    }
    if (name === 'ConnectionException') return true;
    if (typeof message === 'string' && /Timeout acquiring a connection|Unable to acquire a connection|Connection terminated|connect ECONNREFUSED|the database system is (starting up|shutting down)/i.test(message)) {
      return true;
    }
    const next = current as { cause?: unknown; originalError?: unknown };
    current = next.originalError ?? next.cause;
  }
  return false;
}

export class DatabaseUnavailableError extends Error {
  override readonly name = 'DatabaseUnavailableError';
  constructor(cause: unknown) {
    super('The database cannot be reached', { cause });
  }
}
