import { Args, Ctx, Directive, Mutation, Resolver } from 'type-graphql';
import type { RequestContext } from '../context.js';
import { LoginArgs } from '../types/args.js';
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

  @Mutation(() => Boolean, {
    description: "Ends the caller's session, if there is one (its token stops working at once, Bearer or cookie), and clears the session cookie.",
  })
  @Directive('@public')
  async logout(@Ctx() ctx: RequestContext): Promise<boolean> {
    await ctx.services.auth.logout(ctx);
    ctx.session.end();
    return true;
  }
}
