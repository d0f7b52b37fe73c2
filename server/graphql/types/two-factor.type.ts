import { ArgsType, Field, ObjectType } from 'type-graphql';

@ObjectType('TotpEnrollment', { simpleResolvers: true, description: 'A secret to add to an authenticator app: scan otpauthUrl as a QR code, or type the secret.' })
export class TotpEnrollmentView {
  @Field(() => String, { description: 'Base32, no padding.' })
  secret!: string;

  @Field(() => String)
  otpauthUrl!: string;
}

@ArgsType()
export class CodeArgs {
  @Field(() => String)
  code!: string;
}

@ArgsType()
export class PasswordArgs {
  @Field(() => String)
  password!: string;
}

@ArgsType()
export class ChallengeCodeArgs {
  @Field(() => String, { description: 'The challenge login answered with (extensions.challenge).' })
  challenge!: string;

  @Field(() => String, { description: 'A current code of the authenticator app, or an unused recovery code.' })
  code!: string;
}
