import type { EntityManager } from '@mikro-orm/postgresql';
import { Digest, DigestStatus } from '../../schema/engagement/digest.entity';
import type { Member } from '../../schema/identity/member.entity';
import type { Orm } from '../../server/db/orm';
import { buildRule } from '../engagement';
import { buildAdmin, buildContent, buildInterests, buildMember, buildTheme } from '../factories';
import { buildRegistration, buildSession } from '../live';
import { startSmtpSink, recipientsOf, type SmtpSink } from '../smtp-sink';
import type { OwnPostgres } from './cluster';
import { hearthEnv, openDrillOrm, Resources, seconds, startWorkerProcess, until } from './hearth';
import type { DrillResult } from './run';

const DAY = 86_400_000;

/** `count` members away for 10 days, interested in a theme with a new item, and a rule that sends them a digest. */
export async function awayMembers(em: EntityManager, count: number): Promise<{ members: Member[]; ruleId: string }> {
  const theme = await buildTheme(em);
  await buildContent(em, { createdAt: new Date(Date.now() - DAY), themes: [theme] });
  const members: Member[] = [];
  for (let i = 0; i < count; i++) members.push(await buildMember(em, { lastVisitAt: new Date(Date.now() - 10 * DAY) }));
  await buildInterests(em, members, theme);
  const rule = await buildRule(em, (await buildAdmin(em)).id, { audienceThemes: [theme.slug], createdAt: new Date() });
  return { members, ruleId: rule.id };
}

export const sentDigests = (orm: Orm, ruleId: string) => orm.em.fork().count(Digest, { ruleId, status: DigestStatus.SENT });

/** How many of the sink's messages went to each address more than once. */
export function duplicates(addresses: string[]): number {
  return addresses.length - new Set(addresses).size;
}

export async function digestDrillSetup(cluster: OwnPostgres, resources: Resources, name: string, count: number) {
  const databaseUrl = await cluster.createDatabase(`drill_${name}_${Date.now()}`);
  const orm = await openDrillOrm(resources, databaseUrl);
  const { members, ruleId } = await awayMembers(orm.em.fork(), count);
  const sink: SmtpSink = resources.add(await startSmtpSink(), (started) => started.stop());
  return { databaseUrl, orm, members, ruleId, sink };
}

/**
 * A worker SIGKILLed in the middle of a digest batch (while the relay holds its messages) and
 * started again: every member gets exactly one digest.
 */
export async function workerKillDrill(cluster: OwnPostgres, resources: Resources): Promise<DrillResult> {
  const { databaseUrl, orm, members, ruleId, sink } = await digestDrillSetup(cluster, resources, 'worker_kill', 60);
  const env = hearthEnv(resources, {
    DATABASE_URL: databaseUrl,
    SMTP_URL: sink.url,
    DIGEST_BATCH_SIZE: '15',
    JOB_LOCK_LIFETIME: '1500ms',
    RULES_EVERY: '1h',
  });
  const started = Date.now();
  const first = await startWorkerProcess(resources, env);
  await until('the first digests', () => sink.messages.length >= 10, 60_000);
  sink.hold();
  // Killed while it waits for the relay, every message the relay accepted already recorded SENT (see README: the one resend window).
  await until(
    'a worker blocked in the middle of sending',
    async () => sink.heldCount() > 0 && (await sentDigests(orm, ruleId)) === sink.messages.length,
    30_000,
  );
  process.kill(first.pid, 'SIGKILL');
  await first.exited();
  const beforeKill = sink.messages.length;
  await until('the relay to drop the dead connections', () => sink.heldCount() === 0, 10_000);
  sink.release();
  const restartedAt = Date.now();
  await startWorkerProcess(resources, env);
  const done = await until('all 60 digests', async () => (await sentDigests(orm, ruleId)) === members.length, 60_000).then(
    () => true,
    () => false,
  );
  const recipients = recipientsOf(sink);
  const missing = members.filter((member) => !recipients.includes(member.email)).length;
  const doubled = duplicates(recipients);
  return {
    ok: done && missing === 0 && doubled === 0,
    figures: `${members.length} digests: ${beforeKill} delivered before the SIGKILL, ${recipients.length - beforeKill} by the restarted worker (${seconds(Date.now() - restartedAt)}); missing ${missing}, sent twice ${doubled}; total ${seconds(Date.now() - started)}`,
  };
}

/**
 * The SMTP relay refuses connections for 30 s from the start of a digest run (100 digests) and of
 * the session reminders (20 registrants of a session starting in 10 minutes): once it is back,
 * every digest and every reminder is delivered, none twice (no worker dies inside the outbox's
 * resend window here).
 */
export async function smtpDownDrill(cluster: OwnPostgres, resources: Resources): Promise<DrillResult> {
  const { databaseUrl, orm, members, ruleId, sink } = await digestDrillSetup(cluster, resources, 'smtp_down', 100);
  const em = orm.em.fork();
  const session = await buildSession(em, (await buildAdmin(em)).id, {
    title: 'Drill webinar',
    startsAt: new Date(Date.now() + 10 * 60_000),
  });
  const registrants: Member[] = [];
  for (let i = 0; i < 20; i++) {
    const member = await buildMember(em);
    await buildRegistration(em, session, member);
    registrants.push(member);
  }
  await sink.refuseConnections();
  const refusedAt = Date.now();
  await startWorkerProcess(resources, hearthEnv(resources, { DATABASE_URL: databaseUrl, SMTP_URL: sink.url, RULES_EVERY: '1h' }));
  const downFor = 30_000;
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, downFor - (Date.now() - refusedAt))));
  await sink.acceptConnections();
  const backAt = Date.now();
  const reminders = () => sink.messages.filter((mail) => /Drill webinar/.test(mail.subject ?? ''));
  const digests = () => sink.messages.filter((mail) => !/Drill webinar/.test(mail.subject ?? ''));
  let digestsIn: number | null = null;
  let remindersIn: number | null = null;
  const done = await until(
    'every digest and reminder',
    async () => {
      if (digestsIn === null && (await sentDigests(orm, ruleId)) === members.length) digestsIn = Date.now() - backAt;
      if (remindersIn === null && reminders().length >= registrants.length) remindersIn = Date.now() - backAt;
      return digestsIn !== null && remindersIn !== null;
    },
    120_000,
  ).then(
    () => true,
    () => false,
  );
  const after = (ms: number | null) => (ms === null ? 'NEVER' : `${seconds(ms)} after the relay came back`);
  // Anything sent twice would arrive a little later: give it the time of a retry.
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const address = (mail: (typeof sink.messages)[number]) => (Array.isArray(mail.to) ? mail.to[0] : mail.to)!.value[0].address!;
  const digestRecipients = digests().map(address);
  const reminderRecipients = reminders().map(address);
  const missingDigests = members.filter((member) => !digestRecipients.includes(member.email)).length;
  const missingReminders = registrants.filter((member) => !reminderRecipients.includes(member.email)).length;
  const doubled = duplicates(digestRecipients) + duplicates(reminderRecipients);
  return {
    ok: done && missingDigests === 0 && missingReminders === 0 && doubled === 0,
    figures:
      `relay refused connections for ${seconds(downFor)}: digests delivered ${digestRecipients.length - duplicates(digestRecipients)}/${members.length}, reminders ${reminderRecipients.length - duplicates(reminderRecipients)}/${registrants.length}, ` +
      `missing ${missingDigests + missingReminders}, sent twice ${doubled}; digests all out ${after(digestsIn)} (Agenda's retry backoff), reminders ${after(remindersIn)} (their run is every minute)`,
  };
}
