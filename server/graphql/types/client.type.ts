import { Field, ID, InputType, ObjectType } from 'type-graphql';
import type { Client } from '../../entities/client.entity.js';

@ObjectType('Client', { description: 'A customer account: the data of the tracker belongs to clients.' })
export class ClientView {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;
}

@InputType('ClientInput')
export class ClientInput {
  @Field(() => String, { description: 'Trimmed, 1 to 200 characters, unique whatever its case.' })
  name!: string;
}

export function toClientView(client: Client): ClientView {
  return { id: String(client.id), name: client.name, createdAt: client.createdAt, updatedAt: client.updatedAt };
}
