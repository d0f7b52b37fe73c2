import { Args, Ctx, Directive, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../context.js';
import { AuditEventPageView, AuditLogArgs, toAuditEventView } from '../types/audit.type.js';

@Resolver()
export class AuditResolver {
  @Query(() => AuditEventPageView, { description: 'The audit log, newest first, filtered by actor, target, action and time range.' })
  @Directive('@hasRole(role: ADMIN)')
  async auditLog(@Ctx() ctx: RequestContext, @Args(() => AuditLogArgs) args: AuditLogArgs): Promise<AuditEventPageView> {
    const page = await ctx.services.audit.list(ctx, args);
    return { ...page, items: page.items.map(toAuditEventView) };
  }
}
