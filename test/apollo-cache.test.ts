import { ApolloClient, gql, HttpLink, InMemoryCache } from '@apollo/client';
import {
  BlockMemberDocument,
  FeedDocument,
  LiveSessionDocument,
  MarkNotificationsReadDocument,
  NotificationsDocument,
  RecordContentViewDocument,
  RecordContentViewsDocument,
  RegisterForSessionDocument,
  UnblockMemberDocument,
} from '../client/index.ts';
import { buildAdmin, buildContent, buildMember } from './factories';
import { buildSession } from './live';
import { startTestServer, type TestServer } from './server';

/**
 * What a React (or any) app built on Apollo Client 4 sees: its normalized cache, fed by queries,
 * must be right after each mutation from the mutation's own answer, without a refetch. Every read
 * below is `cache-only`: it would throw if the cache lacked a field.
 */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

async function appFor(memberId: string) {
  const token = await server.tokenFor(memberId);
  let requests = 0;
  const counting: typeof fetch = (input, init) => {
    requests++;
    return fetch(input, init);
  };
  const client = new ApolloClient({
    link: new HttpLink({ uri: server.hearth.url, fetch: counting, headers: { authorization: `Bearer ${token}` } }),
    cache: new InMemoryCache(),
  });
  return { client, requests: () => requests };
}

const MEMBER_CARD = gql`
  query MemberCard($id: ID!) {
    member(id: $id) {
      id
      displayName
      blockedByMe
    }
  }
`;

describe('Apollo Client 4 InMemoryCache after each mutation', () => {
  it('recordContentView(s): the cached item is seen, with its new view count', async () => {
    const member = await buildMember(server.em());
    const [first, second] = [await buildContent(server.em()), await buildContent(server.em())];
    const { client, requests } = await appFor(member.id);
    await client.query({ query: FeedDocument, variables: { first: 50 } });
    const cached = () => client.readQuery({ query: FeedDocument, variables: { first: 50 } })!.feed.edges.map((edge) => edge.node);
    const item = (id: string) => cached().find((node) => node.id === id)!;
    expect(item(first.id)).toMatchObject({ seenByMe: false, viewCount: 0 });

    await client.mutate({ mutation: RecordContentViewDocument, variables: { input: { contentId: first.id, seconds: 0 } } });
    expect(item(first.id)).toMatchObject({ seenByMe: true, viewCount: 1 });
    await client.mutate({ mutation: RecordContentViewsDocument, variables: { input: { views: [{ contentId: second.id, seconds: 5 }] } } });
    expect(item(second.id)).toMatchObject({ seenByMe: true, viewCount: 1 });
    expect(requests()).toBe(3);
  });

  it('markNotificationsRead: the cached notifications are read; the answer carries the new unread count', async () => {
    const member = await buildMember(server.em());
    for (let i = 0; i < 3; i++) {
      await server.em().execute(
        `insert into notification (id, recipient_id, kind, subject_type, subject_id, subject_title, created_at)
         values (gen_random_uuid(), ?, 'MESSAGE_RECEIVED', 'MESSAGE', gen_random_uuid(), ?, ?)`,
        [member.id, `#${i}`, new Date(Date.UTC(2026, 0, 1, i))],
      );
    }
    const { client } = await appFor(member.id);
    await client.query({ query: NotificationsDocument, variables: { first: 10 } });
    const cached = () => client.readQuery({ query: NotificationsDocument, variables: { first: 10 } })!;
    const [newest, ...older] = cached().notifications.edges.map((edge) => edge.node);
    expect(cached().unreadNotificationCount).toBe(3);

    const one = await client.mutate({ mutation: MarkNotificationsReadDocument, variables: { ids: [newest.id] } });
    expect(one.data!.markNotificationsRead.unreadCount).toBe(2);
    expect(cached().notifications.edges.map((edge) => edge.node.readAt !== null)).toEqual([true, false, false]);

    // The count is a root field: the app writes the count the mutation answered (no refetch either).
    const all = await client.mutate({
      mutation: MarkNotificationsReadDocument,
      variables: { all: true },
      update: (cache, { data }) => cache.modify({ fields: { unreadNotificationCount: () => data!.markNotificationsRead.unreadCount } }),
    });
    expect(all.data!.markNotificationsRead.notifications.map((n) => n.id)).toEqual(older.map((n) => n.id));
    expect(cached().notifications.edges.every((edge) => edge.node.readAt !== null)).toBe(true);
    expect(cached().unreadNotificationCount).toBe(0);
  });

  it('blockMember / unblockMember: the cached member says whether the viewer blocks them', async () => {
    const [viewer, other] = [await buildMember(server.em()), await buildMember(server.em())];
    const { client, requests } = await appFor(viewer.id);
    await client.query({ query: MEMBER_CARD, variables: { id: other.id } });
    const cached = () =>
      client.readQuery<{ member: { blockedByMe: boolean } }>({ query: MEMBER_CARD, variables: { id: other.id } })!.member.blockedByMe;
    expect(cached()).toBe(false);
    await client.mutate({ mutation: BlockMemberDocument, variables: { memberId: other.id } });
    expect(cached()).toBe(true);
    await client.mutate({ mutation: UnblockMemberDocument, variables: { memberId: other.id } });
    expect(cached()).toBe(false);
    expect(requests()).toBe(3);
  });

  it('registerForSession: the cached session has the registration and one more registrant', async () => {
    const [admin, member] = [await buildAdmin(server.em()), await buildMember(server.em())];
    const session = await buildSession(server.em(), admin.id);
    const { client, requests } = await appFor(member.id);
    await client.query({ query: LiveSessionDocument, variables: { id: session.id } });
    const cached = () => client.readQuery({ query: LiveSessionDocument, variables: { id: session.id } })!.liveSession!;
    expect(cached()).toMatchObject({ registrantCount: 0, viewerRegistration: null });
    const registered = await client.mutate({
      mutation: RegisterForSessionDocument,
      variables: { sessionId: session.id, shareContactWithPartner: true },
    });
    expect(cached()).toMatchObject({
      registrantCount: 1,
      viewerRegistration: { id: registered.data!.registerForSession.id, shareContactWithPartner: true },
    });
    expect(requests()).toBe(2);
  });
});
