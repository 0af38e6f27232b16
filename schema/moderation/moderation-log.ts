import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import type { ModerationLogAction, ReportKind } from './moderation.enums';

export interface LogLine {
  actorId: string | null;
  action: ModerationLogAction;
  subjectKind: ReportKind;
  subjectId: string;
  caseId?: string | null;
  note?: string | null;
  at: Date;
}

/** Appends to the moderation log inside the caller's transaction: a decision and its record commit together. */
export async function logDecision(em: EntityManager, line: LogLine): Promise<void> {
  await em.execute(
    'insert into moderation_log_entry (id, actor_id, action, subject_kind, subject_id, case_id, note, created_at) values (?, ?, ?, ?, ?, ?, ?, ?)',
    [randomUUID(), line.actorId, line.action, line.subjectKind, line.subjectId, line.caseId ?? null, line.note ?? null, line.at],
  );
}

/**
 * Sets or clears `hidden_at` of a content item, comment or message; true when it changed. A
 * comment (not deleted) leaves or rejoins its item's `comment_count` in the same transaction.
 */
export async function setHidden(em: EntityManager, table: string, id: string, hiddenAt: Date | null): Promise<boolean> {
  const changed = await em.execute<{ content_id?: string; deleted_at?: Date | null }[]>(
    `update ${table} set hidden_at = ? where id = ? and hidden_at is ${hiddenAt ? 'null' : 'not null'} returning ${table === 'comment' ? 'content_id, deleted_at' : 'id'}`,
    [hiddenAt, id],
  );
  if (!changed.length) return false;
  const [comment] = changed;
  if (table === 'comment' && !comment.deleted_at)
    await em.execute('update content set comment_count = comment_count + ? where id = ?', [hiddenAt ? -1 : 1, comment.content_id]);
  return true;
}
