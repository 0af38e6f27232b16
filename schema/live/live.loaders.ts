import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { byIdLoader, groupLoader } from '../../server/dataloaders';
import { ViewerKeyedLoader } from '../../server/viewer-loader';
import { themesBy } from '../content/content.loaders';
import type { MemberRow } from '../identity/member.entity';
import type { MeetingRow } from './networking/meeting.entity';
import { viewerMeetings } from './networking/networking.queries';
import type { SessionRegistrationRow } from './sessions/registration.entity';
import { liveSessionsByIds, registrantCounts, speakersOfSessions, viewerRegistrations } from './sessions/sessions.queries';

/** The live domain's per-request DataLoaders whose answers are the same for every viewer. */
export function createLiveLoaders(em: () => EntityManager) {
  return {
    liveSessionById: byIdLoader((ids) => liveSessionsByIds(em(), ids)),
    themesBySessionId: themesBy(em, 'live_session_theme', 'session_id'),
    speakersBySessionId: groupLoader<MemberRow>((ids) => speakersOfSessions(em(), ids)),
    registrantCountBySessionId: new DataLoader<string, number>(async (ids) => {
      const counts = await registrantCounts(em(), ids);
      return ids.map((id) => counts.get(id) ?? 0);
    }),
  };
}

/** The live domain's per-viewer loaders (see ViewerKeyedLoader): one statement per batch, whatever the number of viewers in it. */
export function createLiveViewerLoaders(em: () => EntityManager) {
  return {
    /** Meetings the viewer is one of the two members of (null for any other id). */
    viewerMeetingById: new ViewerKeyedLoader<MeetingRow | null>(
      () => null,
      (viewerIds, ids) => viewerMeetings(em(), viewerIds, ids),
    ),
    /** The viewer's active registration per session. */
    viewerRegistrationBySessionId: new ViewerKeyedLoader<SessionRegistrationRow | null>(
      () => null,
      (viewerIds, ids) => viewerRegistrations(em(), viewerIds, ids),
    ),
  };
}

type LiveLoaders = ReturnType<typeof createLiveLoaders>;
type LiveViewerLoaders = ReturnType<typeof createLiveViewerLoaders>;

declare module '../../server/loaders' {
  interface SharedLoaders extends LiveLoaders {}
  interface ViewerKeyedLoaders extends LiveViewerLoaders {}
}
