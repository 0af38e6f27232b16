import type { HearthModule } from '../../server/module';
import { Comment } from './comment.entity';
import { CommentResolver } from './comment.resolver';
import { Content } from './content.entity';
import { registerContentHandlers } from './content.handlers';
import { createContentLoaders, createContentViewerLoaders } from './content.loaders';
import { ContentResolver } from './content.resolver';
import { MemberInterest } from './member-interest.entity';
import { Theme } from './theme.entity';
import { MemberInterestsResolver, ThemeResolver } from './theme.resolver';

declare module '../../server/pubsub' {
  interface Topics {
    /** Routed by content id. */
    COMMENT_ADDED: [string, { commentId: string }];
    /** Every published item; subscribers filter by theme. */
    CONTENT_PUBLISHED: [{ contentId: string }];
  }
}

declare module '../../server/events' {
  interface DomainEvents {
    CONTENT_PUBLISHED: { contentId: string; actorId: string };
    COMMENT_ADDED: { commentId: string; contentId: string; parentId: string | null; authorId: string };
  }
}

/** Themes, interests, the content workflow, the feed and comments. */
export const contentModule: HearthModule = {
  name: 'content',
  entities: [Theme, MemberInterest, Content, Comment],
  resolvers: [ThemeResolver, MemberInterestsResolver, ContentResolver, CommentResolver],
  loaders: createContentLoaders,
  viewerLoaders: createContentViewerLoaders,
  handlers: registerContentHandlers,
};
