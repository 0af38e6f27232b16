import 'reflect-metadata';
import { DateTimeResolver } from 'graphql-scalars';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema, type NonEmptyArray } from 'type-graphql';
import { AuthResolver } from '../schema/identity/auth.resolver';
import { MemberResolver } from '../schema/identity/member.resolver';
import { VisitResolver } from '../schema/tracking/visit.resolver';
import { ContentViewResolver } from '../schema/tracking/content-view.resolver';
import { CommentResolver } from '../schema/content/comment.resolver';
import { ContentResolver } from '../schema/content/content.resolver';
import { MemberInterestsResolver, ThemeResolver } from '../schema/content/theme.resolver';
import { AnalyticsResolver } from '../schema/analytics/analytics.resolver';
import { NotificationResolver } from '../schema/notification/notification.resolver';
import { ConversationResolver } from '../schema/conversation/conversation.resolver';
import { MessageResolver } from '../schema/conversation/message.resolver';
import { EmailPreferencesResolver, EngagementRuleResolver } from '../schema/engagement/engagement.resolver';
import { LiveSessionResolver } from '../schema/live/live-session.resolver';
import { MeetingResolver } from '../schema/live/meeting.resolver';
import { NetworkingResolver } from '../schema/live/networking.resolver';
import { LeadResolver } from '../schema/live/lead.resolver';
import { LiveStatsResolver } from '../schema/live/live-stats.resolver';
import { SessionChatResolver } from '../schema/live/session-chat.resolver';
import { authChecker } from './auth';
import type { HearthPubSub } from './pubsub';

/** Every resolver class, by domain. A domain adds its resolvers here. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const resolvers: NonEmptyArray<Function> = [
  AuthResolver, MemberResolver, VisitResolver, ContentViewResolver,
  ThemeResolver, MemberInterestsResolver, ContentResolver, CommentResolver,
  ConversationResolver, MessageResolver, NotificationResolver,
  AnalyticsResolver,
  EngagementRuleResolver, EmailPreferencesResolver,
  LiveSessionResolver,
  MeetingResolver, NetworkingResolver,
  LeadResolver, LiveStatsResolver,
  SessionChatResolver,
];

/** A resolver class as type-graphql takes it. */
export type ResolverClass = (typeof resolvers)[number];

/** `extraResolvers`: for benchmarks that compare a field against a baseline served by the same stack. */
export async function buildHearthSchema(pubSub: HearthPubSub, extraResolvers: ResolverClass[] = []): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [...resolvers, ...extraResolvers] as typeof resolvers,
    authChecker,
    pubSub,
    validate: { forbidUnknownValues: false },
    scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
    emitSchemaFile: false,
  });
}

/** The SDL committed as schema.graphql: sorted, so diffs show real changes only. */
export function printHearthSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
