import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { digestEmail } from './digest.email';
import { renderTemplate, type EmailTemplate } from './email-template';
import { missedSessionEmail } from './missed-session.email';
import type { RenderedEmail } from './render';
import { registrationConfirmationEmail } from './registration-confirmation.email';
import { sessionReminderEmail } from './session-reminder.email';
import { LOCALES, type Locale } from '../server/i18n/i18n';

/** Every email template: the one contract (subject, preview text, HTML, text, PreviewProps) each follows. */
export const EMAIL_TEMPLATES: EmailTemplate<any>[] = [digestEmail, registrationConfirmationEmail, sessionReminderEmail, missedSessionEmail];

interface EmailPreview {
  /** `<template>.<locale>`, e.g. `digest.fr`. */
  name: string;
  locale: Locale;
  render: () => Promise<RenderedEmail>;
}

/** Each template's PreviewProps rendered through the same path production uses, in every locale. */
export const EMAIL_PREVIEWS: EmailPreview[] = EMAIL_TEMPLATES.flatMap((template) =>
  LOCALES.map((locale) => ({
    name: `${template.name}.${locale}`,
    locale,
    render: () => renderTemplate(template, { ...template.PreviewProps, locale }),
  })),
);

/** Writes `<name>.<locale>.html` and `.txt` for every template in every locale; returns the paths written. */
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
