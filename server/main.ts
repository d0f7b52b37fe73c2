/**
 * `npm start`: the Tracker System server. Reads the configuration (environment, then .env), opens
 * the database (embedded PGlite by default, PostgreSQL with DATABASE_URL) applying pending
 * migrations, and serves the API, the console and /healthz on one port until SIGTERM or SIGINT.
 */
import { resolveJwtKey } from './auth/secret.js';
import { ConfigError, loadConfig, readEnvironment } from './config.js';
import { DataDirLockedError } from './db/data-dir-lock.js';
import { DatabaseUnavailableError } from './db/connection-errors.js';
import { databaseSource, openDatabase, redactUrl } from './db/database.js';
import { systemActor } from './domain/actor.js';
import { startHttpServer } from './http.js';
import { logMailer, smtpMailer } from './mail/mailer.js';
import { OutboxWorker } from './mail/outbox-worker.js';
import { createLogger } from './logger.js';
import { Metrics } from './metrics.js';
import { startControlServer, type ControlServer } from './operator/control-server.js';
import { CONTROL_SOCKET_FACT } from './operator/protocol.js';
import { createServices } from './services/index.js';

const environment = readEnvironment();
// Chosen before the rest of the configuration is checked, so that a refusal is logged as asked.
const log = createLogger(environment.LOG_FORMAT?.trim().toLowerCase() === 'json' ? 'json' : 'readable');

async function main(): Promise<void> {
  const config = loadConfig(environment);
  const jwtKey = resolveJwtKey(config);
  const where = config.databaseUrl ? `PostgreSQL at ${redactUrl(config.databaseUrl)}` : `the embedded database in ${config.dataDir}`;
  log.info(`Opening ${where}`);
  const database = await openDatabase(databaseSource(config), { purpose: `the server (npm start) on ${config.host}:${config.port}` });
  for (const name of database.migrationsApplied) log.info(`Applied migration ${name}`);

  let server;
  let services;
  let control: ControlServer | undefined;
  const mailer = config.smtpUrl ? smtpMailer(config.smtpUrl, config.emailFrom) : logMailer(config.emailFrom, log);
  const outbox = new OutboxWorker(database.orm, mailer, log);
  if (!config.smtpUrl) {
    // The contract lets the log carry the emails then (section 6), links included; in production
    // that puts working invitation and reset links in front of whoever reads the log: say so.
    if (config.production) log.warn('SMTP_URL is not set while NODE_ENV=production: emails are written to this log, their invitation and password-reset links included, and anyone who can read the log can use those links; set SMTP_URL to send them');
    else log.info('SMTP_URL is not set: notification emails are written to this log');
  }
  try {
    let metrics: Metrics | undefined;
    services = createServices(database, {
      tokens: { key: jwtKey, expiresInSeconds: config.jwtExpiresInSeconds },
      // TOTP secrets are encrypted under TWO_FACTOR_KEY, or a key derived from the token secret.
      twoFactorKey: config.twoFactorKey ? Buffer.from(config.twoFactorKey, 'utf8') : jwtKey.export(),
      bcryptRounds: config.bcryptRounds,
      publicUrl: config.publicUrl,
      inviteTtlSeconds: config.inviteTtlSeconds,
      resetTtlSeconds: config.resetTtlSeconds,
      logger: log,
      onEmailQueued: () => outbox.nudge(),
      actorCache: { logger: log },
      signInEvents: { failed: () => metrics?.loginFailed(), lockedOut: () => metrics?.lockedOut() },
    });
    if (config.metricsToken) {
      const ready = services;
      metrics = new Metrics({
        outboxPending: () => ready.notifications.countPendingEmails(database.orm.em.fork()),
        sessionsOpen: () => ready.sessions.countOpen(database.orm.em.fork()),
        pool: () => database.poolStats(),
      });
    }
    // The embedded database is ours alone: the operator's CLI reaches it through this process.
    if (database.kind === 'embedded') control = await startControlServer(config.dataDir, services, log, (path) => database.publish({ [CONTROL_SOCKET_FACT]: path }));
    server = await startHttpServer(services, database, {
      host: config.host,
      port: config.port,
      production: config.production,
      introspection: config.introspection,
      trustProxy: config.trustProxy,
      twoFactorRequiredFor: config.twoFactorRequiredFor,
      metrics: metrics && config.metricsToken ? { registry: metrics, token: config.metricsToken } : undefined,
      logger: log,
    });
  } catch (error) {
    await control?.close();
    await database.close();
    throw error;
  }
  outbox.start();
  log.info(`Tracker System listening on ${server.url} — GraphQL API at ${server.url}/graphql, health at ${server.url}/healthz`);

  if ((await services.users.list(services.context(systemActor('server')), { limit: 1 })).total === 0) {
    log.info(
      'The database has no users yet. Create the first admin with:\n' +
        '  ./scripts/user create --name "Admin User" --email "admin@example.com" --password "<a strong password>" --roles admin',
    );
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      log.warn(`${signal} again: exiting at once`);
      process.exit(1);
    }
    stopping = true;
    log.info(`${signal}: finishing requests in flight, then closing the database`);
    try {
      await server.close();
      await control?.close();
      await outbox.stop();
      mailer.close();
      await database.close();
      log.info('Stopped');
      process.exit(0);
    } catch (error) {
      log.error('Shutdown failed', error);
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof DataDirLockedError) {
    log.error(error.message);
  } else if (error instanceof DatabaseUnavailableError) {
    log.error('Cannot reach the database: check DATABASE_URL and that PostgreSQL is running.');
  } else if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    log.error(`The port is already in use: set PORT (and HOST) to another address. (${(error as Error).message})`);
  } else {
    log.error('The server could not start', error);
  }
  process.exit(1);
});
