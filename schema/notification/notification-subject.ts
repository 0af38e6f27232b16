import { createUnionType } from 'type-graphql';
import type { Context } from '../../server/context';
import { CommentRow } from '../content/comment.entity';
import { ContentRow } from '../content/content.entity';
import { canSee } from '../content/content.service';
import { MessageRow } from '../conversation/message.entity';
import { LiveSessionRow } from '../live/sessions/live-session.entity';
import { MeetingRow } from '../live/networking/meeting.entity';
import type { NotificationRow } from './notification.entity';
import { NotificationSubjectType } from './notification-kind';
import { ModerationCaseRow } from '../moderation/moderation-case.entity';
import { hiddenFrom, moderates } from '../moderation/visibility';
import { MemberRow } from '../identity/member.entity';

type Subject = ContentRow | CommentRow | MessageRow | LiveSessionRow | MeetingRow | ModerationCaseRow;

/** The types a notification can be about, so a client renders one without a second query. */
export const NotificationSubject = createUnionType({
  name: 'NotificationSubject',
  description: 'What a notification is about: a content item, a comment, a message, a live session, a meeting or a moderation case.',
  types: () => [ContentRow, CommentRow, MessageRow, LiveSessionRow, MeetingRow, ModerationCaseRow] as const,
  resolveType: (value) => {
    for (const type of [ContentRow, CommentRow, MessageRow, LiveSessionRow, MeetingRow, ModerationCaseRow])
      if (value instanceof type) return type;
    return undefined;
  },
});

/**
 * The subject as the viewer may see it now, through the request's loaders (a page of
 * notifications costs one query per subject type): null once it is gone or hidden (a draft again,
 * a deleted comment's item unpublished, a conversation left, or moderation: hidden by the
 * moderators or by a suspended author, a comment with its item).
 */
export async function loadSubject(notification: NotificationRow, ctx: Context): Promise<Subject | null> {
  const { loaders, viewer } = ctx;
  const id = notification.subjectId;
  switch (notification.subjectType) {
    case NotificationSubjectType.CONTENT: {
      const content = await loaders.contentById.load(id);
      return content && canSee(viewer, content) && !(await moderationHides(ctx, [content, content.author.id])) ? content : null;
    }
    case NotificationSubjectType.COMMENT: {
      const comment = await loaders.commentById.load(id);
      const content = comment && (await loaders.contentById.load(comment.content.id));
      if (!comment || !content || !canSee(viewer, content)) return null;
      return (await moderationHides(ctx, [comment, comment.author.id], [content, content.author.id])) ? null : comment;
    }
    case NotificationSubjectType.MESSAGE: {
      const message = await loaders.viewerMessageById.load(id);
      return message && !(await moderationHides(ctx, [message, message.sender.id])) ? message : null;
    }
    case NotificationSubjectType.SESSION:
      return loaders.liveSessionById.load(id);
    case NotificationSubjectType.MEETING:
      return loaders.viewerMeetingById.load(id);
    case NotificationSubjectType.MODERATION_CASE:
      return moderates(viewer) ? loaders.moderationCaseById.load(id) : null;
  }
}

/** Whether moderation hides any of `items` (each with its author's id) from the viewer now (moderation/visibility). */
async function moderationHides(ctx: Context, ...items: [item: { hiddenAt: Date | null }, authorId: string][]): Promise<boolean> {
  const authors = await ctx.loaders.memberById.loadMany(items.map(([, authorId]) => authorId));
  const now = ctx.clock.now();
  return items.some(([item, authorId], i) => {
    const author = authors[i];
    return hiddenFrom(ctx.viewer, item, authorId, author instanceof MemberRow ? author : null, now);
  });
}
