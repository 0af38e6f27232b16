import type { ReactElement } from 'react';
import { digestEmail, digestSubject, type DigestEmailProps } from './digest.email';
import { emailRenderer, renderTemplate, type RenderedTemplate } from './email-template';

export interface RenderedEmail {
  html: string;
  text: string;
}

export type RenderedEmailWithSubject = RenderedTemplate;

/** An element as multipart/alternative parts: the HTML and a plain-text part derived from it. Templates render through renderTemplate. */
export async function renderEmail(element: ReactElement): Promise<RenderedEmail> {
  const { render, toPlainText } = emailRenderer();
  const html = await render(element);
  return { html, text: toPlainText(html) };
}

export { digestSubject };

export const renderDigestEmail = (props: DigestEmailProps): Promise<RenderedEmailWithSubject> => renderTemplate(digestEmail, props);
