import { Member, MemberRow } from '../../schema/identity/member.entity';
import { buildMember } from '../../test/factories';
import { startTestServer, type TestServer } from '../../test/server';
import { jsonRow, readModel } from './read-model';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

describe('read models', () => {
  it('map a row and its jsonRow embedding to the same object, without lazy columns', async () => {
    const em = server.em();
    const member = await buildMember(em, { company: 'Acme', renewalDate: '2026-12-01' });
    const toMember = readModel(em, MemberRow);
    const [row] = await em.execute<Record<string, unknown>[]>('select * from member where id = ?', [member.id]);
    const [embedded] = await em.execute<{ m: Record<string, unknown> }[]>(
      `select ${jsonRow(em, MemberRow, 'x')} as m from member x where x.id = ?`,
      [member.id],
    );
    const fromRow = toMember(row);
    expect(fromRow).toMatchObject({
      id: member.id,
      email: member.email,
      company: 'Acme',
      renewalDate: '2026-12-01',
      displayName: member.displayName,
    });
    expect(fromRow.createdAt).toEqual(member.createdAt);
    // The password hash is lazy: never in a read model, never in embedded JSON.
    expect(row.password_hash).toEqual(expect.any(String));
    expect('passwordHash' in fromRow).toBe(false);
    expect(Object.keys(embedded.m)).not.toContain('password_hash');
    expect({ ...toMember(embedded.m) }).toEqual({ ...fromRow });
  });

  it('are rows, never entities: the ORM refuses to persist one and TypeScript refuses one for an entity', async () => {
    const em = server.em();
    const member = await buildMember(em);
    const [row] = await em.execute<Record<string, unknown>[]>('select * from member where id = ?', [member.id]);
    const fromRow = readModel(em, MemberRow)(row);
    expect(fromRow).toBeInstanceOf(MemberRow);
    expect(fromRow).not.toBeInstanceOf(Member);
    // A managed entity is an instance of its row class too: GraphQL and the unions take both.
    expect(member).toBeInstanceOf(MemberRow);
    expect(() => em.fork().persist(fromRow)).toThrow(/not discovered entity/);
    // @ts-expect-error a row lacks what only a managed member has (the lazy password hash)
    const entity: Member = fromRow;
    expect(entity).toBe(fromRow);
    // An entity class is not a row class: rows are never made from an entity's prototype.
    expect(() => readModel(em, Member)).toThrow(/Member is not a row class/);
  });
});
