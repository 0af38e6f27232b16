import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { byIdLoader } from '../../server/dataloaders';
import type { MessageRow } from '../conversation/message.entity';
import { ModerationCase } from './moderation-case.entity';
import { messagesByIds } from './moderation.queries';
import { Report } from './report.entity';

/** Moderation's per-request loaders (only moderation resolvers, behind their role check, use them). */
export function createModerationLoaders(em: () => EntityManager) {
  return {
    /** Any message by id, whoever asks: for the moderation queue only. */
    messageById: byIdLoader<MessageRow>((ids) => messagesByIds(em(), ids)),
    moderationCaseById: byIdLoader<ModerationCase>((ids) => em().find(ModerationCase, { id: { $in: [...ids] } })),
    /** A case's reports, oldest first. */
    reportsByCaseId: new DataLoader<string, Report[]>(async (caseIds) => {
      const rows = await em().find(Report, { caseId: { $in: [...caseIds] } }, { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
      return caseIds.map((id) => rows.filter((row) => row.caseId === id));
    }),
  };
}

type ModerationLoaders = ReturnType<typeof createModerationLoaders>;

declare module '../../server/loaders' {
  interface SharedLoaders extends ModerationLoaders {}
}
