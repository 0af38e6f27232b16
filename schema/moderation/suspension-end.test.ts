import type { JobDeps } from '../../jobs/job-deps';
import { announceSuspensionEnds, announceSuspensionEndsJob } from '../../jobs/announce-suspension-ends.job';
import { jobDeps } from '../../test/engagement';
import { buildContent, buildMember } from '../../test/factories';
import { startTestServer, subscribe, type TestServer } from '../../test/server';
import { Role } from '../identity/member.entity';
import { moderationModule } from '.';

const SUSPEND = `mutation($id: ID!, $until: DateTime!, $reason: String!) { suspendMember(memberId: $id, until: $until, reason: $reason) { id } }`;
const UNSUSPEND = `mutation($id: ID!) { unsuspendMember(memberId: $id) { id } }`;
const COMMENT = `mutation($input: AddCommentInput!) { addComment(input: $input) { id } }`;

let server: TestServer;
let deps: JobDeps;
beforeAll(async () => {
  server = await startTestServer();
  // The worker's deps on the server's database, clock and pub/sub, as an in-process worker shares them (no email is sent).
  deps = jobDeps(server, 'smtp://127.0.0.1:9');
});
afterAll(() => server.stop());

const as = async (member: { id: string }) => ({ token: await server.tokenFor(member.id) });
const inHours = (hours: number) => new Date(server.clock.now().getTime() + hours * 3_600_000).toISOString();

/** A reader with one unread notification caused by `member` (a comment on the reader's item), and a moderator. */
async function readerNotifiedBy() {
  const [reader, member, moderator] = [
    await buildMember(server.em(), { role: Role.SPEAKER }),
    await buildMember(server.em()),
    await buildMember(server.em(), { role: Role.MODERATOR }),
  ];
  const item = await buildContent(server.em(), { author: reader });
  await server.gql(COMMENT, { input: { contentId: item.id, body: 'Great talk' } }, await as(member));
  await server.hearth.deps.events.idle();
  return { reader, member, moderator };
}

/** The unread counts published to `memberId` while `run` runs. */
async function countsPublishedTo(memberId: string, run: () => Promise<unknown>): Promise<number[]> {
  const publish = jest.spyOn(server.hearth.deps.pubSub, 'publish');
  try {
    await run();
    return publish.mock.calls
      .filter(([topic, to]) => topic === 'UNREAD_COUNT_CHANGED' && to === memberId)
      .map((call) => (call[2] as { count: number }).count);
  } finally {
    publish.mockRestore();
  }
}

describe('a suspension that ends by itself at `until`', () => {
  it('tells the readers of what the member caused their new unread count, once', async () => {
    const { reader, member, moderator } = await readerNotifiedBy();
    const counts = await subscribe(server.ws(await server.tokenFor(reader.id)), `subscription { unreadNotificationCountChanged }`);
    await server.gql(SUSPEND, { id: member.id, until: inHours(2), reason: 'Cool down' }, await as(moderator));
    expect((await counts.next()).data!.unreadNotificationCountChanged).toBe(0);

    await announceSuspensionEnds(deps); // still suspended: nothing to tell
    server.clock.advance({ hours: 2, seconds: 1 });
    await announceSuspensionEnds(deps);
    expect((await counts.next()).data!.unreadNotificationCountChanged).toBe(1);
    // Already told: a second run (another worker, a retry) tells nobody again.
    expect(await countsPublishedTo(reader.id, () => announceSuspensionEnds(deps))).toEqual([]);
    counts.dispose();
  });

  it('says nothing at the old `until` of a suspension lifted earlier, and tells at the new one of a suspension extended', async () => {
    const lifted = await readerNotifiedBy();
    const extended = await readerNotifiedBy();
    await server.gql(SUSPEND, { id: lifted.member.id, until: inHours(1), reason: 'x' }, await as(lifted.moderator));
    await server.gql(SUSPEND, { id: extended.member.id, until: inHours(1), reason: 'x' }, await as(extended.moderator));
    await server.gql(UNSUSPEND, { id: lifted.member.id }, await as(lifted.moderator));
    await server.gql(SUSPEND, { id: extended.member.id, until: inHours(5), reason: 'y' }, await as(extended.moderator));
    await server.hearth.deps.events.idle();

    server.clock.advance({ hours: 1, seconds: 1 });
    expect(await countsPublishedTo(lifted.reader.id, () => announceSuspensionEnds(deps))).toEqual([]);
    expect(await countsPublishedTo(extended.reader.id, () => announceSuspensionEnds(deps))).toEqual([]);
    server.clock.advance({ hours: 4 });
    expect(await countsPublishedTo(extended.reader.id, () => announceSuspensionEnds(deps))).toEqual([1]);
  });

  it('is a recurring job of the moderation module, one run at a time', () => {
    expect(moderationModule.jobs).toContain(announceSuspensionEndsJob);
    expect(announceSuspensionEndsJob.everyMs?.(server.config)).toBeLessThanOrEqual(60_000);
    expect(announceSuspensionEndsJob.options).toMatchObject({ concurrency: 1 });
  });
});
