import { Args, Ctx, Directive, Mutation, Resolver } from 'type-graphql';
import type { RequestContext } from '../context.js';
import { UserIdArgs } from '../types/args.js';
import { ChallengeCodeArgs, CodeArgs, PasswordArgs, TotpEnrollmentView } from '../types/two-factor.type.js';
import { AuthPayloadView, UserView, toUserView } from '../types/user.type.js';

@Resolver()
export class TwoFactorResolver {
  @Mutation(() => TotpEnrollmentView, { description: 'A new secret for your authenticator app; it takes effect once confirmTotpEnrollment confirms a code. Replaces one not yet confirmed.' })
  @Directive('@authenticated')
  @Directive('@beforeTwoFactor')
  async startTotpEnrollment(@Ctx() ctx: RequestContext): Promise<TotpEnrollmentView> {
    return ctx.services.twoFactor.startEnrollment(ctx);
  }

  @Mutation(() => [String], { description: 'A current code of the secret being enrolled turns two-factor on; returns 10 single-use recovery codes, shown this once.' })
  @Directive('@authenticated')
  @Directive('@beforeTwoFactor')
  async confirmTotpEnrollment(@Ctx() ctx: RequestContext, @Args(() => CodeArgs) { code }: CodeArgs): Promise<string[]> {
    return ctx.services.twoFactor.confirmEnrollment(ctx, code);
  }

  @Mutation(() => Boolean, { description: 'Turns your own two-factor off, with your password.' })
  @Directive('@authenticated')
  async disableTwoFactor(@Ctx() ctx: RequestContext, @Args(() => PasswordArgs) { password }: PasswordArgs): Promise<boolean> {
    return ctx.services.twoFactor.disable(ctx, password);
  }

  @Mutation(() => UserView, { description: "Turns a user's two-factor off (they lost their device)." })
  @Directive('@hasRole(role: ADMIN)')
  async resetTwoFactor(@Ctx() ctx: RequestContext, @Args(() => UserIdArgs) { userId }: UserIdArgs): Promise<UserView> {
    return toUserView(await ctx.services.twoFactor.reset(ctx, userId));
  }

  @Mutation(() => AuthPayloadView, { description: "A sign-in's second step: login's challenge and a current code (or a recovery code)." })
  @Directive('@public')
  async verifyTwoFactor(@Ctx() ctx: RequestContext, @Args(() => ChallengeCodeArgs) { challenge, code }: ChallengeCodeArgs): Promise<AuthPayloadView> {
    const result = await ctx.services.twoFactor.verify(ctx, challenge, code);
    ctx.session.begin(result.token, result.expiresAt);
    return { token: result.token, expiresAt: result.expiresAt, user: toUserView(result.user) };
  }
}
