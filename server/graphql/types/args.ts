import { ArgsType, Field, ID, Int } from 'type-graphql';
import { ClientInput } from './client.type.js';
import { UpdateUserInput } from './user.inputs.js';

// Argument lists as classes keep the contract's argument order in the schema.

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

  @Field(() => Int, { nullable: true, defaultValue: 100 })
  limit!: number;

  @Field(() => String, { nullable: true })
  search?: string | null;
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
