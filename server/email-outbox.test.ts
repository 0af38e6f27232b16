import pino from 'pino';
import { until } from '../test/server';
import { outboxTestEmail, startSmtpSink, type SmtpSink } from '../test/smtp-sink';
import { EmailOutbox, OUTBOX_CONCURRENCY, stableMessageId, type OutboxLedger } from './email-outbox';
import { SmtpMailer } from './mailer';

/** An in-memory guard row: what a domain's table would record. */
interface Row {
  id: string;
  status: 'claimed' | 'sent' | 'failed';
  ours: boolean;
  renewals: number;
  relayDown?: boolean;
}

const ledger: OutboxLedger<Row> = {
  renew: async (row) => {
    row.renewals += 1;
    return row.ours;
  },
  recordSent: async (row) => {
    if (!row.ours) return false;
    row.status = 'sent';
    return true;
  },
  recordFailure: async (row, { relayDown }) => {
    row.status = 'failed';
    row.relayDown = relayDown;
    return row.ours;
  },
};

const claim = (id: string): Row => ({ id, status: 'claimed', ours: true, renewals: 0 });

describe('EmailOutbox', () => {
  let sink: SmtpSink;
  let mailer: SmtpMailer;
  let outbox: EmailOutbox;

  beforeEach(async () => {
    sink = await startSmtpSink();
    mailer = new SmtpMailer(sink.url);
    outbox = new EmailOutbox({ mailer, logger: pino({ level: 'silent' }), leaseMs: 300, renewEveryMs: 20 });
  });

  afterEach(async () => {
    await mailer.close();
    await sink.stop();
  });

  it('sends with the row’s Message-ID and records it sent only after the relay accepted it', async () => {
    const row = claim('ann');
    expect(await outbox.send(row, ledger, async () => outboxTestEmail(row.id), 'test', {})).toBe('sent');
    expect(row.status).toBe('sent');
    const [mail] = await sink.waitFor(1);
    expect(mail.messageId).toBe(stableMessageId('test', 'ann'));
  });

  it('keeps renewing the claim while a slow relay holds the message', async () => {
    sink.hold();
    const row = claim('slow');
    const sending = outbox.send(row, ledger, async () => outboxTestEmail(row.id), 'test', {});
    await until('the relay to hold the message', async () => sink.heldCount() === 1, 5_000);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(row.status).toBe('claimed');
    sink.release();
    expect(await sending).toBe('sent');
    expect(row.renewals).toBeGreaterThan(2);
  });

  it('sends nothing for a claim that is no longer ours', async () => {
    const row = { ...claim('taken'), ours: false };
    expect(await outbox.send(row, ledger, async () => outboxTestEmail(row.id), 'test', {})).toBe('lost');
    expect(sink.messages).toHaveLength(0);
    expect(row.status).toBe('claimed');
  });

  it('gives the claim back on a refusal, and says when the relay was unreachable', async () => {
    sink.failNext(1, 550);
    const refused = claim('refused');
    expect(await outbox.send(refused, ledger, async () => outboxTestEmail(refused.id), 'test', {})).toBe('failed');
    expect(refused).toMatchObject({ status: 'failed', relayDown: false });

    await sink.refuseConnections();
    const unreachable = claim('unreachable');
    expect(await outbox.send(unreachable, ledger, async () => outboxTestEmail(unreachable.id), 'test', {})).toBe('relay_unavailable');
    expect(unreachable).toMatchObject({ status: 'failed', relayDown: true });
    await sink.acceptConnections();
  });

  it('records a failure when composing the email throws', async () => {
    const row = claim('broken');
    const outcome = await outbox.send(row, ledger, async () => Promise.reject(new Error('template broke')), 'test', {});
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
    const started = await EmailOutbox.forEach(
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
    const stoppedAt = await EmailOutbox.forEach(
      Array.from({ length: 30 }, (_, i) => i),
      async () => {
        done += 1;
      },
      () => done >= 3,
    );
    expect(stoppedAt).toBeLessThan(30);
  });
});
