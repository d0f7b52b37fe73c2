import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

/** What a subscriber to a notification channel hears. */
export interface NotificationHandlers {
  /** A notification's payload. */
  message(payload: string): void;
  /** Notifications are being received (again): nothing sent from now on will be missed. */
  ready(): void;
  /** The channel broke: notifications may be missed until `ready` is called again. */
  lost(error: unknown): void;
}

export interface Subscription {
  close(): Promise<void>;
}

/**
 * The embedded database has a single session, shared by the whole process: PGlite hands each
 * notification to its listeners as the notifying transaction commits, before the commit returns.
 */
export async function listenEmbedded(pglite: PGlite, channel: string, handlers: NotificationHandlers): Promise<Subscription> {
  const unlisten = await pglite.listen(channel, (payload) => handlers.message(payload));
  handlers.ready();
  return { close: () => unlisten().catch(() => undefined) };
}

export interface PostgresListenOptions {
  /** How often the listening connection proves it is alive (a query with a timeout). */
  heartbeatMs?: number;
  /** The first wait before reconnecting; doubles up to `maxRetryMs`. */
  retryMs?: number;
  maxRetryMs?: number;
}

/**
 * On PostgreSQL, a connection of its own, outside the pool, that does nothing but LISTEN. When it
 * breaks (the server restarted, the network failed, a heartbeat went unanswered) the subscriber
 * hears `lost` at once, and `ready` again after a reconnect and a new LISTEN. Resolves after the
 * first attempt, whether or not it connected: a database that is down at start only delays the
 * first `ready`.
 */
export async function listenPostgres(url: string, channel: string, handlers: NotificationHandlers, options: PostgresListenOptions = {}): Promise<Subscription> {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const retryMs = options.retryMs ?? 250;
  const maxRetryMs = options.maxRetryMs ?? 5_000;
  let closed = false;
  let client: pg.Client | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let heartbeatTimer: NodeJS.Timeout | undefined;
  let wait = retryMs;
  let connected = false;

  const drop = (error: unknown) => {
    clearInterval(heartbeatTimer);
    const broken = client;
    client = undefined;
    void discard(broken);
    if (connected) handlers.lost(error);
    connected = false;
    if (closed) return;
    retryTimer = setTimeout(() => void connect(), wait);
    retryTimer.unref();
    wait = Math.min(wait * 2, maxRetryMs);
  };

  const connect = async () => {
    const attempt = new pg.Client({
      connectionString: url,
      application_name: 'tracker-notifications',
      connectionTimeoutMillis: 3_000,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    client = attempt;
    attempt.on('error', (error) => attempt === client && drop(error));
    attempt.on('end', () => attempt === client && drop(new Error('the notification connection closed')));
    attempt.on('notification', (message) => attempt === client && handlers.message(message.payload ?? ''));
    try {
      await attempt.connect();
      await attempt.query(`listen ${pg.escapeIdentifier(channel)}`);
    } catch (error) {
      if (attempt === client) drop(error);
      return;
    }
    if (closed || attempt !== client) return void discard(attempt);
    connected = true;
    wait = retryMs;
    handlers.ready();
    heartbeatTimer = setInterval(() => {
      const timeout = setTimeout(() => attempt === client && drop(new Error('the notification connection stopped answering')), 5_000);
      attempt
        .query('select 1')
        .catch((error: unknown) => attempt === client && drop(error))
        .finally(() => clearTimeout(timeout));
    }, heartbeatMs);
    heartbeatTimer.unref();
  };

  await connect();
  return {
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      clearInterval(heartbeatTimer);
      const last = client;
      client = undefined;
      connected = false;
      await discard(last);
    },
  };
}

/** Closes a connection we no longer listen on, ignoring whatever it still reports. */
async function discard(connection: pg.Client | undefined): Promise<void> {
  if (!connection) return;
  connection.removeAllListeners();
  connection.on('error', () => undefined); // a late error from a connection we gave up on
  await connection.end().catch(() => undefined);
}
