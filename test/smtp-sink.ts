import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { stableMessageId } from '../server/email-outbox';
import { SmtpMailer, type OutgoingEmail } from '../server/mailer';

export interface SmtpSink {
  port: number;
  /** smtp://127.0.0.1:<port>, ready for `createMailer({ smtpUrl })`. */
  url: string;
  /** Accepted messages in arrival order; raw headers are in `headerLines`, parsed ones in `headers`. */
  messages: ParsedMail[];
  waitFor(count: number, timeoutMs?: number): Promise<ParsedMail[]>;
  /** The next `n` messages are refused after DATA: with a 451 temporary error, or `code` (550: refused for good). */
  failNext(n: number, code?: 451 | 550): void;
  /** The relay goes away: no new connection is accepted and open ones are closed, until `acceptConnections()`. */
  refuseConnections(): Promise<void>;
  acceptConnections(): Promise<void>;
  /**
   * From now on, complete messages get no reply (the client waits, as if the relay were slow); they
   * count as delivered only once `release()` answers them. A client that dies meanwhile never got
   * its 250, so its held messages are dropped, as a real relay would.
   */
  hold(): void;
  release(): void;
  /** Messages received completely and waiting for a reply. */
  heldCount(): number;
  stop(): Promise<void>;
}

/**
 * A header's value as sent. mailparser folds List-* headers into one structured `list` entry,
 * so `headers.get('list-unsubscribe-post')` is empty; the raw lines keep every header.
 */
export function rawHeader(mail: ParsedMail, name: string): string | undefined {
  const found = mail.headerLines.find((header) => header.key === name.toLowerCase());
  return found?.line
    .slice(found.line.indexOf(':') + 1)
    .replace(/\r?\n[ \t]+/g, ' ')
    .trim();
}

function refusal(code: 451 | 550): Error {
  return Object.assign(new Error(code === 451 ? 'Temporary failure, try again later' : 'Mailbox unavailable'), { responseCode: code });
}

/** A real SMTP server on a free local port, so mail tests exercise the wire protocol. */
export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: ParsedMail[] = [];
  const waiters = new Set<() => void>();
  const failures: (451 | 550)[] = [];
  let holding = false;
  const held = new Map<string, { parsed: ParsedMail; reply: (error?: Error) => void }[]>();
  // Sessions whose client went away: a message still being parsed then can never get its 250.
  const closed = new Set<string>();
  const accept = (parsed: ParsedMail, reply: (error?: Error) => void) => {
    messages.push(parsed);
    for (const wake of waiters) wake();
    reply();
  };

  const createServer = () =>
    new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      // A pooled client may still hold a connection at stop(): don't wait 30 s for it.
      closeTimeout: 500,
      onClose(session) {
        closed.add(session.id);
        held.delete(session.id);
      },
      onData(stream, session, callback) {
        simpleParser(stream)
          .then((parsed) => {
            const failure = failures.shift();
            if (failure) {
              callback(refusal(failure));
              return;
            }
            if (closed.has(session.id)) return;
            if (holding) {
              held.set(session.id, [...(held.get(session.id) ?? []), { parsed, reply: callback }]);
              return;
            }
            accept(parsed, callback);
          })
          .catch((error: Error) => callback(error));
      },
    });

  const listen = async (onPort: number) => {
    const started = createServer();
    await new Promise<void>((resolve, reject) => {
      started.once('error', reject);
      started.listen(onPort, '127.0.0.1', () => {
        started.off('error', reject);
        resolve();
      });
    });
    // A client killed in the middle of a message (the worker test's SIGKILL) resets its connection:
    // smtp-server reports that as an 'error' event, which would crash the test file unheard. A relay
    // drops the message and carries on; so does the sink.
    started.on('error', () => undefined);
    return started;
  };
  let server: SMTPServer | null = await listen(0);
  const { port } = server.server.address() as AddressInfo;
  const close = async () => {
    const closing = server;
    server = null;
    if (closing) await new Promise<void>((resolve) => closing.close(() => resolve()));
  };

  function waitFor(count: number, timeoutMs = 5000): Promise<ParsedMail[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (messages.length < count) return;
        done();
        resolve(messages.slice(0, count));
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`SMTP sink: expected ${count} message(s), got ${messages.length} within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  }

  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    waitFor,
    failNext(n, code = 451) {
      failures.push(...Array.from({ length: n }, () => code));
    },
    refuseConnections: close,
    async acceptConnections() {
      server ??= await listen(port);
    },
    hold() {
      holding = true;
    },
    release() {
      holding = false;
      for (const entries of held.values()) for (const entry of entries) accept(entry.parsed, entry.reply);
      held.clear();
    },
    heldCount: () => [...held.values()].reduce((sum, entries) => sum + entries.length, 0),
    stop: close,
  };
}

/** The first recipient address of each message the sink accepted, in arrival order. */
export const recipientsOf = (sink: SmtpSink): string[] =>
  sink.messages.map((mail) => (Array.isArray(mail.to) ? mail.to[0] : mail.to)!.value[0].address!);

/** The email outbox tests send for a guard row `id`: its address and Message-ID derive from the id. */
export const outboxTestEmail = (id: string): OutgoingEmail => ({
  to: `${id}@hearth.test`,
  from: 'Hearth <digest@hearth.test>',
  subject: `About ${id}`,
  html: `<p>${id}</p>`,
  text: id,
  messageId: stableMessageId('test', id),
});

/** For each test of the calling describe block: a fresh sink and an SmtpMailer sending to it, both closed after. */
export function smtpPerTest(): { readonly sink: SmtpSink; readonly mailer: SmtpMailer } {
  const current = {} as { sink: SmtpSink; mailer: SmtpMailer };
  beforeEach(async () => {
    current.sink = await startSmtpSink();
    current.mailer = new SmtpMailer(current.sink.url);
  });
  afterEach(async () => {
    await current.mailer.close();
    await current.sink.stop();
  });
  return current;
}
