import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { ApolloServer, HeaderMap, type ApolloServerPlugin, type HTTPGraphQLRequest } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import { ClientAddress } from './client-address.js';
import { ConsoleAssets } from './console-assets.js';
import type { Database } from './db/database.js';
import { createRequestContext, type RequestContext } from './graphql/context.js';
import { createErrorFormatter } from './graphql/errors.js';
import { GRAPHQL_LIMITS, costOf, costProblem, limitRules } from './graphql/limits.js';
import { CompiledExecutor } from './graphql/executor.js';
import { buildGraphQLSchema } from './graphql/schema.js';
import type { Logger } from './logger.js';
import { isMetricsToken, saneOperationName, type Metrics } from './metrics.js';
import { requestIdFrom, withRequestId } from './request-scope.js';
import type { Services } from './services/index.js';
import { SessionCookieHeader, isHttps, requestToken } from './session-cookie.js';
import { REQUEST_MAX_BYTES } from './domain/limits.js';

export interface HttpOptions {
  host: string;
  port: number;
  production: boolean;
  /** Schema introspection; default: on in development, off in production. */
  introspection?: boolean;
  logger: Logger;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes?: number;
  /** After a stop is asked for, keep accepting until no connection came for this long (at most ten times as long). */
  acceptGraceMs?: number;
  /** How long shutdown waits for requests in flight before cutting connections. */
  drainTimeoutMs?: number;
  /** The built console (a static SPA) served at `/`; default console/build of this repository. */
  consoleDir?: string;
  /** The executable schema; default the application's (tests add resolvers of their own). */
  schema?: GraphQLSchema;
  /** Reverse proxies whose X-Forwarded-For is believed (TRUST_PROXY); none by default. */
  trustProxy?: readonly string[];
  /** TWO_FACTOR_REQUIRED_FOR: admins must set up two-factor before anything else. */
  twoFactorRequiredFor?: 'admin' | null;
  /** /metrics, served to `Authorization: Bearer <token>` only; absent: /metrics is not found. */
  metrics?: { registry: Metrics; token: string };
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  /** Stops accepting, answers every request in flight, then resolves. The database stays open. */
  close(): Promise<void>;
}

/** Room for the largest users file importUsers takes, as JSON carries it (domain/limits.ts). */
const DEFAULT_MAX_BODY = REQUEST_MAX_BYTES;
/** At shutdown, how long a connection accepted before the listener closed may take to send its request. */
const UNHEARD_CONNECTION_GRACE_MS = 3000;

/**
 * Per GraphQL request: refuses an operation estimated to resolve too many fields (with this
 * request's variables) before it runs, and once answered, counts it in the metrics and, with
 * LOG_FORMAT=json, logs it (its name, outcome, duration and user; never its text or variables).
 */
function operationPlugin(metrics: Metrics | undefined, logger: Logger): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return;
          const problem = costProblem(costOf(schema, document, operation, request.variables ?? {}));
          if (problem) throw problem;
        },
        async willSendResponse({ response, operationName, contextValue }) {
          if (!metrics && !logger.structured) return;
          const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
          const code = errors?.[0]?.extensions?.code;
          const outcome = typeof code === 'string' ? code : errors?.length ? 'INTERNAL_SERVER_ERROR' : 'ok';
          const seconds = (performance.now() - started) / 1000;
          const operation = metrics ? metrics.operationLabel(operationName) : saneOperationName(operationName);
          metrics?.operationAnswered(operation, outcome, seconds);
          if (logger.structured) {
            const actor = contextValue?.actor;
            logger.info('GraphQL operation', { operation, outcome, durationMs: Math.round(seconds * 10_000) / 10, userId: actor?.kind === 'user' ? actor.id : null });
          }
        },
      };
    },
  };
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The only module that knows HTTP and Apollo: /graphql, /healthz, and the admin console (a static
 * single-page app, console-assets.ts) at every other GET path.
 */
export async function startHttpServer(services: Services, database: Pick<Database, 'ping'>, options: HttpOptions): Promise<RunningServer> {
  const { logger } = options;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const assets = new ConsoleAssets(options.consoleDir);
  const clientAddress = new ClientAddress(options.trustProxy ?? []);
  if (!assets.built) logger.warn(`The admin console is not built (no ${assets.fallbackPage}): / shows a placeholder. Run npm run build:console.`);
  const apollo = new ApolloServer<RequestContext>({
    // Apollo parses and validates; the operations run compiled (graphql/executor.ts).
    gateway: new CompiledExecutor(options.schema ?? buildGraphQLSchema()).gateway(),
    formatError: createErrorFormatter(logger),
    includeStacktraceInErrorResponses: false,
    introspection: options.introspection ?? !options.production,
    csrfPrevention: true,
    validationRules: limitRules(),
    parseOptions: { maxTokens: GRAPHQL_LIMITS.maxTokens },
    // main.ts owns shutdown: drain HTTP first, then stop Apollo, then close the database.
    stopOnTerminationSignals: false,
    // Cache control would wrap every field's resolver to collect hints this API never gives (its
    // header, no-store, is set below); pretty-printed JSON costs a third more bytes and time.
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginCacheControlDisabled(), operationPlugin(options.metrics?.registry, logger)],
    stringifyResult: (result) => JSON.stringify(result),
    logger: { debug() {}, info() {}, warn: (m) => logger.warn(String(m)), error: (m) => logger.error(String(m)) },
  });
  await apollo.start();

  let inFlight = 0;
  let draining = false;
  let lastRequestAt = 0;
  /** Connections accepted that have sent no request yet, and when they came: one may be on its way. */
  const unheard = new Map<Socket, number>();

  const server = createServer((req, res) => {
    inFlight++;
    lastRequestAt = Date.now();
    unheard.delete(req.socket);
    res.on('close', () => {
      inFlight--;
    });
    if (draining) res.setHeader('Connection', 'close');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // Every response names its request, and every log record of it does too (request-scope.ts).
    const requestId = requestIdFrom(req.headers['x-request-id']);
    res.setHeader('X-Request-Id', requestId);
    withRequestId(requestId, () =>
      route(req, res).catch((error: unknown) => {
        if (error instanceof HttpError) {
          sendJson(res, error.status, { errors: [{ message: error.message, extensions: { code: error.status === 413 ? 'BAD_USER_INPUT' : 'BAD_REQUEST' } }] });
          return;
        }
        logger.error(`Unhandled error on ${req.method} ${new URL(req.url ?? '/', 'http://localhost').pathname}`, error);
        if (!res.headersSent) sendJson(res, 500, { errors: [{ message: `Internal server error (reference ${requestId})`, extensions: { code: 'INTERNAL_SERVER_ERROR', reference: requestId } }] });
        else res.destroy();
      }),
    );
  });
  let lastConnectionAt = 0;
  server.on('connection', (socket: Socket) => {
    lastConnectionAt = Date.now();
    unheard.set(socket, lastConnectionAt);
    socket.once('close', () => unheard.delete(socket));
  });
  server.keepAliveTimeout = 5000;
  server.headersTimeout = 10000;
  server.requestTimeout = 30000;

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/graphql') return graphql(req, res, url);
    if (url.pathname === '/healthz') return health(req, res);
    if (url.pathname === '/metrics') return metricsPage(req, res);
    if (req.method === 'GET' || req.method === 'HEAD') {
      const outcome = await assets.serve(req, res, url);
      if (outcome === 'bad-path') throw new HttpError(400, 'The path is not valid');
      if (outcome === 'served') return;
    }
    sendJson(res, 404, { error: 'Not found' });
  }

  async function graphql(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'POST') {
      res.setHeader('Allow', 'GET, POST');
      throw new HttpError(405, 'Use POST (or GET for queries) on /graphql');
    }
    const raw = req.method === 'POST' ? await readBody(req, maxBodyBytes) : '';
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    let body: unknown = raw;
    if (req.method === 'POST' && (headers.get('content-type') ?? '').toLowerCase().includes('json')) {
      try {
        body = raw === '' ? undefined : JSON.parse(raw);
      } catch {
        throw new HttpError(400, 'The request body is not valid JSON');
      }
    }
    const request: HTTPGraphQLRequest = { method: req.method, headers, search: url.search, body };
    const session = new SessionCookieHeader(isHttps(req));
    // Work a request leaves for after its answer starts once the answer is out.
    const afterAnswer = (work: () => Promise<void>) => void res.once('finish', () => void work());
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: request,
      context: () =>
        createRequestContext(services, {
          token: requestToken(req),
          source: clientAddress.of(req),
          userAgent: req.headers['user-agent'] ?? null,
          session,
          // Self-declared, for the audit log only (never for access): the console says who it is.
          channel: req.headers['x-tracker-client'] === 'console' ? 'console' : 'api',
          afterAnswer,
          twoFactorRequiredFor: options.twoFactorRequiredFor,
        }),
    });
    res.statusCode = response.status ?? 200;
    // Answers carry people's data: never stored by a cache.
    res.setHeader('Cache-Control', 'no-store');
    for (const [key, value] of response.headers) res.setHeader(key, value);
    if (session.header) {
      res.setHeader('Set-Cookie', session.header);
      res.setHeader('Cache-Control', 'no-store');
    }
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
    } else {
      for await (const chunk of response.body.asyncIterator) res.write(chunk);
      res.end();
    }
  }

  /** Prometheus's scrape: only with the token; not found at all while METRICS_TOKEN is unset. */
  async function metricsPage(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!options.metrics) return sendJson(res, 404, { error: 'Not found' });
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'Use GET on /metrics');
    res.setHeader('Cache-Control', 'no-store');
    if (!isMetricsToken(req.headers.authorization, options.metrics.token)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      return sendJson(res, 401, { error: 'The metrics need Authorization: Bearer <METRICS_TOKEN>' });
    }
    const { contentType, body } = await options.metrics.registry.render();
    res.statusCode = 200;
    res.setHeader('Content-Type', contentType);
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  async function health(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'Use GET on /healthz');
    const up = await database.ping();
    res.setHeader('Cache-Control', 'no-store');
    sendJson(res, up ? 200 : 503, up ? { status: 'ok', database: 'up' } : { status: 'unavailable', database: 'down' });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    close() {
      closing ??= (async () => {
        draining = true;
        // Connections the kernel already accepted may still wait in the listen backlog; closing the
        // listener at once would reset them although their clients sent a request. Keep accepting
        // (answering with Connection: close) until no connection has come for a quiet moment, at
        // most a few seconds, then stop listening.
        const quietMs = options.acceptGraceMs ?? 300;
        const graceEnds = Date.now() + 10 * quietMs;
        while (quietMs > 0 && Date.now() < graceEnds) {
          // Let the loop poll for connections first: after a busy stretch (the embedded database
          // runs on this thread) the timer fires before the accepts that waited behind it.
          await new Promise((resolve) => setImmediate(resolve));
          const quietFor = Date.now() - lastConnectionAt;
          if (quietFor >= quietMs) break;
          await new Promise((resolve) => setTimeout(resolve, quietMs - quietFor));
        }
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        // A connection with no request yet is not necessarily idle: its request may be on its way
        // (written by a client that was slow to send it). Cutting it would reset a request the
        // client sent; so every request that arrives is answered (with Connection: close), and the
        // connections are closed only once none is in flight, none has arrived for a quiet moment,
        // and every connection that never spoke has had a few seconds to.
        const drainEnds = Date.now() + (options.drainTimeoutMs ?? 15000);
        const lingerMs = Math.max(quietMs, 100);
        const waitForFirstRequestMs = quietMs > 0 ? UNHEARD_CONNECTION_GRACE_MS : 0;
        while (Date.now() < drainEnds) {
          await new Promise((resolve) => setImmediate(resolve));
          const now = Date.now();
          const listening = [...unheard.values()].some((since) => now - since < waitForFirstRequestMs);
          if (inFlight === 0 && now - lastRequestAt >= lingerMs && !listening) break;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        if (inFlight > 0) logger.warn('Shutdown: requests still in flight after the drain timeout; closing their connections');
        server.closeIdleConnections();
        server.closeAllConnections();
        await stopped;
        await apollo.stop();
      })();
      return closing;
    },
  };
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      reject(new HttpError(413, `The request body is larger than ${limit} bytes`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new HttpError(413, `The request body is larger than ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}
