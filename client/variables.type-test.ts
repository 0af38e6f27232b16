/**
 * Checked by `npm run typecheck` (never run): documents whose variables are all optional are
 * called without `{}`; documents with a required variable refuse to be called without it.
 */
import {
  ContentDocument,
  createHearthClient,
  FeedDocument,
  LogInDocument,
  MeDocument,
  MessageAddedDocument,
  NotificationAddedDocument,
} from './index.ts';

declare const hearth: ReturnType<typeof createHearthClient>;

export async function optionalVariablesMayBeLeftOut(): Promise<void> {
  await hearth.query(FeedDocument);
  await hearth.query(MeDocument);
  await hearth.query(FeedDocument, { first: 5 });
  hearth.subscribe(MessageAddedDocument);
  hearth.subscribe(NotificationAddedDocument);
}

export async function requiredVariablesMustBeGiven(): Promise<void> {
  // @ts-expect-error LogIn needs its input
  await hearth.mutate(LogInDocument);
  // @ts-expect-error Content needs an id
  await hearth.query(ContentDocument, {});
  await hearth.query(ContentDocument, { id: 'an-id' });
}
