import { Arg, Args, Ctx, Directive, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../context.js';
import { IdArgs, UpdateClientArgs } from '../types/args.js';
import { ClientInput, ClientView, toClientView } from '../types/client.type.js';

@Resolver(() => ClientView)
export class ClientResolver {
  @Query(() => [ClientView], { description: 'ADMIN: every client; USER: the clients on their access list.' })
  @Directive('@clientScope')
  async clients(@Ctx() ctx: RequestContext): Promise<ClientView[]> {
    return (await ctx.services.clients.list(ctx)).map(toClientView);
  }

  @Query(() => ClientView)
  @Directive('@clientScope(arg: "id")')
  async client(@Ctx() ctx: RequestContext, @Args(() => IdArgs) { id }: IdArgs): Promise<ClientView> {
    return toClientView(await ctx.services.clients.get(ctx, id));
  }

  @Mutation(() => ClientView)
  @Directive('@hasRole(role: ADMIN)')
  async createClient(@Ctx() ctx: RequestContext, @Arg('input', () => ClientInput) input: ClientInput): Promise<ClientView> {
    return toClientView(await ctx.services.clients.create(ctx, input));
  }

  @Mutation(() => ClientView)
  @Directive('@hasRole(role: ADMIN)')
  async updateClient(@Ctx() ctx: RequestContext, @Args(() => UpdateClientArgs) { id, input }: UpdateClientArgs): Promise<ClientView> {
    return toClientView(await ctx.services.clients.update(ctx, id, input));
  }

  @Mutation(() => ID, { description: 'Returns the deleted id. The client leaves every access list.' })
  @Directive('@hasRole(role: ADMIN)')
  async deleteClient(@Ctx() ctx: RequestContext, @Args(() => IdArgs) { id }: IdArgs): Promise<string> {
    return String(await ctx.services.clients.remove(ctx, id));
  }
}
