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

/** Sets or clears `hidden_at` of a content item, comment or message; true when it changed. */
export async function setHidden(em: EntityManager, table: string, id: string, hiddenAt: Date | null): Promise<boolean> {
  const changed = await em.execute(
    `update ${table} set hidden_at = ? where id = ? and hidden_at is ${hiddenAt ? 'null' : 'not null'}`,
    [hiddenAt, id],
    'run',
  );
  return (changed as { affectedRows?: number }).affectedRows !== 0;
}
