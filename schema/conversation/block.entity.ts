import { PrimaryKeyProp, type Ref } from '@mikro-orm/core';
import { Entity, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { Member } from '../identity/member.entity';

/** `blocker` blocked `blocked`: no messages either way. */
@Entity({ tableName: 'member_block' })
export class Block {
  [PrimaryKeyProp]?: ['blocker', 'blocked'];

  @ManyToOne(() => Member, { primary: true, ref: true, deleteRule: 'cascade' })
  blocker!: Ref<Member>;

  @ManyToOne(() => Member, { primary: true, ref: true, deleteRule: 'cascade' })
  blocked!: Ref<Member>;

  @Property({ type: 'datetime' })
  createdAt!: Date;
}
