import type { EntityManager } from '@mikro-orm/postgresql';

/** The conversation domain's per-request DataLoaders. */
export function createConversationLoaders(em: EntityManager, viewerId: () => string | null) {
  void em;
  void viewerId;
  return {};
}
