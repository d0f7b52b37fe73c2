import { ArgsType, Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import type { ApiTokenSummary } from '../../services/api-token.service.js';

@ObjectType('ApiToken', { simpleResolvers: true, description: "A script's credential: acts as its user, with the user's current roles and client list. Its secret is shown once, when it is made." })
export class ApiTokenView {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true, description: 'Null: it never expires.' })
  expiresAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'Updated at most once a minute; null: never used.' })
  lastUsedAt!: Date | null;
}

@ObjectType('NewApiToken', { simpleResolvers: true })
export class NewApiTokenView {
  @Field(() => String, { description: 'Starts with "trk_". Shown this once: the server keeps only a hash of it.' })
  token!: string;

  @Field(() => ApiTokenView)
  apiToken!: ApiTokenView;
}

@InputType('CreateApiTokenInput')
export class CreateApiTokenInput {
  @Field(() => String, { description: 'What the token is for; the rules of user names.' })
  name!: string;

  @Field(() => Int, { nullable: true, description: '1 to 3650. Left out: the token never expires.' })
  expiresInDays?: number | null;
}

@ArgsType()
export class CreateApiTokenArgs {
  @Field(() => CreateApiTokenInput)
  input!: CreateApiTokenInput;
}

export function toApiTokenView(token: ApiTokenSummary): ApiTokenView {
  return { id: String(token.id), name: token.name, createdAt: token.createdAt, expiresAt: token.expiresAt, lastUsedAt: token.lastUsedAt };
}
