import { IsOptional, Max, Min } from 'class-validator';
import { ArgsType, Field, ID, Int } from 'type-graphql';
import { CHAT_BODY_MAX_LENGTH } from './session-chat.errors';

/**
 * `sendSessionChatMessage(sessionId, body)` takes plain arguments, as the issue names it. The body
 * is checked by the service after trimming (a decorator would count the surrounding whitespace).
 */
@ArgsType()
export class SendSessionChatMessageArgs {
  @Field(() => ID)
  sessionId!: string;

  @Field({ description: `1 to ${CHAT_BODY_MAX_LENGTH} characters after trimming.` })
  body!: string;
}

@ArgsType()
export class SessionChatMessagesArgs {
  @Field(() => ID)
  sessionId!: string;

  @Field(() => Int, { defaultValue: 50 })
  @Min(1)
  @Max(100)
  first!: number;

  @Field(() => String, { nullable: true, description: 'The endCursor of the previous page, to scroll back.' })
  @IsOptional()
  before?: string | null;
}
