import { Field, ID, InputType, ObjectType } from 'type-graphql';
import type { ClientSummary } from '../../services/user-read-model.js';

@ObjectType('Client', { simpleResolvers: true, description: 'A customer account: the data of the tracker belongs to clients.' })
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

/** A client entity or a client of a user's access list: the same four fields. */
export function toClientView(client: ClientSummary): ClientView {
  return { id: String(client.id), name: client.name, createdAt: client.createdAt, updatedAt: client.updatedAt };
}
