import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { renderTemplate, type EmailTemplate } from './email-template';
import { EMAIL_PREVIEWS, EMAIL_TEMPLATES, writeEmailPreviews } from './preview';

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;');

describe('the email template contract', () => {
  it('covers every *.email.tsx: each exports a template listed in EMAIL_TEMPLATES', async () => {
    const files = readdirSync(__dirname).filter((file) => file.endsWith('.email.tsx'));
    const listed = await Promise.all(
      files.map(async (file) => {
        const exported = Object.values((await import(`./${file}`)) as Record<string, unknown>);
        return [file, exported.filter((value) => EMAIL_TEMPLATES.includes(value as EmailTemplate<any>)).length] as const;
      }),
    );
    expect(listed).toEqual(files.map((file) => [file, 1]));
    expect(new Set(EMAIL_TEMPLATES.map((template) => template.name)).size).toBe(EMAIL_TEMPLATES.length);
  });

  it.each(EMAIL_TEMPLATES.map((template) => [template.name, template] as const))(
    '%s renders its PreviewProps: subject, preview text in the HTML, and a plain-text part',
    async (_name, template) => {
      const props = template.PreviewProps;
      const rendered = await renderTemplate(template, props);
      expect(rendered.subject).toBe(template.subject(props));
      expect(rendered.subject.trim()).not.toBe('');
      const preview = template.preview(props);
      expect(preview.trim()).not.toBe('');
      expect(rendered.html).toContain(escapeHtml(preview));
      expect(rendered.html).toMatch(/^<!DOCTYPE html/i);
      expect(rendered.text.trim()).not.toBe('');
      expect(rendered.text).not.toMatch(/<[a-z]+[\s>]/i);
    },
  );

  it.each(EMAIL_PREVIEWS.map((preview) => [preview.name, preview] as const))(
    '%s (npm run email:preview) is written in its locale: <html lang>, Content-Language, and no words of the other language',
    async (_name, preview) => {
      const rendered = (await preview.render()) as Awaited<ReturnType<typeof renderTemplate>>;
      expect(rendered.language).toBe(preview.locale);
      expect(rendered.html).toMatch(new RegExp(`<html[^>]* lang="${preview.locale}"`));
      const greeting = { en: /^Hi \S+,$/m, fr: /^Bonjour \S+,$/m }[preview.locale];
      expect(rendered.text).toMatch(greeting);
      expect(rendered.text).not.toMatch(preview.locale === 'en' ? /Bonjour|vous/ : /\bHi\b|\byou\b/);
    },
  );

  it('npm run email:preview writes every template in every locale', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hearth-email-preview-'));
    try {
      const written = (await writeEmailPreviews(dir)).map((file) => path.basename(file));
      const expected = EMAIL_TEMPLATES.flatMap((template) =>
        ['en', 'fr'].flatMap((locale) => [`${template.name}.${locale}.html`, `${template.name}.${locale}.txt`]),
      );
      expect(written.sort()).toEqual(expected.sort());
      expect(readFileSync(path.join(dir, 'session-reminder.fr.txt'), 'utf8')).toContain('mardi 10 mars à 11:00 (heure de Paris)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
