import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface SmtpSink {
  port: number;
  /** smtp://127.0.0.1:<port>, ready for `createMailer({ smtpUrl })`. */
  url: string;
  /** Accepted messages in arrival order; raw headers are in `headerLines`, parsed ones in `headers`. */
  messages: ParsedMail[];
  waitFor(count: number, timeoutMs?: number): Promise<ParsedMail[]>;
  /** The next `n` messages are refused after DATA with a 451 temporary error. */
  failNext(n: number): void;
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
  return found?.line.slice(found.line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim();
}

function temporaryFailure(): Error {
  return Object.assign(new Error('Temporary failure, try again later'), { responseCode: 451 });
}

/** A real SMTP server on a free local port, so mail tests exercise the wire protocol. */
export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: ParsedMail[] = [];
  const waiters = new Set<() => void>();
  let failuresLeft = 0;
  let holding = false;
  const held = new Map<string, { parsed: ParsedMail; reply: (error?: Error) => void }[]>();
  // Sessions whose client went away: a message still being parsed then can never get its 250.
  const closed = new Set<string>();
  const accept = (parsed: ParsedMail, reply: (error?: Error) => void) => {
    messages.push(parsed);
    for (const wake of waiters) wake();
    reply();
  };

  const server = new SMTPServer({
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
          if (failuresLeft > 0) {
            failuresLeft -= 1;
            callback(temporaryFailure());
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

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  // A client killed in the middle of a message (the worker test's SIGKILL) resets its connection:
  // smtp-server reports that as an 'error' event, which would crash the test file unheard. A relay
  // drops the message and carries on; so does the sink.
  server.on('error', () => undefined);
  const { port } = server.server.address() as AddressInfo;

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
    failNext(n) {
      failuresLeft += n;
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
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The first recipient address of each message the sink accepted, in arrival order. */
export const recipientsOf = (sink: SmtpSink): string[] =>
  sink.messages.map((mail) => (Array.isArray(mail.to) ? mail.to[0] : mail.to)!.value[0].address!);
