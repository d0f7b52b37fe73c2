import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT_DIR } from '../../server/config.js';
import { cleanEnv } from './process.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Wall time of the whole command, in milliseconds. */
  ms: number;
}

/** Runs ./scripts/user, ./scripts/client or ./scripts/audit as an operator would, from the repository root. */
export function runCli(group: 'user' | 'client' | 'token' | 'audit', args: string[], options: { env: Record<string, string | undefined>; input?: string }): Promise<CliResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(join(ROOT_DIR, 'scripts', group), args, { cwd: ROOT_DIR, env: cleanEnv({ BCRYPT_ROUNDS: '4', ...options.env }), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
    child.stdin.end(options.input ?? '');
  });
}

/** Runs a shell command line (for the seed's examples, pasted as written) from the repository root. */
export function runShell(line: string, env: Record<string, string | undefined>): Promise<CliResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', line], { cwd: ROOT_DIR, env: cleanEnv({ BCRYPT_ROUNDS: '4', ...env }), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
  });
}
