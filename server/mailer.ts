import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type * as Nodemailer from 'nodemailer';
import { onFirstUse } from './on-first-use';

/** nodemailer, loaded when a process makes its first mailer (server/on-first-use.ts). */
const nodemailer = onFirstUse(() => require('nodemailer') as typeof Nodemailer);

export interface OutgoingEmail {
  to: string;
  from: string;
  subject: string;
  html: string;
  text: string;
  headers?: Record<string, string>;
  /** The language it is written in (`fr`): sent as the Content-Language header (RFC 3282). */
  language?: string;
  /** A fixed Message-ID (`<id@domain>`): a retry of the same email reuses it, so clients can tell. */
  messageId?: string;
  /** Files sent with the email, such as a session's calendar event (`.ics`). */
  attachments?: EmailAttachment[];
}

export interface EmailAttachment {
  filename: string;
  content: string;
  contentType: string;
}

export interface Mailer {
  /** Resolves once the message is accepted; rejects on any refusal so the caller can retry. */
  send(email: OutgoingEmail): Promise<{ messageId: string }>;
  close(): Promise<void>;
}

/** nodemailer's codes for a relay that could not be reached or talked to (as opposed to one that refused the message). */
const RELAY_CONNECTION_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ECONNREFUSED', 'ECONNRESET', 'EPROTOCOL']);

/**
 * Whether a send failed because the relay is away (unreachable, timed out, or answering with a
 * transient 4xx such as 421 "service not available"), so the email should simply wait for it,
 * rather than because the message was refused (5xx).
 */
export function isRelayUnavailable(error: unknown): boolean {
  // Duck-typed: socket errors come from Node's own realm, where `instanceof Error` can fail (jest's VM).
  if (typeof error !== 'object' || error === null) return false;
  const { code, responseCode } = error as { code?: unknown; responseCode?: unknown };
  if (typeof responseCode === 'number') return responseCode >= 400 && responseCode < 500;
  return typeof code === 'string' && RELAY_CONNECTION_CODES.has(code);
}

function toMailOptions(email: OutgoingEmail) {
  const { to, from, subject, html, text, messageId, attachments, language } = email;
  const headers = language ? { ...email.headers, 'Content-Language': language } : email.headers;
  return { to, from, subject, html, text, headers, messageId, attachments };
}

/** Delivers through an SMTP relay; pooled so a digest run reuses a few connections. */
export class SmtpMailer implements Mailer {
  private readonly transport: Nodemailer.Transporter;

  constructor(smtpUrl: string) {
    // Bounded waits: a stuck relay fails the send (retried later) instead of holding a job's lease.
    this.transport = nodemailer().createTransport({
      url: smtpUrl,
      pool: true,
      maxConnections: 10,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
  }

  async send(email: OutgoingEmail): Promise<{ messageId: string }> {
    const info = await this.transport.sendMail(toMailOptions(email));
    return { messageId: info.messageId };
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}

/**
 * Without SMTP (development, self-hosters trying it out) every message lands as a complete
 * RFC 822 `.eml` file that any mail client opens, instead of being dropped.
 */
export class OutboxMailer implements Mailer {
  private readonly transport = nodemailer().createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  /** The folder, made by the first send (not once per email: a worker writes thousands per run). */
  private made: Promise<unknown> | null = null;

  constructor(private readonly dir: string) {}

  async send(email: OutgoingEmail): Promise<{ messageId: string }> {
    const info = await this.transport.sendMail(toMailOptions(email));
    this.made ??= mkdir(this.dir, { recursive: true }).catch((error: unknown) => {
      this.made = null;
      throw error;
    });
    await this.made;
    const stamp = new Date().toISOString().replace(/:/g, '');
    const file = path.join(this.dir, `${stamp}-${randomBytes(4).toString('hex')}.eml`);
    await writeFile(file, info.message);
    return { messageId: info.messageId };
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}

export function createMailer(options: { smtpUrl?: string; outboxDir: string }): Mailer {
  return options.smtpUrl ? new SmtpMailer(options.smtpUrl) : new OutboxMailer(options.outboxDir);
}
