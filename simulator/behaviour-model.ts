/**
 * The simulated community's behaviour: the ONE place that says how synthetic members act. Hearth
 * itself is not simulated: members act through its API and its worker decides who gets a digest.
 *
 * Archetypes (share of members, chance of a visit on a given day before any effect):
 *
 * | archetype  | share | daily visit probability                                  |
 * | ---------- | ----- | -------------------------------------------------------- |
 * | daily      | 10 %  | 0.55 on weekdays, 0.15 on weekends                       |
 * | weekly     | 25 %  | 0.14                                                     |
 * | monthly    | 25 %  | 0.035                                                    |
 * | fading     | 20 %  | 0.30 at the start, halving every 21 days                 |
 * | never-back | 20 %  | 0.004                                                    |
 *
 * Each member's own level is the archetype's times a personal factor in [0.6, 1.4]. A member has
 * one to three interests among the themes; a visit views 1 to 3 published items, preferring
 * unseen items on their interests, and happens at a personal hour between 08:00 and 19:59 UTC.
 *
 * The KNOWN EFFECT: a digest received on day d multiplies the member's visit probability on days
 * d .. d + EFFECT_DAYS - 1 by (1 + effect), capped at 1. A visit that happens only because of that
 * factor (the day's uniform draw lands between p and p × (1 + effect)) comes through the digest:
 * the member follows one of its links (`/r/…`) and the visit is attributed to it. On a day the
 * member would have visited anyway, they follow a link of the digest with CLICK_ANYWAY (a click
 * that brings no one back: attributed visits overstate a rule's effect; the holdout does not).
 *
 * Common random numbers: every member has independent streams (visits, hours, views, clicks), and
 * each stream is read exactly once per member and day whatever happens, so the world with the
 * effect and the world without it (same seed) differ only where the effect acts. Held-out
 * members never get a digest, so they behave identically in both worlds.
 */

export const EFFECT_DAYS = 7;
export const CLICK_ANYWAY = 0.2;

export type Archetype = 'daily' | 'weekly' | 'monthly' | 'fading' | 'never-back';

export const ARCHETYPES: { archetype: Archetype; share: number }[] = [
  { archetype: 'daily', share: 0.1 },
  { archetype: 'weekly', share: 0.25 },
  { archetype: 'monthly', share: 0.25 },
  { archetype: 'fading', share: 0.2 },
  { archetype: 'never-back', share: 0.2 },
];

export function baseProbability(archetype: Archetype, day: number, weekday: number): number {
  switch (archetype) {
    case 'daily':
      return weekday === 0 || weekday === 6 ? 0.15 : 0.55;
    case 'weekly':
      return 0.14;
    case 'monthly':
      return 0.035;
    case 'fading':
      return 0.3 * 0.5 ** (day / 21);
    case 'never-back':
      return 0.004;
  }
}

/** mulberry32: small, fast, good enough for simulation; seeded per member and stream. */
export function randomStream(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit seed from the run's seed, a member and a stream name (FNV-1a). */
export function streamSeed(seed: number, member: number, stream: string): number {
  let hash = 2166136261;
  for (const char of `${seed}:${member}:${stream}`) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619);
  return hash >>> 0;
}

export interface SimMember {
  index: number;
  archetype: Archetype;
  level: number;
  hour: number;
  interests: number[];
  visits: () => number;
  minutes: () => number;
  views: () => number;
  clicks: () => number;
}

export function buildMembers(seed: number, count: number, themes: number): SimMember[] {
  return Array.from({ length: count }, (_, index) => {
    const traits = randomStream(streamSeed(seed, index, 'traits'));
    let pick = traits();
    const archetype = ARCHETYPES.find((entry) => (pick -= entry.share) < 0)?.archetype ?? 'never-back';
    const interestCount = 1 + Math.floor(traits() * 3);
    const interests = [...new Set(Array.from({ length: interestCount }, () => Math.floor(traits() * themes)))];
    return {
      index,
      archetype,
      level: 0.6 + 0.8 * traits(),
      hour: 8 + Math.floor(traits() * 12),
      interests,
      visits: randomStream(streamSeed(seed, index, 'visits')),
      minutes: randomStream(streamSeed(seed, index, 'minutes')),
      views: randomStream(streamSeed(seed, index, 'views')),
      clicks: randomStream(streamSeed(seed, index, 'clicks')),
    };
  });
}

export type DayDecision =
  { visit: false } | { visit: true; minute: number; viaDigest: boolean; clickAnyway: boolean; viewDraws: [number, number, number, number] };

/**
 * What a member does on `day`. `digestDay` is the day of the latest digest they received (or
 * null). Reads each stream the same number of times whatever the outcome (common random numbers).
 */
export function decideDay(member: SimMember, day: number, weekday: number, effect: number, digestDay: number | null): DayDecision {
  const u = member.visits();
  const minute = Math.floor(member.minutes() * 60);
  const viewDraws: [number, number, number, number] = [member.views(), member.views(), member.views(), member.views()];
  const clickDraw = member.clicks();
  const p = Math.min(1, baseProbability(member.archetype, day, weekday) * member.level);
  const boosted = digestDay !== null && day >= digestDay && day < digestDay + EFFECT_DAYS;
  const q = boosted ? Math.min(1, p * (1 + effect)) : p;
  if (u >= q) return { visit: false };
  const viaDigest = u >= p;
  return { visit: true, minute, viaDigest, clickAnyway: boosted && !viaDigest && clickDraw < CLICK_ANYWAY, viewDraws };
}

/** Items a visit views: 1 to 3, unseen ones on the member's interests first, then other unseen, then any. */
export function chooseViews<T extends { id: string; theme: number }>(
  member: SimMember,
  draws: readonly number[],
  published: readonly T[],
  seen: ReadonlySet<string>,
): T[] {
  if (!published.length) return [];
  const count = 1 + Math.floor(draws[0] * 3);
  const unseen = published.filter((item) => !seen.has(item.id));
  const liked = unseen.filter((item) => member.interests.includes(item.theme));
  const pool = liked.length ? liked : unseen.length ? unseen : published;
  const chosen: T[] = [];
  for (let i = 0; i < count && chosen.length < pool.length; i++) {
    const item = pool[Math.floor(draws[1 + (i % 3)] * pool.length)];
    if (!chosen.includes(item)) chosen.push(item);
  }
  return chosen;
}
