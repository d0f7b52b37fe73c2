import { ArgsType, Field, ID, Int } from 'type-graphql';
import { PAGE_LIMIT_DEFAULT } from '../../domain/page.js';
import { ClientInput } from './client.type.js';
import { UpdateUserInput } from './user.inputs.js';
import { SortDirectionValue, UserOrderByValue } from './user-order.type.js';
import { UserStatusValue } from './user-status.type.js';

// Argument lists as classes keep the documented argument order in the schema (schema.graphql).

@ArgsType()
export class IdArgs {
  @Field(() => ID)
  id!: string;
}

@ArgsType()
export class LoginArgs {
  @Field(() => String)
  email!: string;

  @Field(() => String)
  password!: string;
}

@ArgsType()
export class UsersArgs {
  @Field(() => Int, { nullable: true, defaultValue: 0 })
  skip!: number;

  @Field(() => Int, { nullable: true, defaultValue: PAGE_LIMIT_DEFAULT })
  limit!: number;

  @Field(() => String, { nullable: true })
  search?: string | null;

  @Field(() => UserOrderByValue, { nullable: true, defaultValue: UserOrderByValue.ID })
  orderBy!: UserOrderByValue;

  @Field(() => SortDirectionValue, { nullable: true, defaultValue: SortDirectionValue.ASC })
  direction!: SortDirectionValue;

  @Field(() => ID, { nullable: true, description: 'Only the users with this client on their access list.' })
  clientId?: string | null;

  @Field(() => UserStatusValue, { nullable: true, description: 'Only the users with this status.' })
  status?: UserStatusValue | null;

  @Field(() => ID, {
    nullable: true,
    description: 'Keyset paging: only users with an id greater than this one, ordered by id. Walk every user by passing the last id of each page; a page deep in the list costs what the first one does.',
  })
  after?: string | null;
}

@ArgsType()
export class UserIdArgs {
  @Field(() => ID)
  userId!: string;
}

@ArgsType()
export class TokenPasswordArgs {
  @Field(() => String)
  token!: string;

  @Field(() => String)
  password!: string;
}

@ArgsType()
export class EmailArgs {
  @Field(() => String)
  email!: string;
}

@ArgsType()
export class UpdateUserArgs {
  @Field(() => ID)
  id!: string;

  @Field(() => UpdateUserInput)
  input!: UpdateUserInput;
}

@ArgsType()
export class UpdateClientArgs {
  @Field(() => ID)
  id!: string;

  @Field(() => ClientInput)
  input!: ClientInput;
}
