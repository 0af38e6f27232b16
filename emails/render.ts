import { render, toPlainText } from '@react-email/render';
import { createElement, type ReactElement } from 'react';
import { DigestEmail, digestPlainText, digestSubject, type DigestEmailProps } from './digest.email';

export interface RenderedEmail {
  html: string;
  text: string;
}

export interface RenderedEmailWithSubject extends RenderedEmail {
  subject: string;
}

/** Every email goes out as multipart/alternative: the HTML and a plain-text part from the same tree. */
export async function renderEmail(element: ReactElement): Promise<RenderedEmail> {
  // One render: the plain-text part is derived from the HTML (what `plainText: true` does, minus a second render).
  const html = await render(element);
  return { html, text: toPlainText(html) };
}

export { digestSubject };

export async function renderDigestEmail(props: DigestEmailProps): Promise<RenderedEmailWithSubject> {
  const html = await render(createElement(DigestEmail, props));
  return { subject: digestSubject(props), html, text: digestPlainText(props) };
}
