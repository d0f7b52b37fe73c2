import { createHash } from 'node:crypto';
import { createReadStream, existsSync, type Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { ApolloServer, HeaderMap, type HTTPGraphQLRequest } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { App } from './app.js';
import type { RequestContext, SessionCookie } from './graphql/context.js';
import { createErrorFormatter } from './graphql/errors.js';
import { GRAPHQL_LIMITS, limitRules } from './graphql/limits.js';
import type { Logger } from './logger.js';

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
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  /** Stops accepting, answers every request in flight, then resolves. The database stays open. */
  close(): Promise<void>;
}

const DEFAULT_MAX_BODY = 1024 * 1024;
const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL('../console/build/', import.meta.url));

/** The browser session: an httpOnly cookie carrying the token that login issued. */
export const SESSION_COOKIE = 'tracker_session';
/** The console's page for every client-side route (adapter-static's fallback). */
const CONSOLE_FALLBACK = 'index.html';
/** Vite's content-hashed output: safe to cache for a year. */
const IMMUTABLE_PREFIX = '/_app/immutable/';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

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
 * single-page app) at every other GET path.
 */
export async function startHttpServer(app: App, options: HttpOptions): Promise<RunningServer> {
  const { logger } = options;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const consoleDir = normalize(options.consoleDir ?? DEFAULT_CONSOLE_DIR);
  if (!existsSync(join(consoleDir, CONSOLE_FALLBACK))) {
    logger.warn(`The admin console is not built (no ${join(consoleDir, CONSOLE_FALLBACK)}): / shows a placeholder. Run npm run build:console.`);
  }
  const apollo = new ApolloServer<RequestContext>({
    schema: app.schema,
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
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginCacheControlDisabled()],
    stringifyResult: (result) => JSON.stringify(result),
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
  let lastConnectionAt = 0;
  server.on('connection', () => {
    lastConnectionAt = Date.now();
  });
  server.keepAliveTimeout = 5000;
  server.headersTimeout = 10000;
  server.requestTimeout = 30000;

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/graphql') return graphql(req, res, url);
    if (url.pathname === '/healthz') return health(req, res);
    if (req.method === 'GET' || req.method === 'HEAD') return consoleFile(req, res, url);
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
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: request,
      context: () =>
        app.createRequestContext({
          token: requestToken(req),
          source: req.socket.remoteAddress ?? null,
          session,
          // Self-declared, for the audit log only (never for access): the console says who it is.
          channel: req.headers['x-tracker-client'] === 'console' ? 'console' : 'api',
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

  async function health(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'Use GET on /healthz');
    const up = await app.database.ping();
    res.setHeader('Cache-Control', 'no-store');
    sendJson(res, up ? 200 : 503, up ? { status: 'ok', database: 'up' } : { status: 'unavailable', database: 'down' });
  }

  /**
   * The console: a file of the build when the path names one, else the SPA's fallback page for
   * client-side routes. Hashed assets are cached for a year, everything else revalidated. A
   * missing asset (a path with an extension) is a 404, not the page.
   */
  async function consoleFile(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    let pathname: string;
    try {
      pathname = decodeURIComponent(url.pathname);
    } catch {
      throw new HttpError(400, 'The path is not valid');
    }
    const relative = normalize(pathname).replace(/^[/\\]+/, '');
    const file = join(consoleDir, relative);
    if (pathname.includes('\0') || !(file + sep).startsWith(consoleDir.endsWith(sep) ? consoleDir : consoleDir + sep)) {
      sendJson(res, 404, { error: 'Not found' });
      return;
    }
    const found = relative === '' ? null : await fileStats(file);
    if (found) return sendFile(req, res, file, found, pathname.startsWith(IMMUTABLE_PREFIX) ? 'public, max-age=31536000, immutable' : 'no-cache');
    if (extname(pathname) !== '' && !pathname.endsWith('.html')) {
      sendJson(res, 404, { error: 'Not found' });
      return;
    }
    const page = join(consoleDir, CONSOLE_FALLBACK);
    const pageStats = await fileStats(page);
    if (!pageStats) return placeholder(res);
    return sendFile(req, res, page, pageStats, 'no-cache');
  }

  async function sendFile(req: IncomingMessage, res: ServerResponse, file: string, stats: Stats, cacheControl: string): Promise<void> {
    const type = CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
    // adapter-static writes .br and .gz beside each file: send one when the browser takes it.
    const accepted = String(req.headers['accept-encoding'] ?? '');
    let body = file;
    let size = stats.size;
    for (const [encoding, suffix] of [['br', '.br'], ['gzip', '.gz']] as const) {
      if (!new RegExp(`\\b${encoding}\\b`).test(accepted)) continue;
      const packed = await fileStats(file + suffix);
      if (packed) {
        res.setHeader('Content-Encoding', encoding);
        body = file + suffix;
        size = packed.size;
        break;
      }
    }
    res.setHeader('Vary', 'Accept-Encoding');
    res.setHeader('Content-Type', type);
    res.setHeader('Content-Length', size);
    res.setHeader('Cache-Control', cacheControl);
    if (type.startsWith('text/html')) setPageHeaders(res, await pagePolicy(file, stats));
    res.statusCode = 200;
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const stream = createReadStream(body);
      stream.on('error', reject);
      res.on('close', resolve);
      stream.pipe(res);
    });
  }

  function placeholder(res: ServerResponse): void {
    setPageHeaders(res, contentSecurityPolicy(''));
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache');
    res.end(
      '<!doctype html><html lang="en"><meta charset="utf-8"><title>Tracker System</title>' +
        '<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem">' +
        '<h1>Tracker System</h1><p>The admin console is not built: run <code>npm run build:console</code> (or <code>npm start</code>, which builds it). ' +
        'The GraphQL API is at <a href="/graphql"><code>/graphql</code></a>. Health: <a href="/healthz"><code>/healthz</code></a>.</p></body></html>',
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
        // Connections the kernel already accepted may still wait in the listen backlog; closing the
        // listener at once would reset them although their clients sent a request. Keep accepting
        // (answering with Connection: close) until no connection has come for a quiet moment, at
        // most a few seconds, then stop listening.
        const quietMs = options.acceptGraceMs ?? 300;
        const graceEnds = Date.now() + 10 * quietMs;
        while (quietMs > 0 && Date.now() < graceEnds) {
          const quietFor = Date.now() - lastConnectionAt;
          if (quietFor >= quietMs) break;
          await new Promise((resolve) => setTimeout(resolve, quietMs - quietFor));
        }
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

/** The caller's token: the Authorization header when there is one, else the session cookie. */
function requestToken(req: IncomingMessage): string | null {
  return bearerToken(req) ?? sessionCookie(req);
}

function bearerToken(req: IncomingMessage): string | null {
  const header = req.headers.authorization?.trim();
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  // A header that is not a well-formed bearer token must fail as an invalid token, even when it is
  // a valid token without the scheme: it is passed on marked, in a form no token can verify.
  return match ? match[1]! : `not-bearer ${header}`;
}

function sessionCookie(req: IncomingMessage): string | null {
  const header = req.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) {
      const value = part.slice(eq + 1).trim();
      return value === '' ? null : value;
    }
  }
  return null;
}

function isHttps(req: IncomingMessage): boolean {
  if ((req.socket as TLSSocket).encrypted) return true;
  // Behind a TLS-terminating proxy. Trusting the header only ever makes the cookie stricter.
  const forwarded = req.headers['x-forwarded-proto'];
  return (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim().toLowerCase() === 'https';
}

/**
 * What login and logout ask for, as one Set-Cookie header: httpOnly (scripts never see the
 * token), SameSite=Strict (no cross-site request carries it; Apollo's CSRF prevention covers the
 * rest), Secure over HTTPS, and lasting exactly as long as the token.
 */
class SessionCookieHeader implements SessionCookie {
  header: string | undefined;

  constructor(private readonly secure: boolean) {}

  begin(token: string, expiresAt: Date): void {
    const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
    this.header = this.cookie(token, maxAge);
  }

  end(): void {
    this.header = this.cookie('', 0);
  }

  private cookie(value: string, maxAge: number): string {
    return `${SESSION_COOKIE}=${value}; Max-Age=${maxAge}; Path=/; HttpOnly; SameSite=Strict${this.secure ? '; Secure' : ''}`;
  }
}

/** A console page's headers: what it may load and run, and that no other site may frame it. */
function setPageHeaders(res: ServerResponse, policy: string): void {
  res.setHeader('Content-Security-Policy', policy);
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
}

/** The policy of each page of the build, read once per version of the file (a rebuild changes it). */
const pagePolicies = new Map<string, { mtimeMs: number; size: number; policy: string }>();

async function pagePolicy(file: string, stats: Stats): Promise<string> {
  const known = pagePolicies.get(file);
  if (known && known.mtimeMs === stats.mtimeMs && known.size === stats.size) return known.policy;
  const policy = contentSecurityPolicy(await readFile(file, 'utf8'));
  pagePolicies.set(file, { mtimeMs: stats.mtimeMs, size: stats.size, policy });
  return policy;
}

/**
 * A strict Content-Security-Policy for a page of the console: scripts only from this origin, plus
 * the page's own inline scripts by their SHA-256 (SvelteKit's static build boots from one), never
 * 'unsafe-inline' or eval; requests only to this origin; no plugins, <base> or framing. Styles come
 * from this origin; only style attributes may be inline (the app shell has one).
 */
function contentSecurityPolicy(html: string): string {
  const hashes = [...html.matchAll(/<script(?![^>]*\bsrc\s*=)[^>]*>([\s\S]*?)<\/script>/gi)].map(
    (match) => `'sha256-${createHash('sha256').update(match[1]!, 'utf8').digest('base64')}'`,
  );
  return [
    "default-src 'self'",
    ['script-src', "'self'", ...hashes].join(' '),
    "style-src 'self'",
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

async function fileStats(file: string): Promise<Stats | null> {
  try {
    const stats = await stat(file);
    return stats.isFile() ? stats : null;
  } catch {
    return null;
  }
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
