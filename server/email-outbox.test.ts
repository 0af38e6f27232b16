import pino from 'pino';
import { until } from '../test/server';
import { outboxTestEmail, smtpPerTest } from '../test/smtp-sink';
import { forEachBounded, OUTBOX_CONCURRENCY, stableMessageId } from './email-outbox';
import { sendClaimedBatch, type OutboxBatchLedger } from './email-outbox-batch';
import type { OutgoingEmail } from './mailer';

/** An in-memory guard row: what a domain's table would record. */
interface Row {
  id: string;
  status: 'claimed' | 'sent' | 'failed';
  ours: boolean;
  renewals: number;
  relayDown?: boolean;
}

/** The ledger of in-memory rows, one statement per row. */
const ledger: OutboxBatchLedger<Row> = {
  renewAll: async (rows) =>
    new Set(
      rows.filter((row) => {
        row.renewals += 1;
        return row.ours;
      }),
    ),
  recordSentAll: async (rows) =>
    new Set(
      rows.filter((row) => {
        if (row.ours) row.status = 'sent';
        return row.ours;
      }),
    ),
  recordFailure: async (row, { relayDown }) => {
    row.status = 'failed';
    row.relayDown = relayDown;
    return row.ours;
  },
  recordNothingToSend: async (row) => row.ours,
  releaseAll: async () => undefined,
};

const claim = (id: string): Row => ({ id, status: 'claimed', ours: true, renewals: 0 });

/** One email through the outbox: a batch of one claim (how a single reminder or confirmation leaves). */
describe('the outbox, one email at a time', () => {
  const smtp = smtpPerTest();
  const sendOne = async (row: Row, compose: () => Promise<OutgoingEmail>) =>
    (
      await sendClaimedBatch(
        { mailer: smtp.mailer, logger: pino({ level: 'silent' }), leaseMs: 300, renewEveryMs: 20 },
        { claims: [row], ledger, compose, label: 'test', context: () => ({}) },
      )
    )[0];

  it('sends with the row’s Message-ID and records it sent only after the relay accepted it', async () => {
    const row = claim('ann');
    expect(await sendOne(row, async () => outboxTestEmail(row.id))).toBe('sent');
    expect(row.status).toBe('sent');
    const [mail] = await smtp.sink.waitFor(1);
    expect(mail.messageId).toBe(stableMessageId('test', 'ann'));
  });

  it('keeps renewing the claim while a slow relay holds the message', async () => {
    smtp.sink.hold();
    const row = claim('slow');
    const sending = sendOne(row, async () => outboxTestEmail(row.id));
    await until('the relay to hold the message', async () => smtp.sink.heldCount() === 1, 5_000);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(row.status).toBe('claimed');
    smtp.sink.release();
    expect(await sending).toBe('sent');
    expect(row.renewals).toBeGreaterThan(2);
  });

  it('sends nothing for a claim that is no longer ours', async () => {
    const row = { ...claim('taken'), ours: false };
    expect(await sendOne(row, async () => outboxTestEmail(row.id))).toBe('lost');
    expect(smtp.sink.messages).toHaveLength(0);
    expect(row.status).toBe('claimed');
  });

  it('gives the claim back on a refusal, and says when the relay was unreachable', async () => {
    smtp.sink.failNext(1, 550);
    const refused = claim('refused');
    expect(await sendOne(refused, async () => outboxTestEmail(refused.id))).toBe('failed');
    expect(refused).toMatchObject({ status: 'failed', relayDown: false });

    await smtp.sink.refuseConnections();
    const unreachable = claim('unreachable');
    expect(await sendOne(unreachable, async () => outboxTestEmail(unreachable.id))).toBe('relay_unavailable');
    expect(unreachable).toMatchObject({ status: 'failed', relayDown: true });
    await smtp.sink.acceptConnections();
  });

  it('records a failure when composing the email throws', async () => {
    const row = claim('broken');
    const outcome = await sendOne(row, async () => Promise.reject(new Error('template broke')));
    expect(outcome).toBe('failed');
    expect(row.status).toBe('failed');
  });

  it('gives one Message-ID per key, the same every time', () => {
    expect(stableMessageId('digest', 'rule', 'member', '2026-W49')).toBe(stableMessageId('digest', 'rule', 'member', '2026-W49'));
    expect(stableMessageId('digest', 'rule', 'member', '2026-W50')).not.toBe(stableMessageId('digest', 'rule', 'member', '2026-W49'));
    expect(stableMessageId('digest', 'rule', 'member', '2026-W49')).toMatch(/^<digest\.[0-9a-f]{32}@hearth>$/);
  });

  it('sends a batch at most OUTBOX_CONCURRENCY at a time, and stops when told', async () => {
    let running = 0;
    let most = 0;
    const started = await forEachBounded(
      Array.from({ length: 30 }, (_, i) => i),
      async () => {
        running += 1;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running -= 1;
      },
    );
    expect(started).toBe(30);
    expect(most).toBe(OUTBOX_CONCURRENCY);

    let done = 0;
    const stoppedAt = await forEachBounded(
      Array.from({ length: 30 }, (_, i) => i),
      async () => {
        done += 1;
      },
      () => done >= 3,
    );
    expect(stoppedAt).toBeLessThan(30);
  });
});
