import { announceSuspensionEndsJob } from '../../jobs/announce-suspension-ends.job';
import type { HearthModule } from '../../server/module';
import { ModerationCase } from './moderation-case.entity';
import { ModerationLogEntry } from './moderation-log-entry.entity';
import { registerModerationHandlers } from './moderation.handlers';
import { createModerationLoaders } from './moderation.loaders';
import {
  MemberSuspensionResolver,
  ModerationCaseResolver,
  ModerationLogEntryResolver,
  ModerationResolver,
  ReportResolver,
} from './moderation.resolver';
import { Report } from './report.entity';

declare module '../../server/events' {
  interface DomainEvents {
    /** A member reported something; `opened`: the report opened its case (moderators hear about new cases). */
    REPORT_FILED: { caseId: string; reportId: string; reporterId: string; opened: boolean };
    /** A moderator (or enough reporters) hid a content item, comment or message; its author hears about it. */
    SUBJECT_HIDDEN: { kind: 'CONTENT' | 'COMMENT' | 'MESSAGE' | 'MEMBER'; subjectId: string; authorId: string; caseId: string | null };
    /** A moderator deleted a content item, comment or message (resolveReport DELETE; members are not deleted). */
    SUBJECT_DELETED: { kind: 'CONTENT' | 'COMMENT' | 'MESSAGE' | 'MEMBER'; subjectId: string };
    /** A member was suspended (emitted after MEMBER_CHANGED): their open sockets close on every instance. */
    MEMBER_SUSPENDED: { memberId: string };
    /**
     * What moderation hides from others changed: a content item, comment or message (by `authorId`)
     * was hidden or shown again, or a suspension began or ended (MEMBER: everything by `authorId`,
     * the subject). Members notified about it hear their new unread count. A suspension that runs
     * out at `until` emits nothing: the worker's announce-suspension-ends tells the same readers.
     */
    MODERATION_VISIBILITY_CHANGED: { kind: 'CONTENT' | 'COMMENT' | 'MESSAGE' | 'MEMBER'; subjectId: string; authorId: string };
  }
}

/**
 * Reports, the moderators' queue and decisions, suspensions (the worker announces their ends) and
 * the moderation log. What is hidden from whom lives in visibility.ts, which the other domains'
 * lists use.
 */
export const moderationModule: HearthModule = {
  name: 'moderation',
  entities: [ModerationCase, Report, ModerationLogEntry],
  resolvers: [ModerationResolver, ModerationCaseResolver, ReportResolver, ModerationLogEntryResolver, MemberSuspensionResolver],
  loaders: createModerationLoaders,
  handlers: registerModerationHandlers,
  jobs: [announceSuspensionEndsJob],
};
