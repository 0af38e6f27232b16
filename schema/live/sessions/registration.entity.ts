import { randomUUID } from 'node:crypto';
import { OptionalProps } from '@mikro-orm/core';
import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Field, ID, ObjectType } from 'type-graphql';

/**
 * A member's seat in a session. Cancelling keeps the row (cancelledAt) so registering again
 * reuses it; one row per member and session.
 */
@ObjectType('SessionRegistration', { simpleResolvers: true })
export class SessionRegistrationRow {
  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID)
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  sessionId!: string;

  @Property({ type: 'uuid' })
  memberId!: string;

  /** Consent to become a lead of the session's partner; without it, never a lead. Reset when the partner changes. */
  @Property({ type: 'boolean' })
  @Field({
    description:
      'The member agreed that the session’s partner may receive their contact details. Given to the partner the session had then: ' +
      'when an admin changes the partner it is reset to false, until the member consents again (registerForSession).',
  })
  shareContactWithPartner!: boolean;

  @Property({ type: 'datetime' })
  @Field()
  registeredAt: Date = new Date();

  @Property({ type: 'datetime', nullable: true })
  @Field(() => Date, { nullable: true })
  cancelledAt: Date | null = null;
}

/** The managed registration (see SessionRegistrationRow). */
@Entity({ tableName: 'session_registration' })
@Unique({ properties: ['sessionId', 'memberId'] })
@Index({ properties: ['memberId'] })
export class SessionRegistration extends SessionRegistrationRow {
  [OptionalProps]?: 'id' | 'registeredAt' | 'cancelledAt';
}
