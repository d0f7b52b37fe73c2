import { lstatSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname } from 'node:path';
import { DomainError } from '../server/domain/errors.js';
import type { OperationName, OperationPayload, OperationResult } from '../server/operator/operations.js';
import type { ControlResponse } from '../server/operator/protocol.js';

/** The socket answered "nobody here": no server is listening on it. */
export class NoControlServerError extends Error {
  override readonly name = 'NoControlServerError';
}

/** The control socket named in the lock is not the server's: it or its directory belongs to someone else. */
export class UntrustedSocketError extends Error {
  override readonly name = 'UntrustedSocketError';
}

/**
 * The CLI speaks only to a socket that, like the directory it lives in, belongs to its own OS user
 * (and a directory nobody else may enter): the passwords it sends must reach the server and no one
 * else. Run the CLI as the server's user.
 */
export function assertOwnSocket(path: string): void {
  const me = process.getuid?.();
  if (me === undefined) return; // no POSIX users (Windows): nothing to compare
  const socket = lstatSync(path);
  const dir = lstatSync(dirname(path));
  if (!socket.isSocket()) throw new UntrustedSocketError(`${path} is not a socket: refusing to use it (is the data directory's lock file altered?)`);
  if (socket.uid !== me) throw new UntrustedSocketError(`The control socket ${path} belongs to uid ${socket.uid}, not to you (uid ${me}): refusing to send it anything. Run the CLI as the server's OS user.`);
  if (!dir.isDirectory() || dir.uid !== me || (dir.mode & 0o077) !== 0) {
    throw new UntrustedSocketError(`The control socket's directory ${dirname(path)} is not private to you (uid ${me}): refusing to use it.`);
  }
}

const CONNECT_TIMEOUT_MS = 2000;
const ANSWER_TIMEOUT_MS = 60_000;

/** Runs one operation in the server that holds the embedded database (server/operator/control-server.ts). */
export function callControlServer<K extends OperationName>(path: string, op: K, payload: OperationPayload<K>): Promise<OperationResult<K>> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    let answer = '';
    let connected = false;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(connected ? new Error('The server did not answer the operator command in time') : new NoControlServerError('timeout'));
    }, CONNECT_TIMEOUT_MS);
    socket.setEncoding('utf8');
    socket.on('connect', () => {
      connected = true;
      clearTimeout(timer);
      setTimeout(() => socket.destroy(new Error('The server did not answer the operator command in time')), ANSWER_TIMEOUT_MS).unref();
      socket.write(`${JSON.stringify({ op, payload })}\n`);
    });
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (!connected && (error.code === 'ENOENT' || error.code === 'ECONNREFUSED')) reject(new NoControlServerError(error.code));
      else reject(error);
    });
    socket.on('end', () => {
      clearTimeout(timer);
      let response: ControlResponse;
      try {
        response = JSON.parse(answer) as ControlResponse;
      } catch {
        reject(new Error('The server gave an unreadable answer to the operator command'));
        return;
      }
      if (response.ok) resolve(response.result as OperationResult<K>);
      else reject(new DomainError(response.error.code, response.error.message, response.error.details ?? {}));
    });
  });
}
