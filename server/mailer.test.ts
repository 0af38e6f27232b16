import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { until } from '../test/server';
import { rawHeader, smtpPerTest } from '../test/smtp-sink';
import { createMailer, OutboxMailer, SmtpMailer, type OutgoingEmail } from './mailer';

function buildEmail(overrides: Partial<OutgoingEmail> = {}): OutgoingEmail {
  return {
    to: 'camille@hearth.test',
    from: 'Growth Circle <digest@hearth.test>',
    subject: 'New for you in Growth Circle',
    html: '<p>Hello <a href="https://hearth.test/content/1">Attribution models</a></p>',
    text: 'Hello Attribution models [https://hearth.test/content/1]',
    headers: {
      'List-Unsubscribe': '<https://hearth.test/unsubscribe?token=abc123>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
    ...overrides,
  };
}

describe('SmtpMailer', () => {
  const smtp = smtpPerTest();

  it('sends the language of the email as Content-Language, beside its own headers', async () => {
    await smtp.mailer.send(buildEmail({ language: 'fr' }));
    await smtp.mailer.send(buildEmail());

    const [french, unsaid] = await smtp.sink.waitFor(2);
    expect(rawHeader(french, 'Content-Language')).toBe('fr');
    expect(rawHeader(french, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(rawHeader(unsaid, 'Content-Language')).toBeUndefined();
  });

  it('delivers subject, html, text and custom headers over SMTP', async () => {
    const { messageId } = await smtp.mailer.send(buildEmail());

    const [received] = await smtp.sink.waitFor(1);
    expect(received.messageId).toBe(messageId);
    expect(received.subject).toBe('New for you in Growth Circle');
    expect(received.html).toContain('href="https://hearth.test/content/1"');
    expect(received.text?.trim()).toBe('Hello Attribution models [https://hearth.test/content/1]');
    expect(rawHeader(received, 'List-Unsubscribe')).toBe('<https://hearth.test/unsubscribe?token=abc123>');
    expect(rawHeader(received, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
  });

  it('rejects when the server refuses the message, so the caller can retry', async () => {
    smtp.sink.failNext(1);

    await expect(smtp.mailer.send(buildEmail({ subject: 'refused' }))).rejects.toMatchObject({ responseCode: 451 });
    expect(smtp.sink.messages).toHaveLength(0);

    await smtp.mailer.send(buildEmail({ subject: 'retried' }));
    const [received] = await smtp.sink.waitFor(1);
    expect(received.subject).toBe('retried');
  });

  it('the test relay outlives a client reset in the middle of a message (a killed worker)', async () => {
    const socket = connect(smtp.sink.port, '127.0.0.1');
    let replies = '';
    socket.on('data', (chunk) => (replies += chunk));
    const reply = (code: string) => until(`SMTP ${code}`, () => replies.includes(`\r\n${code} `) || replies.startsWith(`${code} `), 5_000);
    await reply('220');
    for (const [command, code] of [
      ['EHLO worker', '250'],
      ['MAIL FROM:<a@hearth.test>', '250'],
      ['RCPT TO:<b@hearth.test>', '250'],
      ['DATA', '354'],
    ]) {
      replies = '';
      socket.write(`${command}\r\n`);
      await reply(code);
    }
    socket.write('Subject: cut short\r\n\r\nHalf a');
    await new Promise((resolve) => socket.once('close', resolve).resetAndDestroy());

    await smtp.mailer.send(buildEmail({ subject: 'after the reset' }));
    const [received] = await smtp.sink.waitFor(1);
    expect(received.subject).toBe('after the reset');
  });
});

describe('OutboxMailer', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'hearth-outbox-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes each message as a complete .eml file', async () => {
    const outbox = path.join(dir, 'nested', 'outbox');
    const mailer = new OutboxMailer(outbox);

    const { messageId } = await mailer.send(buildEmail());
    await mailer.send(buildEmail({ subject: 'second' }));
    await mailer.close();

    const files = (await readdir(outbox)).sort();
    expect(files).toHaveLength(2);
    for (const file of files) expect(file).toMatch(/^\d{4}-\d{2}-\d{2}T\d{6}\.\d{3}Z-[0-9a-f]{8}\.eml$/);
    const parsed = await Promise.all(files.map(async (file) => simpleParser(await readFile(path.join(outbox, file)))));
    const first = parsed.find((mail) => mail.subject === 'New for you in Growth Circle');
    expect(first).toBeDefined();
    expect(first?.messageId).toBe(messageId);
    expect(rawHeader(first!, 'List-Unsubscribe')).toBe('<https://hearth.test/unsubscribe?token=abc123>');
    expect(rawHeader(first!, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(first?.html).toContain('Attribution models');
    expect(first?.text).toContain('https://hearth.test/content/1');
    expect(parsed.map((mail) => mail.subject)).toContain('second');
  });
});

describe('createMailer', () => {
  it('uses SMTP when a URL is configured and the outbox otherwise', async () => {
    const smtp = createMailer({ smtpUrl: 'smtp://127.0.0.1:2525', outboxDir: '/unused' });
    const outbox = createMailer({ outboxDir: tmpdir() });
    expect(smtp).toBeInstanceOf(SmtpMailer);
    expect(outbox).toBeInstanceOf(OutboxMailer);
    await Promise.all([smtp.close(), outbox.close()]);
  });
});
