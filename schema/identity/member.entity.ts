import { randomUUID } from 'node:crypto';
import { OptionalProps } from '@mikro-orm/core';
import { Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';

export enum Role {
  MEMBER = 'MEMBER',
  SPEAKER = 'SPEAKER',
  PARTNER = 'PARTNER',
  /** Moderation only: the moderation queue, hiding and suspending; no KPIs, rules or member management. */
  MODERATOR = 'MODERATOR',
  ADMIN = 'ADMIN',
}

export enum Membership {
  FREE = 'FREE',
  PAID = 'PAID',
}

registerEnumType(Role, { name: 'Role', description: 'What a member may do beyond reading and taking part.' });
registerEnumType(Membership, { name: 'Membership' });

/** A member as reads that bypass the ORM return them (never the password hash) and as GraphQL shows them. */
@ObjectType('Member', { simpleResolvers: true, description: 'A person in the community.' })
export class MemberRow {
  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID)
  id: string = randomUUID();

  /** Stored lower-cased so uniqueness is case-insensitive. Exposed (masked) by MemberResolver. */
  @Property({ type: 'text', unique: true })
  email!: string;

  @Property({ type: 'text' })
  @Field()
  displayName!: string;

  @Property({ type: 'text', nullable: true })
  @Index()
  @Field(() => String, { nullable: true })
  company: string | null = null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true })
  jobTitle: string | null = null;

  @Enum({ items: () => Role, nativeEnumName: 'member_role' })
  @Field(() => Role)
  role: Role = Role.MEMBER;

  @Enum({ items: () => Membership, nativeEnumName: 'membership' })
  @Field(() => Membership)
  membership: Membership = Membership.FREE;

  @Property({ type: 'date', nullable: true })
  renewalDate: string | null = null;

  @Property({ type: 'datetime' })
  @Field()
  createdAt: Date = new Date();

  /** Last authenticated activity; maintained by the visit tracker. */
  @Property({ type: 'datetime', nullable: true })
  lastVisitAt: Date | null = null;

  /** Opted in to engagement digests; cleared by updateEmailPreferences or one-click unsubscribe. */
  @Property({ type: 'boolean', default: true })
  digestEmails: boolean = true;

  /** Suspended while this is in the future: no log-in, no refresh, access tokens refused, content hidden. */
  @Property({ type: 'datetime', nullable: true })
  suspendedUntil: Date | null = null;

  @Property({ type: 'text', nullable: true })
  suspensionReason: string | null = null;

  /** The language of their emails and notifications (`en`, `fr`); null: the community's (COMMUNITY_LOCALE). Exposed by MemberResolver. */
  @Property({ type: 'text', nullable: true })
  locale: string | null = null;

  /** The IANA zone their emails show times in; null: the community's (COMMUNITY_TIMEZONE). Exposed by MemberResolver. */
  @Property({ type: 'text', nullable: true })
  timeZone: string | null = null;
}

/** The managed member: the view's columns and the password hash, loaded only when asked for. */
@Entity({ tableName: 'member' })
export class Member extends MemberRow {
  [OptionalProps]?:
    | 'id'
    | 'role'
    | 'membership'
    | 'createdAt'
    | 'company'
    | 'jobTitle'
    | 'renewalDate'
    | 'lastVisitAt'
    | 'digestEmails'
    | 'suspendedUntil'
    | 'suspensionReason'
    | 'locale'
    | 'timeZone';

  @Property({ type: 'text', lazy: true, hidden: true })
  passwordHash!: string;
}
