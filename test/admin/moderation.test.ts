import type { Browser, Page } from 'playwright-core';
import { ManualClock } from '../../server/clock';
import { Content } from '../../schema/content/content.entity';
import { Member, Role } from '../../schema/identity/member.entity';
import { buildContent, buildMember, FACTORY_PASSWORD } from '../factories';
import { startTestServer, type TestServer } from '../server';
import { CONSOLE_DIR, launchBrowser, logIn, navigate, screenshot, seriousViolations } from './console-harness';

/**
 * The console's moderation pages in a real browser (Debian's Chromium through playwright-core):
 * the queue, its decisions, the log, and suspensions from the member page, for admins and for
 * moderators, who see nothing else.
 */
let server: TestServer;
let browser: Browser;
let moderator: Member;
let admin: Member;

const REPORT = `mutation($input: ReportInput!) { report(input: $input) { id } }`;

beforeAll(async () => {
  browser = await launchBrowser();
  server = await startTestServer({ clock: new ManualClock(new Date()), adminDir: CONSOLE_DIR });
  moderator = await buildMember(server.em(), { role: Role.MODERATOR, displayName: 'Mona Moderator' });
  admin = await buildMember(server.em(), { role: Role.ADMIN, displayName: 'Ada Admin' });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function report(reporter: Member, subjectId: string, kind: string, reason: string, note?: string): Promise<void> {
  const result = await server.gql(REPORT, { input: { subjectId, kind, reason, note } }, { token: await server.tokenFor(reporter.id) });
  expect(result.errors).toBeUndefined();
  server.clock.advance({ seconds: 1 }); // reports read oldest first
}

async function openAs(member: Member, path = '/admin/', width = 1280): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  await page.goto(new URL(path, server.hearth.url).href);
  await logIn(page, member.email, FACTORY_PASSWORD);
  await page.getByRole('button', { name: 'Log out' }).waitFor();
  return page;
}

/** The card of the case whose heading is `heading`. */
const caseCard = (page: Page, heading: string) => page.getByRole('article').filter({ has: page.getByRole('heading', { name: heading }) });

describe('admin console: moderation', () => {
  it('opens for a moderator on the queue, with no link to pages the API refuses them', async () => {
    const page = await openAs(moderator);
    await page.getByRole('heading', { level: 1, name: 'Moderation' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/moderation');
    expect(await page.getByRole('navigation', { name: 'Console' }).getByRole('link').allTextContents()).toEqual(['Moderation']);
    await navigate(page, '/admin/rules');
    await page.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();
    await page.context().close();
  });

  it('shows a case grouped by subject (count, reasons, reporters, preview); HIDE with a note hides it and lands in the log', async () => {
    const item = await buildContent(server.em(), { title: 'Buy followers cheap', summary: 'Ten thousand followers for ten euros.' });
    const [ann, bob] = [
      await buildMember(server.em(), { displayName: 'Ann Reporter' }),
      await buildMember(server.em(), { displayName: 'Bob Reporter' }),
    ];
    await report(ann, item.id, 'CONTENT', 'SPAM', 'Pure advertising');
    await report(bob, item.id, 'CONTENT', 'OFF_TOPIC');

    const page = await openAs(moderator);
    const card = caseCard(page, 'Article: Buy followers cheap');
    await card.waitFor();
    expect(await card.locator('[data-fact="report-count"]').textContent()).toBe('2');
    expect(await card.locator('[data-fact="reasons"]').textContent()).toBe('Spam, Off topic');
    expect(await card.locator('[data-fact="reporters"]').textContent()).toBe('Ann Reporter, Bob Reporter');
    expect(await card.locator('blockquote').textContent()).toContain('Ten thousand followers for ten euros.');
    await card.getByText('What the reporters said').click();
    expect(await card.getByRole('listitem').first().textContent()).toContain('Pure advertising');

    await card.getByLabel('Note for the log').fill('Paid follower spam');
    await card.getByRole('button', { name: 'Hide' }).click();
    await card.getByText(/^Resolved: Hide by Mona Moderator/).waitFor();
    expect((await server.em().findOneOrFail(Content, item.id)).hiddenAt).not.toBeNull();

    await page.getByRole('navigation', { name: 'Moderation' }).getByRole('link', { name: 'Log' }).click();
    const row = page.getByRole('row').filter({ hasText: 'Paid follower spam' });
    await row.waitFor();
    expect(await row.getByRole('cell').allTextContents()).toEqual([
      expect.any(String),
      'Mona Moderator',
      'Hide',
      `Content ${item.id.slice(0, 8)}`,
      'Paid follower spam',
    ]);
    await page.context().close();
  });

  it('dismisses, deletes and suspends the author from the queue', async () => {
    const writer = await buildMember(server.em(), { displayName: 'Walt Writer' });
    const reporter = await buildMember(server.em(), { displayName: 'Rita Reporter' });
    const fine = await buildContent(server.em(), { title: 'A fine webinar recap' });
    const scam = await buildContent(server.em(), { title: 'Crypto miracle', author: writer });
    const comment = await server.gql(
      `mutation($input: AddCommentInput!) { addComment(input: $input) { id } }`,
      { input: { contentId: fine.id, body: 'Everyone here is stupid' } },
      { token: await server.tokenFor(writer.id) },
    );
    await report(reporter, fine.id, 'CONTENT', 'OTHER');
    await report(reporter, comment.data!.addComment.id, 'COMMENT', 'HARASSMENT');
    await report(reporter, scam.id, 'CONTENT', 'SPAM');

    const page = await openAs(moderator);
    await caseCard(page, 'Article: A fine webinar recap').getByRole('button', { name: 'Dismiss' }).click();
    await caseCard(page, 'Article: A fine webinar recap')
      .getByText(/^Resolved: Dismiss/)
      .waitFor();
    const onComment = caseCard(page, 'Comment by Walt Writer');
    expect(await onComment.locator('blockquote').textContent()).toBe('Everyone here is stupid');
    await onComment.getByRole('button', { name: 'Delete' }).click();
    await onComment.getByText(/^Resolved: Delete/).waitFor();
    const onScam = caseCard(page, 'Article: Crypto miracle');
    await onScam.getByLabel('Note for the log').fill('Scam, third time');
    await onScam.getByRole('button', { name: 'Suspend the author' }).click();
    await onScam.getByText(/^Resolved: Suspend author/).waitFor();

    const state = await server.gql(
      `query($id: ID!) { member(id: $id) { suspendedUntil suspensionReason } }`,
      { id: writer.id },
      { token: await server.tokenFor(admin.id) },
    );
    expect(state.data!.member.suspensionReason).toBe('Scam, third time');
    expect(Date.parse(state.data!.member.suspendedUntil)).toBeGreaterThan(server.clock.now().getTime() + 6 * 86_400_000);
    const [deleted] = await server.em().execute(`select deleted_at from comment where id = ?`, [comment.data!.addComment.id]);
    expect(deleted.deleted_at).not.toBeNull();
    // Resolved cases are one filter away.
    await page.getByLabel('Cases').selectOption('RESOLVED');
    await caseCard(page, 'Article: A fine webinar recap')
      .getByText(/^Resolved: Dismiss by Mona Moderator/)
      .waitFor();
    await page.context().close();
  });

  it('lets an admin suspend a member from the member page and lift the suspension', async () => {
    const member = await buildMember(server.em(), { displayName: 'Sam Spammer' });
    const page = await openAs(admin, `/admin/members/${member.id}`);
    await page.getByRole('heading', { level: 1, name: 'Sam Spammer' }).waitFor();
    const section = page.getByRole('region', { name: 'Suspension' });
    expect(await section.locator('[data-fact="suspension"]').textContent()).toBe('Not suspended.');
    await section.getByLabel('Reason (kept in the moderation log)').fill('Spam in every thread');
    await section.getByRole('button', { name: 'Suspend' }).click();
    await section.getByText(/^Suspended until .*: Spam in every thread$/).waitFor();
    expect((await server.em().findOneOrFail(Member, member.id)).suspendedUntil).not.toBeNull();
    server.clock.advance({ seconds: 1 }); // the log is newest first
    await section.getByLabel('Note for the log').fill('Apologised');
    await section.getByRole('button', { name: 'Lift the suspension' }).click();
    await section.getByText('Not suspended.').waitFor();
    expect((await server.em().findOneOrFail(Member, member.id)).suspendedUntil).toBeNull();
    const log = await server.gql(
      `{ moderationLog(first: 50) { edges { node { action note subjectId } } } }`,
      {},
      { token: await server.tokenFor(admin.id) },
    );
    const entries = log.data!.moderationLog.edges.map((edge: { node: { action: string; note: string; subjectId: string } }) => edge.node);
    expect(
      entries
        .filter((entry: { subjectId: string }) => entry.subjectId === member.id)
        .map(({ action, note }: { action: string; note: string }) => ({ action, note })),
    ).toEqual([
      { action: 'UNSUSPEND', note: 'Apologised' },
      { action: 'SUSPEND', note: 'Spam in every thread' },
    ]);
    await page.context().close();
  });

  it('has no serious or critical accessibility violation on the moderation pages (screenshots at 1280 and 390 px in artifacts/)', async () => {
    const reporter = await buildMember(server.em());
    await report(reporter, (await buildContent(server.em(), { title: 'Tour case' })).id, 'CONTENT', 'SPAM', 'Looks automated');
    const violations: string[] = [];
    for (const width of [1280, 390]) {
      const page = await openAs(moderator, '/admin/', width);
      for (const [name, path, heading] of [
        ['moderation-queue', '/admin/moderation', 'Moderation'],
        ['moderation-log', '/admin/moderation/log', 'Moderation log'],
      ]) {
        await navigate(page, path);
        await page.getByRole('heading', { level: 1, name: heading }).waitFor();
        await page.locator('.loading, [aria-busy="true"]').waitFor({ state: 'detached' });
        if (width === 1280) violations.push(...(await seriousViolations(page)).map((line) => `${name}: ${line}`));
        await screenshot(page, name);
      }
      await page.context().close();
    }
    expect(violations).toEqual([]);
  }, 60_000);
});
