import type { EntityManager } from '@mikro-orm/postgresql';
import { readModel } from '../../server/db/read-model';
import { rawSql, sql, uuidArray, type Sql } from '../../server/db/sql';
import { MessageRow } from '../conversation/message.entity';
import { ReportKind } from './moderation.enums';
import { HIDEABLE_TABLE } from './moderation-subject';
import { queryRows } from '../../server/db/read-query';

/** Moderation's reads that bypass the ORM, each one statement built with the sql helper. */

const rows = queryRows;

/** Any messages by id, whoever asks: for the moderation queue only (the union ModerationSubject tells them by class). */
export async function messagesByIds(em: EntityManager, ids: readonly string[]): Promise<MessageRow[]> {
  return (await rows(em, sql`select * from message where id = any(${uuidArray(ids)}::uuid[])`)).map(readModel(em, MessageRow));
}

/** The author of a subject (the member for a MEMBER subject), read in `em`; null once it is gone. */
export async function subjectAuthor(em: EntityManager, kind: ReportKind, id: string): Promise<string | null> {
  if (kind === ReportKind.MEMBER) return (await rows<{ id: string }>(em, sql`select id from member where id = ${id}`))[0]?.id ?? null;
  const column = rawSql(kind === ReportKind.MESSAGE ? 'sender_id' : 'author_id');
  const [row] = await rows<{ author: string }>(em, sql`select ${column} as author from ${rawSql(HIDEABLE_TABLE[kind]!)} where id = ${id}`);
  return row?.author ?? null;
}

/** What names a subject in a notification, and where it lives (for deep links). */
export interface SubjectLabel {
  label: string;
  context_id: string | null;
}

const LABELS: Record<ReportKind, (id: string) => Sql> = {
  [ReportKind.CONTENT]: (id) => sql`select title as label, null::uuid as context_id from content where id = ${id}`,
  [ReportKind.COMMENT]: (id) => sql`select coalesce(body, '') as label, content_id as context_id from comment where id = ${id}`,
  [ReportKind.MESSAGE]: (id) => sql`select body as label, conversation_id as context_id from message where id = ${id}`,
  [ReportKind.MEMBER]: (id) => sql`select display_name as label, null::uuid as context_id from member where id = ${id}`,
};

export async function subjectLabel(em: EntityManager, kind: ReportKind, id: string): Promise<SubjectLabel | undefined> {
  return (await rows<SubjectLabel>(em, LABELS[kind](id)))[0];
}

/** What a moderation case is about. */
export interface CaseSubject {
  subject_kind: ReportKind;
  subject_id: string;
}

export async function caseSubject(em: EntityManager, caseId: string): Promise<CaseSubject | undefined> {
  return (await rows<CaseSubject>(em, sql`select subject_kind, subject_id from moderation_case where id = ${caseId}`))[0];
}

/** Every admin and moderator but `exceptId`. */
export async function moderatorIds(em: EntityManager, exceptId: string): Promise<string[]> {
  const found = await rows<{ id: string }>(em, sql`select id from member where role in ('ADMIN', 'MODERATOR') and id <> ${exceptId}`);
  return found.map(({ id }) => id);
}

/**
 * The members whose suspension ended in (`since`, `now`]: a suspension lifted earlier is null, one
 * extended ends later, so neither is here at its old end. Through member_suspended_index.
 */
export async function suspensionsEndedBetween(em: EntityManager, since: Date, now: Date): Promise<string[]> {
  const found = await rows<{ id: string }>(
    em,
    sql`select id from member where suspended_until > ${since}::timestamptz and suspended_until <= ${now}::timestamptz order by suspended_until, id`,
  );
  return found.map((row) => row.id);
}
