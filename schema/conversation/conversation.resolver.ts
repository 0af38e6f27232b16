import { Resolver } from 'type-graphql';
import { Conversation } from './conversation.entity';

@Resolver(() => Conversation)
export class ConversationResolver {}
