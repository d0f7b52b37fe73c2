import { redirect } from '@sveltejs/kit';
import { isAdmin } from '$lib/access.js';
import { AUDIT_PER_PAGE, auditVariables, rangeProblem, readAuditParams } from '$lib/audit.js';
import { query } from '$lib/graphql/client.js';
import { AuditDeletionsQuery, AuditLogQuery, ClientsQuery, UserNameQuery } from '$lib/graphql/operations.js';
import { loadQuery } from '$lib/load.js';
import type { PageLoad } from './$types';

/** A user's name for a filter's label; null when they are gone (the filter still works). */
async function userName(id: string | null): Promise<string | null> {
  if (!id) return null;
  const result = await query(UserNameQuery, { id });
  return result.ok ? result.value.user.name : null;
}

/**
 * ADMIN: a page of the audit log, newest first, as the URL's filters say; the clients (to name
 * them in summaries); the names of the filtered actor and target user; and which targets on the
 * page were deleted since (they get no link).
 */
export const load: PageLoad = async ({ parent, url }) => {
  if (!isAdmin((await parent()).me)) redirect(307, '/profile');
  const params = readAuditParams(url);
  const problem = rangeProblem(params);
  const [log, { clients }, actorName, targetName] = await Promise.all([
    problem ? Promise.resolve({ auditLog: { items: [], total: 0, skip: 0, limit: AUDIT_PER_PAGE } }) : loadQuery(AuditLogQuery, auditVariables(params), url),
    loadQuery(ClientsQuery, {}, url),
    userName(params.actorId),
    params.targetType === 'user' ? userName(params.targetId) : Promise.resolve(null),
  ]);
  const entries = log.auditLog;
  const deleted = new Set<string>();
  const oldest = entries.items.at(-1);
  if (oldest) {
    // Not essential: if it fails, every target keeps its link (a gone one says "Not found").
    const gone = await query(AuditDeletionsQuery, { since: oldest.at });
    if (gone.ok) {
      for (const [type, page] of [['user', gone.value.users], ['client', gone.value.clients], ['ticket', gone.value.tickets]] as const) {
        for (const item of page.items) if (item.targetId) deleted.add(`${type}:${item.targetId}`);
      }
    }
  }
  return { entries, clients, params, problem, actorName, targetName, deleted };
};
