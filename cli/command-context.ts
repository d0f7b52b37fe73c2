import { readFile } from 'node:fs/promises';
import { ConfigError, loadConfig, readEnvironment } from '../server/config.js';
import { DataDirLockedError } from '../server/db/data-dir-lock.js';
import { DatabaseUnavailableError } from '../server/db/connection-errors.js';
import { redactUrl } from '../server/db/database.js';
import { parseId } from '../server/domain/validation.js';
import { toPublicError } from '../server/public-error.js';
import { UntrustedSocketError } from './control-client.js';
import { CliUsageError, describeFields, exitCodeFor, type Io } from './output.js';
import { openRuntime, type OperatorRuntime } from './runtime.js';

/** What every command gets: a way to run against the database, and the shared argument rules. */
export interface CommandContext {
  /** Runs a command's work, then prints any failure as one `Error:` line with its exit code (exitCodeFor). */
  execute(work: (runtime: OperatorRuntime, io: Io) => Promise<void>): Promise<void>;
  /** --password or --password-stdin (one trailing newline dropped). */
  password(argv: { password?: string; 'password-stdin'?: boolean }, required: boolean): Promise<string | undefined>;
  /** A positional id: a positive integer, or a usage error naming it. */
  id(raw: string | undefined, name: string): number;
  /** The text of a file argument, UTF-8; `-` reads standard input. */
  file(path: string): Promise<string>;
}

export function createCommandContext(io: Io, env: NodeJS.ProcessEnv): CommandContext & { exitCode: number } {
  const context = {
    exitCode: 0,
    async execute(work: (runtime: OperatorRuntime, io: Io) => Promise<void>): Promise<void> {
      let runtime: OperatorRuntime | undefined;
      try {
        const config = loadConfig(readEnvironment(env), undefined, { signsTokens: false });
        runtime = await openRuntime(config);
        await work(runtime, io);
      } catch (error) {
        const { message, code } = describe(error, env);
        io.err(`Error: ${message}\n`);
        context.exitCode = code;
      } finally {
        await runtime?.close().catch(() => undefined);
      }
    },
    async password(argv: { password?: string; 'password-stdin'?: boolean }, required: boolean): Promise<string | undefined> {
      if (argv['password-stdin']) return (await io.readStdin()).replace(/\r?\n$/, '');
      if (argv.password === undefined && required) throw new CliUsageError('Missing required argument: --password (or --password-stdin)');
      return argv.password;
    },
    async file(path: string): Promise<string> {
      if (path === '-') return io.readStdin('"-" reads the file from standard input: pipe it in (e.g. ./scripts/user import - < users.csv)');
      try {
        return await readFile(path, 'utf8');
      } catch (error) {
        const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
        throw new CliUsageError(`Cannot read ${path}: ${reason}`);
      }
    },
    id(raw: string | undefined, name: string): number {
      const id = raw === undefined ? null : parseId(raw);
      if (id === null) throw new CliUsageError(`${name} must be a positive integer, not "${raw ?? ''}"`);
      return id;
    },
  };
  return context;
}

/** The one line an operator sees, and the exit code scripts branch on (cli/output.ts, README: Operator CLI). */
function describe(error: unknown, env: NodeJS.ProcessEnv): { message: string; code: number } {
  if (error instanceof CliUsageError) return { message: error.message, code: 1 };
  if (error instanceof ConfigError) return { message: error.message.replace(/\n\s*-\s*/g, ' '), code: 1 };
  if (error instanceof DataDirLockedError || error instanceof UntrustedSocketError) return { message: error.message, code: 5 };
  if (error instanceof DatabaseUnavailableError) {
    const url = readEnvironment(env).DATABASE_URL;
    return { message: `Cannot reach the database${url ? ` at ${redactUrl(url)}` : ''}: check DATABASE_URL (environment or .env) and that PostgreSQL is running`, code: 5 };
  }
  const shown = toPublicError(error, {
    error: (message, cause) => {
      if (env.TRACKER_DEBUG) process.stderr.write(`${message}: ${cause instanceof Error ? cause.stack : String(cause)}\n`);
    },
  });
  const fields = shown.details.fields as Record<string, string> | undefined;
  const message = shown.code === 'BAD_USER_INPUT' && fields ? describeFields(fields) : shown.message;
  return { message, code: exitCodeFor(shown.code) };
}
