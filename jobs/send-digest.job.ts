import { backoffStrategies } from 'agenda';
import { DIGEST_MAX_ATTEMPTS, DigestSender, type DeliveryOutcome, type DigestSenderOptions } from '../schema/engagement/digest-sender';
import { EmailLinks } from '../schema/engagement/email-links';
import type { JobBase, JobDefinition, JobDeps } from './job-deps';

export const SEND_DIGEST = 'send-digest';

export interface SendDigestData {
  ruleId: string;
  members: { memberId: string; periodKey: string }[];
}

export class DigestBatchIncomplete extends Error {
  constructor(readonly pending: number) {
    super(`${pending} digest(s) failed or are being sent elsewhere; the job retries them`);
    this.name = 'DigestBatchIncomplete';
  }
}

/**
 * Delivers a batch. Every member is idempotent (DigestSender), so a retried or duplicated job only
 * finishes what is left; a failed send or a member another worker still holds fails the job, and
 * Agenda's backoff brings it back until each one is done. The batch stops early, leaving the rest
 * to that retry, when the relay is unreachable (no point knocking once per member) or when the
 * worker is stopping.
 */
export async function sendDigestBatch(deps: JobDeps, data: SendDigestData): Promise<Record<DeliveryOutcome, number>> {
  const counts: Record<DeliveryOutcome, number> = {
    sent: 0,
    held_out: 0,
    skipped_empty: 0,
    done_before: 0,
    not_eligible: 0,
    busy: 0,
    failed: 0,
    relay_unavailable: 0,
  };
  const started = await deps.digests.deliverAll(data.ruleId, data.members, {
    stop: () => counts.relay_unavailable > 0 || Boolean(deps.stopping?.aborted),
    onOutcome: (outcome) => (counts[outcome] += 1),
  });
  const untouched = data.members.length - started;
  deps.logger.info({ job: SEND_DIGEST, ruleId: data.ruleId, ...counts, untouched }, 'digest batch');
  const pending = counts.failed + counts.busy + counts.relay_unavailable + untouched;
  if (pending) throw new DigestBatchIncomplete(pending);
  return counts;
}

/** The digest sender of a worker: `overrides` for tests (short leases, fast renewal). */
export function createDigestSender(deps: JobBase, overrides: Partial<DigestSenderOptions> = {}): DigestSender {
  const { config } = deps;
  return new DigestSender({
    orm: deps.orm,
    mailer: deps.mailer,
    clock: deps.clock,
    logger: deps.logger,
    links: new EmailLinks(config.jwtSecret, config.publicUrl),
    communityName: config.communityName,
    communityLocale: config.communityLocale,
    communityTimezone: config.communityTimezone,
    mailFrom: config.mailFrom,
    minIntervalDays: config.digestMinIntervalDays,
    leaseMs: config.jobLockLifetimeMs,
    maxAttempts: DIGEST_MAX_ATTEMPTS,
    ...overrides,
  });
}

export const sendDigestJob: JobDefinition<SendDigestData> = {
  name: SEND_DIGEST,
  run: (deps, data) => sendDigestBatch(deps, data),
  options: { concurrency: 4, backoff: backoffStrategies.exponential({ delay: 2000, maxDelay: 5 * 60_000, maxRetries: 8 }) },
};
