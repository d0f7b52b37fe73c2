import { Arg, Args, Ctx, Directive, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { requireUser } from '../../services/guards.js';
import type { RequestContext } from '../context.js';
import { IdArgs, UpdateUserArgs, UserIdArgs, UsersArgs } from '../types/args.js';
import { CreateUserInput, InviteUserInput, UpdateMeInput } from '../types/user.inputs.js';
import { fromUserStatusValue } from '../types/user-status.type.js';
import { UserPageView, UserView, toUserView } from '../types/user.type.js';
import { toSortDirection, toUserOrderField } from '../types/user-order.type.js';

@Resolver(() => UserView)
export class UserResolver {
  @Query(() => UserView, { description: 'The signed-in user.' })
  @Directive('@authenticated')
  @Directive('@beforeTwoFactor')
  async me(@Ctx() ctx: RequestContext): Promise<UserView> {
    return toUserView(await ctx.services.users.get(ctx, requireUser(ctx.actor).id));
  }

  @Query(() => UserPageView, {
    description: 'search: a case-insensitive substring of name or email. skip >= 0; limit 1..1000. Ordered by orderBy and direction (by id by default).',
  })
  @Directive('@hasRole(role: ADMIN)')
  async users(@Ctx() ctx: RequestContext, @Args(() => UsersArgs) { skip, limit, search, orderBy, direction, clientId, status, after }: UsersArgs): Promise<UserPageView> {
    const page = await ctx.services.users.list(ctx, {
      skip,
      limit,
      search,
      clientId,
      status: status == null ? undefined : fromUserStatusValue(status),
      after,
      orderBy: orderBy == null ? undefined : toUserOrderField(orderBy),
      direction: direction == null ? undefined : toSortDirection(direction),
    });
    return { ...page, items: page.items.map((user) => toUserView(user)) };
  }

  @Query(() => UserView)
  @Directive('@hasRole(role: ADMIN, orSelf: "id")')
  async user(@Ctx() ctx: RequestContext, @Args(() => IdArgs) { id }: IdArgs): Promise<UserView> {
    return toUserView(await ctx.services.users.get(ctx, id));
  }

  @Mutation(() => UserView)
  @Directive('@hasRole(role: ADMIN)')
  async createUser(@Ctx() ctx: RequestContext, @Arg('input', () => CreateUserInput) input: CreateUserInput): Promise<UserView> {
    return toUserView(await ctx.services.users.create(ctx, input));
  }

  @Mutation(() => UserView)
  @Directive('@hasRole(role: ADMIN)')
  async updateUser(@Ctx() ctx: RequestContext, @Args(() => UpdateUserArgs) { id, input }: UpdateUserArgs): Promise<UserView> {
    return toUserView(await ctx.services.users.update(ctx, id, input));
  }

  @Mutation(() => ID, { description: 'Returns the deleted id.' })
  @Directive('@hasRole(role: ADMIN)')
  async deleteUser(@Ctx() ctx: RequestContext, @Args(() => IdArgs) { id }: IdArgs): Promise<string> {
    return String(await ctx.services.users.remove(ctx, id));
  }

  @Mutation(() => UserView, { description: 'A changed password revokes every token issued before, this one included.' })
  @Directive('@authenticated')
  async updateMe(@Ctx() ctx: RequestContext, @Arg('input', () => UpdateMeInput) input: UpdateMeInput): Promise<UserView> {
    return toUserView(await ctx.services.users.updateMe(ctx, input));
  }

  @Mutation(() => UserView, { description: 'A user with status INVITED, who is emailed a link to choose their password (valid INVITE_TTL, once).' })
  @Directive('@hasRole(role: ADMIN)')
  async inviteUser(@Ctx() ctx: RequestContext, @Arg('input', () => InviteUserInput) input: InviteUserInput): Promise<UserView> {
    return toUserView(await ctx.services.users.invite(ctx, input));
  }

  @Mutation(() => Boolean, { description: 'Emails an INVITED user a new link; older links stop working. CONFLICT for a user who is not INVITED.' })
  @Directive('@hasRole(role: ADMIN)')
  async resendInvitation(@Ctx() ctx: RequestContext, @Args(() => UserIdArgs) { userId }: UserIdArgs): Promise<boolean> {
    return ctx.services.users.resendInvitation(ctx, userId);
  }

  @Mutation(() => UserView, { description: 'Ends every session and API token of the user at once; they keep their data, access list and history. LAST_ADMIN for the last active admin.' })
  @Directive('@hasRole(role: ADMIN)')
  async suspendUser(@Ctx() ctx: RequestContext, @Args(() => IdArgs) { id }: IdArgs): Promise<UserView> {
    return toUserView(await ctx.services.users.suspend(ctx, id));
  }

  @Mutation(() => UserView, { description: 'Lets a SUSPENDED user sign in again (sessions and tokens ended by the suspension stay ended).' })
  @Directive('@hasRole(role: ADMIN)')
  async reactivateUser(@Ctx() ctx: RequestContext, @Args(() => IdArgs) { id }: IdArgs): Promise<UserView> {
    return toUserView(await ctx.services.users.reactivate(ctx, id));
  }

  @Mutation(() => UserView, { description: "Lifts the user's sign-in lockout after too many failed attempts." })
  @Directive('@hasRole(role: ADMIN)')
  async unlockUser(@Ctx() ctx: RequestContext, @Args(() => IdArgs) { id }: IdArgs): Promise<UserView> {
    return toUserView(await ctx.services.users.unlock(ctx, id));
  }

  @FieldResolver(() => Date, { nullable: true, description: 'Until when the user cannot sign in after too many failed attempts (ADMIN, or yourself); null when they can.' })
  async lockedUntil(@Root() user: UserView, @Ctx() ctx: RequestContext): Promise<Date | null> {
    return ctx.services.users.lockedUntil(ctx, { id: Number(user.id), email: user.email });
  }
}
