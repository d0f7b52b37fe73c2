import { chmodSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { systemActor } from '../domain/actor.js';
import type { Logger } from '../logger.js';
import { toPublicError } from '../public-error.js';
import type { Services } from '../services/index.js';
import { isOperationName, runOperation } from './operations.js';
import { controlSocketPath, type ControlRequest, type ControlResponse } from './protocol.js';

const MAX_REQUEST_BYTES = 1024 * 1024;

export interface ControlServer {
  readonly path: string;
  close(): Promise<void>;
}

/**
 * While the server holds the embedded database, no other process may open it; an operator still
 * needs the CLI (a password reset must not wait for a restart). The server therefore listens on a
 * Unix socket beside the data, readable by its own OS user only, and runs the CLI's operations
 * for it: the same operations, the same services, as the system actor.
 */
export async function startControlServer(dataDir: string, services: Services, logger: Logger): Promise<ControlServer> {
  const path = controlSocketPath(dataDir);
  // We hold the data directory's lock, so a socket file left here belongs to a process that died.
  rmSync(path, { force: true });
  const server: Server = createServer((socket) => serve(socket));

  function serve(socket: Socket): void {
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      if (buffer.length > MAX_REQUEST_BYTES) {
        socket.destroy();
        return;
      }
      const end = buffer.indexOf('\n');
      if (end === -1) return;
      socket.removeAllListeners('data');
      void answer(buffer.slice(0, end)).then((response) => socket.end(`${JSON.stringify(response)}\n`));
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
    try {
      const result = await runOperation(services, services.context(systemActor('cli')), request.op, request.payload as never);
      logger.info(`CLI operation ${request.op} done through the control socket`);
      return { ok: true, result };
    } catch (error) {
      const shown = toPublicError(error, logger);
      return { ok: false, error: { code: shown.code, message: shown.message, details: shown.details } };
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
  chmodSync(path, 0o600);
  return {
    path,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          rmSync(path, { force: true });
          resolve();
        });
      }),
  };
}
