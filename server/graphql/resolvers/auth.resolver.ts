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
    description: "Ends the browser's session: clears the session cookie that login set. A Bearer token stays valid until it expires.",
  })
  @Directive('@public')
  logout(@Ctx() ctx: RequestContext): boolean {
    ctx.session.end();
    return true;
  }
}
