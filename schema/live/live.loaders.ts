import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { readModel } from '../../server/db/read-model';
import { uuidArray } from '../../server/db/sql';
import { byIdLoader, groupLoader } from '../../server/dataloaders';
import { inPairOrder, PAIRS, ViewerKeyedLoader, type PairRow } from '../../server/viewer-loader';
import { themesBy } from '../content/content.loaders';
import { Member } from '../identity/member.entity';
import { LiveSession } from './sessions/live-session.entity';
import { Meeting } from './networking/meeting.entity';
import { SessionRegistration } from './sessions/registration.entity';

/** The live domain's per-request DataLoaders whose answers are the same for every viewer. */
export function createLiveLoaders(em: EntityManager) {
  return {
    liveSessionById: byIdLoader(async (ids) =>
      (await em.execute<Record<string, unknown>[]>('select * from live_session where id = any(?::uuid[])', [uuidArray(ids)])).map(
        readModel(em, LiveSession),
      ),
    ),
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
  };
}

/** The live domain's per-viewer loaders (see ViewerKeyedLoader): one statement per batch, whatever the number of viewers in it. */
export function createLiveViewerLoaders(em: EntityManager) {
  return {
    /** Meetings the viewer is one of the two members of (null for any other id). */
    viewerMeetingById: new ViewerKeyedLoader<Meeting | null>(
      () => null,
      async (viewerIds, ids) => {
        const rows = await em.execute<PairRow[]>(
          `select k.viewer_id, k.id as key_id, mt.* from ${PAIRS}
             join meeting mt on mt.id = k.id and (mt.requester_id = k.viewer_id or mt.recipient_id = k.viewer_id)`,
          [uuidArray(viewerIds), uuidArray(ids)],
        );
        return inPairOrder(viewerIds, ids, rows, readModel(em, Meeting), null);
      },
    ),
    /** The viewer's active registration per session. */
    viewerRegistrationBySessionId: new ViewerKeyedLoader<SessionRegistration | null>(
      () => null,
      async (viewerIds, ids) => {
        const rows = await em.execute<PairRow[]>(
          `select k.viewer_id, k.id as key_id, r.* from ${PAIRS}
             join session_registration r on r.member_id = k.viewer_id and r.session_id = k.id and r.cancelled_at is null`,
          [uuidArray(viewerIds), uuidArray(ids)],
        );
        return inPairOrder(viewerIds, ids, rows, readModel(em, SessionRegistration), null);
      },
    ),
  };
}

type LiveLoaders = ReturnType<typeof createLiveLoaders>;
type LiveViewerLoaders = ReturnType<typeof createLiveViewerLoaders>;

declare module '../../server/loaders' {
  interface SharedLoaders extends LiveLoaders {}
  interface ViewerKeyedLoaders extends LiveViewerLoaders {}
}
