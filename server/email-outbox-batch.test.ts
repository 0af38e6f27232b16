import pino from 'pino';
import { until } from '../test/server';
import { outboxTestEmail, startSmtpSink, type SmtpSink } from '../test/smtp-sink';
import { sendClaimedBatch, type OutboxBatchLedger } from './email-outbox-batch';
import { stableMessageId } from './email-outbox';
import { SmtpMailer, type Mailer } from './mailer';

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
  let sink: SmtpSink;
  let mailer: SmtpMailer;
  const options = (over: Mailer = mailer) => ({ mailer: over, logger: pino({ level: 'silent' }), leaseMs: 300, renewEveryMs: 20 });

  beforeEach(async () => {
    sink = await startSmtpSink();
    mailer = new SmtpMailer(sink.url);
  });

  afterEach(async () => {
    await mailer.close();
    await sink.stop();
  });

  it('sends each claim still ours once, with its Message-ID, in fewer records than emails', async () => {
    const rows = claims(20);
    rows[3].ours = false;
    const { record, calls } = ledger(rows);
    const outcomes = await sendClaimedBatch(options(), {
      claims: rows,
      ledger: record,
      compose: async (row) => outboxTestEmail(row.id),
      label: 'test',
      context: () => ({}),
    });
    expect(outcomes[3]).toBe('lost');
    expect(outcomes.filter((outcome) => outcome === 'sent')).toHaveLength(19);
    expect(sink.messages.map((mail) => mail.messageId).sort()).toEqual(
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
        return mailer.send(email);
      },
      close: async () => undefined,
    };
    const sending = sendClaimedBatch(options(slow), {
      claims: rows,
      ledger: record,
      compose: async (row) => outboxTestEmail(row.id),
      label: 'test',
      context: () => ({}),
    });
    await until('the first email recorded sent', () => rows.some((row) => row.status === 'sent'), 5_000);
    expect(rows.filter((row) => row.status === 'sent')).toHaveLength(1);
    release();
    expect(await sending).toEqual(['sent', 'sent', 'sent']);
  });

  it('stops when told or when the relay is unreachable, and releases the claims it never attempted', async () => {
    const rows = claims(20);
    const { record } = ledger(rows);
    let sent = 0;
    const outcomes = await sendClaimedBatch(options(), {
      claims: rows,
      ledger: record,
      compose: async (row) => outboxTestEmail(row.id),
      label: 'test',
      context: () => ({}),
      stop: () => sent++ >= 2,
    });
    expect(outcomes.filter((outcome) => outcome === null).length).toBeGreaterThan(0);
    expect(rows.filter((row) => row.status === 'released')).toHaveLength(outcomes.filter((outcome) => outcome === null).length);
    expect(rows.filter((row) => row.status === 'sent')).toHaveLength(sink.messages.length);

    await sink.refuseConnections();
    const down = claims(20);
    const unreachable = await sendClaimedBatch(options(), {
      claims: down,
      ledger: ledger(down).record,
      compose: async (row) => outboxTestEmail(row.id),
      label: 'test',
      context: () => ({}),
    });
    await sink.acceptConnections();
    expect(unreachable.filter((outcome) => outcome === 'relay_unavailable').length).toBeLessThan(20);
    expect(down.every((row) => row.status === 'failed' || row.status === 'released')).toBe(true);
  });

  it('records a claim with nothing left to send without sending it', async () => {
    const rows = claims(2);
    const { record } = ledger(rows);
    const outcomes = await sendClaimedBatch(options(), {
      claims: rows,
      ledger: record,
      compose: async (row) => (row.id === 'row0' ? null : outboxTestEmail(row.id)),
      label: 'test',
      context: () => ({}),
    });
    expect(outcomes).toEqual(['empty', 'sent']);
    expect(sink.messages).toHaveLength(1);
  });
});
