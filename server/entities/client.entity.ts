import { EntitySchema } from '@mikro-orm/core';

export class Client {
  id!: number;
  name!: string;
  createdAt: Date = new Date();
  updatedAt: Date = new Date();
}

export const ClientSchema = new EntitySchema<Client>({
  class: Client,
  tableName: 'clients',
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    name: { type: 'string', length: 200 },
    createdAt: { type: 'Date', columnType: 'timestamptz', onCreate: () => new Date() },
    updatedAt: { type: 'Date', columnType: 'timestamptz', onCreate: () => new Date(), onUpdate: () => new Date() },
  },
  // Names are unique whatever their case; the database enforces it, not only a look-up.
  uniques: [{ name: 'clients_name_lower_unique', expression: 'create unique index "clients_name_lower_unique" on "clients" (lower("name"))' }],
});
