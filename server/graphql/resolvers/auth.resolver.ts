import { Args, Ctx, Directive, Mutation, Resolver } from 'type-graphql';
import type { RequestContext } from '../context.js';
import { EmailArgs, LoginArgs, TokenPasswordArgs } from '../types/args.js';
import { AuthPayloadView, toUserView } from '../types/user.type.js';

@Resolver()
export class AuthResolver {
  @Mutation(() => AuthPayloadView, {
    description: 'Email and password for a token. Sets lastLoginAt. In a browser, also sets an httpOnly session cookie that stands in for the Bearer header.',
  })
  @Directive('@public')
  async login(@Args(() => LoginArgs) { email, password }: LoginArgs, @Ctx() ctx: RequestContext): Promise<AuthPayloadView> {
    const result = await ctx.services.auth.login(ctx, { email, password });
    ctx.session.begin(result.token, result.expiresAt);
    return { token: result.token, expiresAt: result.expiresAt, user: toUserView(result.user) };
  }

  @Mutation(() => AuthPayloadView, { description: 'The invitation link followed: choose a password, become ACTIVE, and be signed in.' })
  @Directive('@public')
  async acceptInvitation(@Args(() => TokenPasswordArgs) { token, password }: TokenPasswordArgs, @Ctx() ctx: RequestContext): Promise<AuthPayloadView> {
    const result = await ctx.services.auth.acceptInvitation(ctx, token, password);
    ctx.session.begin(result.token, result.expiresAt);
    return { token: result.token, expiresAt: result.expiresAt, user: toUserView(result.user) };
  }

  @Mutation(() => Boolean, { description: 'Always true, whether or not the email belongs to anyone; an ACTIVE user is emailed a reset link (valid RESET_TTL, once; at most 3 an hour).' })
  @Directive('@public')
  requestPasswordReset(@Args(() => EmailArgs) { email }: EmailArgs, @Ctx() ctx: RequestContext): boolean {
    return ctx.services.auth.requestPasswordReset(ctx, email);
  }

  @Mutation(() => Boolean, { description: 'The reset link followed: a new password, and every session of the user ended.' })
  @Directive('@public')
  async resetPassword(@Args(() => TokenPasswordArgs) { token, password }: TokenPasswordArgs, @Ctx() ctx: RequestContext): Promise<boolean> {
    return ctx.services.auth.resetPassword(ctx, token, password);
  }

  @Mutation(() => Boolean, {
    description: "Ends the caller's session, if there is one (its token stops working at once, Bearer or cookie), and clears the session cookie.",
  })
  @Directive('@public')
  @Directive('@beforeTwoFactor')
  async logout(@Ctx() ctx: RequestContext): Promise<boolean> {
    await ctx.services.auth.logout(ctx);
    ctx.session.end();
    return true;
  }
}
