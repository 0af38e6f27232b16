import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import { renderDigestEmail } from '../../../emails/render';
import { selectDigestContentFor } from '../../../schema/engagement/engagement.queries';
import { EmailLinks } from '../../../schema/engagement/email-links';
import { openOrm } from '../../../server/db/orm';
import { SmtpMailer } from '../../../server/mailer';
import { uuidArray } from '../../../server/db/sql';

/** Members claimed per transaction: Hearth's DIGEST_BATCH_SIZE default. */
const BATCH = 100;
/** Loops hold a transaction each: at most 12 (a pool of 14 connections, under the ~15 per process a shared PostgreSQL allows). */
const MAX_LOOPS = 12;

/**
 * Child process (arguments: database URL, JWT secret, SMTP URL, theme slug, loops): P5's
 * baseline, a queue table drained with SELECT … FOR UPDATE SKIP LOCKED by parallel loops (`loops` parallel sends), each
 * claiming a batch of members, selecting their content in one call per batch (as Hearth's sender
 * does), rendering and sending each digest. Answers `run` with the count sent as
 * soon as the last digest is sent, then cleans up.
 */
async function run(databaseUrl: string, jwtSecret: string, smtpUrl: string, themeSlug: string, loops: number): Promise<void> {
  const loopCount = Math.min(loops, MAX_LOOPS);
  const SENDS_PER_LOOP = Math.ceil(loops / loopCount);
  const orm = await openOrm(databaseUrl, { pool: { min: 0, max: loopCount + 2 } });
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  await db.query('create table if not exists p5_queue (member_id uuid primary key, done boolean not null default false)');
  await db.query('truncate p5_queue');
  await db.query(
    `insert into p5_queue (member_id) select mi.member_id from member_interest mi join theme t on t.id = mi.theme_id where t.slug = $1`,
    [themeSlug],
  );
  const mailer = new SmtpMailer(smtpUrl);
  const links = new EmailLinks(jwtSecret, 'https://community.example.test');
  let sent = 0;
  const loop = async () => {
    const em = orm.em.fork() as EntityManager;
    for (;;) {
      const more = await em.transactional(async (tx) => {
        const jobs = await tx.execute<{ member_id: string }[]>(
          `select member_id from p5_queue where not done limit ${BATCH} for update skip locked`,
        );
        if (jobs.length === 0) return false;
        const now = new Date();
        const ids = jobs.map((job) => job.member_id);
        const selections = await selectDigestContentFor(tx, ids, 6, now);
        const itemIds = [...new Set([...selections.values()].flatMap(({ hot, cold }) => [...hot, ...cold]))];
        const items = new Map(
          (
            await tx.execute<{ id: string; title: string; summary: string | null; published_at: Date }[]>(
              'select id, title, summary, published_at from content where id = any(?::uuid[])',
              [uuidArray(itemIds)],
            )
          ).map((item) => [item.id, item]),
        );
        const members = await tx.execute<{ id: string; email: string; display_name: string }[]>(
          'select id, email, display_name from member where id = any(?::uuid[])',
          [uuidArray(ids)],
        );
        const send = async (member: (typeof members)[number]) => {
          const { hot, cold } = selections.get(member.id) ?? { hot: [], cold: [] };
          const toItem = (id: string) => {
            const item = items.get(id)!;
            return {
              title: item.title,
              type: 'ARTICLE',
              themes: ['P5 digests'],
              summary: item.summary,
              publishedAt: new Date(item.published_at),
              url: links.clickUrl(randomUUID(), item.id),
            };
          };
          const email = await renderDigestEmail({
            locale: 'en',
            timeZone: 'UTC',
            communityName: 'Bench',
            memberName: member.display_name,
            hot: hot.map(toItem),
            cold: cold.map(toItem),
            feedUrl: links.feedUrl(),
            preferencesUrl: links.preferencesUrl(),
            unsubscribeUrl: links.unsubscribeUrl(member.id),
          });
          await mailer.send({ to: member.email, from: 'Bench <bench@example.test>', ...email });
          sent++;
        };
        // SENDS_PER_LOOP messages in flight per loop: loops × SENDS_PER_LOOP parallel sends, as many as the worker's.
        for (let i = 0; i < members.length; i += SENDS_PER_LOOP) await Promise.all(members.slice(i, i + SENDS_PER_LOOP).map(send));
        await tx.execute('update p5_queue set done = true where member_id = any(?::uuid[])', [uuidArray(ids)]);
        return true;
      });
      if (!more) return;
    }
  };
  await Promise.all(Array.from({ length: loopCount }, loop));
  // Answered before cleaning up: the parent times this side from its fork to this answer.
  process.send!({ sent });
  await mailer.close();
  await db.query('drop table p5_queue');
  await db.end();
  await orm.close();
}

const [databaseUrl, jwtSecret, smtpUrl, themeSlug, loops] = process.argv.slice(2);
let running: Promise<void> = Promise.resolve();
process.send!({ url: 'digest-loop' });
process.on('message', (message) => {
  if (message === 'run') running = run(databaseUrl, jwtSecret, smtpUrl, themeSlug, Number(loops));
  // After the run's cleanup (its queue table dropped, its connections closed).
  if (message === 'stop') void running.finally(() => process.exit(0));
});
