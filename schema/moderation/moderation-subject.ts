import { createUnionType } from 'type-graphql';
import type { Context } from '../../server/context';
import { CommentRow } from '../content/comment.entity';
import { ContentRow } from '../content/content.entity';
import { ContentService, type ContentServiceDeps } from '../content/content.service';
import { MessageRow } from '../conversation/message.entity';
import { MemberRow } from '../identity/member.entity';
import { ReportKind } from './moderation.enums';

export type Subject = ContentRow | CommentRow | MessageRow | MemberRow;

/** What a moderation case is about, so the queue shows it without another query per kind. */
export const ModerationSubject = createUnionType({
  name: 'ModerationSubject',
  description: 'A reported content item, comment, message or member.',
  types: () => [ContentRow, CommentRow, MessageRow, MemberRow] as const,
  resolveType: (value) => {
    for (const type of [ContentRow, CommentRow, MessageRow, MemberRow]) if (value instanceof type) return type;
    return undefined;
  },
});

/** The table of each hideable kind (members are suspended, not hidden). */
export const HIDEABLE_TABLE: Partial<Record<ReportKind, string>> = {
  [ReportKind.CONTENT]: 'content',
  [ReportKind.COMMENT]: 'comment',
  [ReportKind.MESSAGE]: 'message',
};

export type ReportableSubjectDeps = Pick<Context, 'loaders' | 'viewer'> & ContentServiceDeps;

/** A subject as a reporter may see it, and who wrote it (the member themself for a MEMBER report); null if they may not see it. */
export async function reportableSubject(
  ctx: ReportableSubjectDeps,
  kind: ReportKind,
  id: string,
): Promise<{ subject: Subject; authorId: string } | null> {
  const { loaders, viewer } = ctx;
  switch (kind) {
    case ReportKind.CONTENT: {
      const content = await new ContentService(ctx).get(viewer, id).catch(() => null);
      return content && { subject: content, authorId: content.author.id };
    }
    case ReportKind.COMMENT: {
      const comment = await loaders.commentById.load(id);
      if (!comment || comment.deletedAt) return null;
      const content = await new ContentService(ctx).get(viewer, comment.content.id).catch(() => null);
      return content && { subject: comment, authorId: comment.author.id };
    }
    case ReportKind.MESSAGE: {
      const message = await loaders.viewerMessageById.load(id);
      return message && { subject: message, authorId: message.sender.id };
    }
    case ReportKind.MEMBER: {
      const member = await loaders.memberById.load(id);
      return member && { subject: member, authorId: member.id };
    }
  }
}

/** The subject for moderators, whatever its visibility; null once deleted. */
export async function subjectForModerators(ctx: Context, kind: ReportKind, id: string): Promise<Subject | null> {
  const { loaders } = ctx;
  switch (kind) {
    case ReportKind.CONTENT:
      return loaders.contentById.load(id);
    case ReportKind.COMMENT:
      return loaders.commentById.load(id);
    case ReportKind.MESSAGE:
      return loaders.messageById.load(id);
    case ReportKind.MEMBER:
      return loaders.memberById.load(id);
  }
}
