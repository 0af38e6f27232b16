import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Records that the member a digest was sent to followed its link to `contentId`. False when the
 * digest does not exist (a well-signed token for nothing): the caller answers it as a bad link.
 */
/** Records a click on a session email's link (the replay of a missed session); false for a session that does not exist. */
export async function recordSessionEmailClick(
  em: EntityManager,
  click: { sessionId: string; memberId: string; contentId: string },
  at: Date,
): Promise<boolean> {
  const inserted = await em.execute<{ id: string }[]>(
    `insert into digest_click (id, session_id, member_id, content_id, clicked_at)
     select gen_random_uuid(), s.id, ?, ?, ? from live_session s where s.id = ?
     returning id`,
    [click.memberId, click.contentId, at, click.sessionId],
  );
  return inserted.length > 0;
}

export async function recordDigestClick(em: EntityManager, digestId: string, contentId: string, at: Date): Promise<boolean> {
  const inserted = await em.execute<{ id: string }[]>(
    `insert into digest_click (id, digest_id, member_id, content_id, clicked_at)
     select gen_random_uuid(), d.id, d.member_id, ?, ? from digest d where d.id = ?
     returning id`,
    [contentId, at, digestId],
  );
  return inserted.length > 0;
}
