import type { Client } from 'pg';
import { pairKeyOf } from '../schema/conversation/conversation.entity';
import { copyRows, type Cell } from './copy';
import type { DemoItem } from './demo-content';
import type { Random } from './random';

const HOUR = 3_600_000;

const COMMENTS = [
  'We tried this last quarter: the second step is where most of the gain came from.',
  'Really useful, thanks. Does anyone have a template for the follow-up email?',
  'Shared this with our sales team, it answered a debate we had all week.',
  'How do you handle this when the buying committee has more than five people?',
  'The benchmark numbers match ours almost exactly, which is reassuring.',
  'Would love a session on this with the customer panel.',
  'We do the opposite and it works for us, but our cycle is much shorter.',
  'Bookmarked. The checklist at the end is gold.',
];
const REPLIES = [
  'Same here, we ended up splitting it into two meetings.',
  'Good question: we keep one owner per account and rotate the rest.',
  'Happy to share ours, sending you a message.',
  'Agreed, the data part took us the longest to get right.',
  'Thanks for the details, that helps a lot.',
];
/** A conversation's script, said in this order. */
export const DEMO_MESSAGES = [
  'Hi! I saw your comment on the pipeline reviews article, do you have a minute to compare notes?',
  'Sure, happy to. What are you struggling with?',
  'Mostly getting sales to keep the CRM current before the review.',
  'We tie the review agenda to the CRM fields: if it is not in there, it is not discussed.',
  'Smart. Are you at the live Q&A next week?',
  'Yes, registered already. See you there!',
  'Thanks for the intro at the last webinar, it was great to meet your team.',
  'Likewise! Let us set up a call with our ops lead.',
];

/**
 * Threads under a third of the items: one to four comments by members, and replies under some of
 * them (sometimes by the item's author), all after the item and before `now`. Keeps comment_count.
 */
export async function seedDemoComments(
  client: Client,
  random: Random,
  options: { items: DemoItem[]; memberIds: string[]; now: Date },
): Promise<void> {
  const rows: Cell[][] = [];
  const counts = new Map<string, number>();
  const before = (at: number) => new Date(Math.min(at, options.now.getTime() - 60_000));
  for (const item of options.items) {
    if (!random.chance(0.35)) continue;
    for (let c = random.int(1, 4); c > 0; c--) {
      const id = random.uuid();
      const at = item.publishedAt + random.int(1, 72) * HOUR;
      rows.push([id, item.id, random.pick(options.memberIds), null, random.pick(COMMENTS), before(at)]);
      counts.set(item.id, (counts.get(item.id) ?? 0) + 1);
      if (!random.chance(0.4)) continue;
      for (let r = random.int(1, 2); r > 0; r--) {
        const author = random.chance(0.3) ? item.authorId : random.pick(options.memberIds);
        rows.push([random.uuid(), item.id, author, id, random.pick(REPLIES), before(at + random.int(1, 24) * HOUR)]);
        counts.set(item.id, counts.get(item.id)! + 1);
      }
    }
  }
  // Replies after their comment: rows are in that order, and COPY keeps it for the foreign key.
  await copyRows(client, 'comment', ['id', 'content_id', 'author_id', 'parent_id', 'body', 'created_at'], rows);
  await client.query('update content c set comment_count = x.n from unnest($1::uuid[], $2::int[]) as x(id, n) where c.id = x.id', [
    [...counts.keys()],
    [...counts.values()],
  ]);
}

/**
 * A few conversations, so the demo logins have messages to read: each demo member login talks to
 * another member, plus a handful between other members. Each side has read up to its own last message.
 */
export async function seedDemoConversations(
  client: Client,
  random: Random,
  options: { loginIds: string[]; memberIds: string[]; now: Date },
): Promise<void> {
  const pairs: [string, string][] = [];
  const others = options.memberIds.filter((id) => !options.loginIds.includes(id));
  for (const login of options.loginIds) pairs.push([login, random.pick(others)]);
  for (let i = 0; i < 6; i++) pairs.push([random.pick(others), random.pick(others)]);
  const seen = new Set<string>();
  for (const [a, b] of pairs) {
    const pairKey = pairKeyOf(a, b);
    if (a === b || seen.has(pairKey)) continue;
    seen.add(pairKey);
    const id = random.uuid();
    const start = options.now.getTime() - random.int(1, 14) * 24 * HOUR;
    // Replies come minutes to hours after the message before: in order, as a conversation does.
    let at = start;
    const messages = Array.from({ length: random.int(2, 6) }, (_, i) => ({
      sender: i % 2 ? b : a,
      body: DEMO_MESSAGES[i % DEMO_MESSAGES.length],
      at: new Date((at += i && random.int(5, 180) * 60_000)),
    }));
    const last = messages.at(-1)!.at;
    await client.query('insert into conversation (id, pair_key, created_at, last_message_at) values ($1, $2, $3, $4)', [
      id,
      pairKey,
      messages[0].at,
      last,
    ]);
    const lastSentBy = (member: string) => messages.filter((message) => message.sender === member).at(-1)?.at ?? null;
    await client.query(
      'insert into conversation_participant (conversation_id, member_id, last_read_at) values ($1, $2, $3), ($1, $4, $5)',
      [id, a, lastSentBy(a), b, lastSentBy(b)],
    );
    await copyRows(
      client,
      'message',
      ['id', 'conversation_id', 'sender_id', 'body', 'created_at'],
      messages.map((message) => [random.uuid(), id, message.sender, message.body, message.at]),
    );
  }
}
