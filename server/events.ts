import type { Logger } from 'pino';

/**
 * Domain events: what happened, with ids only. A service emits one after its transaction
 * committed; notifications, pub/sub messages and jobs hang off these, never off half-written
 * transactions. Domains add their events here.
 */
export interface DomainEvents {
  CONTENT_PUBLISHED: { contentId: string; actorId: string };
  COMMENT_ADDED: { commentId: string; contentId: string; parentId: string | null; authorId: string };
  MESSAGE_SENT: { messageId: string; conversationId: string; senderId: string; recipientId: string };
  /** An admin cancelled a session; its registrants hear about it. */
  SESSION_CANCELLED: { sessionId: string; actorId: string };
  /** LiveKit reported the session's room started. */
  SESSION_LIVE: { sessionId: string };
  MEETING_REQUESTED: { meetingId: string; requesterId: string; recipientId: string };
  MEETING_ACCEPTED: { meetingId: string; requesterId: string; recipientId: string };
  /** A member reported something; `opened`: the report opened its case (moderators hear about new cases). */
  REPORT_FILED: { caseId: string; reportId: string; reporterId: string; opened: boolean };
  /** A moderator (or enough reporters) hid a content item, comment or message; its author hears about it. */
  SUBJECT_HIDDEN: { kind: 'CONTENT' | 'COMMENT' | 'MESSAGE' | 'MEMBER'; subjectId: string; authorId: string; caseId: string | null };
}

export type DomainEventName = keyof DomainEvents;
type Handler<K extends DomainEventName> = (payload: DomainEvents[K]) => Promise<void>;

/**
 * In-process dispatcher: handlers run after the emitting request returned (so fan-out never
 * slows it down), failures are logged with the event. `idle()` waits for running handlers
 * (shutdown drains it; tests await it instead of sleeping).
 */
export class DomainEventBus {
  private readonly handlers = new Map<DomainEventName, Handler<any>[]>();
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly logger: Logger) {}

  on<K extends DomainEventName>(name: K, handler: Handler<K>): void {
    this.handlers.set(name, [...(this.handlers.get(name) ?? []), handler]);
  }

  emit<K extends DomainEventName>(name: K, payload: DomainEvents[K]): void {
    for (const handler of this.handlers.get(name) ?? []) {
      const run = new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => handler(payload))
        .catch((err: unknown) => this.logger.error({ err, event: name, payload }, 'domain event handler failed'))
        .finally(() => this.running.delete(run));
      this.running.add(run);
    }
  }

  async idle(): Promise<void> {
    while (this.running.size) await Promise.all([...this.running]);
  }
}
