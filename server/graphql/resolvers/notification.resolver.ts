import { Args, ArgsType, Ctx, Directive, Field, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../context.js';
import { PAGE_LIMIT_DEFAULT } from '../../domain/page.js';
import { NotificationPageView, NotificationView, toNotificationView } from '../types/notification.type.js';

@ArgsType()
class NotificationsArgs {
  @Field(() => Boolean, { nullable: true, defaultValue: false })
  unreadOnly!: boolean;

  @Field(() => Int, { nullable: true, defaultValue: 0 })
  skip!: number;

  @Field(() => Int, { nullable: true, defaultValue: PAGE_LIMIT_DEFAULT })
  limit!: number;
}

@ArgsType()
class MarkReadArgs {
  @Field(() => [ID])
  ids!: string[];
}

@Resolver(() => NotificationView)
export class NotificationResolver {
  @Query(() => NotificationPageView, { description: 'Your own in-app notifications, newest first.' })
  @Directive('@authenticated')
  async notifications(@Ctx() ctx: RequestContext, @Args(() => NotificationsArgs) args: NotificationsArgs): Promise<NotificationPageView> {
    const page = await ctx.services.notifications.list(ctx, args);
    return { ...page, items: page.items.map((n) => toNotificationView(n, ctx.actor)) };
  }

  @Mutation(() => Int, { description: 'Marks your own notifications read; returns how many changed.' })
  @Directive('@authenticated')
  async markNotificationsRead(@Ctx() ctx: RequestContext, @Args(() => MarkReadArgs) { ids }: MarkReadArgs): Promise<number> {
    return ctx.services.notifications.markRead(ctx, ids);
  }
}
