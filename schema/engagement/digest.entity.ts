import { randomUUID } from 'node:crypto';
import { OptionalProps } from '@mikro-orm/core';
import { Entity, Enum, Index, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { registerEnumType } from 'type-graphql';

export enum DigestStatus {
  /** Claimed by a worker: content chosen, email not confirmed sent yet. */
  PENDING = 'PENDING',
  SENT = 'SENT',
  HELD_OUT = 'HELD_OUT',
  SKIPPED_EMPTY = 'SKIPPED_EMPTY',
  FAILED = 'FAILED',
}
registerEnumType(DigestStatus, { name: 'DigestStatus' });

/**
 * One decision for one member, rule and period. The unique key is what makes a period's digest go
 * out once (bar the one resend window of server/email-outbox.ts, documented in README): whoever
 * inserts the row owns the period; everybody else finds it.
 */
@Entity({ tableName: 'digest' })
@Unique({ properties: ['ruleId', 'memberId', 'periodKey'] })
@Index({ properties: ['memberId', 'createdAt'] })
@Index({ properties: ['ruleId', 'createdAt'] })
export class Digest {
  [OptionalProps]?: 'id' | 'items' | 'createdAt' | 'sentAt' | 'messageId' | 'attempts' | 'leaseUntil' | 'lastError' | 'hotCount';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  ruleId!: string;

  @Property({ type: 'uuid' })
  memberId!: string;

  @Property({ type: 'text' })
  periodKey!: string;

  @Enum({ items: () => DigestStatus, nativeEnumName: 'digest_status' })
  status!: DigestStatus;

  /** Content ids in the order of the email: the first `hotCount` are hot, the rest cold. */
  @Property({ type: 'uuid[]', columnType: 'uuid[]' })
  items: string[] = [];

  @Property({ type: 'int' })
  hotCount: number = 0;

  @Property({ type: 'text', nullable: true })
  messageId: string | null = null;

  @Property({ type: 'int' })
  attempts: number = 0;

  /** While set and in the future, a worker is sending this digest; nobody else may. */
  @Property({ type: 'datetime', nullable: true })
  leaseUntil: Date | null = null;

  @Property({ type: 'text', nullable: true })
  lastError: string | null = null;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', nullable: true })
  sentAt: Date | null = null;
}
