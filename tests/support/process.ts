import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT_DIR } from '../../server/config.js';

/** A data directory of its own for a spawned process. */
export const tempDataDir = (): string => mkdtempSync(join(tmpdir(), 'tracker-test-'));

/** The environment a spawned process gets: nothing of the developer's tracker settings. */
export function cleanEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of ['DATABASE_URL', 'TRACKER_DATA_DIR', 'JWT_SECRET', 'JWT_EXPIRES_IN', 'BCRYPT_ROUNDS', 'HOST', 'PORT', 'NODE_ENV', 'TEST_DATABASE_URL', 'TRACKER_HEAP_FLAGS']) delete env[key];
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) env[key] = value;
  return env;
}

export interface SpawnedServer {
  readonly process: ChildProcess;
  /** Everything the process wrote so far (stdout and stderr). */
  output(): string;
  /** Resolves with the base URL once the server says it listens; rejects if it exits first. */
  ready(timeoutMs?: number): Promise<string>;
  exited(): Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * `npm start`'s command (scripts/start: the server bundle, rebuilt first if stale) as a child
 * process, on port 0 unless told. The script execs node, so the child's pid is the server's.
 */
export function spawnServer(env: Record<string, string | undefined>): SpawnedServer {
  const child = spawn('sh', [join(ROOT_DIR, 'scripts', 'start')], {
    cwd: ROOT_DIR,
    env: cleanEnv({ PORT: '0', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    process: child,
    output: () => output,
    ready(timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const deadline = Date.now() + timeoutMs;
        const poll = setInterval(() => {
          const match = /listening on (http:\/\/\S+?) /.exec(output);
          if (match) {
            clearInterval(poll);
            resolve(match[1]!);
          } else if (child.exitCode !== null || Date.now() > deadline) {
            clearInterval(poll);
            reject(new Error(`The server did not start (exit ${child.exitCode}):\n${output}`));
          }
        }, 50);
      });
    },
    exited: () => exit,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      return exit;
    },
  };
}
