import { createHash } from 'node:crypto';
import { createReadStream, existsSync, type Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built console (a static SPA) of this repository. */
export const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL('../console/build/', import.meta.url));
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

/** What became of a request for the console: answered, or for the transport to answer. */
export type ConsoleOutcome = 'served' | 'not-found' | 'bad-path';

/**
 * The admin console's files, with the headers every page carries: a file of the build when the
 * path names one, else the SPA's fallback page for client-side routes. Hashed assets are cached
 * for a year, everything else revalidated. A missing asset (a path with an extension) is not
 * found, never the page.
 */
export class ConsoleAssets {
  readonly dir: string;
  /** The policy of each page of the build, read once per version of the file (a rebuild changes it). */
  private readonly pagePolicies = new Map<string, { mtimeMs: number; size: number; policy: string }>();

  constructor(dir: string = DEFAULT_CONSOLE_DIR) {
    this.dir = normalize(dir);
  }

  /** Has the console been built (else a placeholder page says how to build it)? */
  get built(): boolean {
    return existsSync(join(this.dir, CONSOLE_FALLBACK));
  }

  get fallbackPage(): string {
    return join(this.dir, CONSOLE_FALLBACK);
  }

  async serve(req: IncomingMessage, res: ServerResponse, url: URL): Promise<ConsoleOutcome> {
    let pathname: string;
    try {
      pathname = decodeURIComponent(url.pathname);
    } catch {
      return 'bad-path';
    }
    const relative = normalize(pathname).replace(/^[/\\]+/, '');
    const file = join(this.dir, relative);
    if (pathname.includes('\0') || !(file + sep).startsWith(this.dir.endsWith(sep) ? this.dir : this.dir + sep)) return 'not-found';
    const found = relative === '' ? null : await fileStats(file);
    if (found) {
      await this.sendFile(req, res, file, found, pathname.startsWith(IMMUTABLE_PREFIX) ? 'public, max-age=31536000, immutable' : 'no-cache');
      return 'served';
    }
    if (extname(pathname) !== '' && !pathname.endsWith('.html')) return 'not-found';
    const page = this.fallbackPage;
    const pageStats = await fileStats(page);
    if (!pageStats) placeholder(res);
    else await this.sendFile(req, res, page, pageStats, 'no-cache');
    return 'served';
  }

  private async sendFile(req: IncomingMessage, res: ServerResponse, file: string, stats: Stats, cacheControl: string): Promise<void> {
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
    if (type.startsWith('text/html')) setPageHeaders(res, await this.pagePolicy(file, stats));
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

  private async pagePolicy(file: string, stats: Stats): Promise<string> {
    const known = this.pagePolicies.get(file);
    if (known && known.mtimeMs === stats.mtimeMs && known.size === stats.size) return known.policy;
    const policy = contentSecurityPolicy(await readFile(file, 'utf8'));
    this.pagePolicies.set(file, { mtimeMs: stats.mtimeMs, size: stats.size, policy });
    return policy;
  }
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

/** A console page's headers: what it may load and run, and that no other site may frame it. */
function setPageHeaders(res: ServerResponse, policy: string): void {
  res.setHeader('Content-Security-Policy', policy);
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
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
