import { Args, Ctx, Directive, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../context.js';
import { IdArgs, UserIdArgs } from '../types/args.js';
import { ApiTokenView, CreateApiTokenArgs, NewApiTokenView, toApiTokenView } from '../types/api-token.type.js';

@Resolver(() => ApiTokenView)
export class ApiTokenResolver {
  @Query(() => [ApiTokenView], { description: 'Your API tokens that are not revoked (expired ones too), newest first.' })
  @Directive('@authenticated')
  async myApiTokens(@Ctx() ctx: RequestContext): Promise<ApiTokenView[]> {
    return (await ctx.services.apiTokens.listMine(ctx)).map(toApiTokenView);
  }

  @Query(() => [ApiTokenView], { description: "A user's API tokens that are not revoked, newest first." })
  @Directive('@hasRole(role: ADMIN)')
  async apiTokens(@Ctx() ctx: RequestContext, @Args(() => UserIdArgs) { userId }: UserIdArgs): Promise<ApiTokenView[]> {
    return (await ctx.services.apiTokens.listOf(ctx, userId)).map(toApiTokenView);
  }

  @Mutation(() => NewApiTokenView, { description: 'A new API token for yourself; needs a session signed in with a password (not an API token). Its token is shown this once.' })
  @Directive('@authenticated')
  async createApiToken(@Ctx() ctx: RequestContext, @Args(() => CreateApiTokenArgs) { input }: CreateApiTokenArgs): Promise<NewApiTokenView> {
    const created = await ctx.services.apiTokens.create(ctx, input);
    return { token: created.token, apiToken: toApiTokenView(created.apiToken) };
  }

  @Mutation(() => Boolean, { description: "Revokes one of your own API tokens (an ADMIN: anyone's). It stops working at once, on every instance." })
  @Directive('@authenticated')
  async revokeApiToken(@Ctx() ctx: RequestContext, @Args(() => IdArgs) { id }: IdArgs): Promise<boolean> {
    return ctx.services.apiTokens.revoke(ctx, id);
  }
}
