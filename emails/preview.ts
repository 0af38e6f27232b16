import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DigestEmail } from './digest.email';
import { MissedSessionEmail, renderMissedSessionEmail } from './missed-session.email';
import { renderDigestEmail, type RenderedEmail } from './render';
import { RegistrationConfirmationEmail, renderRegistrationConfirmationEmail } from './registration-confirmation.email';
import { SessionReminderEmail, renderSessionReminderEmail } from './session-reminder.email';

interface EmailPreview {
  name: string;
  render: () => Promise<RenderedEmail>;
}

/** One line per template: its PreviewProps rendered through the same path production uses. */
export const EMAIL_PREVIEWS: EmailPreview[] = [
  { name: 'digest', render: () => renderDigestEmail(DigestEmail.PreviewProps) },
  { name: 'registration-confirmation', render: () => renderRegistrationConfirmationEmail(RegistrationConfirmationEmail.PreviewProps) },
  { name: 'session-reminder', render: () => renderSessionReminderEmail(SessionReminderEmail.PreviewProps) },
  { name: 'missed-session', render: () => renderMissedSessionEmail(MissedSessionEmail.PreviewProps) },
];

/** Writes `<name>.html` and `<name>.txt` for every template; returns the paths written. */
export async function writeEmailPreviews(outDir: string): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const written: string[] = [];
  for (const preview of EMAIL_PREVIEWS) {
    const { html, text } = await preview.render();
    const htmlPath = path.join(outDir, `${preview.name}.html`);
    const textPath = path.join(outDir, `${preview.name}.txt`);
    await writeFile(htmlPath, html);
    await writeFile(textPath, text);
    written.push(htmlPath, textPath);
  }
  return written;
}

async function main(): Promise<void> {
  const outDir = path.resolve(process.argv[2] ?? '.hearth/email-preview');
  for (const file of await writeEmailPreviews(outDir)) console.log(file);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
