import { Args, ArgsType, Ctx, Directive, Field, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { clientScope } from '../../domain/access.js';
import { PAGE_LIMIT_DEFAULT } from '../../domain/page.js';
import type { RequestContext } from '../context.js';
import { IdArgs } from '../types/args.js';
import { CreateTicketInput, TicketPageView, TicketStatusValue, TicketView, UpdateTicketInput, toTicketView } from '../types/ticket.type.js';
import { UserView, toUserView } from '../types/user.type.js';

@ArgsType()
class TicketsArgs {
  @Field(() => ID, { nullable: true })
  clientId?: string | null;

  @Field(() => TicketStatusValue, { nullable: true })
  status?: TicketStatusValue | null;

  @Field(() => Int, { nullable: true, defaultValue: 0 })
  skip!: number;

  @Field(() => Int, { nullable: true, defaultValue: PAGE_LIMIT_DEFAULT })
  limit!: number;
}

@ArgsType()
class CreateTicketArgs {
  @Field(() => CreateTicketInput)
  input!: CreateTicketInput;
}

@ArgsType()
class UpdateTicketArgs {
  @Field(() => ID)
  id!: string;

  @Field(() => UpdateTicketInput)
  input!: UpdateTicketInput;
}

@Resolver(() => TicketView)
export class TicketResolver {
  @Query(() => TicketPageView, { description: 'Tickets of the clients you may see (ADMIN: all), newest first.' })
  @Directive('@clientScope(arg: "clientId")')
  async tickets(@Ctx() ctx: RequestContext, @Args(() => TicketsArgs) args: TicketsArgs): Promise<TicketPageView> {
    const page = await ctx.services.tickets.list(ctx, args);
    return { ...page, items: page.items.map((t) => toTicketView(t)) };
  }

  @Query(() => TicketView)
  @Directive('@clientScope')
  async ticket(@Ctx() ctx: RequestContext, @Args(() => IdArgs) { id }: IdArgs): Promise<TicketView> {
    return toTicketView(await ctx.services.tickets.get(ctx, id));
  }

  @Mutation(() => TicketView, { description: 'Needs access to clientId. Notifies the users of the client.' })
  @Directive('@clientScope(arg: "input.clientId")')
  async createTicket(@Ctx() ctx: RequestContext, @Args(() => CreateTicketArgs) { input }: CreateTicketArgs): Promise<TicketView> {
    return toTicketView(await ctx.services.tickets.create(ctx, input));
  }

  @Mutation(() => TicketView)
  @Directive('@clientScope')
  async updateTicket(@Ctx() ctx: RequestContext, @Args(() => UpdateTicketArgs) { id, input }: UpdateTicketArgs): Promise<TicketView> {
    return toTicketView(await ctx.services.tickets.update(ctx, id, input));
  }

  @Mutation(() => ID, { description: 'Returns the deleted id.' })
  @Directive('@clientScope')
  async deleteTicket(@Ctx() ctx: RequestContext, @Args(() => IdArgs) { id }: IdArgs): Promise<string> {
    return String(await ctx.services.tickets.remove(ctx, id));
  }

  @FieldResolver(() => UserView, { nullable: true })
  async createdBy(@Root() ticket: TicketView, @Ctx() ctx: RequestContext): Promise<UserView | null> {
    const creator = await ctx.services.tickets.creatorOf(ctx, ticket.createdById);
    // Their client list only within the viewer's scope.
    return creator && toUserView(creator, clientScope(ctx.actor));
  }
}
