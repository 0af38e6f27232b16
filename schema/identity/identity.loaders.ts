import type { EntityManager } from '@mikro-orm/postgresql';
import { byIdLoader } from '../../server/dataloaders';
import { readModel } from '../../server/db/read-model';
import { uuidArray } from '../../server/db/sql';
import { Member } from './member.entity';

/** The identity domain's per-request DataLoaders. */
export function createIdentityLoaders(em: EntityManager) {
  return {
    /** Read-only snapshots (the viewer, authors, senders): services load managed entities to change them. */
    memberById: byIdLoader(async (ids) =>
      (await em.execute<Record<string, unknown>[]>(`select * from member where id = any(?::uuid[])`, [uuidArray(ids)])).map(
        readModel(em, Member),
      ),
    ),
  };
}

type IdentityLoaders = ReturnType<typeof createIdentityLoaders>;

declare module '../../server/loaders' {
  interface SharedLoaders extends IdentityLoaders {}
}
