import { EntitySchema } from '@mikro-orm/core';
import { Client } from './client.entity.js';
import { User } from './user.entity.js';

/** One entry of a user's client access list (the pivot of User.clients). */
export class UserClient {
  user!: User;
  client!: Client;
}

export const UserClientSchema = new EntitySchema<UserClient>({
  class: UserClient,
  tableName: 'user_clients',
  properties: {
    user: { kind: 'm:1', entity: () => User, primary: true, deleteRule: 'cascade', updateRule: 'cascade' },
    // Deleting a client removes it from every access list.
    client: { kind: 'm:1', entity: () => Client, primary: true, deleteRule: 'cascade', updateRule: 'cascade' },
  },
  // Who can access a client: the reverse look-up.
  indexes: [{ name: 'user_clients_client_id_index', properties: ['client'] }],
});
