import 'reflect-metadata';
import { DateTimeResolver } from 'graphql-scalars';
import { isObjectType, lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema, getMetadataStorage, type NonEmptyArray } from 'type-graphql';
import { AuthResolver } from '../schema/identity/auth.resolver';
import { MemberResolver } from '../schema/identity/member.resolver';
import { VisitResolver } from '../schema/tracking/visit.resolver';
import { ContentViewResolver } from '../schema/tracking/content-view.resolver';
import { CommentResolver } from '../schema/content/comment.resolver';
import { ContentResolver } from '../schema/content/content.resolver';
import { MemberInterestsResolver, ThemeResolver } from '../schema/content/theme.resolver';
import { AnalyticsResolver, ContentReachRowResolver } from '../schema/analytics/analytics.resolver';
import { NotificationResolver } from '../schema/notification/notification.resolver';
import { ConversationResolver } from '../schema/conversation/conversation.resolver';
import { BlockResolver } from '../schema/conversation/block.resolver';
import { MessageResolver } from '../schema/conversation/message.resolver';
import { EmailPreferencesResolver, EngagementRuleResolver } from '../schema/engagement/engagement.resolver';
import { LiveSessionResolver } from '../schema/live/sessions/live-session.resolver';
import { RegistrationResolver } from '../schema/live/sessions/registration.resolver';
import { MeetingResolver } from '../schema/live/networking/meeting.resolver';
import { NetworkingResolver } from '../schema/live/networking/networking.resolver';
import { LeadResolver } from '../schema/live/leads/lead.resolver';
import { LiveStatsResolver } from '../schema/live/sessions/live-stats.resolver';
import { SessionChatResolver } from '../schema/live/chat/session-chat.resolver';
import { SearchResolver } from '../schema/search/search.resolver';
import { ModerationCaseResolver, ModerationLogEntryResolver, ModerationResolver, ReportResolver } from '../schema/moderation/moderation.resolver';
import { authChecker } from './auth';
import type { HearthPubSub } from './pubsub';

/** Every resolver class, by domain. A domain adds its resolvers here. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const resolvers: NonEmptyArray<Function> = [
  AuthResolver, MemberResolver, VisitResolver, ContentViewResolver,
  ThemeResolver, MemberInterestsResolver, ContentResolver, CommentResolver,
  ConversationResolver, MessageResolver, BlockResolver, NotificationResolver,
  AnalyticsResolver, ContentReachRowResolver,
  EngagementRuleResolver, EmailPreferencesResolver,
  LiveSessionResolver, RegistrationResolver,
  MeetingResolver, NetworkingResolver,
  LeadResolver, LiveStatsResolver,
  SessionChatResolver,
  SearchResolver,
  ModerationResolver, ModerationCaseResolver, ReportResolver, ModerationLogEntryResolver,
];

/** A resolver class as type-graphql takes it. */
export type ResolverClass = (typeof resolvers)[number];

/**
 * A field that is a plain property (no @FieldResolver, no @Authorized, no middleware) resolves as
 * graphql-js' default does. type-graphql would otherwise wrap every such field in a resolver that
 * allocates a closure and an object per value, and makes graphql-jit build a resolve info for each
 * call: a third of what a feed page allocates. (It would also run global middlewares on them: the
 * schema has none; give a field `simple: false` if one ever must.)
 */
function plainFieldsResolveDirectly(): void {
  for (const field of getMetadataStorage().fields as { simple?: boolean; roles?: unknown[]; middlewares?: unknown[] }[]) {
    if (field.simple === undefined && field.roles === undefined && !field.middlewares?.length) field.simple = true;
  }
}

type ParamKind = 'root' | 'context' | 'info';
type Method = (...args: unknown[]) => unknown;

/**
 * A @FieldResolver taking only @Root (already an instance of its type), @Ctx and @Info, with no
 * roles and no middleware, is called directly. type-graphql's wrapper sorts the parameter
 * metadata, maps it to a new array and builds a resolver-data object on every call: on a 20-item
 * feed page (60 such calls) that was a sixth of what the page allocates. Any other field resolver,
 * and any root that is not an instance yet, goes through type-graphql as before.
 */
function callPlainFieldResolversDirectly(schema: GraphQLSchema): void {
  const storage = getMetadataStorage();
  const instances = new Map<object, Record<string, Method>>();
  for (const meta of storage.fieldResolvers) {
    if (meta.kind !== 'external' || meta.roles !== undefined || meta.middlewares?.length || !meta.getObjectType) continue;
    const params = [...(meta.params ?? [])].sort((a, b) => a.index - b.index);
    if (!params.every((p) => p.kind === 'info' || ((p.kind === 'root' || p.kind === 'context') && !p.propertyName))) continue;
    const objectClass = meta.getObjectType();
    const type = schema.getType(storage.objectTypes.find((it) => it.target === objectClass)?.name ?? '');
    const field = isObjectType(type) ? type.getFields()[meta.schemaName] : undefined;
    const Target = meta.target as new () => Record<string, Method>;
    if (!field?.resolve || Target.length > 0) continue;
    const instance = instances.get(Target) ?? new Target();
    instances.set(Target, instance);
    const method = instance[meta.methodName];
    const fallback = field.resolve;
    const rootParam = params.find((p) => p.kind === 'root');
    const rootType: unknown = rootParam && 'getType' in rootParam ? rootParam.getType?.() : undefined;
    if (rootType !== undefined && typeof rootType !== 'function') continue; // a scalar root: type-graphql converts it
    const kinds = params.map((p) => p.kind as ParamKind);
    const pick = (kind: ParamKind, root: unknown, context: unknown, info: unknown) => (kind === 'root' ? root : kind === 'context' ? context : info);
    field.resolve = (root, args, context, info) => {
      if (rootType && !(root instanceof (rootType as abstract new () => unknown))) return fallback(root, args, context, info);
      switch (kinds.length) {
        case 0:
          return method.call(instance);
        case 1:
          return method.call(instance, pick(kinds[0], root, context, info));
        case 2:
          return method.call(instance, pick(kinds[0], root, context, info), pick(kinds[1], root, context, info));
        default:
          return method.apply(instance, kinds.map((kind) => pick(kind, root, context, info)));
      }
    };
  }
}

/** `extraResolvers`: for benchmarks that compare a field against a baseline served by the same stack. */
export async function buildHearthSchema(pubSub: HearthPubSub, extraResolvers: ResolverClass[] = []): Promise<GraphQLSchema> {
  plainFieldsResolveDirectly();
  const schema = await buildSchema({
    resolvers: [...resolvers, ...extraResolvers] as typeof resolvers,
    authChecker,
    pubSub,
    validate: { forbidUnknownValues: false },
    scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
    emitSchemaFile: false,
  });
  callPlainFieldResolversDirectly(schema);
  return schema;
}

/** The SDL committed as schema.graphql: sorted, so diffs show real changes only. */
export function printHearthSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
