import { ArgsType, Field, ID } from 'type-graphql';
import { ChronologicalPageArgs } from '../../../server/pagination';
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
export class SessionChatMessagesArgs extends ChronologicalPageArgs {
  @Field(() => ID)
  sessionId!: string;
}
