import { connect } from 'node:net';
import { DomainError } from '../server/domain/errors.js';
import type { OperationName, OperationPayload, OperationResult } from '../server/operator/operations.js';
import type { ControlResponse } from '../server/operator/protocol.js';

/** The socket answered "nobody here": no server is listening on it. */
export class NoControlServerError extends Error {
  override readonly name = 'NoControlServerError';
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
