import { randomUUID } from 'node:crypto';
import { OptionalProps } from '@mikro-orm/core';
import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Field, ID, ObjectType } from 'type-graphql';

/** A topic content is filed under and members declare interest in. */
@ObjectType('Theme', { simpleResolvers: true })
export class ThemeRow {
  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID)
  id: string = randomUUID();

  @Property({ type: 'text', unique: true })
  @Field()
  slug!: string;

  @Property({ type: 'text' })
  @Field()
  name!: string;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}

/** The managed theme (see ThemeRow). */
@Entity({ tableName: 'theme' })
export class Theme extends ThemeRow {
  [OptionalProps]?: 'id' | 'createdAt';
}
