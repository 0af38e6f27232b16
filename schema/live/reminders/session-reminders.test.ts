import type { ParsedMail } from 'mailparser';
import type { JobDeps } from '../../../jobs/job-deps';
import type { Clock } from '../../../server/clock';
import type { Mailer } from '../../../server/mailer';
import { createSessionReminders, sendSessionReminders } from '../../../jobs/send-session-reminders.job';
import { buildAdmin, buildContent, buildMember } from '../../../test/factories';
import { jobDeps } from '../../../test/engagement';
import { buildAttendance, buildRegistration, buildSession } from '../../../test/live';
import { startTestServer, until, type TestServer } from '../../../test/server';
import { rawHeader, recipientsOf, startSmtpSink, type SmtpSink } from '../../../test/smtp-sink';
import { ContentStatus, ContentType } from '../../content/content.entity';
import type { Member } from '../../identity/member.entity';
import { LiveSession, LiveSessionStatus } from '../sessions/live-session.entity';
import { SessionEmailKind } from './session-reminder.entity';
import { sessionEmailMessageId } from './session-reminders.service';

let server: TestServer;
let sink: SmtpSink;
let deps: JobDeps;
const PUBLIC_URL = 'https://community.example.test';
const STARTS = new Date('2026-03-10T10:00:00Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const at = (offsetMs: number, from = STARTS) => new Date(from.getTime() + offsetMs);

beforeAll(async () => {
  sink = await startSmtpSink();
});
afterAll(async () => {
  await sink.stop();
});
// The job scans every session: each test gets a database of its own.
beforeEach(async () => {
  server = await startTestServer({ env: { PUBLIC_URL, COMMUNITY_TIMEZONE: 'Europe/Paris', MAIL_FROM: 'Acme Community <news@acme.test>' } });
  sink.messages.length = 0;
  deps = jobDeps(server, sink.url);
});
afterEach(async () => {
  await deps.mailer.close();
  await server.stop();
});

/** Runs the job at `when`, as the worker would every minute. */
async function runAt(when: Date) {
  server.clock.set(when);
  return sendSessionReminders(deps);
}

async function sessionWith(registrants: number, overrides: Parameters<typeof buildSession>[2] = {}) {
  const em = server.em();
  const admin = await buildAdmin(em);
  const session = await buildSession(em, admin.id, { startsAt: STARTS, ...overrides });
  const members: Member[] = [];
  for (let i = 0; i < registrants; i++) {
    const member = await buildMember(em);
    await buildRegistration(em, session, member);
    members.push(member);
  }
  return { session, members };
}

const reminderNotifications = (sessionId: string) =>
  server
    .em()
    .execute<{ recipient_id: string; subject_title: string }[]>(
      `select recipient_id, subject_title from notification where kind = 'SESSION_REMINDER' and subject_id = ? order by created_at`,
      [sessionId],
    );
const sentTo = (email: string) => recipientsOf(sink).filter((to) => to === email).length;
const addressOf = (mail: ParsedMail) => (Array.isArray(mail.to) ? mail.to[0] : mail.to)!.value[0].address;
const emailsOf = (members: Member[]) => members.map((m) => m.email).sort();

describe('session emails in each member’s language and time zone', () => {
  it('a French member gets French with the time in Paris, an English member in New York gets English at 06:00 their time', async () => {
    const em = server.em();
    const { session } = await sessionWith(0);
    const french = await buildMember(em, { displayName: 'Camille Martin', locale: 'fr', timeZone: 'Europe/Paris' });
    const newYork = await buildMember(em, { displayName: 'Ann Lee', locale: 'en', timeZone: 'America/New_York' });
    const undecided = await buildMember(em, { displayName: 'Sam Roe' });
    for (const member of [french, newYork, undecided]) await buildRegistration(em, session, member);

    await runAt(at(-24 * HOUR + 30_000));

    const mailTo = (member: Member) => sink.messages.find((m) => addressOf(m) === member.email)!;
    const inFrench = mailTo(french);
    expect(inFrench.subject).toBe('Pipeline reviews that work commence dans 24 heures');
    expect(rawHeader(inFrench, 'Content-Language')).toBe('fr');
    expect(inFrench.html).toMatch(/<html[^>]* lang="fr"/);
    expect(inFrench.text).toContain('Bonjour Camille,');
    expect(inFrench.text).toContain('mardi 10 mars à 11:00 (heure de Paris)');

    const inNewYork = mailTo(newYork);
    expect(inNewYork.subject).toBe('Pipeline reviews that work starts in 24 hours');
    expect(rawHeader(inNewYork, 'Content-Language')).toBe('en');
    expect(inNewYork.html).toMatch(/<html[^>]* lang="en"/);
    // 10:00 UTC; New York is on summer time (UTC-4) since 8 March.
    expect(inNewYork.text).toContain('Tuesday 10 March at 06:00 (New York time)');

    // No choice made: the community's language (COMMUNITY_LOCALE, en by default) and zone (Europe/Paris here).
    expect(mailTo(undecided).text).toContain('Tuesday 10 March at 11:00 (Paris time)');
    expect(rawHeader(mailTo(undecided), 'Content-Language')).toBe('en');
  });
});

describe('reminders before a session', () => {
  it('sends the 24-hour reminder once to each registrant, with a notification, however often the job runs', async () => {
    const { session, members } = await sessionWith(2);
    const outsider = await buildMember(server.em());
    const publish = jest.spyOn(server.hearth.deps.pubSub, 'publish');

    await runAt(at(-24 * HOUR - MINUTE));
    expect(sink.messages).toHaveLength(0);

    // Two workers at once, then the next minutes: still one each.
    const otherWorker = jobDeps(server, sink.url);
    await Promise.all([runAt(at(-24 * HOUR + 30_000)), sendSessionReminders(otherWorker)]);
    await otherWorker.mailer.close();
    await runAt(at(-24 * HOUR + MINUTE));
    await runAt(at(-20 * HOUR));

    expect(recipientsOf(sink).sort()).toEqual(emailsOf(members));
    expect(sentTo(outsider.email)).toBe(0);
    const mail = sink.messages.find((m) => addressOf(m) === members[0].email)!;
    expect(mail.subject).toBe('Pipeline reviews that work starts in 24 hours');
    expect(mail.text).toContain('Tuesday 10 March at 11:00 (Paris time)');
    expect(mail.text).toContain(`${PUBLIC_URL}/live/${session.id}`);
    expect(mail.messageId).toBe(sessionEmailMessageId(SessionEmailKind.REMINDER_24H, session.id, members[0].id, STARTS));
    expect(rawHeader(mail, 'List-Unsubscribe')).toBeUndefined();

    const notifications = await reminderNotifications(session.id);
    expect(notifications.map((n) => n.recipient_id).sort()).toEqual(members.map((m) => m.id).sort());
    expect(notifications.every((n) => n.subject_title === session.title)).toBe(true);
    for (const member of members) expect(publish).toHaveBeenCalledWith('NOTIFICATION_ADDED', member.id, expect.anything());

    const rows = await server
      .em()
      .execute('select kind, starts_at, sent_at, message_id from session_reminder where session_id = ?', [session.id]);
    expect(rows).toHaveLength(2);
    expect(rows.every((row) => row.kind === SessionEmailKind.REMINDER_24H && row.sent_at && row.message_id)).toBe(true);
  });

  it('sends the 15-minute reminder once, and nothing more until the start', async () => {
    const { session, members } = await sessionWith(2);

    await runAt(at(-24 * HOUR));
    await runAt(at(-15 * MINUTE + 10_000));
    await runAt(at(-10 * MINUTE));
    await runAt(at(-1 * MINUTE));
    await runAt(at(5 * MINUTE));

    for (const member of members) expect(sentTo(member.email)).toBe(2);
    const last = sink.messages.slice(-2);
    expect(last.map((m) => m.subject)).toEqual([
      'Pipeline reviews that work starts in 15 minutes',
      'Pipeline reviews that work starts in 15 minutes',
    ]);
    expect(last[0].messageId).not.toBe(sink.messages[0].messageId);
    expect(await reminderNotifications(session.id)).toHaveLength(4);
  });

  it('a registrant who signs up inside the last 24 hours gets the confirmation, then only the 15-minute reminder', async () => {
    const { session } = await sessionWith(0);
    const late = await buildMember(server.em());
    await buildRegistration(server.em(), session, late, { registeredAt: at(-3 * HOUR) });

    await runAt(at(-3 * HOUR + MINUTE));
    expect(sink.messages.map((m) => m.subject)).toEqual(['You are registered: Pipeline reviews that work']);
    await runAt(at(-2 * HOUR));
    await runAt(at(-14 * MINUTE));
    expect(sink.messages.map((m) => m.subject)).toEqual([
      'You are registered: Pipeline reviews that work',
      'Pipeline reviews that work starts in 14 minutes',
    ]);
  });

  it('a session moved later before its reminders were due gets one reminder of each kind at the new time, none at the old', async () => {
    const { session, members } = await sessionWith(2);
    await runAt(at(-25 * HOUR));
    const moved = at(48 * HOUR);
    await server.em().nativeUpdate(LiveSession, { id: session.id }, { startsAt: moved, endsAt: at(HOUR, moved) });

    for (const when of [at(-24 * HOUR), at(-15 * MINUTE), at(-1 * MINUTE)]) await runAt(when);
    expect(sink.messages).toHaveLength(0);
    expect(await reminderNotifications(session.id)).toHaveLength(0);

    for (const when of [at(-24 * HOUR, moved), at(-23 * HOUR, moved), at(-15 * MINUTE, moved), at(-5 * MINUTE, moved)]) await runAt(when);
    for (const member of members) expect(sentTo(member.email)).toBe(2);
    expect(sink.messages.map((m) => m.subject).sort()).toEqual([
      ...Array(2).fill('Pipeline reviews that work starts in 15 minutes'),
      ...Array(2).fill('Pipeline reviews that work starts in 24 hours'),
    ]);
    expect(sink.messages.every((m) => m.text!.includes('Thursday 12 March at 11:00 (Paris time)'))).toBe(true);
    expect(await reminderNotifications(session.id)).toHaveLength(4);
    const rows = await server
      .em()
      .execute<{ starts_at: Date }[]>('select starts_at from session_reminder where session_id = ?', [session.id]);
    expect(rows.map((row) => new Date(row.starts_at).toISOString())).toEqual(Array(4).fill(moved.toISOString()));
  });

  it('sends nothing for a cancelled registration or a cancelled session', async () => {
    const em = server.em();
    const {
      session,
      members: [stays, leaves],
    } = await sessionWith(2);
    await em.execute('update session_registration set cancelled_at = ? where session_id = ? and member_id = ?', [
      at(-2 * 24 * HOUR),
      session.id,
      leaves.id,
    ]);
    const {
      session: cancelled,
      members: [orphan],
    } = await sessionWith(1, { status: LiveSessionStatus.CANCELLED, cancelledAt: at(-3 * 24 * HOUR) });

    await runAt(at(-24 * HOUR));
    await runAt(at(-15 * MINUTE));

    expect(recipientsOf(sink)).toEqual([stays.email, stays.email]);
    expect((await reminderNotifications(session.id)).map((n) => n.recipient_id)).toEqual([stays.id, stays.id]);
    expect(await reminderNotifications(cancelled.id)).toHaveLength(0);
    expect(sentTo(orphan.email)).toBe(0);
  });

  it('reminds members who opted out of digests too: they asked for this session', async () => {
    const { session } = await sessionWith(0);
    const optedOut = await buildMember(server.em(), { digestEmails: false });
    await buildRegistration(server.em(), session, optedOut);

    await runAt(at(-15 * MINUTE));

    expect(recipientsOf(sink)).toEqual([optedOut.email]);
    expect(await reminderNotifications(session.id)).toHaveLength(1);
  });

  it('a send refused by the relay is retried by the next run (a minute later), with the same Message-ID and one notification', async () => {
    const {
      session,
      members: [member],
    } = await sessionWith(1);
    sink.failNext(1);

    await runAt(at(-24 * HOUR));
    expect(sink.messages).toHaveLength(0);
    const [claimed] = await server.em().execute('select sent_at from session_reminder where session_id = ?', [session.id]);
    expect(claimed.sent_at).toBeNull();

    await runAt(at(-24 * HOUR + MINUTE));
    await runAt(at(-24 * HOUR + 2 * MINUTE));
    expect(recipientsOf(sink)).toEqual([member.email]);
    expect(sink.messages[0].messageId).toBe(sessionEmailMessageId(SessionEmailKind.REMINDER_24H, session.id, member.id, STARTS));
    expect(await reminderNotifications(session.id)).toHaveLength(1);
  });

  it('a relay refusing connections: the run ends (no retry loop), and the next one sends every reminder once', async () => {
    const { session, members } = await sessionWith(5);
    await sink.refuseConnections();
    try {
      await runAt(at(-15 * MINUTE));
    } finally {
      await sink.acceptConnections();
    }
    expect(sink.messages).toHaveLength(0);
    await runAt(at(-14 * MINUTE));
    await runAt(at(-13 * MINUTE));
    expect(recipientsOf(sink).sort()).toEqual(members.map((m) => m.email).sort());
    expect(await reminderNotifications(session.id)).toHaveLength(5);
  });

  it('a run slower than its lease sends nothing once another run has taken its claim over', async () => {
    const {
      session,
      members: [member],
    } = await sessionWith(1);
    const leaseMs = server.config.jobLockLifetimeMs;
    const claimedAround = at(-24 * HOUR + 30_000);
    // The slow run's every reading of the clock is a lease later than the one before: by the time
    // its email is composed, the claim it took has run out (a long render on a busy machine).
    let slowTime = claimedAround.getTime();
    const slowClock: Clock = { now: () => new Date((slowTime += leaseMs)) };
    // If it reaches SMTP at all, a punctual run overtakes it first: the lease has run out for
    // everyone, so that run takes the claim over and sends.
    let overtaken = false;
    const overtake = async () => {
      overtaken = true;
      await runAt(at(4 * leaseMs + MINUTE, claimedAround));
    };
    const mailer: Mailer = {
      send: async (email) => {
        if (!overtaken) await overtake();
        return deps.mailer.send(email);
      },
      close: async () => undefined,
    };
    await sendSessionReminders({ ...deps, clock: slowClock, mailer });
    if (!overtaken) await overtake();
    expect(recipientsOf(sink)).toEqual([member.email]);
    expect(await reminderNotifications(session.id)).toHaveLength(1);
  });
  it('a relay slower than the lease: the run keeps renewing its claim, so no other run sends the reminder too', async () => {
    const {
      session,
      members: [member],
    } = await sessionWith(1);
    const leaseMs = server.config.jobLockLifetimeMs;
    server.clock.set(at(-24 * HOUR + 30_000));
    const mailer: Mailer = {
      send: async (email) => {
        // The exchange outlasts the lease twice over while the run renews its claim (every 10 ms here).
        for (let step = 0; step < 4; step++) {
          const now = server.clock.now().getTime() + leaseMs / 2;
          server.clock.set(new Date(now));
          await until('a renewal of the claim', async () => {
            const [row] = await server
              .em()
              .execute<{ claimed_at: string }[]>('select claimed_at from session_reminder where session_id = ? and member_id = ?', [
                session.id,
                member.id,
              ]);
            return new Date(row.claimed_at).getTime() >= now;
          });
        }
        await sendSessionReminders(deps); // another run, two leases after the claim
        return deps.mailer.send(email);
      },
      close: async () => undefined,
    };
    await createSessionReminders({ ...deps, mailer }, { renewEveryMs: 10 }).run();
    expect(recipientsOf(sink)).toEqual([member.email]);
    expect(await reminderNotifications(session.id)).toHaveLength(1);
  });
});

describe('what session emails carry', () => {
  it('reminds with the description, the speakers and the session as a calendar event (.ics)', async () => {
    const em = server.em();
    const speakers = [await buildMember(em, { displayName: 'Hugo Moreau' }), await buildMember(em, { displayName: 'Nadia Silva' })];
    const {
      session,
      members: [member],
    } = await sessionWith(1, {
      description: 'Three revenue leaders, one agenda; bring questions, please.',
      speakerIds: speakers.map((speaker) => speaker.id),
    });
    await runAt(at(-24 * HOUR));
    const [mail] = sink.messages;
    expect(mail.text).toContain('Three revenue leaders, one agenda; bring questions, please.');
    expect(mail.text).toContain('With Hugo Moreau and Nadia Silva');
    expect(mail.attachments.map((file) => [file.filename, file.contentType])).toEqual([['session.ics', 'text/calendar']]);
    const ics = mail.attachments[0].content.toString('utf8');
    expect(ics).toContain(`UID:session-${session.id}@hearth\r\n`);
    expect(ics).toContain('DTSTART:20260310T100000Z\r\n');
    expect(ics).toContain('DTEND:20260310T110000Z\r\n');
    expect(ics).toContain('SUMMARY:Pipeline reviews that work\r\n');
    expect(ics.replace(/\r\n /g, '')).toContain('DESCRIPTION:Three revenue leaders\\, one agenda\\; bring questions\\, please.');
    expect(ics.split('\r\n').every((line) => Buffer.byteLength(line) <= 75)).toBe(true);
    expect(addressOf(mail)).toBe(member.email);
  });

  it('confirms a new registration within a minute, once, with the calendar event; a consent change or an old registration gets none', async () => {
    const { session } = await sessionWith(0);
    const [member, older] = [await buildMember(server.em(), { displayName: 'Camille Martin' }), await buildMember(server.em())];
    await buildRegistration(server.em(), session, older, { registeredAt: at(-5 * 24 * HOUR) });
    server.clock.set(at(-3 * 24 * HOUR));
    const token = await server.tokenFor(member.id);
    const REGISTER = `mutation($id: ID!, $share: Boolean!) { registerForSession(sessionId: $id, shareContactWithPartner: $share) { id } }`;
    expect((await server.gql(REGISTER, { id: session.id, share: false }, { token })).errors).toBeUndefined();

    await runAt(at(-3 * 24 * HOUR + MINUTE));
    expect(recipientsOf(sink)).toEqual([member.email]);
    const [mail] = sink.messages;
    expect(mail.subject).toBe('You are registered: Pipeline reviews that work');
    expect(mail.text).toContain('Hi Camille,');
    expect(mail.text).toContain('Tuesday 10 March at 11:00 (Paris time)');
    expect(mail.text).toContain(`${PUBLIC_URL}/live/${session.id}`);
    expect(mail.attachments[0].filename).toBe('session.ics');
    expect(mail.messageId).toBe(sessionEmailMessageId(SessionEmailKind.REGISTERED, session.id, member.id, STARTS));
    expect(rawHeader(mail, 'List-Unsubscribe')).toBeUndefined();

    expect((await server.gql(REGISTER, { id: session.id, share: true }, { token })).errors).toBeUndefined();
    await runAt(at(-3 * 24 * HOUR + 2 * MINUTE));
    await runAt(at(-2 * 24 * HOUR));
    expect(sink.messages).toHaveLength(1);
    expect(await reminderNotifications(session.id)).toHaveLength(0);
  });
});

describe('"you missed it" once the replay is out', () => {
  async function endedSessionWithReplay(endedAt: Date) {
    const em = server.em();
    const replay = await buildContent(em, { type: ContentType.REPLAY, status: ContentStatus.PUBLISHED, createdAt: endedAt });
    // It started 4 minutes late: "held on" says when it actually took place.
    const { session, members } = await sessionWith(0, {
      status: LiveSessionStatus.ENDED,
      startedAt: at(4 * MINUTE),
      endedAt,
      replayId: replay.id,
    });
    return { session, members, replay };
  }

  it('mails registrants who did not attend, once, with a replay link whose click is attributed to the email', async () => {
    const em = server.em();
    const endedAt = at(HOUR);
    const { session, replay } = await endedSessionWithReplay(endedAt);
    const [attended, absent, cancelled, optedOut] = [
      await buildMember(em),
      await buildMember(em),
      await buildMember(em),
      await buildMember(em, { digestEmails: false }),
    ];
    for (const member of [attended, absent, optedOut]) await buildRegistration(em, session, member);
    await buildRegistration(em, session, cancelled, { cancelledAt: at(-HOUR) });
    await buildAttendance(em, session, attended, at(5 * MINUTE), at(20 * MINUTE));

    await runAt(at(2 * HOUR));
    await runAt(at(3 * HOUR));
    await runAt(at(3 * 24 * HOUR));

    expect(recipientsOf(sink)).toEqual([absent.email]);
    const [mail] = sink.messages;
    expect(mail.subject).toBe('You missed "Pipeline reviews that work": the replay is ready');
    expect(mail.text).toContain('Held on Tuesday 10 March at 11:04 (Paris time)');
    const link = new RegExp(`${PUBLIC_URL}/r/[\\w-]+`).exec(mail.text!)![0];
    expect(mail.html).toContain(`href="${link}"`);
    const followed = await fetch(link.replace(PUBLIC_URL, new URL(server.hearth.url).origin), { redirect: 'manual' });
    expect(followed.status).toBe(302);
    expect(followed.headers.get('location')).toBe(`${PUBLIC_URL}/content/${replay.id}?source=EMAIL`);
    server.clock.advance({ minutes: 1 });
    await server.gql(
      `mutation($input: RecordContentViewInput!) { recordContentView(input: $input) { newView } }`,
      { input: { contentId: replay.id, seconds: 0 } },
      { token: await server.tokenFor(absent.id) },
    );
    const [visit] = await server.em().execute<{ source: string }[]>('select source from visit where member_id = ?', [absent.id]);
    expect(visit.source).toBe('EMAIL');
    const [view] = await server
      .em()
      .execute<{ source: string }[]>('select source from content_view where member_id = ? and content_id = ?', [absent.id, replay.id]);
    expect(view.source).toBe('EMAIL');
    const [click] = await server
      .em()
      .execute<{ session_id: string; digest_id: string | null }[]>('select session_id, digest_id from digest_click where member_id = ?', [
        absent.id,
      ]);
    expect(click).toEqual({ session_id: session.id, digest_id: null });
    expect(mail.messageId).toBe(sessionEmailMessageId(SessionEmailKind.REPLAY_MISSED, session.id, absent.id, STARTS));
    expect(rawHeader(mail, 'List-Unsubscribe')).toMatch(
      /^<https:\/\/community\.example\.test\/unsubscribe\/[\w-]+>, <mailto:unsubscribe@acme\.test\?subject=unsubscribe>$/,
    );
    expect(await reminderNotifications(session.id)).toHaveLength(0);
  });

  it('waits for the replay, and leaves sessions ended more than 7 days ago alone', async () => {
    const em = server.em();
    const nextWeek = at(7 * 24 * HOUR);
    const recent = await sessionWith(1, { startsAt: nextWeek, status: LiveSessionStatus.ENDED, endedAt: at(HOUR, nextWeek) });
    const old = await endedSessionWithReplay(at(HOUR));
    await buildRegistration(em, old.session, await buildMember(em));

    await runAt(at(2 * HOUR, nextWeek));
    expect(sink.messages).toHaveLength(0);

    const replay = await buildContent(em, { type: ContentType.REPLAY, createdAt: at(3 * HOUR, nextWeek) });
    await em.nativeUpdate(LiveSession, { id: recent.session.id }, { replayId: replay.id });
    await runAt(at(3 * HOUR, nextWeek));
    await runAt(at(4 * HOUR, nextWeek));
    expect(recipientsOf(sink)).toEqual([recent.members[0].email]);
  });
});
