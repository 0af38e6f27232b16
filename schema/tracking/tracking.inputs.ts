import { ArgsType, Field, ID } from 'type-graphql';

@ArgsType()
export class MemberVisitsArgs {
  @Field(() => ID)
  memberId!: string;

  @Field()
  from!: Date;

  @Field()
  to!: Date;
}
