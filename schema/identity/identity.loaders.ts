import type { EntityManager } from '@mikro-orm/postgresql';
import { byIdLoader } from '../../server/dataloaders';
import { membersByIds } from './identity.queries';

/** The identity domain's per-request DataLoaders. */
export function createIdentityLoaders(em: () => EntityManager) {
  return {
    /** Rows (MemberRow: the viewer, authors, senders), not entities: services load managed entities to change them. */
    memberById: byIdLoader((ids) => membersByIds(em(), ids)),
  };
}

type IdentityLoaders = ReturnType<typeof createIdentityLoaders>;

declare module '../../server/loaders' {
  interface SharedLoaders extends IdentityLoaders {}
}
