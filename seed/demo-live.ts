import type { Client } from 'pg';
import { recordingFilepath } from '../schema/live/sessions/recording.service';
import { copyRows, type Cell } from './copy';
import type { Random } from './random';

export interface DemoLiveOptions {
  adminId: string;
  speakerId: string;
  partnerId: string;
  memberIds: string[];
  now: Date;
}

const HOUR = 3_600_000;

/**
 * Three webinars, so the live features have something to show: one ended last week with
 * registrations (some consenting to the partner), attendance and reconnects, and its recording
 * published as a replay, one starting in an hour (its room opens 15 minutes before), and one next
 * week. Stats, leads, joins and the replay work at once.
 */
export async function seedDemoSessions(client: Client, random: Random, options: DemoLiveOptions): Promise<void> {
  const { rows: themes } = await client.query<{ id: string }>('select id from theme order by slug limit 2');
  const day = Math.floor(options.now.getTime() / HOUR) * HOUR;
  const sessions = [
    {
      title: 'Customer panel: forecasting that sales trusts',
      // Over a week ago, replay included: past the 7 days in which absentees get "you missed it"
      // (a live community sent it then; the demo's first start does not), and before the last
      // visit of members away for just a week, whose win-back digest keeps room for cold items.
      starts: day - 8 * 24 * HOUR,
      status: 'ENDED',
      registrants: 60,
      description:
        'Three revenue leaders on how they rebuilt their forecast call so that sales and finance trust the same number. Bring your questions.',
    },
    {
      title: 'Live Q&A: the product roadmap',
      starts: day + HOUR,
      status: 'SCHEDULED',
      registrants: 25,
      description: 'The product team walks through what ships this quarter and takes your questions live. Vote on questions in the chat.',
    },
    {
      title: 'Partner workshop: pipeline reviews',
      starts: day + 7 * 24 * HOUR,
      status: 'SCHEDULED',
      registrants: 10,
      description: 'A hands-on hour with our partner: we build a pipeline review agenda together, with the template to take home.',
    },
  ];
  for (const session of sessions) {
    const id = random.uuid();
    const startsAt = new Date(session.starts);
    const endsAt = new Date(session.starts + HOUR);
    const ended = session.status === 'ENDED';
    await client.query(
      `insert into live_session (id, title, description, starts_at, ends_at, capacity, status, partner_id, auto_record, created_by_id,
         created_at, updated_at, started_at, ended_at)
       values ($1, $2, $3, $4, $5, 200, $6, $7, true, $8, $9, $9, $10, $11)`,
      [
        id,
        session.title,
        session.description,
        startsAt,
        endsAt,
        session.status,
        options.partnerId,
        options.adminId,
        new Date(session.starts - 14 * 24 * HOUR),
        ended ? startsAt : null,
        ended ? endsAt : null,
      ],
    );
    for (const theme of themes) await client.query('insert into live_session_theme (session_id, theme_id) values ($1, $2)', [id, theme.id]);
    await client.query('insert into live_session_speaker (session_id, member_id) values ($1, $2)', [id, options.speakerId]);
    const registrants = options.memberIds.slice(0, session.registrants);
    // Registered between the announcement (two weeks before) and the earlier of the start and now: never in the future.
    const announced = session.starts - 14 * 24 * HOUR;
    const latest = Math.min(session.starts, options.now.getTime()) - HOUR;
    await copyRows(
      client,
      'session_registration',
      ['id', 'session_id', 'member_id', 'share_contact_with_partner', 'registered_at'],
      registrants.map((memberId) => [
        random.uuid(),
        id,
        memberId,
        random.chance(0.5),
        new Date(announced + random.next() * (latest - announced)),
      ]),
    );
    if (ended) {
      await seedAttendance(client, random, id, registrants, session.starts);
      await seedReplay(client, random, { sessionId: id, title: session.title, description: session.description, startsAt, endsAt });
    }
  }
}

/**
 * The session's recording as LiveKit's egress_ended leaves it (LiveKitEventHandler.egressEnded):
 * a published REPLAY on the session's themes by its speaker, its summary the description, linked
 * from the session, and the egress that recorded it. The file is where LiveKit's storage would
 * have written it (recordingFilepath, `{time}` as LiveKit fills it in).
 */
async function seedReplay(
  client: Client,
  random: Random,
  session: { sessionId: string; title: string; description: string; startsAt: Date; endsAt: Date },
): Promise<void> {
  const replayId = random.uuid();
  const egressId = `EG_${random.uuid().replace(/-/g, '').slice(0, 12)}`;
  const publishedAt = new Date(session.endsAt.getTime() + 4 * 60_000);
  const time = session.startsAt.toISOString().slice(0, 19).replace(/:/g, '');
  const mediaUrl = `https://media.demo.hearth.dev/${recordingFilepath(session.sessionId).replace('{time}', time)}`;
  await client.query(
    `insert into content (id, type, title, summary, media_url, author_id, status, published_at, created_at, updated_at)
     select $1, 'REPLAY', $2, $3, $4, sp.member_id, 'PUBLISHED', $5, $5, $5
       from live_session_speaker sp join member m on m.id = sp.member_id where sp.session_id = $6 order by m.display_name, m.id limit 1`,
    [replayId, `Replay: ${session.title}`, session.description, mediaUrl, publishedAt, session.sessionId],
  );
  await client.query('insert into content_theme (content_id, theme_id) select $1, theme_id from live_session_theme where session_id = $2', [
    replayId,
    session.sessionId,
  ]);
  await client.query('update live_session set replay_id = $1, recording_egress_id = $2, updated_at = $3 where id = $4', [
    replayId,
    egressId,
    publishedAt,
    session.sessionId,
  ]);
}

/** Two thirds of the registrants attend; some drop out and reconnect (two segments). */
async function seedAttendance(client: Client, random: Random, sessionId: string, memberIds: string[], starts: number): Promise<void> {
  const rows: Cell[][] = [];
  for (const memberId of memberIds) {
    if (!random.chance(2 / 3)) continue;
    const joined = starts + random.int(0, 10) * 60_000;
    const left = starts + HOUR - random.int(0, 20) * 60_000;
    if (random.chance(0.2)) {
      const drop = joined + random.int(5, 20) * 60_000;
      rows.push([random.uuid(), sessionId, memberId, `PA_${random.uuid()}`, new Date(joined), new Date(drop)]);
      rows.push([random.uuid(), sessionId, memberId, `PA_${random.uuid()}`, new Date(drop + 2 * 60_000), new Date(left)]);
    } else {
      rows.push([random.uuid(), sessionId, memberId, `PA_${random.uuid()}`, new Date(joined), new Date(left)]);
    }
  }
  await copyRows(client, 'attendance_segment', ['id', 'session_id', 'member_id', 'participant_sid', 'joined_at', 'left_at'], rows);
}
