import type { ErrorCode } from '../domain/errors.js';

/**
 * The local control channel between the CLI and a server that holds the embedded database: a
 * Unix socket in a directory only the server's OS user may enter, one JSON request line, one JSON
 * response line. The server names the socket in the data directory's lock file
 * (`CONTROL_SOCKET_FACT`); the CLI speaks to it only if the socket and its directory belong to the
 * CLI's own user (cli/control-client.ts), so that nobody else can stand in for the server.
 */
export interface ControlRequest {
  op: string;
  payload: unknown;
}

export type ControlResponse =
  | { ok: true; result: unknown }
  | { ok: false; error: { code: ErrorCode; message: string; details?: Record<string, unknown> } };

/** The key under which the lock file names the control socket. */
export const CONTROL_SOCKET_FACT = 'controlSocket';
