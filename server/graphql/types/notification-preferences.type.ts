import { Field, InputType, ObjectType } from 'type-graphql';

@ObjectType('NotificationPreferences', { simpleResolvers: true, description: 'How a user wants to hear about changes to the data of their clients.' })
export class NotificationPreferencesView {
  @Field(() => Boolean, { description: 'By email.' })
  email!: boolean;

  @Field(() => Boolean, { description: 'In the console (in-app notifications).' })
  ui!: boolean;
}

@InputType('NotificationPreferencesInput', { description: 'An omitted key is left as it is.' })
export class NotificationPreferencesInput {
  @Field(() => Boolean, { nullable: true })
  email?: boolean;

  @Field(() => Boolean, { nullable: true })
  ui?: boolean;
}
