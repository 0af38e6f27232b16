import type { TFunction } from 'i18next';
import type { Context } from '../../server/context';
import { readerLocale, translator, type Locale } from '../../server/i18n/i18n';
import { requireViewer } from '../identity/authorization';
import type { NotificationRow } from './notification.entity';
import { NotificationKind, NotificationSubjectType } from './notification-kind';

export interface NotificationTextInput {
  kind: NotificationKind;
  subjectType: NotificationSubjectType;
  /** As kept on the notification: the title, or an excerpt of the comment or message. */
  subjectTitle: string;
  /** Who did it, by display name; null when nobody did (or they are gone). */
  actorName: string | null;
}

type Phrase = (t: TFunction, values: { actor: string; title: string }, subjectType: NotificationSubjectType) => string;

/** Every kind's sentence; a kind added without one fails to compile. Literal keys, so the catalogue test sees them. */
const PHRASES: Record<NotificationKind, Phrase> = {
  [NotificationKind.CONTENT_PUBLISHED]: (t, v) => t('notification.CONTENT_PUBLISHED', v),
  [NotificationKind.COMMENT_REPLY]: (t, v) => t('notification.COMMENT_REPLY', v),
  [NotificationKind.COMMENT_ON_MY_CONTENT]: (t, v) => t('notification.COMMENT_ON_MY_CONTENT', v),
  [NotificationKind.MESSAGE_RECEIVED]: (t, v) => t('notification.MESSAGE_RECEIVED', v),
  [NotificationKind.SESSION_LIVE]: (t, v) => t('notification.SESSION_LIVE', v),
  [NotificationKind.SESSION_REMINDER]: (t, v) => t('notification.SESSION_REMINDER', v),
  [NotificationKind.SESSION_CANCELLED]: (t, v) => t('notification.SESSION_CANCELLED', v),
  [NotificationKind.MEETING_REQUEST]: (t, v) => t('notification.MEETING_REQUEST', v),
  [NotificationKind.MEETING_ACCEPTED]: (t, v) => t('notification.MEETING_ACCEPTED', v),
  [NotificationKind.REPORT_FILED]: (t, v) => t('notification.REPORT_FILED', v),
  [NotificationKind.CONTENT_HIDDEN]: (t, v, subjectType) =>
    subjectType === NotificationSubjectType.COMMENT
      ? t('notification.CONTENT_HIDDEN_COMMENT', v)
      : subjectType === NotificationSubjectType.MESSAGE
        ? t('notification.CONTENT_HIDDEN_MESSAGE', v)
        : t('notification.CONTENT_HIDDEN_CONTENT', v),
};

/**
 * A notification as one sentence in the reader's language ("Camille a répondu à votre
 * commentaire : « … »"). Written when read, not when notified: a member who changes language
 * reads their older notifications in the new one too.
 */
export function notificationText({ kind, subjectType, subjectTitle, actorName }: NotificationTextInput, locale: Locale): string {
  const t = translator(locale);
  return PHRASES[kind](t, { actor: isolated(actorName ?? t('common.someone')), title: isolated(subjectTitle) }, subjectType);
}

/** Right-to-left letters and the controls that change direction (marks, embeddings, overrides, isolates). */
const DIRECTIONAL =
  /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\u061c\u200f\u202a-\u202e\u2066-\u2069]|\ud802[\udc00-\udfff]|\ud83a[\udc00-\udfff]/;

/**
 * What a member wrote, inside a sentence of ours, as a Unicode isolate (FSI … PDI, UAX #9) when it
 * holds right-to-left text or direction controls: an Arabic name or an unclosed U+202E in a
 * comment then cannot reorder or flip the rest of the sentence (its quotes, the other name).
 * Text without any is left as it is.
 */
function isolated(text: string): string {
  return DIRECTIONAL.test(text) ? `\u2068${text}\u2069` : text;
}

/** The text of one of the viewer's notifications, in the viewer's language; the actor's name through the member loader. */
export async function loadNotificationText(notification: NotificationRow, ctx: Context): Promise<string> {
  const actor = notification.actor ? await ctx.loaders.memberById.load(notification.actor.id) : null;
  const { locale } = readerLocale(requireViewer(ctx), ctx.config);
  return notificationText({ ...notification, actorName: actor?.displayName ?? null }, locale);
}
