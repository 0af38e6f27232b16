import type { EntityManager } from '@mikro-orm/postgresql';
import type { Clock } from '../../server/clock';
import { uuidArray } from '../../server/db/sql';
import type { OutboxBatchLedger } from '../../server/email-outbox-batch';
import { cutAt } from '../../server/text';
import { DigestStatus } from './digest.entity';
import type { DigestRow } from './engagement.queries';

/**
 * The digest table's writes once a digest is claimed: the outbox's ledger (leases, sent rows,
 * failures, claims given back) and the record of an attempt's outcome, each only while the claim
 * is still ours (same attempt, still PENDING).
 */

/** `relay_unavailable`: the SMTP relay could not be reached; the digest waits for a retry without using up an attempt. */
export type DeliveryOutcome =
  'sent' | 'held_out' | 'skipped_empty' | 'done_before' | 'not_eligible' | 'busy' | 'failed' | 'relay_unavailable';

/** A claimed digest, and what its row was before this worker took it (null: this claim inserted it). */
export interface DigestClaim extends DigestRow {
  before: { status: DigestStatus; leaseUntil: Date | null; attempts: number } | null;
}

/** What a finished attempt writes on its row. */
export interface DigestOutcome {
  status: DigestStatus;
  items?: string[];
  hotCount?: number;
  sentAt?: Date;
  lastError?: string;
  /** The relay was down: this attempt does not count towards maxAttempts (which is for refusals of the message). */
  refundAttempt?: boolean;
}

/**
 * The digest table as the outbox's ledger: leases renewed and sent rows recorded one statement
 * per call, each only for the claims still ours (same attempt, still PENDING).
 */
export function digestLedger(
  em: EntityManager,
  { clock, leaseMs }: { clock: Clock; leaseMs: number },
  unseen: Map<DigestClaim, { items: string[]; hotCount: number }>,
): OutboxBatchLedger<DigestClaim> {
  const ours = (claims: readonly DigestClaim[], ids: { id: string }[]) => {
    const kept = new Set(ids.map((row) => row.id));
    return new Set(claims.filter((claim) => kept.has(claim.id)));
  };
  const json = (claims: readonly DigestClaim[], row: (claim: DigestClaim) => object) =>
    JSON.stringify(claims.map((claim) => ({ id: claim.id, attempts: claim.attempts, ...row(claim) })));
  return {
    renewAll: async (claims) => {
      if (!claims.length) return new Set();
      const now = clock.now();
      const renewed = await em.execute<{ id: string }[]>(
        `update digest d set lease_until = ? from json_to_recordset(?::json) as c(id uuid, attempts int)
           where d.id = c.id and d.attempts = c.attempts and d.status = 'PENDING' and d.lease_until > ? returning d.id`,
        [new Date(now.getTime() + leaseMs), json(claims, () => ({})), now],
      );
      return ours(claims, renewed);
    },
    recordSentAll: async (claims) => {
      const recorded = await em.execute<{ id: string }[]>(
        `update digest d set status = 'SENT', items = s.items, hot_count = s.hot_count, sent_at = ?, lease_until = null
           from json_to_recordset(?::json) as s(id uuid, attempts int, items uuid[], hot_count int)
           where d.id = s.id and d.attempts = s.attempts and d.status = 'PENDING' returning d.id`,
        [clock.now(), json(claims, (claim) => ({ items: unseen.get(claim)!.items, hot_count: unseen.get(claim)!.hotCount }))],
      );
      return ours(claims, recorded);
    },
    recordFailure: async (digest, { error, relayDown }) => {
      const lastError = error instanceof Error ? cutAt(error.message, 500) : String(error);
      return (await finishDigest(em, digest, { status: DigestStatus.FAILED, lastError, refundAttempt: relayDown }, 'failed')) === 'failed';
    },
    recordNothingToSend: async (digest) =>
      (await finishDigest(em, digest, { status: DigestStatus.SKIPPED_EMPTY, items: [], hotCount: 0 }, 'skipped_empty')) === 'skipped_empty',
    releaseAll: async (claims) => {
      // Never attempted: a row this claim inserted goes (as if never claimed); a reclaimed one is as it was.
      const inserted = claims.filter((claim) => !claim.before);
      const reclaimed = claims.filter((claim) => claim.before);
      if (inserted.length)
        await em.execute(
          `delete from digest d using json_to_recordset(?::json) as r(id uuid, attempts int)
             where d.id = r.id and d.attempts = r.attempts and d.status = 'PENDING'`,
          [json(inserted, () => ({}))],
        );
      if (reclaimed.length)
        await em.execute(
          `update digest d set status = r.status, lease_until = r.lease_until, attempts = r.before_attempts
             from json_to_recordset(?::json) as r(id uuid, attempts int, status digest_status, lease_until timestamptz, before_attempts int)
             where d.id = r.id and d.attempts = r.attempts and d.status = 'PENDING'`,
          [
            json(reclaimed, (claim) => ({
              status: claim.before!.status,
              lease_until: claim.before!.leaseUntil,
              before_attempts: claim.before!.attempts,
            })),
          ],
        );
    },
  };
}

/** Records the outcome only if the claim is still ours (same attempt): a stale worker changes nothing. */
async function finishDigest(
  em: EntityManager,
  digest: DigestRow,
  outcome: DigestOutcome,
  result: DeliveryOutcome,
): Promise<DeliveryOutcome> {
  const updated = await em.execute<{ id: string }[]>(
    `update digest set status = ?, items = coalesce(?::uuid[], items), hot_count = coalesce(?, hot_count), sent_at = coalesce(?, sent_at),
         last_error = coalesce(?, last_error), lease_until = null, attempts = attempts - ?
       where id = ? and attempts = ? and status = 'PENDING' returning id`,
    [
      outcome.status,
      outcome.items ? uuidArray(outcome.items) : null,
      outcome.hotCount ?? null,
      outcome.sentAt ?? null,
      outcome.lastError ?? null,
      outcome.refundAttempt ? 1 : 0,
      digest.id,
      digest.attempts,
    ],
  );
  return updated.length ? result : 'busy';
}
