import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ErrorCode } from '../domain/errors.js';

/**
 * The local control channel between the CLI and a server that holds the embedded database:
 * a Unix socket (mode 0600) next to the data, one JSON request line, one JSON response line.
 */
export interface ControlRequest {
  op: string;
  payload: unknown;
}

export type ControlResponse =
  | { ok: true; result: unknown }
  | { ok: false; error: { code: ErrorCode; message: string; details?: Record<string, unknown> } };

/** Unix socket paths are limited to ~107 bytes: a long data directory gets one in the temp dir. */
export function controlSocketPath(dataDir: string): string {
  const beside = join(dataDir, 'control.sock');
  if (Buffer.byteLength(beside) < 100) return beside;
  return join(tmpdir(), `tracker-${createHash('sha256').update(dataDir).digest('hex').slice(0, 16)}.sock`);
}
