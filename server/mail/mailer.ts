import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from '../logger.js';

export interface Email {
  to: string;
  subject: string;
  text: string;
  /** The same message as HTML, for mail clients that show it; the text is the fallback. */
  html?: string | null;
}

/** Sends one email, or throws; the outbox worker retries what throws. */
export interface Mailer {
  send(email: Email): Promise<void>;
  close(): void;
}

/** SMTP to SMTP_URL (smtp://user:pass@host:port, smtps://… for TLS) through nodemailer. */
export function smtpMailer(smtpUrl: string, from: string): Mailer {
  const transport: Transporter = nodemailer.createTransport(smtpUrl, { from });
  return {
    async send(email) {
      await transport.sendMail({ from, to: email.to, subject: email.subject, text: email.text, ...(email.html ? { html: email.html } : {}) });
    },
    close: () => transport.close(),
  };
}

/** Without SMTP_URL: the email is written to the server log (development, demos). */
export function logMailer(from: string, logger: Logger): Mailer {
  return {
    async send(email) {
      // The text part only (the HTML says the same). The logger indents every line after the
      // first: the email's text cannot pass for a log record. Links included: this is the
      // development mode, where the log is the only way to read them.
      logger.info(`Email (no SMTP_URL set) from ${from} to ${email.to}: ${email.subject}\n${email.text}`);
    },
    close: () => undefined,
  };
}
