import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { readModel } from '../../server/db/read-model';
import { uuidArray } from '../../server/db/sql';
import { byIdLoader, groupLoader } from '../../server/loaders';
import { themesBy } from '../content/content.loaders';
import { Member } from '../identity/member.entity';
import { LiveSession } from './sessions/live-session.entity';
import { Meeting } from './networking/meeting.entity';
import { SessionRegistration } from './sessions/registration.entity';

/** The live domain's per-request DataLoaders. */
export function createLiveLoaders(em: EntityManager, viewerId: () => string | null) {
  return {
    liveSessionById: byIdLoader(async (ids) =>
      (await em.execute<Record<string, unknown>[]>('select * from live_session where id = any(?::uuid[])', [uuidArray(ids)])).map(
        readModel(em, LiveSession),
      ),
    ),
    /** Meetings the viewer is one of the two members of (null for any other id). */
    viewerMeetingById: byIdLoader<Meeting>(async (ids) => {
      const viewer = viewerId();
      if (!viewer) return [];
      const rows = await em.execute<Record<string, unknown>[]>('select * from meeting where id = any(?::uuid[]) and (requester_id = ? or recipient_id = ?)', [
        uuidArray(ids),
        viewer,
        viewer,
      ]);
      return rows.map(readModel(em, Meeting));
    }),
    themesBySessionId: themesBy(em, 'live_session_theme', 'session_id'),
    speakersBySessionId: groupLoader<Member>(async (ids) => {
      const rows = await em.execute<(Record<string, unknown> & { session_id: string })[]>(
        `select s.session_id, m.* from live_session_speaker s join member m on m.id = s.member_id
          where s.session_id = any(?::uuid[]) order by m.display_name, m.id`,
        [uuidArray(ids)],
      );
      const toMember = readModel(em, Member);
      return rows.map((row) => [row.session_id, toMember(row)]);
    }),
    registrantCountBySessionId: new DataLoader<string, number>(async (ids) => {
      const rows = await em.execute<{ session_id: string; count: number }[]>(
        `select session_id, count(*)::int as count from session_registration
          where session_id = any(?::uuid[]) and cancelled_at is null group by session_id`,
        [uuidArray(ids)],
      );
      const counts = new Map(rows.map((row) => [row.session_id, row.count]));
      return ids.map((id) => counts.get(id) ?? 0);
    }),
    /** The viewer's active registration per session. */
    viewerRegistrationBySessionId: new DataLoader<string, SessionRegistration | null>(async (ids) => {
      const viewer = viewerId();
      if (!viewer) return ids.map(() => null);
      const rows = await em.execute<Record<string, unknown>[]>(
        'select * from session_registration where member_id = ? and session_id = any(?::uuid[]) and cancelled_at is null',
        [viewer, uuidArray(ids)],
      );
      const registrations = new Map(rows.map((row) => [row.session_id as string, readModel(em, SessionRegistration)(row)]));
      return ids.map((id) => registrations.get(id) ?? null);
    }),
  };
}
