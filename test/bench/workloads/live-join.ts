import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { BenchContext, Workload } from '../run';
import type { BenchRow } from '../report';
import { FIRST_WARM_UP_SECONDS, runLoad, startTarget, type LoadResult } from '../load';

const TARGET_RATIO = 0.8;

/** A session live now, with the bench member registered: every join is admitted and signed. */
async function liveSessionFor(ctx: BenchContext): Promise<string> {
  const db = new Client({ connectionString: ctx.databaseUrl });
  await db.connect();
  try {
    const sessionId = randomUUID();
    await db.query(
      `insert into live_session (id, title, starts_at, ends_at, status, created_by_id, created_at, updated_at)
       values ($1, 'P6 bench', now() - interval '5 minutes', now() + interval '2 hours', 'LIVE', $2, now(), now())`,
      [sessionId, ctx.memberId],
    );
    await db.query(
      `insert into session_registration (id, session_id, member_id, share_contact_with_partner, registered_at) values ($1, $2, $3, false, now())`,
      [randomUUID(), sessionId, ctx.memberId],
    );
    return sessionId;
  } finally {
    await db.end();
  }
}

/**
 * P6: joinLiveSession (one query for the session and the viewer's standing, a LiveKit token signed
 * per request) vs a mutation on the same stack returning a token signed once: what admission and
 * signing cost on top of the GraphQL request itself. Both are authenticated, so auth, context and
 * visit tracking are on both sides.
 */
export const liveJoinWorkload: Workload = {
  name: 'P6 joinLiveSession',
  async run(ctx: BenchContext): Promise<BenchRow[]> {
    const sessionId = await liveSessionFor(ctx);
    const hearth = await startTarget('hearth.js', [ctx.databaseUrl, ctx.jwtSecret, 'constant-join']);
    try {
      const load = { connections: 32, seconds: Math.max(1, ctx.seconds / 2), url: hearth.url, headers: { 'content-type': 'application/json', authorization: `Bearer ${ctx.memberToken}` } };
      const fields = '{ serverUrl token roomName canPublish expiresAt }';
      const joinBody = JSON.stringify({ query: `mutation { joinLiveSession(sessionId: "${sessionId}") ${fields} }` });
      const constantBody = JSON.stringify({ query: `mutation { benchConstantJoin(sessionId: "${sessionId}") ${fields} }` });
      // Both sides share one process: alternate them so neither gets all the warm-up or all the heat.
      const rounds: { join: LoadResult; constant: LoadResult }[] = [];
      // The process's first load warms the stack both share (FIRST_WARM_UP_SECONDS).
      for (let round = 0; round < 2; round++) {
        const warmUpSeconds = round === 0 ? FIRST_WARM_UP_SECONDS : undefined;
        rounds.push({ join: await runLoad({ ...load, body: joinBody, warmUpSeconds }), constant: await runLoad({ ...load, body: constantBody }) });
      }
      const mean = (pick: (r: { join: LoadResult; constant: LoadResult }) => LoadResult, key: keyof LoadResult) => rounds.reduce((sum, r) => sum + pick(r)[key], 0) / rounds.length;
      const join = { requestsPerSecond: mean((r) => r.join, 'requestsPerSecond'), p99Ms: mean((r) => r.join, 'p99Ms'), errors: mean((r) => r.join, 'errors'), non2xx: mean((r) => r.join, 'non2xx') };
      const constant = { requestsPerSecond: mean((r) => r.constant, 'requestsPerSecond'), p99Ms: mean((r) => r.constant, 'p99Ms') };
      if (join.errors || join.non2xx) throw new Error(`joinLiveSession answered errors: ${JSON.stringify(join)}`);
      const ratio = join.requestsPerSecond / constant.requestsPerSecond;
      return [
        { workload: 'P6 joinLiveSession', measure: 'requests/s', hearth: join.requestsPerSecond, baseline: constant.requestsPerSecond, ratio, target: `≥ ${TARGET_RATIO}× constant token`, ok: ratio >= TARGET_RATIO },
        { workload: 'P6 joinLiveSession', measure: 'p99 ms', hearth: join.p99Ms, baseline: constant.p99Ms, ratio: constant.p99Ms / Math.max(join.p99Ms, 0.001), target: 'reported', ok: true },
      ];
    } finally {
      await hearth.stop();
    }
  },
};
