import { randomUUID } from 'node:crypto';
import {
  execute,
  getNamedType,
  isAbstractType,
  isNonNullType,
  isObjectType,
  parse,
  print,
  type DocumentNode,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { buildAdmin, buildContent, buildMember, buildTheme } from './factories';
import { buildSession } from './live';
import { errorCode, startTestServer, subscribe, type LiveSubscription, type TestServer } from './server';
import { Role } from '../schema/identity/member.entity';
import { Comment } from '../schema/content/comment.entity';
import { Content } from '../schema/content/content.entity';
import { Message } from '../schema/conversation/message.entity';
import { LiveSession } from '../schema/live/sessions/live-session.entity';
import { SessionChatMessage } from '../schema/live/chat/session-chat-message.entity';
import { Notification } from '../schema/notification/notification.entity';
import { buildSharedContext } from '../server/context';
import { buildHearthSchema } from '../server/schema';
import { fieldSharing, perViewerPart } from '../server/viewer-dependence';
import { ContentPublishedDocument } from '../client/generated/graphql';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const PREFERENCES = `subscription($t: String) { contentPublished(themeSlug: $t) { id author { id emailPreferences { digests } } } }`;
const ANY = `subscription($t: String) { contentPublished(themeSlug: $t) { id } }`;

async function as(member: { id: string }, query: string, themeSlug: string): Promise<LiveSubscription<Record<string, any>>> {
  return subscribe(server.ws(await server.tokenFor(member.id)), query, { t: themeSlug });
}

/** Publishes an item by an admin author who opted out of digests, on `theme`. */
async function publishByAdmin(theme: { id: string; slug: string }) {
  const author = await buildAdmin(server.em(), { digestEmails: false });
  const item = await buildContent(server.em(), { author, themes: [theme as never] });
  server.hearth.deps.pubSub.publish('CONTENT_PUBLISHED', { contentId: item.id });
  return { author, item };
}

describe('a subscription result shared between subscribers', () => {
  it.each([
    ['the admin subscribes first', 'admin-first'],
    ['the member subscribes first', 'member-first'],
  ])('never shows a member what only an admin may read (%s)', async (_label, order) => {
    const theme = await buildTheme(server.em());
    const admin = await buildAdmin(server.em());
    const member = await buildMember(server.em());
    const subscribeAdmin = async () => [await as(admin, ANY, theme.slug), await as(admin, PREFERENCES, theme.slug)];
    const subscribeMember = () => as(member, PREFERENCES, theme.slug);
    let adminAny: LiveSubscription<Record<string, any>>,
      adminPreferences: LiveSubscription<Record<string, any>>,
      memberPreferences: LiveSubscription<Record<string, any>>;
    if (order === 'admin-first') {
      [adminAny, adminPreferences] = await subscribeAdmin();
      memberPreferences = await subscribeMember();
    } else {
      memberPreferences = await subscribeMember();
      [adminAny, adminPreferences] = await subscribeAdmin();
    }
    const { author, item } = await publishByAdmin(theme);

    const seenByMember = await memberPreferences.next();
    expect(errorCode(seenByMember)).toBe('FORBIDDEN');
    expect(JSON.stringify(seenByMember.data ?? null)).not.toContain('digests');
    expect((await adminPreferences.next()).data!.contentPublished).toEqual({
      id: item.id,
      author: { id: author.id, emailPreferences: { digests: false } },
    });
    expect((await adminAny.next()).data!.contentPublished).toEqual({ id: item.id });
    for (const live of [adminAny, adminPreferences, memberPreferences]) live.dispose();
  });

  it('gives the member alone the same FORBIDDEN', async () => {
    const theme = await buildTheme(server.em());
    const alone = await as(await buildMember(server.em(), { role: Role.MEMBER }), PREFERENCES, theme.slug);
    await publishByAdmin(theme);
    expect(errorCode(await alone.next())).toBe('FORBIDDEN');
    alone.dispose();
  });
});

describe('the classification of every field a subscription can reach', () => {
  let schema: GraphQLSchema;
  beforeAll(async () => {
    schema = await buildHearthSchema();
  });

  /** Every object type reachable from the subscription root fields' results, through any field. */
  function reachableTypes(): GraphQLObjectType[] {
    const seen = new Map<string, GraphQLObjectType>();
    const visitType = (type: GraphQLNamedType) => {
      const named = isAbstractType(type) ? schema.getPossibleTypes(type) : [type];
      for (const objectType of named) {
        if (!isObjectType(objectType) || seen.has(objectType.name)) continue;
        seen.set(objectType.name, objectType);
        for (const field of Object.values(objectType.getFields())) visitType(getNamedType(field.type));
      }
    };
    for (const field of Object.values(schema.getSubscriptionType()!.getFields())) visitType(getNamedType(field.type));
    return [...seen.values()];
  }

  it('exists for every field of every reachable type and agrees with its resolver', () => {
    const sharing = fieldSharing(schema);
    const subscriptionFields = Object.keys(schema.getSubscriptionType()!.getFields()).map((name) => `Subscription.${name}`);
    const fields = [
      ...subscriptionFields,
      ...reachableTypes().flatMap((type) => Object.keys(type.getFields()).map((name) => `${type.name}.${name}`)),
    ];
    expect(fields.length).toBeGreaterThan(50);
    const problems = fields.flatMap((field) => {
      const classified = sharing.get(field);
      if (!classified) return [`${field}: no classification`];
      if (classified.kind === 'perViewer' && classified.because === 'unknown') return [`${field}: not traced to a resolver`];
      return classified.problem ? [`${field}: ${classified.problem}`] : [];
    });
    expect(problems).toEqual([]);
  });

  it('keeps what only some viewers may read per viewer', () => {
    const sharing = fieldSharing(schema);
    const perViewer = [...sharing]
      .filter(
        ([field, how]) =>
          how.kind === 'perViewer' &&
          /^(Member|Content|LiveSession|Comment|Message|Notification|SessionChatMessage|Theme|EmailPreferences|SessionRegistration)\./.test(
            field,
          ),
      )
      .map(([field]) => field);
    expect(perViewer.sort()).toEqual(
      [
        'Comment.moderationNotice',
        'Comment.replies',
        'Content.moderationNotice',
        'Content.seenByMe',
        'LiveSession.viewerRegistration',
        'Message.moderationNotice',
        'Member.blockedByMe',
        'Member.email',
        'Member.emailPreferences',
        'Member.interests',
        'Member.lastVisitAt',
        'Member.locale',
        'Member.renewalDate',
        'Member.suspendedUntil',
        'Member.suspensionReason',
        'Member.timeZone',
        'Notification.subject',
        // In the viewer's language.
        'Notification.text',
        'SessionRegistration.session',
      ].sort(),
    );
  });

  it('leaves out of an operation’s per-viewer part only fields every viewer gets alike, keeping what leads to the others', () => {
    const part = (query: string | DocumentNode, name?: string) => {
      const document = typeof query === 'string' ? parse(query) : query;
      const found = perViewerPart(schema, document, name, `${print(document)}|${name ?? ''}|test`);
      return found && print(found).replace(/\s+/g, ' ');
    };
    // The shipped client's: ContentCard's seenByMe alone, through its fragment.
    expect(part(ContentPublishedDocument, 'ContentPublished')).toBe(
      'subscription ContentPublished($themeSlug: String) { contentPublished(themeSlug: $themeSlug) { ...ContentCard } } ' +
        'fragment ContentCard on Content { seenByMe }',
    );
    // Aliases, arguments, directives and inline fragments stay as they were; the shared fields beside them go.
    expect(
      part(`subscription($t: String, $s: Boolean!) { c: contentPublished(themeSlug: $t) {
        __typename id title mine: seenByMe @include(if: $s) author { id displayName email blockedByMe } themes { slug }
        ... on Content { moderationNotice viewCount } } }`),
    ).toBe(
      'subscription ($t: String, $s: Boolean!) { c: contentPublished(themeSlug: $t) { mine: seenByMe @include(if: $s) ' +
        'author { email blockedByMe } ... on Content { moderationNotice } } }',
    );
    // A per-viewer field keeps all it selects: which object it answers is the viewer's.
    expect(
      part(`subscription($id: ID!) { liveSessionUpdated(sessionId: $id) { id title viewerRegistration { id session { id title } } } }`),
    ).toBe('subscription ($id: ID!) { liveSessionUpdated(sessionId: $id) { viewerRegistration { id session { id title } } } }');
    // Nothing to leave out: the whole operation is its part (executed per subscriber).
    expect(part(`subscription { contentPublished { seenByMe } }`)).toBeNull();
    expect(part(`subscription { contentPublished { id } }`)).toBeNull();
  });

  /** A selection of every shared field of `type`, nested `depth` levels (each type once per path). */
  function sharedSelection(type: GraphQLObjectType, depth: number, path: string[] = []): string {
    const sharing = fieldSharing(schema);
    const parts = Object.values(type.getFields()).flatMap((field) => {
      if (
        sharing.get(`${type.name}.${field.name}`)?.kind !== 'shared' ||
        field.args.some((arg) => isNonNullType(arg.type) && arg.defaultValue === undefined)
      )
        return [];
      const named = getNamedType(field.type);
      if (!isObjectType(named)) return [field.name];
      if (depth === 0 || path.includes(named.name)) return [];
      const inner = sharedSelection(named, depth - 1, [...path, type.name]);
      return inner ? [`${field.name} { ${inner} }`] : [];
    });
    return parts.join(' ');
  }

  it('answers every shared field of every subscription in an execution with no viewer, and refuses the viewer to it', async () => {
    const { deps } = server.hearth;
    const theme = await buildTheme(server.em());
    const [admin, speaker, partner, reader] = [
      await buildAdmin(server.em()),
      await buildMember(server.em(), { role: Role.SPEAKER }),
      await buildMember(server.em(), { role: Role.PARTNER }),
      await buildMember(server.em()),
    ];
    const content = await buildContent(server.em(), { author: speaker, themes: [theme] });
    const token = await server.tokenFor(reader.id);
    const added = await server.gql(
      `mutation($input: AddCommentInput!) { addComment(input: $input) { id } }`,
      { input: { contentId: content.id, body: 'first' } },
      { token },
    );
    await server.gql(
      `mutation($input: AddCommentInput!) { addComment(input: $input) { id } }`,
      { input: { contentId: content.id, body: 'reply', parentId: added.data!.addComment.id } },
      { token },
    );
    const sent = await server.gql(
      `mutation($input: SendMessageInput!) { sendMessage(input: $input) { id } }`,
      { input: { recipientId: admin.id, body: 'hello' } },
      { token },
    );
    await deps.events.idle();
    const session = await buildSession(server.em(), admin.id, {
      speakerIds: [speaker.id],
      themeIds: [theme.id],
      partnerId: partner.id,
      replayId: content.id,
    });
    const chat = server.em().create(SessionChatMessage, { sessionId: session.id, authorId: speaker.id, body: 'welcome' });
    await server.em().persist(chat).flush();
    const em = server.em();
    const roots: Record<string, unknown> = {
      contentPublished: await em.findOneOrFail(Content, content.id),
      commentAdded: await em.findOneOrFail(Comment, added.data!.addComment.id),
      liveSessionUpdated: await em.findOneOrFail(LiveSession, session.id),
      messageAdded: await em.findOneOrFail(Message, sent.data!.sendMessage.id),
      notificationAdded: await em.findOneOrFail(Notification, { recipient: admin.id }),
      sessionChatMessageAdded: await em.findOneOrFail(SessionChatMessage, chat.id),
      unreadNotificationCountChanged: { count: 1 },
    };
    for (const field of Object.values(schema.getSubscriptionType()!.getFields())) {
      expect(roots).toHaveProperty(field.name);
      const named = getNamedType(field.type);
      const selection = isObjectType(named) ? `{ ${sharedSelection(named, 3)} }` : '';
      const args = field.args.length
        ? `(${field.args.map((arg) => `${arg.name}: ${arg.type.toString().startsWith('ID') ? `"${randomUUID()}"` : 'null'}`).join(', ')})`
        : '';
      const document = parse(`subscription { ${field.name}${args} ${selection} }`);
      const result = await execute({ schema, document, rootValue: roots[field.name], contextValue: buildSharedContext(deps) });
      expect({ field: field.name, errors: result.errors?.map((error) => `${error.path?.join('.')}: ${error.message}`) }).toEqual({
        field: field.name,
        errors: undefined,
      });
      expect(result.data![field.name]).toBeTruthy();
    }
    // What reads the viewer fails in a shared execution rather than answer for someone.
    const leak = await execute({
      schema,
      document: parse(`subscription { contentPublished { id seenByMe author { email emailPreferences { digests } } } }`),
      rootValue: roots.contentPublished,
      contextValue: buildSharedContext(deps),
    });
    expect(leak.errors?.map((error) => error.originalError?.name ?? error.message)).toEqual(
      expect.arrayContaining(['ViewerInSharedExecutionError']),
    );
    expect(JSON.stringify(leak.data)).not.toMatch(/digests|@/);
  });
});
