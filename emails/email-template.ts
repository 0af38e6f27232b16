import type * as ReactEmailRender from '@react-email/render';
import { createElement, type ReactElement } from 'react';
import type { ReaderLocale } from '../server/i18n/i18n';
import { onFirstUse } from '../server/on-first-use';

/** react-email's renderer (React's server renderer under it), loaded by the first email rendered (server/on-first-use.ts). */
export const emailRenderer = onFirstUse(() => require('@react-email/render') as typeof ReactEmailRender);

/**
 * What every email template provides, in one place (after outline's BaseEmail): its subject, the
 * preview text inbox lists show after it, the HTML (a react-email component), the plain-text
 * part, and PreviewProps for `npm run email:preview`. Templates export one, made by defineEmail.
 * Every template writes in its reader's language and time zone (`locale`, `timeZone` in its props),
 * its words from the catalogues in server/i18n/locales.
 */
export type EmailProps = ReaderLocale;

export interface EmailTemplate<P extends EmailProps> {
  /** The file name of its preview (`<name>.html`, `<name>.txt`). */
  name: string;
  Component: (props: P) => ReactElement;
  subject(props: P): string;
  /** The hidden preheader: the component passes it to EmailFrame. */
  preview(props: P): string;
  /** The plain-text part; without it, derived from the HTML. */
  text?(props: P): string;
  PreviewProps: P;
}

export interface RenderedTemplate {
  subject: string;
  html: string;
  text: string;
  /** The language it is written in: the mailer sends it as Content-Language (and `<html lang>` says it too). */
  language: string;
}

export const defineEmail = <P extends EmailProps>(template: EmailTemplate<P>): EmailTemplate<P> => template;

/** Every email goes out as multipart/alternative: the HTML and a plain-text part from the same props. */
export async function renderTemplate<P extends EmailProps>(template: EmailTemplate<P>, props: P): Promise<RenderedTemplate> {
  // One render: the plain-text part is written by the template or derived from the HTML (what `plainText: true` does, minus a second render).
  const { render, toPlainText } = emailRenderer();
  const html = await render(createElement(template.Component as (props: object) => ReactElement, props as object));
  return { subject: template.subject(props), html, text: template.text ? template.text(props) : toPlainText(html), language: props.locale };
}
