import { Field, ID, InputType } from 'type-graphql';
import { NotificationPreferencesInput } from './notification-preferences.type.js';
import { RoleValue } from './role.type.js';

@InputType('CreateUserInput')
export class CreateUserInput {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  email!: string;

  @Field(() => String)
  password!: string;

  @Field(() => [RoleValue], { nullable: true, description: 'Default [USER].' })
  roles?: RoleValue[] | null;

  @Field(() => [ID], { nullable: true, description: 'The client access list. Default [].' })
  clientIds?: string[] | null;

  @Field(() => NotificationPreferencesInput, { nullable: true, description: 'Default {email: true, ui: true}.' })
  notificationPreferences?: NotificationPreferencesInput | null;
}

@InputType('InviteUserInput', { description: 'A user who chooses their own password through the emailed invitation.' })
export class InviteUserInput {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  email!: string;

  @Field(() => [RoleValue], { nullable: true, description: 'Default [USER].' })
  roles?: RoleValue[] | null;

  @Field(() => [ID], { nullable: true, description: 'The client access list. Default [].' })
  clientIds?: string[] | null;

  @Field(() => NotificationPreferencesInput, { nullable: true, description: 'Default {email: true, ui: true}.' })
  notificationPreferences?: NotificationPreferencesInput | null;
}

@InputType('UpdateUserInput', { description: 'Every field optional; an omitted field is unchanged.' })
export class UpdateUserInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  email?: string | null;

  @Field(() => String, { nullable: true, description: 'Revokes every token issued to the user before.' })
  password?: string | null;

  @Field(() => [RoleValue], { nullable: true })
  roles?: RoleValue[] | null;

  @Field(() => [ID], { nullable: true, description: 'Replaces the whole list; [] clears it.' })
  clientIds?: string[] | null;

  @Field(() => NotificationPreferencesInput, { nullable: true, description: 'Merged into the stored preferences.' })
  notificationPreferences?: NotificationPreferencesInput | null;
}

@InputType('UpdateMeInput', { description: 'Self-service, for any signed-in user.' })
export class UpdateMeInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => NotificationPreferencesInput, { nullable: true })
  notificationPreferences?: NotificationPreferencesInput | null;

  @Field(() => String, { nullable: true, description: 'Requires currentPassword.' })
  password?: string | null;

  @Field(() => String, { nullable: true })
  currentPassword?: string | null;
}
