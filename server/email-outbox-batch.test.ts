import pino from 'pino';
import { until } from '../test/server';
import { outboxTestEmail, smtpPerTest } from '../test/smtp-sink';
import { sendClaimedBatch, type OutboxBatchLedger, type OutboxBatchRun } from './email-outbox-batch';
import { stableMessageId } from './email-outbox';
import type { Mailer } from './mailer';

/** An in-memory guard row: what a domain's table would record. */
interface Row {
  id: string;
  status: 'claimed' | 'sent' | 'failed' | 'empty' | 'released';
  ours: boolean;
}

const ledger = (rows: Row[]) => {
  const calls = { renewAll: 0, recordSentAll: 0 };
  const ours = (claims: readonly Row[]) => new Set(claims.filter((row) => row.ours));
  const record: OutboxBatchLedger<Row> = {
    renewAll: async (claims) => {
      calls.renewAll += 1;
      return ours(claims);
    },
    recordSentAll: async (claims) => {
      calls.recordSentAll += 1;
      for (const row of ours(claims)) row.status = 'sent';
      return ours(claims);
    },
    recordFailure: async (row) => {
      row.status = 'failed';
      return row.ours;
    },
    recordNothingToSend: async (row) => {
      row.status = 'empty';
      return row.ours;
    },
    releaseAll: async (claims) => {
      for (const row of claims) row.status = 'released';
    },
  };
  return { record, calls, rows };
};

const claims = (count: number): Row[] => Array.from({ length: count }, (_, i) => ({ id: `row${i}`, status: 'claimed', ours: true }));

describe('sendClaimedBatch', () => {
  const smtp = smtpPerTest();
  /** `rows` through the outbox, each email built from its row; `run` overrides the rest, `mailer` the sink's. */
  const send = (rows: Row[], record: OutboxBatchLedger<Row>, run: Partial<OutboxBatchRun<Row>> = {}, mailer: Mailer = smtp.mailer) =>
    sendClaimedBatch(
      { mailer, logger: pino({ level: 'silent' }), leaseMs: 300, renewEveryMs: 20 },
      { claims: rows, ledger: record, compose: async (row) => outboxTestEmail(row.id), label: 'test', context: () => ({}), ...run },
    );

  it('sends each claim still ours once, with its Message-ID, in fewer records than emails', async () => {
    const rows = claims(20);
    rows[3].ours = false;
    const { record, calls } = ledger(rows);
    const outcomes = await send(rows, record);
    expect(outcomes[3]).toBe('lost');
    expect(outcomes.filter((outcome) => outcome === 'sent')).toHaveLength(19);
    expect(smtp.sink.messages.map((mail) => mail.messageId).sort()).toEqual(
      rows
        .filter((row) => row.ours)
        .map((row) => stableMessageId('test', row.id))
        .sort(),
    );
    expect(calls.recordSentAll).toBeLessThan(19);
  });

  it('records an accepted email while the relay still holds the others: a slow relay keeps the resend window one email wide', async () => {
    const rows = claims(3);
    const { record } = ledger(rows);
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let first = true;
    const slow: Mailer = {
      send: async (email) => {
        if (!first) await held;
        first = false;
        return smtp.mailer.send(email);
      },
      close: async () => undefined,
    };
    const sending = send(rows, record, {}, slow);
    await until('the first email recorded sent', () => rows.some((row) => row.status === 'sent'), 5_000);
    expect(rows.filter((row) => row.status === 'sent')).toHaveLength(1);
    release();
    expect(await sending).toEqual(['sent', 'sent', 'sent']);
  });

  it('stops when told or when the relay is unreachable, and releases the claims it never attempted', async () => {
    const rows = claims(20);
    const { record } = ledger(rows);
    let sent = 0;
    const outcomes = await send(rows, record, { stop: () => sent++ >= 2 });
    expect(outcomes.filter((outcome) => outcome === null).length).toBeGreaterThan(0);
    expect(rows.filter((row) => row.status === 'released')).toHaveLength(outcomes.filter((outcome) => outcome === null).length);
    expect(rows.filter((row) => row.status === 'sent')).toHaveLength(smtp.sink.messages.length);

    await smtp.sink.refuseConnections();
    const down = claims(20);
    const unreachable = await send(down, ledger(down).record);
    await smtp.sink.acceptConnections();
    expect(unreachable.filter((outcome) => outcome === 'relay_unavailable').length).toBeLessThan(20);
    expect(down.every((row) => row.status === 'failed' || row.status === 'released')).toBe(true);
  });

  it('sends nothing composed while its lease could have run out: a renewal after composing decides', async () => {
    // The database stalls after the first renewal, and composing takes longer than the lease: by
    // the time the email is ready, another worker may have taken the claim over.
    for (const stillOurs of [true, false]) {
      const rows = claims(1);
      const { record } = ledger(rows);
      const before = smtp.sink.messages.length;
      let renewals = 0;
      let unstall: () => void = () => undefined;
      const stalled = new Promise<void>((resolve) => (unstall = resolve));
      const renewAll = record.renewAll;
      record.renewAll = async (held) => {
        if (renewals++ > 0) await stalled;
        return renewAll(held);
      };
      const sending = send(rows, record, {
        compose: async (row) => {
          await new Promise((resolve) => setTimeout(resolve, 400));
          return outboxTestEmail(row.id);
        },
      });
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(smtp.sink.messages).toHaveLength(before);
      rows[0].ours = stillOurs;
      unstall();
      expect(await sending).toEqual([stillOurs ? 'sent' : 'lost']);
      expect(smtp.sink.messages).toHaveLength(before + (stillOurs ? 1 : 0));
    }
  });

  it('records a claim with nothing left to send without sending it', async () => {
    const rows = claims(2);
    const { record } = ledger(rows);
    const outcomes = await send(rows, record, { compose: async (row) => (row.id === 'row0' ? null : outboxTestEmail(row.id)) });
    expect(outcomes).toEqual(['empty', 'sent']);
    expect(smtp.sink.messages).toHaveLength(1);
  });
});
