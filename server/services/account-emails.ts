import { LINK_PLACEHOLDER } from '../domain/email.js';
import type { QueuedEmail } from './outbox.js';

/**
 * The emails of the account lifecycle, in plain text and in HTML that reads on a phone (one
 * column, large type, a button as wide as the screen allows; no image, font or style from
 * elsewhere). The link itself goes in at LINK_PLACEHOLDER as the email is sent (outbox.ts).
 */
export interface InvitationFacts {
  to: string;
  name: string;
  inviter: string;
  roles: readonly string[];
  clients: readonly string[];
  link: string;
  ttlSeconds: number;
  publicUrl: string;
}

export function invitationEmail(facts: InvitationFacts): QueuedEmail {
  const role = facts.roles.includes('admin') ? 'an admin' : 'a user';
  const access = facts.roles.includes('admin')
    ? 'with access to every client'
    : facts.clients.length > 0
      ? `with access to ${listOf(facts.clients)}`
      : 'with no client on your list yet';
  const lasts = describeDuration(facts.ttlSeconds);
  const intro = `${facts.inviter} invited you to the Tracker System, as ${role} ${access}.`;
  const text = [
    `Hello ${facts.name},`,
    '',
    intro,
    '',
    'Choose your password to start:',
    LINK_PLACEHOLDER,
    '',
    `The link works once, for ${lasts}. Your email address, ${facts.to}, is how you will sign in, at ${facts.publicUrl}.`,
    '',
    'If you did not expect this invitation, ignore this email: nothing happens until a password is chosen.',
  ].join('\n');
  const html = page(`You are invited to the Tracker System`, [
    `<p>Hello ${escape(facts.name)},</p>`,
    `<p>${escape(intro)}</p>`,
    button('Choose your password'),
    `<p style="color:#4b5563">The link works once, for ${escape(lasts)}. Your email address, ${escape(facts.to)}, is how you will sign in, at ${escape(facts.publicUrl)}.</p>`,
    `<p style="color:#4b5563">If the button does not work, open this address: <br><a href="${LINK_PLACEHOLDER}" style="color:#1d4ed8;word-break:break-all">${LINK_PLACEHOLDER}</a></p>`,
    `<p style="color:#4b5563">If you did not expect this invitation, ignore this email: nothing happens until a password is chosen.</p>`,
  ]);
  return { to: facts.to, subject: `${facts.inviter} invited you to the Tracker System`, text, html, link: facts.link };
}

export interface ResetFacts {
  to: string;
  name: string;
  link: string;
  ttlSeconds: number;
}

export function passwordResetEmail(facts: ResetFacts): QueuedEmail {
  const lasts = describeDuration(facts.ttlSeconds);
  const why = `Someone, hopefully you, asked to reset the password of your Tracker System account (${facts.to}).`;
  const text = [
    `Hello ${facts.name},`,
    '',
    why,
    '',
    'Choose a new password:',
    LINK_PLACEHOLDER,
    '',
    `The link works once, for ${lasts}. Setting a new password signs you out everywhere else.`,
    '',
    'If it was not you, ignore this email: your password stays as it is.',
  ].join('\n');
  const html = page('Reset your password', [
    `<p>Hello ${escape(facts.name)},</p>`,
    `<p>${escape(why)}</p>`,
    button('Choose a new password'),
    `<p style="color:#4b5563">The link works once, for ${escape(lasts)}. Setting a new password signs you out everywhere else.</p>`,
    `<p style="color:#4b5563">If the button does not work, open this address: <br><a href="${LINK_PLACEHOLDER}" style="color:#1d4ed8;word-break:break-all">${LINK_PLACEHOLDER}</a></p>`,
    `<p style="color:#4b5563">If it was not you, ignore this email: your password stays as it is.</p>`,
  ]);
  return { to: facts.to, subject: 'Reset your Tracker System password', text, html, link: facts.link };
}

function page(title: string, body: string[]): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escape(title)}</title></head>`,
    '<body style="margin:0;padding:0;background:#f3f4f6">',
    '<div style="max-width:32rem;margin:0 auto;padding:24px 16px;font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;font-size:16px;line-height:1.5;color:#111827;background:#ffffff">',
    `<h1 style="font-size:22px;line-height:1.3;margin:0 0 16px">${escape(title)}</h1>`,
    ...body,
    '</div></body></html>',
  ].join('\n');
}

function button(label: string): string {
  return `<p style="margin:24px 0"><a href="${LINK_PLACEHOLDER}" style="display:block;max-width:20rem;padding:14px 20px;border-radius:6px;background:#1d4ed8;color:#ffffff;text-align:center;text-decoration:none;font-weight:600">${escape(label)}</a></p>`;
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function listOf(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** 259200 → "72 hours", 3600 → "1 hour", 1800 → "30 minutes". */
export function describeDuration(seconds: number): string {
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (seconds % 3600 === 0) return plural(seconds / 3600, 'hour');
  if (seconds % 60 === 0) return plural(seconds / 60, 'minute');
  return plural(seconds, 'second');
}
