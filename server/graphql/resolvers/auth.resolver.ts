import { Args, Ctx, Directive, Mutation, Resolver } from 'type-graphql';
import type { RequestContext } from '../context.js';
import { LoginArgs } from '../types/args.js';
import { AuthPayloadView, toUserView } from '../types/user.type.js';

@Resolver()
export class AuthResolver {
  @Mutation(() => AuthPayloadView, { description: 'Email and password for a token. Sets lastLoginAt.' })
  @Directive('@public')
  async login(@Args(() => LoginArgs) { email, password }: LoginArgs, @Ctx() ctx: RequestContext): Promise<AuthPayloadView> {
    const result = await ctx.services.auth.login(ctx.em, { email, password, source: ctx.source });
    return { token: result.token, expiresAt: result.expiresAt, user: toUserView(result.user) };
  }
}
