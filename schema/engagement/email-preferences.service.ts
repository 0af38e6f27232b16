import type { EntityManager } from '@mikro-orm/postgresql';
import type { Context } from '../../server/context';
import { requireViewer } from '../identity/authorization';
import { digestEmailsOn } from './engagement.queries';
import type { EmailPreferences } from './engagement.types';

/** Turns a member's digests on or off: from their preferences, or from a one-click unsubscribe link. */
export async function setDigestEmails(em: EntityManager, memberId: string, digests: boolean): Promise<void> {
  await em.execute('update member set digest_emails = ? where id = ?', [digests, memberId]);
}

export type EmailPreferencesServiceDeps = Pick<Context, 'authProblem' | 'em' | 'viewer'>;

export class EmailPreferencesService {
  constructor(private readonly ctx: EmailPreferencesServiceDeps) {}

  /** Read fresh (not from the viewer snapshot): an unsubscribe link may have changed it a moment ago. */
  async of(memberId: string): Promise<EmailPreferences> {
    return { digests: await digestEmailsOn(this.ctx.em, memberId) };
  }

  async update(digests: boolean): Promise<EmailPreferences> {
    const viewer = requireViewer(this.ctx);
    await setDigestEmails(this.ctx.em, viewer.id, digests);
    return { digests };
  }
}
