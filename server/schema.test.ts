import { isObjectType, type GraphQLResolveInfo } from 'graphql';
import { Member, Role } from '../schema/identity/member.entity';
import { buildHearthSchema } from './schema';

describe('resolvers of the built schema', () => {
  const schemaPromise = buildHearthSchema();
  const field = async (type: string, name: string) => {
    const found = (await schemaPromise).getType(type);
    if (!isObjectType(found)) throw new Error(`${type} is not an object type`);
    return found.getFields()[name];
  };

  it('plain property fields have no resolver of their own; field resolvers keep theirs', async () => {
    expect((await field('Content', 'title')).resolve).toBeUndefined();
    expect((await field('Theme', 'slug')).resolve).toBeUndefined();
    expect((await field('Content', 'themes')).resolve).toBeDefined();
    expect((await field('Conversation', 'messages')).resolve).toBeDefined();
  });

  it('a field resolver called directly answers as through type-graphql, for an entity or a plain object as root', async () => {
    const resolve = (await field('Member', 'email')).resolve!;
    const self = { viewer: { id: 'm1', role: Role.MEMBER } };
    const other = { viewer: { id: 'm2', role: Role.MEMBER } };
    const info = {} as GraphQLResolveInfo;
    const entity = Object.assign(Object.create(Member.prototype) as Member, { id: 'm1', email: 'ada@example.test' });
    const plain = { id: 'm1', email: 'ada@example.test' };
    for (const root of [entity, plain]) {
      expect(resolve(root, {}, self, info)).toBe('ada@example.test');
      expect(resolve(root, {}, other, info)).toBeNull();
    }
  });
});
