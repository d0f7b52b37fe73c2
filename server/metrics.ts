import { timingSafeEqual } from 'node:crypto';
import client from 'prom-client';

/** What the metrics read from the rest of the server when they are scraped. */
export interface MetricSources {
  /** Emails in the outbox not yet sent. */
  outboxPending(): Promise<number>;
  /** Sessions neither ended nor expired. */
  sessionsOpen(): Promise<number>;
  /** The database connection pool now. */
  pool(): { used: number; free: number; pending: number; max: number };
}

/** Operation names kept as labels at most: beyond them (or for a name no one would choose), `anonymous`. */
const MAX_OPERATION_NAMES = 200;
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** An operation name as it may appear in a label or a log record: a GraphQL name of at most 64 characters, else `anonymous`. */
export const saneOperationName = (name: string | null | undefined): string => (name && OPERATION_NAME.test(name) ? name : 'anonymous');

/**
 * The Prometheus metrics (prom-client) of one server process: Node's process metrics, and the
 * Tracker System's own (docs/operations.md says what each means). Labels never carry query text or
 * variables: an operation is named by its GraphQL operation name, or `anonymous`.
 */
export class Metrics {
  readonly registry = new client.Registry();
  private readonly operations: client.Counter<'operation' | 'outcome'>;
  private readonly durations: client.Histogram<'operation'>;
  private readonly loginFailures: client.Counter;
  private readonly lockouts: client.Counter;
  private readonly names = new Set<string>();

  constructor(sources: MetricSources) {
    const registers = [this.registry];
    client.collectDefaultMetrics({ register: this.registry });
    this.operations = new client.Counter({
      name: 'tracker_graphql_operations_total',
      help: 'GraphQL operations answered, by operation name and outcome (ok, or the error code)',
      labelNames: ['operation', 'outcome'],
      registers,
    });
    this.durations = new client.Histogram({
      name: 'tracker_graphql_operation_duration_seconds',
      help: 'Time from a GraphQL request arriving to its answer, by operation name',
      labelNames: ['operation'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.loginFailures = new client.Counter({ name: 'tracker_login_failures_total', help: 'Failed sign-ins (wrong passwords, unknown emails, wrong current passwords)', registers });
    this.lockouts = new client.Counter({ name: 'tracker_lockouts_total', help: 'Emails locked out after too many failed sign-ins', registers });
    new client.Gauge({
      name: 'tracker_outbox_pending',
      help: 'Emails waiting in the outbox, not yet sent',
      registers,
      async collect() {
        this.set(await sources.outboxPending());
      },
    });
    new client.Gauge({
      name: 'tracker_sessions_open',
      help: 'Sessions open now (neither ended nor expired), across every instance',
      registers,
      async collect() {
        this.set(await sources.sessionsOpen());
      },
    });
    new client.Gauge({
      name: 'tracker_db_pool_connections',
      help: "This process's database connections, by state: used, free, pending (requests waiting for one), max",
      labelNames: ['state'],
      registers,
      collect() {
        const pool = sources.pool();
        for (const state of ['used', 'free', 'pending', 'max'] as const) this.set({ state }, pool[state]);
      },
    });
  }

  /** The label of an operation name: itself while few enough names are known and it looks like one; else `anonymous`. */
  operationLabel(name: string | null | undefined): string {
    const sane = saneOperationName(name);
    if (sane === 'anonymous' || this.names.has(sane)) return sane;
    if (this.names.size >= MAX_OPERATION_NAMES) return 'anonymous';
    this.names.add(sane);
    return sane;
  }

  operationAnswered(operation: string, outcome: string, seconds: number): void {
    this.operations.inc({ operation, outcome });
    this.durations.observe({ operation }, seconds);
  }

  loginFailed(): void {
    this.loginFailures.inc();
  }

  lockedOut(): void {
    this.lockouts.inc();
  }

  /** The text format Prometheus scrapes. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/** Does the Authorization header carry exactly `Bearer <token>`? In constant time. */
export function isMetricsToken(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header ?? '');
  const expected = Buffer.from(`Bearer ${token}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
