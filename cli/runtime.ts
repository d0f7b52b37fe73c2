import { existsSync } from 'node:fs';
import type { Config } from '../server/config.js';
import { currentHolder, DataDirLockedError } from '../server/db/data-dir-lock.js';
import { openDatabase, type Database } from '../server/db/database.js';
import { systemActor } from '../server/domain/actor.js';
import { runOperation, type OperationName, type OperationPayload, type OperationResult } from '../server/operator/operations.js';
import { CONTROL_SOCKET_FACT } from '../server/operator/protocol.js';
import { createServices } from '../server/services/index.js';
import { assertOwnSocket, callControlServer, NoControlServerError } from './control-client.js';

/** Runs the operator's operations: in this process on its own database connection, or through the server. */
export interface OperatorRuntime {
  run<K extends OperationName>(op: K, payload: OperationPayload<K>): Promise<OperationResult<K>>;
  close(): Promise<void>;
}

const PURPOSE = 'the operator CLI (./scripts/user or ./scripts/client)';
/** How long to wait for another CLI command to finish with the embedded database. */
const WAIT_FOR_DATA_DIR_MS = 15_000;

/**
 * PostgreSQL: connect directly (any number of processes may). Embedded: if the server holds the
 * data directory, run through its control socket; otherwise open the data directory ourselves
 * (waiting a little if another CLI command holds it). Never opens it a second time.
 *
 * Opening a database applies its pending migrations, as the server's start does: the first step
 * of a new installation is `./scripts/user create` for the first admin, before any server has
 * run, and a CLI of a newer checkout must not write to an older schema. (On PostgreSQL this runs
 * under the same advisory lock as the servers', so it may race them safely.)
 */
export async function openRuntime(config: Config): Promise<OperatorRuntime> {
  if (config.databaseUrl) return localRuntime(config, await openDatabase({ kind: 'postgres', url: config.databaseUrl, poolMax: 2 }, { purpose: PURPOSE }));

  const deadline = Date.now() + WAIT_FOR_DATA_DIR_MS;
  for (;;) {
    const holder = currentHolder(config.dataDir);
    const socket = holder?.[CONTROL_SOCKET_FACT];
    if (typeof socket === 'string' && existsSync(socket)) {
      // Only a socket of our own OS user: anyone else could be standing in for the server.
      assertOwnSocket(socket);
      return remoteRuntime(socket);
    }
    if (!holder) {
      try {
        return localRuntime(config, await openDatabase({ kind: 'embedded', dataDir: config.dataDir }, { purpose: PURPOSE }));
      } catch (error) {
        if (!(error instanceof DataDirLockedError)) throw error;
      }
    }
    // Held by a server still starting, or by another CLI command: it will be ours shortly.
    if (Date.now() > deadline) {
      const current = currentHolder(config.dataDir);
      if (current) throw new DataDirLockedError(config.dataDir, current);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function localRuntime(config: Config, database: Database): OperatorRuntime {
  // The same services as the server's, signing no tokens and caching no signed-in users.
  // Emails it queues (an invitation) are sent by the server's outbox worker when one runs.
  const services = createServices(database, { bcryptRounds: config.bcryptRounds, publicUrl: config.publicUrl, inviteTtlSeconds: config.inviteTtlSeconds, resetTtlSeconds: config.resetTtlSeconds });
  return {
    run<K extends OperationName>(op: K, payload: OperationPayload<K>): Promise<OperationResult<K>> {
      return runOperation(services, services.context(systemActor('cli')), op, payload);
    },
    close: () => database.close(),
  };
}

function remoteRuntime(socket: string): OperatorRuntime {
  return {
    async run<K extends OperationName>(op: K, payload: OperationPayload<K>): Promise<OperationResult<K>> {
      try {
        return await callControlServer(socket, op, payload);
      } catch (error) {
        if (error instanceof NoControlServerError) {
          throw new Error('The server holding the embedded database stopped answering; run the command again');
        }
        throw error;
      }
    },
    close: async () => undefined,
  };
}
