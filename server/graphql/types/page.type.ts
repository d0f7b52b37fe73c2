import { Field, Int, ObjectType, type ClassType } from 'type-graphql';

/**
 * The shape every paged answer shares (UserPage, TicketPage, NotificationPage, AuditEventPage):
 * the items, how many match over all pages, and the skip and limit that were applied.
 */
export function PageOf<T extends object>(item: ClassType<T>, totalDescription?: string) {
  // Never in the schema by itself: only the named subclasses are reachable from a resolver.
  @ObjectType({ simpleResolvers: true })
  abstract class Page {
    @Field(() => [item])
    items!: T[];

    @Field(() => Int, { description: totalDescription })
    total!: number;

    @Field(() => Int)
    skip!: number;

    @Field(() => Int)
    limit!: number;
  }
  return Page;
}
