import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { digestEmail } from './digest.email';
import { renderTemplate, type EmailTemplate } from './email-template';
import { missedSessionEmail } from './missed-session.email';
import type { RenderedEmail } from './render';
import { registrationConfirmationEmail } from './registration-confirmation.email';
import { sessionReminderEmail } from './session-reminder.email';

/** Every email template: the one contract (subject, preview text, HTML, text, PreviewProps) each follows. */
export const EMAIL_TEMPLATES: EmailTemplate<any>[] = [digestEmail, registrationConfirmationEmail, sessionReminderEmail, missedSessionEmail];

interface EmailPreview {
  name: string;
  render: () => Promise<RenderedEmail>;
}

/** Each template's PreviewProps rendered through the same path production uses. */
export const EMAIL_PREVIEWS: EmailPreview[] = EMAIL_TEMPLATES.map((template) => ({ name: template.name, render: () => renderTemplate(template, template.PreviewProps) }));

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
