import { PrimaryKeyProp, type Ref } from '@mikro-orm/core';
import { Entity, Index, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { Member } from '../identity/member.entity';
import { Theme } from './theme.entity';

/** A theme a member declared interest in (`setInterests`). */
@Entity({ tableName: 'member_interest' })
@Index({ properties: ['theme', 'member'] })
export class MemberInterest {
  [PrimaryKeyProp]?: ['member', 'theme'];

  @ManyToOne(() => Member, { primary: true, ref: true, deleteRule: 'cascade' })
  member!: Ref<Member>;

  @ManyToOne(() => Theme, { primary: true, ref: true, deleteRule: 'cascade' })
  theme!: Ref<Theme>;

  @Property({ type: 'datetime' })
  createdAt!: Date;
}
