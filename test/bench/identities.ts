/** Distinct members whose tokens the load generator rotates (one token keeps every per-process cache hot). */
export const IDENTITIES = 200;
