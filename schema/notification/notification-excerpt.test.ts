import { buildContent, buildMember } from '../../test/factories';
import { startTestServer, type TestServer } from '../../test/server';
import { Role } from '../identity/member.entity';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const as = async (memberId: string) => ({ token: await server.tokenFor(memberId) });
const NOTIFIED = `{ notifications { edges { node { kind subjectTitle } } } unreadNotificationCount }`;

/** 71 emoji: 142 UTF-16 units, so a 140-unit excerpt would end in the middle of one. */
const EMOJI = '😀'.repeat(71);

describe('notification excerpts of text in emoji', () => {
  it('a message of 71 emoji notifies its recipient, the excerpt cut between two emoji', async () => {
    const [sender, recipient] = [await buildMember(server.em()), await buildMember(server.em())];
    const sent = await server.gql(
      `mutation($input: SendMessageInput!) { sendMessage(input: $input) { id } }`,
      { input: { recipientId: recipient.id, body: EMOJI } },
      await as(sender.id),
    );
    expect(sent.errors).toBeUndefined();
    await server.hearth.deps.events.idle();

    const { data } = await server.gql(NOTIFIED, {}, await as(recipient.id));
    expect(data!.unreadNotificationCount).toBe(1);
    expect(data!.notifications.edges[0].node).toEqual({ kind: 'MESSAGE_RECEIVED', subjectTitle: `${'😀'.repeat(69)}…` });
  });

  it('a comment of 71 emoji notifies the item’s author', async () => {
    const author = await buildMember(server.em(), { role: Role.SPEAKER });
    const item = await buildContent(server.em(), { author });
    const commenter = await buildMember(server.em());
    const added = await server.gql(
      `mutation($input: AddCommentInput!) { addComment(input: $input) { id } }`,
      { input: { contentId: item.id, body: EMOJI } },
      await as(commenter.id),
    );
    expect(added.errors).toBeUndefined();
    await server.hearth.deps.events.idle();

    const { data } = await server.gql(NOTIFIED, {}, await as(author.id));
    expect(data!.notifications.edges.map((edge: { node: { kind: string } }) => edge.node.kind)).toContain('COMMENT_ON_MY_CONTENT');
  });
});
