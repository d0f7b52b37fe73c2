import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, HeaderMap, type HTTPGraphQLRequest } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { App } from './app.js';
import type { RequestContext } from './graphql/context.js';
import { createErrorFormatter } from './graphql/errors.js';
import type { Logger } from './logger.js';

export interface HttpOptions {
  host: string;
  port: number;
  production: boolean;
  logger: Logger;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes?: number;
  /** How long shutdown waits for requests in flight before cutting connections. */
  drainTimeoutMs?: number;
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  /** Stops accepting, answers every request in flight, then resolves. The database stays open. */
  close(): Promise<void>;
}

const DEFAULT_MAX_BODY = 1024 * 1024;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The only module that knows HTTP and Apollo: /graphql, /healthz and (for now) a page at / that
 * points to the API.
 */
export async function startHttpServer(app: App, options: HttpOptions): Promise<RunningServer> {
  const { logger } = options;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const apollo = new ApolloServer<RequestContext>({
    schema: app.schema,
    formatError: createErrorFormatter(logger),
    includeStacktraceInErrorResponses: false,
    introspection: !options.production,
    csrfPrevention: true,
    // main.ts owns shutdown: drain HTTP first, then stop Apollo, then close the database.
    stopOnTerminationSignals: false,
    plugins: [ApolloServerPluginLandingPageDisabled()],
    logger: { debug() {}, info() {}, warn: (m) => logger.warn(String(m)), error: (m) => logger.error(String(m)) },
  });
  await apollo.start();

  let inFlight = 0;
  let draining = false;
  let drained: (() => void) | undefined;

  const server = createServer((req, res) => {
    inFlight++;
    res.on('close', () => {
      inFlight--;
      if (draining && inFlight === 0) drained?.();
    });
    if (draining) res.setHeader('Connection', 'close');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    route(req, res).catch((error: unknown) => {
      if (error instanceof HttpError) {
        sendJson(res, error.status, { errors: [{ message: error.message, extensions: { code: error.status === 413 ? 'BAD_USER_INPUT' : 'BAD_REQUEST' } }] });
        return;
      }
      logger.error(`Unhandled error on ${req.method} ${req.url}`, error);
      if (!res.headersSent) sendJson(res, 500, { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5000;
  server.headersTimeout = 10000;
  server.requestTimeout = 30000;

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/graphql') return graphql(req, res, url);
    if (url.pathname === '/healthz') return health(req, res);
    if (url.pathname === '/' && (req.method === 'GET' || req.method === 'HEAD')) return home(res);
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
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: request,
      context: () => app.createRequestContext({ token: bearerToken(req), source: req.socket.remoteAddress ?? null }),
    });
    res.statusCode = response.status ?? 200;
    for (const [key, value] of response.headers) res.setHeader(key, value);
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
    } else {
      for await (const chunk of response.body.asyncIterator) res.write(chunk);
      res.end();
    }
  }

  async function health(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'Use GET on /healthz');
    const up = await app.database.ping();
    res.setHeader('Cache-Control', 'no-store');
    sendJson(res, up ? 200 : 503, up ? { status: 'ok', database: 'up' } : { status: 'unavailable', database: 'down' });
  }

  function home(res: ServerResponse): void {
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(
      '<!doctype html><html lang="en"><meta charset="utf-8"><title>Tracker System</title>' +
        '<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem">' +
        '<h1>Tracker System</h1><p>The GraphQL API is at <a href="/graphql"><code>/graphql</code></a> ' +
        '(POST JSON with <code>Authorization: Bearer &lt;token&gt;</code>). Health: <a href="/healthz"><code>/healthz</code></a>.</p></body></html>',
    );
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
        const allAnswered = new Promise<void>((resolve) => {
          drained = resolve;
          if (inFlight === 0) resolve();
        });
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), options.drainTimeoutMs ?? 15000);
        });
        if ((await Promise.race([allAnswered, timedOut])) === 'timeout') logger.warn('Shutdown: requests still in flight after the drain timeout; closing their connections');
        clearTimeout(timer);
        server.closeAllConnections();
        await stopped;
        await apollo.stop();
      })();
      return closing;
    },
  };
}

function bearerToken(req: IncomingMessage): string | null {
  const header = req.headers.authorization?.trim();
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  // A header that is not a well-formed bearer token must fail as an invalid token, even when it is
  // a valid token without the scheme: it is passed on marked, in a form no token can verify.
  return match ? match[1]! : `not-bearer ${header}`;
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
