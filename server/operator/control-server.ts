import { chmodSync, lstatSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { systemActor } from '../domain/actor.js';
import { REQUEST_MAX_BYTES } from '../domain/limits.js';
import { withRequestId } from '../request-scope.js';
import type { Logger } from '../logger.js';
import { toPublicError } from '../public-error.js';
import type { Services } from '../services/index.js';
import { isOperationName, runOperation } from './operations.js';
import type { ControlRequest, ControlResponse } from './protocol.js';

/** A request line may carry the largest users file an import takes (domain/limits.ts). */
const MAX_REQUEST_BYTES = REQUEST_MAX_BYTES;

export interface ControlServer {
  readonly path: string;
  close(): Promise<void>;
}

/** Unix socket paths are limited to about 107 bytes. */
const MAX_SOCKET_PATH_BYTES = 100;

/**
 * While the server holds the embedded database, no other process may open it; an operator still
 * needs the CLI (a password reset must not wait for a restart). The server therefore listens on a
 * Unix socket and runs the CLI's operations for it: the same operations, the same services, as
 * the system actor.
 *
 * The socket lives in a directory only the server's OS user can enter: `run/` in the data
 * directory, or, when that path is too long for a socket, a directory of random name made for it
 * in the temporary directory (never a name another local user could take first). Its path is
 * published in the data directory's lock (`onListening`), where the CLI finds it.
 */
export async function startControlServer(dataDir: string, services: Services, logger: Logger, onListening: (path: string) => void): Promise<ControlServer> {
  const { dir, temporary } = privateDirectory(dataDir);
  const path = join(dir, 'control.sock');
  // The directory is ours alone: a socket file left in it belongs to a process of ours that died.
  rmSync(path, { force: true });
  const server: Server = createServer((socket) => serve(socket));

  function serve(socket: Socket): void {
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      // Only the new chunk is searched for the line's end: a request of megabytes is read in linear time.
      const end = chunk.indexOf('\n');
      buffer += end === -1 ? chunk : chunk.slice(0, end);
      if (buffer.length > MAX_REQUEST_BYTES) {
        socket.destroy();
        return;
      }
      if (end === -1) return;
      socket.removeAllListeners('data');
      void answer(buffer).then((response) => socket.end(`${JSON.stringify(response)}\n`));
    });
    socket.on('error', () => socket.destroy());
  }

  async function answer(line: string): Promise<ControlResponse> {
    let request: ControlRequest;
    try {
      request = JSON.parse(line) as ControlRequest;
    } catch {
      return { ok: false, error: { code: 'BAD_USER_INPUT', message: 'The control request is not valid JSON' } };
    }
    if (!isOperationName(request.op)) return { ok: false, error: { code: 'BAD_USER_INPUT', message: `Unknown operation "${String(request.op)}"` } };
    const op = request.op;
    // Each operation is a request of its own: its log records name it.
    return withRequestId(`cli-${randomUUID()}`, async () => {
      const started = performance.now();
      try {
        const result = await runOperation(services, services.context(systemActor('cli')), op, request.payload as never);
        logger.info(`CLI operation ${op} done through the control socket`, { operation: op, outcome: 'ok', durationMs: Math.round(performance.now() - started) });
        return { ok: true as const, result };
      } catch (error) {
        const shown = toPublicError(error, logger);
        logger.info(`CLI operation ${op} refused through the control socket`, { operation: op, outcome: shown.code, durationMs: Math.round(performance.now() - started) });
        return { ok: false as const, error: { code: shown.code, message: shown.message, details: shown.details } };
      }
    });
  }

  // Created with no permission for anyone else from its first moment (and in a directory nobody
  // else may enter anyway), then made read-write for the owner alone.
  const umask = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } finally {
    process.umask(umask);
  }
  chmodSync(path, 0o600);
  onListening(path);
  return {
    path,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          rmSync(temporary ? dir : path, { recursive: true, force: true });
          resolve();
        });
      }),
  };
}

/** A directory for the socket that belongs to this OS user and that nobody else may enter. */
function privateDirectory(dataDir: string): { dir: string; temporary: boolean } {
  const beside = join(dataDir, 'run');
  if (Buffer.byteLength(join(beside, 'control.sock')) >= MAX_SOCKET_PATH_BYTES) {
    return { dir: mkdtempSync(join(tmpdir(), 'tracker-')), temporary: true };
  }
  mkdirSync(beside, { recursive: true, mode: 0o700 });
  const stats = lstatSync(beside);
  if (!stats.isDirectory() || stats.uid !== process.getuid?.()) {
    throw new Error(`${beside} is not a directory of this OS user: move it away, so that the server can make its own`);
  }
  chmodSync(beside, 0o700);
  return { dir: beside, temporary: false };
}
