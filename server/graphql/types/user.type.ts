import { Field, ID, ObjectType } from 'type-graphql';
import type { ClientScope } from '../../domain/access.js';
import type { UserSummary } from '../../services/user-read-model.js';
import { ClientView, toClientView } from './client.type.js';
import { NotificationPreferencesView } from './notification-preferences.type.js';
import { RoleValue, toRoleValue } from './role.type.js';
import { PageOf } from './page.type.js';
import { UserStatusValue, toUserStatusValue } from './user-status.type.js';

@ObjectType('User', { simpleResolvers: true })
export class UserView {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  email!: string;

  @Field(() => [RoleValue])
  roles!: RoleValue[];

  @Field(() => [ClientView], { description: 'The client access list.' })
  clients!: ClientView[];

  @Field(() => NotificationPreferencesView)
  notificationPreferences!: NotificationPreferencesView;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;

  @Field(() => Date, { nullable: true })
  lastLoginAt!: Date | null;

  @Field(() => UserStatusValue)
  status!: UserStatusValue;

  @Field(() => Boolean, { description: 'Is two-factor authentication on?' })
  twoFactorEnabled!: boolean;
}

@ObjectType('UserPage', { simpleResolvers: true })
export class UserPageView extends PageOf(UserView, 'How many users match, over all pages.') {}

@ObjectType('AuthPayload', { simpleResolvers: true })
export class AuthPayloadView {
  @Field(() => String, { description: 'Send as "Authorization: Bearer <token>".' })
  token!: string;

  @Field(() => Date)
  expiresAt!: Date;

  @Field(() => UserView)
  user!: UserView;
}

/**
 * The API's view of a user as every read returns them (user-read-model.ts): never the hash or the
 * token version. The access list is ordered by id.
 * With a viewer's scope, clients outside it are left out: a client the viewer may not access is
 * never named to them, not even on a colleague's list (a ticket's createdBy).
 */
export function toUserView(user: UserSummary, viewerScope: ClientScope = { all: true }): UserView {
  return {
    id: String(user.id),
    name: user.name,
    email: user.email,
    roles: user.roles.map(toRoleValue),
    clients: user.clients.filter((client) => viewerScope.all || viewerScope.clientIds.includes(client.id)).map(toClientView),
    notificationPreferences: { email: user.notifyByEmail, ui: user.notifyInUi },
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
    lastLoginAt: user.lastLoginAt,
    status: toUserStatusValue(user.status),
    twoFactorEnabled: user.twoFactorEnabled,
  };
}
