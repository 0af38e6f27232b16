import { ContentStatus } from '../content/content.entity';
import { Content } from '../content/content.entity';
import { buildAdmin, buildContent, buildMember } from '../../test/factories';
import { describeWithRedis, errorCode, startTestServer, startTwoInstances, stopServers, until, type TestServer } from '../../test/server';
import { buildContext } from '../../server/context';
import { ContentView, ViewSource } from './content-view.entity';
import { ContentViewService } from './content-view.service';
import { print } from 'graphql';
import { RecordContentViewDocument, RecordContentViewsDocument } from '../../client/generated/graphql';
import { captureQueries } from '../../test/server';
import { Role } from '../identity/member.entity';

const RECORD = `mutation($input: RecordContentViewInput!) { recordContentView(input: $input) { contentId totalSeconds firstSeenAt newView } }`;

const RECORD_MANY = `mutation($input: RecordContentViewsInput!) { recordContentViews(input: $input) { contentId totalSeconds newView } }`;

const RECORD_READING = `mutation($id: ID!) { recordContentView(input: { contentId: $id, seconds: 0 }) { content { title body author { id } } } }`;
const REPORT = `mutation($id: ID!) { report(input: { subjectId: $id, kind: CONTENT, reason: SPAM }) { id } }`;
const SUSPEND = `mutation($id: ID!, $until: DateTime!) { suspendMember(memberId: $id, until: $until, reason: "Spam") { id } }`;
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

async function record(memberId: string, contentId: string, seconds: number, source = 'FEED') {
  const result = await server.gql(RECORD, { input: { contentId, seconds, source } }, { token: await server.tokenFor(memberId) });
  return result;
}

describe('recordContentView', () => {
  it('extends one view within a visit, capping each heartbeat at the real time elapsed', async () => {
    const member = await buildMember(server.em());
    const content = await buildContent(server.em());
    server.clock.set('2026-04-01T10:00:00Z');
    const open = await record(member.id, content.id, 0);
    expect(open.data!.recordContentView).toMatchObject({ totalSeconds: 0, newView: true, firstSeenAt: '2026-04-01T10:00:00.000Z' });
    server.clock.advance({ seconds: 30 });
    expect((await record(member.id, content.id, 30)).data!.recordContentView).toMatchObject({ totalSeconds: 30, newView: false });
    // Claims 10 hours one minute later: credited one minute.
    server.clock.advance({ minutes: 1 });
    expect((await record(member.id, content.id, 3600)).data!.recordContentView.totalSeconds).toBe(90);

    const views = await server.em().find(ContentView, { member: member.id, content: content.id });
    expect(views).toHaveLength(1);
    expect(views[0]).toMatchObject({ seconds: 90, source: 'FEED' });
    expect((await server.em().findOneOrFail(Content, content.id)).viewCount).toBe(1);
  });

  it('starts a new view in a new visit (30 minutes without activity) and counts it', async () => {
    const member = await buildMember(server.em());
    const content = await buildContent(server.em());
    server.clock.set('2026-04-02T10:00:00Z');
    await record(member.id, content.id, 5);
    server.clock.advance({ minutes: 30 });
    const again = await record(member.id, content.id, 5, 'EMAIL');
    expect(again.data!.recordContentView).toMatchObject({ newView: true, totalSeconds: 5 });
    const views = await server.em().find(ContentView, { member: member.id, content: content.id }, { orderBy: { firstSeenAt: 'asc' } });
    expect(views.map((v) => v.source)).toEqual(['FEED', 'EMAIL']);
    expect(views.every((v) => v.visitId !== null)).toBe(true);
    expect((await server.em().findOneOrFail(Content, content.id)).viewCount).toBe(2);
  });

  it('caps the first call of a view at 60 seconds', async () => {
    const member = await buildMember(server.em());
    const content = await buildContent(server.em());
    expect((await record(member.id, content.id, 3000)).data!.recordContentView.totalSeconds).toBe(60);
  });

  it('keeps one view when heartbeats arrive concurrently', async () => {
    const member = await buildMember(server.em());
    const content = await buildContent(server.em());
    server.clock.set('2026-04-03T10:00:00Z');
    // Straight to the service, each call with its own context, so the statements really overlap.
    const calls = Array.from({ length: 20 }, async () => {
      const ctx = await buildContext(server.hearth.deps, { authorization: `Bearer ${await server.tokenFor(member.id)}`, ip: '127.0.0.1' });
      return new ContentViewService(ctx).record(member, { contentId: content.id, seconds: 1, source: ViewSource.FEED });
    });
    const results = await Promise.all(calls);
    expect(results.filter((r) => r.newView)).toHaveLength(1);
    expect(await server.em().count(ContentView, { member: member.id, content: content.id })).toBe(1);
  });

  // The shipped client's operations ask for the item's seenByMe and viewCount after each view: the
  // writer's statement hands the item back as it left it, so answering them costs nothing more.
  it('answers the shipped client’s seenByMe and viewCount as of the commit, without another statement', async () => {
    const [reader, other] = [await buildMember(server.em()), await buildMember(server.em())];
    const [item, second] = [await buildContent(server.em()), await buildContent(server.em())];
    server.clock.set('2026-04-04T10:00:00Z');
    const options = { token: await server.tokenFor(reader.id) };
    await record(other.id, item.id, 0);
    // The visit opened and the items known to accept views: what is left is the call itself.
    await server.gql('{ me { id } }', {}, options);
    await record(reader.id, second.id, 0);
    let answer: any;
    const statements = await captureQueries(server, async () => {
      answer = await server.gql(print(RecordContentViewDocument), { input: { contentId: item.id, seconds: 0, source: 'FEED' } }, options);
    });
    expect(answer.data.recordContentView).toMatchObject({ newView: true, content: { id: item.id, seenByMe: true, viewCount: 2 } });
    expect(statements).toEqual([]);

    server.clock.advance({ seconds: 15 });
    await server.gql('{ me { id } }', {}, options);
    const views = [item.id, second.id].map((contentId) => ({ contentId, seconds: 15, source: 'FEED' }));
    const many = await captureQueries(server, async () => {
      answer = await server.gql(print(RecordContentViewsDocument), { input: { views } }, options);
    });
    expect(answer.data.recordContentViews).toEqual([
      expect.objectContaining({ newView: false, totalSeconds: 15, content: { id: item.id, seenByMe: true, viewCount: 2 } }),
      expect.objectContaining({ newView: false, totalSeconds: 15, content: { id: second.id, seenByMe: true, viewCount: 1 } }),
    ]);
    expect(many).toEqual([]);
    expect((await server.em().findOneOrFail(Content, item.id)).viewCount).toBe(2);
  });

  it('answers seenByMe true after the view even when the same operation read it as false before', async () => {
    const author = await buildAdmin(server.em());
    const item = await buildContent(server.em(), { author });
    const { data, errors } = await server.gql(
      `mutation($id: ID!, $input: RecordContentViewInput!) {
        before: updateContent(input: { id: $id, title: "Renamed" }) { seenByMe }
        after: recordContentView(input: $input) { content { seenByMe viewCount } }
      }`,
      { id: item.id, input: { contentId: item.id, seconds: 0, source: 'FEED' } },
      { token: await server.tokenFor(author.id) },
    );
    expect(errors).toBeUndefined();
    expect(data).toEqual({ before: { seenByMe: false }, after: { content: { seenByMe: true, viewCount: 1 } } });
  });

  it('refuses unknown and draft content, and negative seconds, with typed errors', async () => {
    const member = await buildMember(server.em());
    const draft = await buildContent(server.em(), { status: ContentStatus.DRAFT });
    expect((await record(member.id, '00000000-0000-4000-8000-000000000000', 1)).errors![0].extensions!.code).toBe('NOT_FOUND');
    // A draft is NOT_FOUND, as content(id) answers a member: nobody learns that an unpublished id exists.
    const drafted = await record(member.id, draft.id, 1);
    const unknown = await record(member.id, '00000000-0000-4000-8000-000000000001', 1);
    expect(drafted.errors![0].extensions).toEqual(unknown.errors![0].extensions);
    expect(drafted.errors![0].message).toBe(unknown.errors![0].message);
    expect(drafted.errors![0].extensions!.code).toBe('NOT_FOUND');
    const negative = await record(member.id, draft.id, -5);
    expect(negative.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { seconds: expect.any(String) } });
    expect(await server.em().count(ContentView, { member: member.id })).toBe(0);
  });

  it('records views of archived content', async () => {
    const member = await buildMember(server.em());
    const archived = await buildContent(server.em(), { status: ContentStatus.ARCHIVED });
    expect((await record(member.id, archived.id, 1)).data!.recordContentView.newView).toBe(true);
  });
});

describe('recordContentViews', () => {
  async function recordMany(memberId: string, views: { contentId: string; seconds: number; source?: string }[]) {
    return server.gql(RECORD_MANY, { input: { views } }, { token: await server.tokenFor(memberId) });
  }

  it('records buffered heartbeats of several items in one call, as single calls would', async () => {
    const member = await buildMember(server.em());
    const [a, b, c] = [await buildContent(server.em()), await buildContent(server.em()), await buildContent(server.em())];
    server.clock.set('2026-04-05T10:00:00Z');
    await record(member.id, a.id, 0);
    server.clock.advance({ seconds: 40 });
    const result = await recordMany(member.id, [
      { contentId: a.id, seconds: 20 },
      { contentId: b.id, seconds: 10, source: 'SEARCH' },
      // A second entry for an item adds up (two 15 s heartbeats of the same read): 20 + 15 = 35 ≤ 40.
      { contentId: a.id, seconds: 15 },
      { contentId: c.id.toUpperCase(), seconds: 500 },
    ]);
    expect(result.errors).toBeUndefined();
    expect(result.data!.recordContentViews).toEqual([
      { contentId: a.id, totalSeconds: 35, newView: false },
      { contentId: b.id, totalSeconds: 10, newView: true },
      { contentId: a.id, totalSeconds: 35, newView: false },
      // First call of a view: capped at 60 s.
      { contentId: c.id, totalSeconds: 60, newView: true },
    ]);
    const views = await server.em().find(ContentView, { member: member.id }, { orderBy: { seconds: 'asc' } });
    expect(views.map((v) => [v.content.id, v.seconds, v.source])).toEqual([
      [b.id, 10, 'SEARCH'],
      [a.id, 35, 'FEED'],
      [c.id, 60, 'DIRECT'],
    ]);
    expect((await server.em().findOneOrFail(Content, b.id, { refresh: true })).viewCount).toBe(1);
    expect((await server.em().findOneOrFail(Content, a.id, { refresh: true })).viewCount).toBe(1);
  });

  it('refuses the whole call, naming the entry, when one item is unknown or a draft; nothing is written', async () => {
    const member = await buildMember(server.em());
    const published = await buildContent(server.em());
    const draft = await buildContent(server.em(), { status: ContentStatus.DRAFT });
    const unknown = await recordMany(member.id, [
      { contentId: published.id, seconds: 1 },
      { contentId: '00000000-0000-4000-8000-000000000000', seconds: 1 },
    ]);
    expect(unknown.errors![0].extensions).toMatchObject({ code: 'NOT_FOUND', fields: { 'views.1.contentId': 'not found' } });
    const malformed = await recordMany(member.id, [
      { contentId: published.id, seconds: 1 },
      { contentId: 'not-an-id', seconds: 1 },
    ]);
    expect(malformed.errors![0].extensions).toMatchObject({ code: 'NOT_FOUND', fields: { 'views.1.contentId': 'not found' } });
    const drafted = await recordMany(member.id, [
      { contentId: draft.id, seconds: 1 },
      { contentId: published.id, seconds: 1 },
    ]);
    expect(drafted.errors![0].extensions).toMatchObject({ code: 'NOT_FOUND', fields: { 'views.0.contentId': 'not found' } });
    const negative = await recordMany(member.id, [{ contentId: published.id, seconds: -1 }]);
    expect(negative.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { 'views.0.seconds': expect.any(String) } });
    const tooMany = await recordMany(
      member.id,
      Array.from({ length: 101 }, () => ({ contentId: published.id, seconds: 1 })),
    );
    expect(tooMany.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { views: expect.any(String) } });
    expect(await server.em().count(ContentView, { member: member.id })).toBe(0);
    expect((await recordMany(member.id, [])).data!.recordContentViews).toEqual([]);
  });
});

describe('views of what moderation hides', () => {
  /** Hides `item` as three members' reports do (MODERATION_AUTO_HIDE_REPORTERS), on `on`. */
  async function reportThrice(on: TestServer, item: { id: string }) {
    for (let i = 0; i < 3; i++) {
      const reporter = await buildMember(on.em());
      expect((await on.gql(REPORT, { id: item.id }, { token: await on.tokenFor(reporter.id) })).errors).toBeUndefined();
    }
  }
  const inDays = (on: TestServer, days: number) => new Date(on.clock.now().getTime() + days * 86_400_000).toISOString();

  it('refuses them as content(id) does, even for an item viewed just before, but for its author and moderators', async () => {
    const [reader, moderator] = [await buildMember(server.em()), await buildMember(server.em(), { role: Role.MODERATOR })];
    const [autoHidden, hiddenByModerator, bySuspended, visible] = [
      await buildContent(server.em()),
      await buildContent(server.em()),
      await buildContent(server.em()),
      await buildContent(server.em()),
    ];
    const readerToken = { token: await server.tokenFor(reader.id) };
    // Viewed first: the tracking path now takes them for viewable by every member.
    for (const item of [autoHidden, hiddenByModerator, bySuspended])
      expect((await server.gql(RECORD_READING, { id: item.id }, readerToken)).errors).toBeUndefined();

    const moderatorToken = { token: await server.tokenFor(moderator.id) };
    await reportThrice(server, autoHidden);
    await server.gql(REPORT, { id: hiddenByModerator.id }, { token: await server.tokenFor((await buildMember(server.em())).id) });
    const [{ id: caseId }] = await server
      .em()
      .execute<{ id: string }[]>('select id from moderation_case where subject_id = ?', [hiddenByModerator.id]);
    const resolved = await server.gql(
      `mutation($id: ID!) { resolveReport(caseId: $id, action: HIDE) { status } }`,
      { id: caseId },
      moderatorToken,
    );
    expect(resolved.errors).toBeUndefined();
    const suspended = await server.gql(SUSPEND, { id: bySuspended.author.id, until: inDays(server, 3) }, moderatorToken);
    expect(suspended.errors).toBeUndefined();

    const unknown = await server.gql(RECORD_READING, { id: UNKNOWN_ID }, readerToken);
    for (const item of [autoHidden, hiddenByModerator, bySuspended]) {
      expect(errorCode(await server.gql(`query($id: ID!) { content(id: $id) { id } }`, { id: item.id }, readerToken))).toBe('NOT_FOUND');
      const refused = await server.gql(RECORD_READING, { id: item.id }, readerToken);
      expect(refused.data).toBeNull(); // not a word of the item
      expect(refused.errors!.map(({ message, extensions }) => ({ message, extensions }))).toEqual(
        unknown.errors!.map(({ message, extensions }) => ({ message, extensions })),
      );
      const batch = await server.gql(
        RECORD_MANY,
        {
          input: {
            views: [
              { contentId: visible.id, seconds: 5 },
              { contentId: item.id, seconds: 5 },
            ],
          },
        },
        readerToken,
      );
      expect(batch.errors![0].extensions).toMatchObject({ code: 'NOT_FOUND', fields: { 'views.1.contentId': 'not found' } });
      // Moderators still see it, to decide about it.
      const moderated = await server.gql(RECORD_READING, { id: item.id }, moderatorToken);
      expect(moderated.data!.recordContentView.content.author.id).toBe(item.author.id);
    }
    // Its author too, while they may use their account.
    const own = await server.gql(RECORD_READING, { id: autoHidden.id }, { token: await server.tokenFor(autoHidden.author.id) });
    expect(own.data!.recordContentView.content.title).toBe(autoHidden.title);

    expect(await server.em().count(ContentView, { member: reader.id })).toBe(3); // the views before the hiding, nothing since
    for (const item of [autoHidden, hiddenByModerator, bySuspended])
      expect((await server.em().findOneOrFail(Content, item.id)).viewCount).toBe(item === autoHidden ? 3 : 2);
  });

  it('refuses views of an item the moderators deleted as of an unknown one, right after viewing it', async () => {
    const [reader, reporter, moderator] = [
      await buildMember(server.em()),
      await buildMember(server.em()),
      await buildMember(server.em(), { role: Role.MODERATOR }),
    ];
    const item = await buildContent(server.em());
    const readerToken = { token: await server.tokenFor(reader.id) };
    expect((await server.gql(RECORD_READING, { id: item.id }, readerToken)).errors).toBeUndefined();
    await server.gql(REPORT, { id: item.id }, { token: await server.tokenFor(reporter.id) });
    const [{ id: caseId }] = await server.em().execute<{ id: string }[]>('select id from moderation_case where subject_id = ?', [item.id]);
    const deleted = await server.gql(
      `mutation($id: ID!) { resolveReport(caseId: $id, action: DELETE) { status } }`,
      { id: caseId },
      { token: await server.tokenFor(moderator.id) },
    );
    expect(deleted.errors).toBeUndefined();
    // Not an internal error from the writer (whose failing batch would fail other members' views with it).
    expect(errorCode(await server.gql(RECORD_READING, { id: item.id }, readerToken))).toBe('NOT_FOUND');
  });

  describeWithRedis('on two API instances', () => {
    let a: TestServer;
    let b: TestServer;
    beforeAll(async () => ({ a, b } = await startTwoInstances()));
    afterAll(() => stopServers(b, a));

    it('stops taking views on one instance as soon as the other hides the item or suspends its author', async () => {
      const [reader, moderator] = [await buildMember(a.em()), await buildMember(a.em(), { role: Role.MODERATOR })];
      const [hidden, bySuspended] = [await buildContent(a.em()), await buildContent(a.em())];
      const onA = { token: await a.tokenFor(reader.id) };
      for (const item of [hidden, bySuspended]) expect((await a.gql(RECORD_READING, { id: item.id }, onA)).errors).toBeUndefined();

      await reportThrice(b, hidden);
      await b.gql(SUSPEND, { id: bySuspended.author.id, until: inDays(b, 3) }, { token: await b.tokenFor(moderator.id) });
      // A remembered both as viewable a moment ago, for a minute: only the invalidation can make it ask again.
      for (const item of [hidden, bySuspended])
        await until(
          `A to refuse views of ${item.id}`,
          async () => errorCode(await a.gql(RECORD_READING, { id: item.id }, onA)) === 'NOT_FOUND',
          5_000,
        );
      expect(await a.em().count(ContentView, { member: reader.id })).toBe(2);
    });
  });
});
