import { Args, Ctx, Directive, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../context.js';
import { IdArgs, UserIdArgs } from '../types/args.js';
import { SessionView, toSessionView } from '../types/session.type.js';

@Resolver(() => SessionView)
export class SessionResolver {
  @Query(() => [SessionView], { description: 'Where you are signed in: your open sessions, newest first.' })
  @Directive('@authenticated')
  async mySessions(@Ctx() ctx: RequestContext): Promise<SessionView[]> {
    return (await ctx.services.sessions.listMine(ctx)).map(toSessionView);
  }

  @Query(() => [SessionView], { description: "A user's open sessions, newest first." })
  @Directive('@hasRole(role: ADMIN)')
  async userSessions(@Ctx() ctx: RequestContext, @Args(() => UserIdArgs) { userId }: UserIdArgs): Promise<SessionView[]> {
    return (await ctx.services.sessions.listOf(ctx, userId)).map(toSessionView);
  }

  @Mutation(() => Boolean, { description: 'Ends one of your own sessions (an ADMIN: anyone\'s). Its token stops working at once.' })
  @Directive('@authenticated')
  async revokeSession(@Ctx() ctx: RequestContext, @Args(() => IdArgs) { id }: IdArgs): Promise<boolean> {
    return ctx.services.sessions.revoke(ctx, id);
  }

  @Mutation(() => Int, { description: "Ends every open session of the user; returns how many ended." })
  @Directive('@hasRole(role: ADMIN, orSelf: "userId")')
  async revokeUserSessions(@Ctx() ctx: RequestContext, @Args(() => UserIdArgs) { userId }: UserIdArgs): Promise<number> {
    return ctx.services.sessions.revokeAllOf(ctx, userId);
  }
}
