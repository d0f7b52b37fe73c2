import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../logger.js';
import { LINK_PLACEHOLDER } from '../domain/email.js';
import type { Mailer } from './mailer.js';

export interface OutboxWorkerOptions {
  /** How often to look for due emails when nothing nudges the worker. */
  pollMs?: number;
  /** Emails claimed per round. */
  batchSize?: number;
  /** How long a claimed email is reserved for this worker before another may try it. */
  leaseMs?: number;
  /** Backoff after a failed attempt: base × 2^(attempts−1), at most max. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
}

interface Claimed {
  id: string;
  recipient: string;
  subject: string;
  text: string;
  html: string | null;
  link: string | null;
  attempts: number;
}

/** What an email's stored text says of its link once sent: the link itself is not kept. */
const LINK_SENT = '(the link was in the email as sent; it is not kept)';

/**
 * Delivers the outbox. Each round claims due emails with FOR UPDATE SKIP LOCKED and, in the same
 * statement, pushes their next attempt past a lease: several server instances on one PostgreSQL
 * never claim the same email at once, and an email whose worker died is claimed again once its
 * lease runs out, so nothing is lost. A failed send is retried with exponential backoff, for as
 * long as it takes; the database keeps the attempt count and the last error.
 */
export class OutboxWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private readonly pollMs: number;
  private readonly batchSize: number;
  private readonly leaseMs: number;
  private readonly backoffBaseMs: number;
  private readonly backoffMaxMs: number;

  constructor(
    private readonly orm: MikroORM,
    private readonly mailer: Mailer,
    private readonly logger: Logger,
    options: OutboxWorkerOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 2000;
    this.batchSize = options.batchSize ?? 20;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.backoffBaseMs = options.backoffBaseMs ?? 2000;
    this.backoffMaxMs = options.backoffMaxMs ?? 5 * 60_000;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Something was queued: look now rather than at the next poll. */
  nudge(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  /** Finishes the round in progress (its emails are sent or released for later), then stops. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One round: claim due emails, send them, record the outcome. Returns how many were sent. */
  async deliverDue(): Promise<number> {
    const claimed = await this.claim();
    let sent = 0;
    for (const email of claimed) {
      try {
        const withLink = (body: string) => (email.link ? body.replaceAll(LINK_PLACEHOLDER, email.link) : body);
        await this.mailer.send({ to: email.recipient, subject: email.subject, text: withLink(email.text), html: email.html === null ? null : withLink(email.html) });
        // Sent: the stored message forgets its link (a dump of the outbox holds none that works).
        await this.orm.em
          .getConnection()
          .execute(
            `update "outbox_emails" set "sent_at" = now(), "last_error" = null, "link" = null,
               "text" = replace("text", ?, ?), "html" = replace("html", ?, ?) where "id" = ?`,
            [LINK_PLACEHOLDER, LINK_SENT, LINK_PLACEHOLDER, LINK_SENT, email.id],
          );
        sent++;
      } catch (error) {
        const delay = Math.min(this.backoffMaxMs, this.backoffBaseMs * 2 ** Math.max(0, email.attempts - 1));
        const reason = error instanceof Error ? error.message : String(error);
        this.logger.warn(`Email ${email.id} to ${email.recipient} failed (attempt ${email.attempts}); next try in ${Math.round(delay / 1000)} s: ${reason}`);
        await this.orm.em
          .getConnection()
          .execute(`update "outbox_emails" set "next_attempt_at" = now() + (? * interval '1 millisecond'), "last_error" = ? where "id" = ?`, [delay, reason.slice(0, 2000), email.id])
          .catch((dbError: unknown) => this.logger.error(`Could not record the failure of email ${email.id}; it will be retried when its lease ends`, dbError));
      }
    }
    return sent;
  }

  private async claim(): Promise<Claimed[]> {
    const rows = await this.orm.em.getConnection().execute<Claimed[]>(
      `update "outbox_emails" set "attempts" = "attempts" + 1, "next_attempt_at" = now() + (? * interval '1 millisecond')
        where "id" in (select "id" from "outbox_emails" where "sent_at" is null and "next_attempt_at" <= now()
                        order by "id" limit ? for update skip locked)
        returning "id", "recipient", "subject", "text", "html", "link", "attempts"`,
      [this.leaseMs, this.batchSize],
    );
    return rows.map((r) => ({ ...r, id: String(r.id), attempts: Number(r.attempts) })).sort((a, b) => Number(a.id) - Number(b.id));
  }

  private schedule(delay: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.round(), delay);
    this.timer.unref();
  }

  private async round(): Promise<void> {
    if (this.stopped || this.running) return;
    let full = false;
    this.running = (async () => {
      try {
        full = (await this.deliverDue()) >= this.batchSize;
      } catch (error) {
        this.logger.error('The outbox worker could not read the outbox; it will try again', error);
      }
    })();
    await this.running;
    this.running = undefined;
    if (this.stopped) return;
    const soon = full || this.again;
    this.again = false;
    this.schedule(soon ? 0 : this.pollMs);
  }
}
