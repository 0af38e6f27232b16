import { IsOptional } from 'class-validator';
import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { ChronologicalPageArgs, PageArgs } from '../../server/pagination';

export const MESSAGE_MAX_LENGTH = 5000;

/**
 * The body is checked by the service after trimming (a decorator would count the surrounding
 * whitespace), so its rules live in one place: ConversationService.
 */
@InputType({ description: 'Give recipientId for a first message, or conversationId to reply.' })
export class SendMessageInput {
  @Field(() => ID, { nullable: true })
  @IsOptional()
  recipientId?: string | null;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  conversationId?: string | null;

  @Field({ description: `1 to ${MESSAGE_MAX_LENGTH} characters after trimming.` })
  body!: string;
}

@ArgsType()
export class ConversationsArgs extends PageArgs {}

@ArgsType()
export class MessagesArgs extends ChronologicalPageArgs {}
