import type { Client } from 'pg';
import { planTestDatabase } from '../../test/db';
import type { Sql } from '../../server/db/sql';
import { dropNotificationsSql, readersAffectedSql } from './notification.queries';

let database: Awaited<ReturnType<typeof planTestDatabase>>;
let client: Client;
let member: string;
let content: string;
let comment: string;
beforeAll(async () => {
  // A community with some history (1,000 members; 2,000 items, 20,000 comments and 20,000
  // messages, each notified: 60,000 notifications, about one in five unread).
  database = await planTestDatabase(1000, async (db) => {
    const members = `(select array_agg(id order by id) as ids from member) ms`;
    await db.query(`
      insert into content (id, type, title, author_id, status, published_at, created_at, updated_at)
      select gen_random_uuid(), 'ARTICLE', 'Item ' || n, ms.ids[1 + n % 1000], 'PUBLISHED', now(), now(), now()
      from ${members}, generate_series(1, 2000) n`);
    await db.query(`
      insert into comment (id, content_id, author_id, body, created_at)
      select gen_random_uuid(), cs.ids[1 + n % 2000], ms.ids[1 + (n * 7) % 1000], 'Comment ' || n, now()
      from ${members}, (select array_agg(id order by id) as ids from content) cs, generate_series(1, 20000) n`);
    await db.query(`
      insert into conversation (id, pair_key, created_at, last_message_at)
      select gen_random_uuid(), 'pair ' || n, now(), now() from generate_series(1, 2000) n`);
    await db.query(`
      insert into message (id, conversation_id, sender_id, body, created_at)
      select gen_random_uuid(), cs.ids[1 + n % 2000], ms.ids[1 + (n * 13) % 1000], 'Message ' || n, now()
      from ${members}, (select array_agg(id order by id) as ids from conversation) cs, generate_series(1, 20000) n`);
    const unread = `case when random() < 0.2 then null else now() end`;
    await db.query(`
      insert into notification (id, recipient_id, kind, actor_id, subject_type, subject_id, subject_title, read_at, created_at)
      select gen_random_uuid(), ms.ids[1 + (abs(hashtext(c.id::text)) + k * 97) % 1000], 'CONTENT_PUBLISHED', c.author_id,
             'CONTENT', c.id, c.title, ${unread}, now()
      from ${members}, content c cross join generate_series(1, 10) k`);
    await db.query(`
      insert into notification (id, recipient_id, kind, actor_id, subject_type, subject_id, subject_title, context_id, read_at, created_at)
      select gen_random_uuid(), ct.author_id, 'COMMENT_ON_MY_CONTENT', c.author_id, 'COMMENT', c.id, c.body, ct.id, ${unread}, now()
      from comment c join content ct on ct.id = c.content_id`);
    await db.query(`
      insert into notification (id, recipient_id, kind, actor_id, subject_type, subject_id, subject_title, context_id, read_at, created_at)
      select gen_random_uuid(), ms.ids[1 + (abs(hashtext(m.id::text))) % 1000], 'MESSAGE_RECEIVED', m.sender_id, 'MESSAGE', m.id,
             m.body, m.conversation_id, ${unread}, now()
      from ${members}, message m`);
  });
  client = database.client;
  member = (await client.query<{ id: string }>('select id from member order by id offset 10 limit 1')).rows[0].id;
  content = (await client.query<{ id: string }>('select id from content order by id limit 1')).rows[0].id;
  comment = (await client.query<{ id: string }>('select id from comment order by id limit 1')).rows[0].id;
});
afterAll(() => database.drop());

/** The plan of `statement` as MikroORM sends it: its parameters inlined, so planned for their values. */
async function planOf(statement: Sql): Promise<string> {
  let index = 0;
  const inlined = statement.text.replace(/\?/g, () => {
    const value = statement.params[index++];
    return `'${String(value instanceof Date ? value.toISOString() : value).replace(/'/g, "''")}'`;
  });
  expect(index).toBe(statement.params.length);
  await client.query('begin');
  try {
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(`explain ${inlined}`);
    return rows.map((row) => row['QUERY PLAN']).join('\n');
  } finally {
    await client.query('rollback');
  }
}

/** Read through the indexes by subject or actor only: no scan of the table, nor of all its unread rows, nor of an index by recipient. */
function expectProbes(plan: string, index: RegExp): void {
  expect(plan).toMatch(index);
  expect(plan).not.toMatch(/Seq Scan on notification\b/);
  expect(plan).not.toMatch(/notification_(unread_index|recipient_id_created_at_id_index|pkey)/);
}

describe('the notification statements of moderation decisions', () => {
  // Every hide, show again, delete or suspension runs one of them, in the handler of its event.
  // Without an index by subject or actor each read every notification (or every unread one).
  it('deleting a subject drops its notifications through the index by subject', async () => {
    expectProbes(await planOf(dropNotificationsSql('COMMENT', comment)), /notification_subject_index/);
  });

  it('hiding an item finds its unread readers through the index by subject', async () => {
    const plan = await planOf(readersAffectedSql({ kind: 'CONTENT', subjectId: content, authorId: member }));
    expectProbes(plan, /notification_subject_index/);
  });

  it('suspending a member finds the unread notifications they caused, and those about what they wrote, by index', async () => {
    const plan = await planOf(readersAffectedSql({ kind: 'MEMBER', subjectId: member, authorId: member }));
    expectProbes(plan, /notification_actor_unread_index/);
    expect(plan).toMatch(/notification_subject_index/);
  });

  // The arms about what the member wrote start from their comments and messages: without an index
  // by author (sender) each suspension, and each lifting, read both whole tables.
  it('suspending a member finds their comments and messages through the indexes by author and sender', async () => {
    const plan = await planOf(readersAffectedSql({ kind: 'MEMBER', subjectId: member, authorId: member }));
    expect(plan).toMatch(/comment_author_id_index/);
    expect(plan).toMatch(/message_sender_id_index/);
    expect(plan).not.toMatch(/Seq Scan on (comment|message)\b/);
    expect(plan).not.toMatch(/(comment|message)_pkey/);
  });
});
