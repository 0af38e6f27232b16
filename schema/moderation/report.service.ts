import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import type { Context } from '../../server/context';
import type { MemberRow } from '../identity/member.entity';
import { ModerationCase } from './moderation-case.entity';
import { ModerationErrors } from './moderation.errors';
import { ModerationLogAction } from './moderation.enums';
import type { ReportInput } from './moderation.inputs';
import { logDecision, setHidden } from './moderation-log';
import { HIDEABLE_TABLE, reportableSubject, type ReportableSubjectDeps } from './moderation-subject';
import { Report } from './report.entity';

export type ReportServiceDeps = Pick<Context, 'clock' | 'config' | 'em' | 'events' | 'rateLimits'> & ReportableSubjectDeps;

/** Members reporting what they see; enough distinct reporters hide it until a moderator decides. */
export class ReportService {
  constructor(private readonly ctx: ReportServiceDeps) {}

  /**
   * Files the viewer's report in the subject's open case (opening one), once per member and
   * subject. With MODERATION_AUTO_HIDE_REPORTERS distinct reporters in the case, a hideable
   * subject is hidden in the same transaction.
   */
  async report(reporter: MemberRow, input: ReportInput): Promise<Report> {
    const found = await reportableSubject(this.ctx, input.kind, input.subjectId);
    if (!found) throw ModerationErrors.subjectNotFound();
    if (found.authorId === reporter.id) throw ModerationErrors.ownSubject();
    if (await this.ctx.em.count(Report, { reporterId: reporter.id, subjectId: input.subjectId })) throw ModerationErrors.alreadyReported();
    await this.ctx.rateLimits.consume('reportsPerMember', reporter.id);
    const now = this.ctx.clock.now();
    let outcome: { report: Report; moderationCase: ModerationCase; opened: boolean; autoHidden: boolean };
    try {
      outcome = await this.ctx.em.transactional((em) => this.file(em as EntityManager, reporter, input, now));
    } catch (error) {
      // The same member reporting twice at the same instant: the unique index decides.
      if (error instanceof UniqueConstraintViolationException) throw ModerationErrors.alreadyReported();
      throw error;
    }
    const { report, moderationCase, opened, autoHidden } = outcome;
    this.ctx.events.emit('REPORT_FILED', { caseId: moderationCase.id, reportId: report.id, reporterId: reporter.id, opened });
    if (autoHidden) {
      this.ctx.events.emit('SUBJECT_HIDDEN', {
        kind: input.kind,
        subjectId: input.subjectId,
        authorId: found.authorId,
        caseId: moderationCase.id,
      });
      this.ctx.events.emit('MODERATION_VISIBILITY_CHANGED', { kind: input.kind, subjectId: input.subjectId, authorId: found.authorId });
    }
    return report;
  }

  private async file(em: EntityManager, reporter: MemberRow, input: ReportInput, now: Date) {
    // One open case per subject (partial unique index): concurrent first reports share it.
    const inserted = await em.execute<{ id: string }[]>(
      `insert into moderation_case (id, subject_kind, subject_id, status, report_count, opened_at) values (?, ?, ?, 'OPEN', 0, ?)
       on conflict (subject_id) where status = 'OPEN' do nothing returning id`,
      [randomUUID(), input.kind, input.subjectId, now],
    );
    const [counted] = await em.execute<Record<string, unknown>[]>(
      `update moderation_case set report_count = report_count + 1 where subject_id = ? and status = 'OPEN' returning *`,
      [input.subjectId],
    );
    const moderationCase = em.map(ModerationCase, counted);
    const report = em.create(Report, {
      caseId: moderationCase.id,
      reporterId: reporter.id,
      kind: input.kind,
      subjectId: input.subjectId,
      reason: input.reason,
      note: input.note?.trim() || null,
      createdAt: now,
    });
    await em.flush();
    const autoHidden = await this.autoHide(em, moderationCase, now);
    return { report, moderationCase, opened: inserted.length > 0, autoHidden };
  }

  /** Hides the subject once the case has enough distinct reporters (each member reports a subject once). */
  private async autoHide(em: EntityManager, moderationCase: ModerationCase, now: Date): Promise<boolean> {
    const threshold = this.ctx.config.moderationAutoHideReporters;
    const table = HIDEABLE_TABLE[moderationCase.subjectKind];
    if (!table || threshold === 0 || moderationCase.autoHidden || moderationCase.reportCount < threshold) return false;
    if (!(await setHidden(em, table, moderationCase.subjectId, now))) return false; // hidden already
    await em.execute('update moderation_case set auto_hidden = true where id = ?', [moderationCase.id]);
    moderationCase.autoHidden = true;
    await logDecision(em, {
      actorId: null,
      action: ModerationLogAction.AUTO_HIDE,
      subjectKind: moderationCase.subjectKind,
      subjectId: moderationCase.subjectId,
      caseId: moderationCase.id,
      note: `${moderationCase.reportCount} members reported it`,
      at: now,
    });
    return true;
  }
}
