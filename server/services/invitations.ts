import type { EntityManager } from '@mikro-orm/postgresql';
import type { Role } from '../domain/roles.js';
import { User } from '../entities/user.entity.js';
import { invitationEmail } from './account-emails.js';
import type { AccountLinks } from './account-links.js';
import type { ServiceContext } from './context.js';
import { queueEmails, type Mailing } from './outbox.js';

/** An INVITED user, as their invitation describes them. */
export interface Invitee {
  id: number;
  email: string;
  name: string;
  roles: readonly Role[];
  clientNames: readonly string[];
}

/**
 * Inside the caller's transaction: a new invitation link for each user (older ones stop working)
 * and its email in the outbox, from the acting admin (or the operator). The one way invitations
 * go out: inviteUser, resendInvitation and a bulk import alike.
 */
export async function sendInvitations(em: EntityManager, ctx: ServiceContext, links: AccountLinks, mailing: Mailing, invitees: readonly Invitee[]): Promise<void> {
  if (invitees.length === 0) return;
  const inviter = ctx.actor.kind === 'user' ? ((await em.findOne(User, ctx.actor.id, { fields: ['name'] }))?.name ?? 'An admin') : 'An operator';
  const urls = await links.issueMany(em, invitees.map((i) => i.id), 'invite', ctx.actor.kind === 'user' ? ctx.actor.id : null);
  await queueEmails(
    em,
    invitees.map((invitee, i) =>
      invitationEmail({
        to: invitee.email,
        name: invitee.name,
        inviter,
        roles: invitee.roles,
        clients: [...invitee.clientNames].sort((a, b) => a.localeCompare(b)),
        link: urls[i]!,
        ttlSeconds: links.ttl('invite'),
        publicUrl: mailing.publicUrl,
      }),
    ),
  );
}
