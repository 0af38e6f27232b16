import 'reflect-metadata';
import { isObjectType, isUnionType, type GraphQLResolveInfo, type GraphQLSchema } from 'graphql';
import { Authorized, buildSchema, Field, getMetadataStorage, ObjectType } from 'type-graphql';
import { Comment, CommentRow } from '../schema/content/comment.entity';
import { Content, ContentRow } from '../schema/content/content.entity';
import { Message, MessageRow } from '../schema/conversation/message.entity';
import { MemberResolver } from '../schema/identity/member.resolver';
import { ModerationCase, ModerationCaseRow } from '../schema/moderation/moderation-case.entity';
import { Member, MemberRow, Role } from '../schema/identity/member.entity';
import { LiveSession, LiveSessionRow } from '../schema/live/sessions/live-session.entity';
import { Meeting, MeetingRow } from '../schema/live/networking/meeting.entity';
import { createHearthPubSub } from './pubsub';
import { buildHearthSchema, resolvers } from './schema';
import { adaptTypeGraphQLSchema, installedTypeGraphQLVersion, securedSimpleFields, TYPE_GRAPHQL_VERSION } from './type-graphql-adapter';

/** type-graphql's schema as it builds it, before the adapter. */
const plainSchema = () =>
  buildSchema({
    resolvers,
    authChecker: () => true,
    pubSub: createHearthPubSub(undefined).pubSub,
    validate: { forbidUnknownValues: false },
    emitSchemaFile: false,
  });

const fieldOf = (schema: GraphQLSchema, type: string, name: string) => {
  const found = schema.getType(type);
  if (!isObjectType(found)) throw new Error(`${type} is not an object type`);
  return found.getFields()[name];
};

/**
 * Object types whose folder another branch is reworking (schema/moderation): their fields still
 * go through type-graphql's basic resolver (correct, slower). Adding `simpleResolvers: true` there
 * empties this list.
 */
const NOT_YET_SIMPLE: string[] = [];

/**
 * Removes a class this file declared from type-graphql's metadata. The storage outlives the test
 * file: Jest runs the next files of a worker with it, and each of those that builds the schema
 * then refused to (LeakyProbe's field), whenever this file had run first in the same worker.
 */
function forgetClass(target: object): void {
  const storage = getMetadataStorage() as unknown as Record<string, unknown>;
  for (const entries of Object.values(storage))
    if (Array.isArray(entries))
      for (let i = entries.length - 1; i >= 0; i--)
        if ((entries[i] as { target?: unknown } | null)?.target === target) entries.splice(i, 1);
}

describe('the type-graphql adapter', () => {
  it('was written for the installed type-graphql (on a bump: check its bypasses, then TYPE_GRAPHQL_VERSION)', () => {
    expect(installedTypeGraphQLVersion()).toBe(TYPE_GRAPHQL_VERSION);
  });

  it('lets every object type resolve its plain fields directly through the public option, simpleResolvers', async () => {
    const schema = await buildHearthSchema();
    const storage = getMetadataStorage();
    const inSchema = storage.objectTypes.filter((type) => isObjectType(schema.getType(type.name)));
    expect([...new Set(inSchema.filter((type) => !type.simpleResolvers).map((type) => type.name))].sort()).toEqual(NOT_YET_SIMPLE);
    // A plain field (no field resolver, not `simple: false`) of a simple type has no resolver of its own.
    const wrapped = inSchema
      .filter((type) => type.simpleResolvers)
      .flatMap((type) => type.fields ?? [])
      .filter(
        (field) =>
          field.simple !== false &&
          !storage.fieldResolvers.some((it) => it.getObjectType?.() === field.target && it.methodName === field.name),
      )
      .filter(
        (field) =>
          fieldOf(schema, storage.objectTypes.find((type) => type.target === field.target)!.name, field.schemaName).resolve !== undefined,
      );
    expect(wrapped.map((field) => field.schemaName)).toEqual([]);
    expect(securedSimpleFields()).toEqual([]);
  });

  it('calls plain field resolvers directly only when asked to and on the version it was written for', async () => {
    const counted = async (options: Parameters<typeof adaptTypeGraphQLSchema>[1]) =>
      adaptTypeGraphQLSchema(await plainSchema(), options).directFieldResolvers;
    expect(await counted({ directFieldResolvers: true })).toBeGreaterThan(10);
    expect(await counted({ directFieldResolvers: false })).toBe(0);
    expect(await counted({ directFieldResolvers: true, version: '2.1.0' })).toBe(0);
  });

  it('answers the same with direct calls as through type-graphql’s wrappers, for an entity or a plain object as root', async () => {
    const direct = fieldOf(await buildHearthSchema(), 'Member', 'email').resolve!;
    const wrapped = fieldOf(await buildHearthSchema({ directFieldResolvers: false }), 'Member', 'email').resolve!;
    expect(direct).not.toBe(wrapped);
    const self = { viewer: { id: 'm1', role: Role.MEMBER } };
    const other = { viewer: { id: 'm2', role: Role.MEMBER } };
    const info = {} as GraphQLResolveInfo;
    const entity = Object.assign(Object.create(Member.prototype) as Member, { id: 'm1', email: 'ada@example.test' });
    const plain = { id: 'm1', email: 'ada@example.test' };
    for (const root of [entity, plain]) {
      for (const resolve of [direct, wrapped]) {
        expect(await resolve(root, {}, self, info)).toBe('ada@example.test');
        expect(await resolve(root, {}, other, info)).toBeNull();
      }
    }
  });

  it('answers union types synchronously, the same for a row (queries) as for its managed entity', async () => {
    const schema = await buildHearthSchema();
    const resolve = (name: string, value: object) => {
      const union = schema.getType(name);
      if (!isUnionType(union)) throw new Error(`${name} is not a union`);
      // graphql-jit does not await a type resolver: the answer must be a name, not a promise.
      return union.resolveType!(value, {}, {} as GraphQLResolveInfo, union);
    };
    const pairs: [string, abstract new () => object, abstract new () => object, string[]][] = [
      ['Content', ContentRow, Content, ['NotificationSubject', 'SearchSubject', 'ModerationSubject']],
      ['Comment', CommentRow, Comment, ['NotificationSubject', 'SearchSubject', 'ModerationSubject']],
      ['Message', MessageRow, Message, ['NotificationSubject', 'ModerationSubject']],
      ['Member', MemberRow, Member, ['ModerationSubject']],
      ['LiveSession', LiveSessionRow, LiveSession, ['NotificationSubject', 'SearchSubject']],
      ['Meeting', MeetingRow, Meeting, ['NotificationSubject']],
      ['ModerationCase', ModerationCaseRow, ModerationCase, ['NotificationSubject']],
    ];
    for (const [type, RowType, EntityType, unions] of pairs) {
      for (const union of unions) {
        expect([union, resolve(union, Object.create(RowType.prototype) as object)]).toEqual([union, type]);
        expect([union, resolve(union, Object.create(EntityType.prototype) as object)]).toEqual([union, type]);
      }
    }
  });

  it('calls a field resolver rooted on a row class directly with a row or an entity, and converts anything else', async () => {
    const email = jest.spyOn(MemberResolver.prototype, 'email');
    try {
      const resolve = fieldOf(await buildHearthSchema(), 'Member', 'email').resolve!;
      const self = { viewer: { id: 'm1', role: Role.MEMBER } };
      const row = Object.assign(Object.create(MemberRow.prototype) as MemberRow, { id: 'm1', email: 'ada@example.test' });
      const entity = Object.assign(Object.create(Member.prototype) as Member, { id: 'm1', email: 'ada@example.test' });
      const plain = { id: 'm1', email: 'ada@example.test' };
      for (const root of [row, entity, plain]) expect(await resolve(root, {}, self, {} as GraphQLResolveInfo)).toBe('ada@example.test');
      const roots = email.mock.calls.map(([root]) => root);
      expect(roots[0]).toBe(row);
      expect(roots[1]).toBe(entity);
      // type-graphql's own path: a copy made through `new MemberRow()` (the cost the direct call avoids).
      expect(roots[2]).not.toBe(plain);
      expect(roots[2]).toBeInstanceOf(MemberRow);
    } finally {
      email.mockRestore();
    }
  });

  it('refuses to build a schema where simpleResolvers would strip a field of its @Authorized', async () => {
    @ObjectType({ simpleResolvers: true })
    class LeakyProbe {
      @Authorized()
      @Field()
      secret!: string;
    }
    try {
      await expect(buildHearthSchema()).rejects.toThrow(/give them simple: false.*LeakyProbe\.secret/);
      expect(securedSimpleFields()).toEqual(['LeakyProbe.secret']);
    } finally {
      forgetClass(LeakyProbe);
    }
    expect(securedSimpleFields()).toEqual([]);
  });
});
