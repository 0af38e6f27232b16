import { ContentStatus } from '../content/content.entity';
import { Content } from '../content/content.entity';
import { buildContent, buildMember } from '../../test/factories';
import { startTestServer, type TestServer } from '../../test/server';
import { buildContext } from '../../server/context';
import { ContentView, ViewSource } from './content-view.entity';
import { ContentViewService } from './content-view.service';

const RECORD = `mutation($input: RecordContentViewInput!) { recordContentView(input: $input) { contentId totalSeconds firstSeenAt newView } }`;

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

  it('refuses unknown and draft content, and negative seconds, with typed errors', async () => {
    const member = await buildMember(server.em());
    const draft = await buildContent(server.em(), { status: ContentStatus.DRAFT });
    expect((await record(member.id, '00000000-0000-4000-8000-000000000000', 1)).errors![0].extensions!.code).toBe('NOT_FOUND');
    expect((await record(member.id, draft.id, 1)).errors![0].extensions!.code).toBe('BAD_USER_INPUT');
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
