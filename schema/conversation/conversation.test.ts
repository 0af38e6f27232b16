import { buildMember } from '../../test/factories';
import { countQueries, errorCode, startTestServer, subscribe, type TestServer } from '../../test/server';
import { Role } from '../identity/member.entity';
import { Block } from './block.entity';
import { ConversationParticipant } from './conversation-participant.entity';
import { Conversation } from './conversation.entity';
import { MESSAGE_MAX_LENGTH } from './conversation.inputs';
import { Message } from './message.entity';

const SEND = `mutation($input: SendMessageInput!) { sendMessage(input: $input) { id body conversationId sender { id } } }`;
const CONVERSATIONS = `query($first: Int, $after: String) {
  conversations(first: $first, after: $after) {
    edges { node { id unreadCount otherMember { id } lastMessage { body sender { id } } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const MESSAGES = `query($id: ID!, $last: Int, $before: String, $first: Int, $after: String) {
  conversation(id: $id) {
    messages(last: $last, before: $before, first: $first, after: $after) {
      edges { node { body } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      totalCount
    }
  }
}`;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const as = async (memberId: string) => ({ token: await server.tokenFor(memberId) });
async function send(fromId: string, input: Record<string, unknown>) {
  server.clock.advance({ seconds: 1 });
  return server.gql(SEND, { input }, await as(fromId));
}

describe('direct messages', () => {
  it('opens the conversation on the first message and reuses it for replies', async () => {
    const [ann, bob] = [await buildMember(server.em()), await buildMember(server.em())];
    const first = (await send(ann.id, { recipientId: bob.id, body: ' Hi Bob ' })).data!.sendMessage;
    expect(first).toMatchObject({ body: 'Hi Bob', sender: { id: ann.id } });
    const reply = (await send(bob.id, { conversationId: first.conversationId, body: 'Hi Ann' })).data!.sendMessage;
    const again = (await send(bob.id, { recipientId: ann.id, body: 'Still here' })).data!.sendMessage;
    expect([reply.conversationId, again.conversationId]).toEqual([first.conversationId, first.conversationId]);
  });

  it('ends in one conversation when both members write first at the same moment', async () => {
    const [ann, bob] = [await buildMember(server.em()), await buildMember(server.em())];
    const [a, b] = await Promise.all([
      server.gql(SEND, { input: { recipientId: bob.id, body: 'Hello' } }, await as(ann.id)),
      server.gql(SEND, { input: { recipientId: ann.id, body: 'Hello too' } }, await as(bob.id)),
    ]);
    expect(a.data!.sendMessage.conversationId).toBe(b.data!.sendMessage.conversationId);
  });

  it('lists conversations by newest activity with lastMessage and unreadCount; markConversationRead clears it', async () => {
    const [me, x, y] = [await buildMember(server.em()), await buildMember(server.em()), await buildMember(server.em())];
    await send(x.id, { recipientId: me.id, body: 'from x 1' });
    await send(y.id, { recipientId: me.id, body: 'from y' });
    const fromX = (await send(x.id, { recipientId: me.id, body: 'from x 2' })).data!.sendMessage;
    const list = await server.gql(CONVERSATIONS, {}, await as(me.id));
    expect(list.data!.conversations.edges.map((e: any) => [e.node.otherMember.id, e.node.lastMessage.body, e.node.unreadCount])).toEqual([
      [x.id, 'from x 2', 2],
      [y.id, 'from y', 1],
    ]);
    await server.gql(`mutation($id: ID!) { markConversationRead(id: $id) { id } }`, { id: fromX.conversationId }, await as(me.id));
    const after = await server.gql(CONVERSATIONS, { first: 1 }, await as(me.id));
    expect(after.data!.conversations.edges[0].node.unreadCount).toBe(0);
    const page2 = await server.gql(CONVERSATIONS, { first: 1, after: after.data!.conversations.pageInfo.endCursor }, await as(me.id));
    expect(page2.data!.conversations.edges[0].node.otherMember.id).toBe(y.id);
    // The sender has read their own messages.
    expect((await server.gql(CONVERSATIONS, {}, await as(x.id))).data!.conversations.edges[0].node.unreadCount).toBe(0);
  });

  it('scrolls back with last/before (each page oldest first), catches up with first/after, and counts', async () => {
    const [ann, bob] = [await buildMember(server.em()), await buildMember(server.em())];
    let conversationId = '';
    for (let i = 0; i < 5; i++)
      conversationId = (await send(i % 2 ? bob.id : ann.id, { recipientId: i % 2 ? ann.id : bob.id, body: `m${i}` })).data!.sendMessage
        .conversationId;
    const pages: string[][] = [];
    let before: string | null = null;
    let newest: any = null;
    for (;;) {
      const page: any = await server.gql(MESSAGES, { id: conversationId, last: 2, before }, await as(ann.id));
      const messages = page.data.conversation.messages;
      newest ??= messages;
      pages.push(messages.edges.map((e: any) => e.node.body));
      expect(messages.totalCount).toBe(5);
      expect(messages.pageInfo.hasNextPage).toBe(before !== null);
      if (!messages.pageInfo.hasPreviousPage) break;
      before = messages.pageInfo.startCursor;
    }
    expect(pages).toEqual([['m3', 'm4'], ['m1', 'm2'], ['m0']]);

    await send(bob.id, { conversationId, body: 'm5' });
    const caughtUp: any = await server.gql(MESSAGES, { id: conversationId, first: 10, after: newest.pageInfo.endCursor }, await as(ann.id));
    expect(caughtUp.data.conversation.messages.edges.map((e: any) => e.node.body)).toEqual(['m5']);
    expect(caughtUp.data.conversation.messages.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const mixed = await server.gql(MESSAGES, { id: conversationId, first: 2, before: newest.pageInfo.startCursor }, await as(ann.id));
    expect(mixed.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('answers NOT_FOUND to anyone outside the conversation, for reading and writing', async () => {
    const [ann, bob, eve] = [await buildMember(server.em()), await buildMember(server.em()), await buildMember(server.em())];
    const { conversationId } = (await send(ann.id, { recipientId: bob.id, body: 'private' })).data!.sendMessage;
    const options = await as(eve.id);
    expect(errorCode(await server.gql(MESSAGES, { id: conversationId }, options))).toBe('NOT_FOUND');
    expect(errorCode(await server.gql(SEND, { input: { conversationId, body: 'let me in' } }, options))).toBe('NOT_FOUND');
    expect(
      errorCode(await server.gql(`mutation($id: ID!) { markConversationRead(id: $id) { id } }`, { id: conversationId }, options)),
    ).toBe('NOT_FOUND');
    expect(errorCode(await server.gql(SEND, { input: { recipientId: '00000000-0000-4000-8000-000000000000', body: 'x' } }, options))).toBe(
      'NOT_FOUND',
    );
    expect(await server.em().count(Message, { conversation: conversationId })).toBe(1);
  });

  it('refuses empty, over-long, self-addressed and ambiguous messages with BAD_USER_INPUT', async () => {
    const [ann, bob] = [await buildMember(server.em()), await buildMember(server.em())];
    const options = await as(ann.id);
    const empty = await server.gql(SEND, { input: { recipientId: bob.id, body: ' \n ' } }, options);
    expect(empty.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { body: 'must not be empty' } });
    const long = await server.gql(SEND, { input: { recipientId: bob.id, body: 'x'.repeat(MESSAGE_MAX_LENGTH + 1) } }, options);
    expect(long.errors![0].extensions!.fields.body).toMatch(/at most 5000/);
    expect(errorCode(await server.gql(SEND, { input: { recipientId: ann.id, body: 'me' } }, options))).toBe('BAD_USER_INPUT');
    expect(errorCode(await server.gql(SEND, { input: { body: 'to whom?' } }, options))).toBe('BAD_USER_INPUT');
    expect(await server.em().count(Conversation, { pairKey: { $like: `%${ann.id}%` } })).toBe(0);
  });

  it('stops messages both ways once either member blocks the other', async () => {
    const [ann, bob] = [await buildMember(server.em()), await buildMember(server.em())];
    const { conversationId } = (await send(ann.id, { recipientId: bob.id, body: 'hi' })).data!.sendMessage;
    await server.gql(`mutation($id: ID!) { blockMember(memberId: $id) { id } }`, { id: ann.id }, await as(bob.id));
    expect(errorCode(await send(ann.id, { conversationId, body: 'hello?' }))).toBe('FORBIDDEN');
    expect(errorCode(await send(bob.id, { recipientId: ann.id, body: 'sneaky' }))).toBe('FORBIDDEN');
    await server.gql(`mutation($id: ID!) { unblockMember(memberId: $id) { id } }`, { id: ann.id }, await as(bob.id));
    expect(errorCode(await send(ann.id, { conversationId, body: 'hello again' }))).toBeUndefined();
  });

  it('blocks idempotently, never yourself or an unknown member', async () => {
    const [ann, bob] = [await buildMember(server.em()), await buildMember(server.em())];
    const block = `mutation($id: ID!) { blockMember(memberId: $id) { id blockedByMe } }`;
    const options = await as(ann.id);
    expect((await server.gql(block, { id: bob.id }, options)).data).toEqual({ blockMember: { id: bob.id, blockedByMe: true } });
    expect((await server.gql(block, { id: bob.id }, options)).data).toEqual({ blockMember: { id: bob.id, blockedByMe: true } });
    const unblock = `mutation($id: ID!) { unblockMember(memberId: $id) { id blockedByMe } }`;
    expect((await server.gql(unblock, { id: bob.id }, options)).data).toEqual({ unblockMember: { id: bob.id, blockedByMe: false } });
    expect((await server.gql(block, { id: bob.id }, options)).data).toEqual({ blockMember: { id: bob.id, blockedByMe: true } });
    expect(await server.em().count(Block, { blocker: ann.id })).toBe(1);
    expect(errorCode(await server.gql(block, { id: ann.id }, options))).toBe('BAD_USER_INPUT');
    expect(errorCode(await server.gql(block, { id: '00000000-0000-4000-8000-000000000000' }, options))).toBe('NOT_FOUND');
  });

  it('hides a conversation the viewer left until they write in it again', async () => {
    const [ann, bob] = [await buildMember(server.em()), await buildMember(server.em())];
    const { conversationId } = (await send(ann.id, { recipientId: bob.id, body: 'hi' })).data!.sendMessage;
    const em = server.em();
    await em.nativeUpdate(ConversationParticipant, { conversation: conversationId, member: ann.id }, { leftAt: server.clock.now() });
    expect(errorCode(await server.gql(MESSAGES, { id: conversationId }, await as(ann.id)))).toBe('NOT_FOUND');
    expect((await server.gql(CONVERSATIONS, {}, await as(ann.id))).data!.conversations.edges).toEqual([]);
    expect(errorCode(await send(ann.id, { conversationId, body: 'back' }))).toBeUndefined();
    const list = await server.gql(CONVERSATIONS, {}, await as(ann.id));
    expect(list.data!.conversations.edges.map((e: any) => [e.node.id, e.node.lastMessage.body])).toEqual([[conversationId, 'back']]);
  });

  it('refuses a page size outside 1..100', async () => {
    const member = await buildMember(server.em());
    const result = await server.gql(CONVERSATIONS, { first: 101 }, await as(member.id));
    expect(result.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { first: expect.any(String) } });
  });

  it('costs the same statements for 6 conversations as for 2', async () => {
    const counted = async (partners: number) => {
      const me = await buildMember(server.em());
      for (let i = 0; i < partners; i++) await send((await buildMember(server.em())).id, { recipientId: me.id, body: `hello ${i}` });
      const options = await as(me.id);
      await server.gql(CONVERSATIONS, {}, options);
      let edges = 0;
      const count = await countQueries(
        server,
        async () => (edges = (await server.gql(CONVERSATIONS, {}, options)).data!.conversations.edges.length),
      );
      expect(edges).toBe(partners);
      return count;
    };
    const two = await counted(2);
    expect(two).toBeGreaterThanOrEqual(4);
    expect(await counted(6)).toBe(two);
  });
});

describe('moderation in the conversation list', () => {
  const CONVERSATION = `query($id: ID!) {
    conversation(id: $id) { unreadCount lastMessage { body } messages(last: 10) { totalCount edges { node { body } } } }
  }`;

  /** What `viewer` reads of the conversation, in `conversation(id)` and in `conversations`, which must agree. */
  async function seenBy(viewerId: string, conversationId: string) {
    const options = await as(viewerId);
    const one = await server.gql(CONVERSATION, { id: conversationId }, options);
    expect(one.errors).toBeUndefined();
    const { unreadCount, lastMessage, messages } = one.data!.conversation;
    const listed = (await server.gql(CONVERSATIONS, {}, options)).data!.conversations.edges.find(
      (edge: any) => edge.node.id === conversationId,
    ).node;
    expect({ unreadCount: listed.unreadCount, lastMessage: listed.lastMessage?.body ?? null }).toEqual({
      unreadCount,
      lastMessage: lastMessage?.body ?? null,
    });
    return {
      unreadCount,
      lastMessage: lastMessage?.body ?? null,
      messages: messages.edges.map((edge: any) => edge.node.body),
      totalCount: messages.totalCount,
    };
  }

  it('leaves a hidden message, and a suspended sender’s, out of the other member’s lastMessage and unreadCount, as from messages', async () => {
    const [ann, bob, moderator] = [
      await buildMember(server.em()),
      await buildMember(server.em()),
      await buildMember(server.em(), { role: Role.MODERATOR }),
    ];
    const { conversationId } = (await send(ann.id, { recipientId: bob.id, body: 'Hello Bob' })).data!.sendMessage;
    const rude = (await send(ann.id, { conversationId, body: 'You idiot' })).data!.sendMessage;
    expect(await seenBy(bob.id, conversationId)).toMatchObject({ unreadCount: 2, lastMessage: 'You idiot' });

    const report = { input: { subjectId: rude.id, kind: 'MESSAGE', reason: 'HARASSMENT' } };
    expect(
      (await server.gql(`mutation($input: ReportInput!) { report(input: $input) { id } }`, report, await as(bob.id))).errors,
    ).toBeUndefined();
    const [{ id: caseId }] = await server
      .em()
      .execute<{ id: string }[]>(`select id from moderation_case where subject_id = ? and status = 'OPEN'`, [rude.id]);
    const resolve = `mutation($id: ID!) { resolveReport(caseId: $id, action: HIDE) { id } }`;
    expect((await server.gql(resolve, { id: caseId }, await as(moderator.id))).errors).toBeUndefined();
    expect(await seenBy(bob.id, conversationId)).toEqual({
      unreadCount: 1,
      lastMessage: 'Hello Bob',
      messages: ['Hello Bob'],
      totalCount: 1,
    });
    // Its sender still reads it, as in messages.
    expect(await seenBy(ann.id, conversationId)).toMatchObject({ lastMessage: 'You idiot', messages: ['Hello Bob', 'You idiot'] });

    await send(bob.id, { conversationId, body: 'Who is this?' });
    await send(ann.id, { conversationId, body: 'Sorry' });
    expect(await seenBy(bob.id, conversationId)).toMatchObject({ unreadCount: 1, lastMessage: 'Sorry' });
    const until = new Date(server.clock.now().getTime() + 86_400_000).toISOString();
    const suspend = `mutation($id: ID!, $until: DateTime!) { suspendMember(memberId: $id, until: $until, reason: "Abuse") { id } }`;
    expect((await server.gql(suspend, { id: ann.id, until }, await as(moderator.id))).errors).toBeUndefined();
    expect(await seenBy(bob.id, conversationId)).toEqual({
      unreadCount: 0,
      lastMessage: 'Who is this?',
      messages: ['Who is this?'],
      totalCount: 1,
    });

    const unsuspend = `mutation($id: ID!) { unsuspendMember(memberId: $id) { id } }`;
    expect((await server.gql(unsuspend, { id: ann.id }, await as(moderator.id))).errors).toBeUndefined();
    expect(await seenBy(bob.id, conversationId)).toEqual({
      unreadCount: 1,
      lastMessage: 'Sorry',
      messages: ['Hello Bob', 'Who is this?', 'Sorry'],
      totalCount: 3,
    });
  });
});

describe('messageAdded', () => {
  it('delivers to both participants, filtered by conversation, never to others or after leaving', async () => {
    const [ann, bob, cid, eve] = [
      await buildMember(server.em()),
      await buildMember(server.em()),
      await buildMember(server.em()),
      await buildMember(server.em()),
    ];
    const withAnn = (await send(bob.id, { recipientId: ann.id, body: 'opening' })).data!.sendMessage.conversationId;
    const bobAll = await subscribe(
      server.ws(await server.tokenFor(bob.id)),
      `subscription { messageAdded { body sender { id } conversationId } }`,
    );
    const bobWithAnn = await subscribe(
      server.ws(await server.tokenFor(bob.id)),
      `subscription($c: ID) { messageAdded(conversationId: $c) { body } }`,
      { c: withAnn },
    );
    const eveAll = await subscribe(server.ws(await server.tokenFor(eve.id)), `subscription { messageAdded { body } }`);

    await send(cid.id, { recipientId: bob.id, body: 'from cid' });
    await send(ann.id, { conversationId: withAnn, body: 'from ann' });
    expect((await bobAll.next()).data!.messageAdded).toEqual({
      body: 'from cid',
      sender: { id: cid.id },
      conversationId: expect.any(String),
    });
    expect((await bobAll.next()).data!.messageAdded.body).toBe('from ann');
    expect((await bobWithAnn.next()).data!.messageAdded.body).toBe('from ann');

    // Bob blocks Ann: her earlier-queued or future events are no longer delivered to him.
    await server.gql(`mutation($id: ID!) { blockMember(memberId: $id) { id } }`, { id: ann.id }, await as(bob.id));
    server.hearth.deps.pubSub.publish('MESSAGE_ADDED', bob.id, {
      messageId: (await server.em().findOneOrFail(Message, { body: 'from ann' })).id,
      conversationId: withAnn,
    });
    await send(cid.id, { recipientId: bob.id, body: 'cid again' });
    expect((await bobAll.next()).data!.messageAdded.body).toBe('cid again');
    expect(bobWithAnn.received).toHaveLength(1);
    expect(eveAll.received).toEqual([]);
  });
});

describe('sendMessage rate limit', () => {
  it('refuses the message past the limit with RATE_LIMITED and writes nothing', async () => {
    const limited = await startTestServer({ rateLimits: { messagesPerMember: { points: 3, durationSeconds: 60 } } });
    try {
      const [ann, bob] = [await buildMember(limited.em()), await buildMember(limited.em())];
      const options = { token: await limited.tokenFor(ann.id) };
      const sendOne = (body: string) => limited.gql(SEND, { input: { recipientId: bob.id, body } }, options);
      for (const body of ['one', 'two', 'three']) expect(errorCode(await sendOne(body))).toBeUndefined();
      const fourth = await sendOne('four');
      expect(errorCode(fourth)).toBe('RATE_LIMITED');
      expect(fourth.errors![0].extensions!.retryAfterSeconds).toBeGreaterThan(0);
      expect(await limited.em().count(Message, { sender: ann.id })).toBe(3);
    } finally {
      await limited.stop();
    }
  });
});
