import type { HearthModule } from '../../server/module';
import { Block } from './block.entity';
import { BlockResolver } from './block.resolver';
import { ConversationParticipant } from './conversation-participant.entity';
import { Conversation } from './conversation.entity';
import { registerConversationHandlers } from './conversation.handlers';
import { createConversationViewerLoaders } from './conversation.loaders';
import { ConversationResolver } from './conversation.resolver';
import { Message } from './message.entity';
import { MessageResolver } from './message.resolver';

declare module '../../server/pubsub' {
  interface Topics {
    /** Routed by member id: published once per participant of the conversation. */
    MESSAGE_ADDED: [string, { messageId: string; conversationId: string }];
  }
}

declare module '../../server/events' {
  interface DomainEvents {
    MESSAGE_SENT: { messageId: string; conversationId: string; senderId: string; recipientId: string };
  }
}

/** One-to-one conversations, messages and blocks. */
export const conversationModule: HearthModule = {
  name: 'conversation',
  entities: [Conversation, ConversationParticipant, Message, Block],
  resolvers: [ConversationResolver, MessageResolver, BlockResolver],
  viewerLoaders: createConversationViewerLoaders,
  handlers: registerConversationHandlers,
};
