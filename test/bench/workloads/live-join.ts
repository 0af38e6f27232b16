import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { AccessTokens } from '../../../server/access-token';
import { systemClock } from '../../../server/clock';
import type { BenchContext, Workload } from '../run';
import type { BenchRow } from '../report';
import { alternate, checkedLoad, FIRST_WARM_UP_SECONDS, medianOf, perWindow, startServer, startTarget, type LoadResult } from '../load';

const TARGET_RATIO = 0.9;

/** A session live now, every load identity registered, and one more member (registered) whose registration the run cancels. */
async function liveSessionFor(ctx: BenchContext, memberIds: string[]): Promise<{ sessionId: string; leaverId: string }> {
  const db = new Client({ connectionString: ctx.databaseUrl });
  await db.connect();
  try {
    const sessionId = randomUUID();
    await db.query(
      `insert into live_session (id, title, starts_at, ends_at, status, created_by_id, created_at, updated_at)
       values ($1, 'P6 bench', now() - interval '5 minutes', now() + interval '2 hours', 'LIVE', $2, now(), now())`,
      [sessionId, ctx.memberId],
    );
    const [{ id: leaverId }] = (
      await db.query<{ id: string }>(`select id from member where role = 'MEMBER' and id <> all($1::uuid[]) limit 1`, [memberIds])
    ).rows;
    await db.query(
      `insert into session_registration (id, session_id, member_id, share_contact_with_partner, registered_at)
       select gen_random_uuid(), $1, m, false, now() from unnest($2::uuid[]) as m`,
      [sessionId, [...memberIds, leaverId]],
    );
    return { sessionId, leaverId };
  } finally {
    await db.end();
  }
}

/**
 * P6: joinLiveSession (the session and the viewer's standing from the roster, a LiveKit token
 * signed per request) vs a mutation on the same stack returning a token signed once: what
 * admission and signing cost on top of the GraphQL request. Both authenticate; each window issues
 * fresh tokens to the 200 members (no token cache carried over), the order alternates, and during
 * the measured windows a second instance cancels a registration, so the first one's roster is
 * invalidated through Redis while it serves joins.
 */
export const liveJoinWorkload: Workload = {
  name: 'P6 joinLiveSession',
  async run(ctx: BenchContext): Promise<BenchRow[]> {
    const firstIdentities = await ctx.identities();
    const { sessionId, leaverId } = await liveSessionFor(
      ctx,
      firstIdentities.map((identity) => identity.memberId),
    );
    const hearth = await startServer('hearth.js', [
      ctx.databaseUrl,
      ctx.jwtSecret,
      'constant-join',
      sessionId,
      firstIdentities[0].memberId,
    ]);
    const other = await startTarget('hearth.js', [ctx.databaseUrl, ctx.jwtSecret]);
    try {
      const fields = '{ serverUrl token roomName canPublish expiresAt }';
      const bodies = {
        join: JSON.stringify({ query: `mutation { joinLiveSession(sessionId: "${sessionId}") ${fields} }` }),
        constant: JSON.stringify({ query: `mutation { benchConstantJoin(sessionId: "${sessionId}") ${fields} }` }),
      };
      const load = async (body: string, seconds: number, warmUp = false) => {
        const authorizations = (await ctx.identities()).map(({ token }) => `Bearer ${token}`);
        return checkedLoad(
          'P6',
          { url: hearth.url, headers: { 'content-type': 'application/json' }, body, authorizations, connections: 32, seconds },
          { warmUp },
        );
      };
      // The invalidation: the leaver cancels on the other instance in the middle of the measured windows.
      const leaverToken = (await new AccessTokens(ctx.jwtSecret, systemClock).issue(leaverId)).token;
      let cancelled: Promise<void> | undefined;
      const cancelSoon = () =>
        (cancelled ??= new Promise<void>((resolve) => setTimeout(resolve, (ctx.seconds * 1000) / 2)).then(async () => {
          const response = await fetch(other.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${leaverToken}` },
            body: JSON.stringify({ query: `mutation { cancelRegistration(sessionId: "${sessionId}") { id } }` }),
          });
          const answer = (await response.json()) as { errors?: unknown };
          if (answer.errors) throw new Error(`cancelRegistration failed: ${JSON.stringify(answer.errors)}`);
        }));
      const side = (name: 'join' | 'constant') => ({
        name,
        warmUp: () => load(bodies[name], FIRST_WARM_UP_SECONDS, true),
        window: () => {
          if (name === 'join') void cancelSoon();
          return load(bodies[name], ctx.seconds);
        },
      });
      const [join, constant] = await alternate<LoadResult>([side('join'), side('constant')]);
      await cancelled;
      const rps = (windows: LoadResult[]) => medianOf(windows, (w) => w.requestsPerSecond);
      const p99 = (windows: LoadResult[]) => medianOf(windows, (w) => w.p99Ms);
      const ratio = rps(join) / rps(constant);
      return [
        {
          workload: this.name,
          measure: 'requests/s',
          hearth: rps(join),
          baseline: rps(constant),
          baselineName: 'constant token',
          ratio,
          target: `≥ ${TARGET_RATIO}× constant token`,
          targetRatio: TARGET_RATIO,
          windows: perWindow(join, constant, (w) => w.requestsPerSecond),
        },
        {
          workload: this.name,
          measure: 'p99 ms',
          hearth: p99(join),
          baseline: p99(constant),
          baselineName: 'constant token',
          ratio: p99(constant) / Math.max(p99(join), 0.001),
          target: 'reported',
          windows: perWindow(join, constant, (w) => w.p99Ms),
        },
      ];
    } finally {
      await Promise.all([hearth.stop(), other.stop()]);
    }
  },
};
