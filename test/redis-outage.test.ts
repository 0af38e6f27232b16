import { Writable } from 'node:stream';
import pino from 'pino';
import { ContentStatus } from '../schema/content/content.entity';
import { Notification } from '../schema/notification/notification.entity';
import { buildAdmin, buildContent, buildInterests, buildMember, buildTheme, FACTORY_PASSWORD } from './factories';
import { startRedisServer, type OwnRedis } from './redis-server';
import { errorCode, startTestServer, subscribe, until, wsExecute, type TestServer } from './server';

const PUBLISH = `mutation($id: ID!) { publishContent(id: $id) { id } }`;

describe('Redis killed under a running API', () => {
  let redis: OwnRedis;
  let server: TestServer;
  const lines: Record<string, any>[] = [];
  const consoleErrors: unknown[][] = [];
  const originalConsoleError = console.error;

  beforeAll(async () => {
    redis = await startRedisServer();
    const logger = pino({ level: 'info' }, new Writable({ write: (chunk, _enc, done) => (lines.push(JSON.parse(String(chunk))), done()) }));
    // ioredis prints "[ioredis] Unhandled error event" with console.error when a connection has no error listener.
    console.error = (...args: unknown[]) => void consoleErrors.push(args);
    server = await startTestServer({
      env: { REDIS_URL: redis.url },
      logger,
      rateLimits: { commentsPerMember: { points: 3, durationSeconds: 60 } },
    });
  });
  afterAll(async () => {
    console.error = originalConsoleError;
    await server.stop();
    await redis.kill();
  });

  const ready = async () => {
    const response = await fetch(`${new URL(server.hearth.url).origin}/ready`);
    return { status: response.status, body: await response.json() };
  };

  it('logins and writes keep working, limits count per process, /ready says degraded, subscriptions end with SERVICE_UNAVAILABLE, 0 notifications lost', async () => {
    const em = server.em();
    const [ann, bob, admin] = [await buildMember(em), await buildMember(em), await buildAdmin(em)];
    const theme = await buildTheme(em);
    await buildInterests(em, [ann, bob], theme);
    const [annToken, adminToken] = [await server.tokenFor(ann.id), await server.tokenFor(admin.id)];
    const live = await subscribe(server.ws(annToken), 'subscription { unreadNotificationCountChanged }');
    // A shared broadcast (one execution for every subscriber of the operation) is told too.
    const broadcast = await subscribe(server.ws(annToken), 'subscription { contentPublished { id title } }');

    await redis.kill();
    const ended = await live.next(10_000);
    expect(ended.errors![0].extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 2 });
    expect((await broadcast.next(10_000)).errors![0].extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 2 });

    const logIn = await server.gql(`mutation($input: LogInInput!) { logIn(input: $input) { accessToken } }`, {
      input: { email: bob.email, password: FACTORY_PASSWORD },
    });
    expect(logIn.errors).toBeUndefined();
    const sent = await server.gql(
      `mutation($input: SendMessageInput!) { sendMessage(input: $input) { id } }`,
      { input: { recipientId: bob.id, body: 'still here' } },
      { token: annToken },
    );
    expect(sent.errors).toBeUndefined();
    const content = await buildContent(em, { themes: [theme] });
    const comment = () =>
      server.gql(
        `mutation($input: AddCommentInput!) { addComment(input: $input) { id } }`,
        { input: { contentId: content.id, body: 'hello' } },
        { token: annToken },
      );
    for (let i = 0; i < 3; i++) expect((await comment()).errors).toBeUndefined();
    expect(errorCode(await comment())).toBe('RATE_LIMITED');

    // Content published meanwhile notifies its audience: written, whatever Redis says.
    const draft = await buildContent(em, { themes: [theme], status: ContentStatus.DRAFT });
    expect((await server.gql(PUBLISH, { id: draft.id }, { token: adminToken })).errors).toBeUndefined();
    await server.hearth.deps.events.idle();
    expect(await server.em().count(Notification, { subjectId: draft.id })).toBe(2);

    expect(await ready()).toEqual({ status: 200, body: { status: 'degraded', database: 'up', redis: 'down' } });
    const refused = await wsExecute(server.ws(annToken), 'subscription { unreadNotificationCountChanged }');
    expect(refused.errors![0].extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 2 });

    expect(lines.filter((line) => line.level === 40 && /^Redis is unavailable/.test(line.msg))).toHaveLength(1);
    expect(consoleErrors.filter((args) => String(args[0]).includes('ioredis'))).toEqual([]);

    await redis.start();
    await until('Redis to be back', async () => (await ready()).body.status === 'ready', 15_000);
    expect(lines.filter((line) => line.msg === 'Redis is back')).toHaveLength(1);
    const again = await subscribe(server.ws(annToken), 'subscription { unreadNotificationCountChanged }');
    server.hearth.deps.pubSub.publish('UNREAD_COUNT_CHANGED', ann.id, { count: 7 });
    expect((await again.next()).data).toEqual({ unreadNotificationCountChanged: 7 });
  }, 60_000);
});
