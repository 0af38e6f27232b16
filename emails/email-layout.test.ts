import type { Browser } from 'playwright-core';
import { describeWithChromium, launchChromium } from '../test/browser';
import { DigestEmail } from './digest.email';
import { MissedSessionEmail, renderMissedSessionEmail } from './missed-session.email';
import { EMAIL_PREVIEWS } from './preview';
import { RegistrationConfirmationEmail, renderRegistrationConfirmationEmail } from './registration-confirmation.email';
import { renderDigestEmail, type RenderedEmail } from './render';
import { SessionReminderEmail, renderSessionReminderEmail } from './session-reminder.email';

/** What members write and links carry at their worst: words and URLs longer than a phone is wide. */
const LONG_WORD = 'Pneumonoultramicroscopicsilicovolcanoconiosis'.repeat(2);
const LONG_URL = `https://community.example.com/r/${'x'.repeat(180)}`;
const stressed = {
  sessionTitle: `${LONG_WORD} ${LONG_WORD}`,
  description: `${LONG_WORD}\n${'A long paragraph about the session. '.repeat(30)}`,
  speakers: Array.from({ length: 8 }, (_, i) => `${LONG_WORD.slice(0, 40)}${i}`),
};
const item = {
  ...DigestEmail.PreviewProps.hot[0],
  title: `${LONG_WORD} ${LONG_WORD}`,
  summary: `See ${LONG_URL}`,
  themes: [LONG_WORD, 'ABM'],
  url: LONG_URL,
};

const STRESS: { name: string; render: () => Promise<RenderedEmail> }[] = [
  {
    name: 'digest, long words and links',
    render: () =>
      renderDigestEmail({
        ...DigestEmail.PreviewProps,
        communityName: LONG_WORD,
        memberName: LONG_WORD,
        hot: [item, item],
        cold: [item],
        feedUrl: LONG_URL,
      }),
  },
  {
    name: 'registration confirmation, long words',
    render: () => renderRegistrationConfirmationEmail({ ...RegistrationConfirmationEmail.PreviewProps, ...stressed, sessionUrl: LONG_URL }),
  },
  {
    name: 'session reminder, long words',
    render: () => renderSessionReminderEmail({ ...SessionReminderEmail.PreviewProps, ...stressed, joinUrl: LONG_URL }),
  },
  {
    name: 'missed session, long words',
    render: () =>
      renderMissedSessionEmail({ ...MissedSessionEmail.PreviewProps, ...stressed, replayUrl: LONG_URL, unsubscribeUrl: LONG_URL }),
  },
];

/**
 * Every template, as a mail client with a browser engine shows it (Apple Mail and Gmail's apps are
 * WebKit and Blink): at a phone's 375 px and a desktop pane's 800 px, nothing scrolls sideways.
 */
describeWithChromium('email templates in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(() => browser?.close());

  it.each([
    ...EMAIL_PREVIEWS.map((preview) => [`${preview.name} (PreviewProps)`, preview.render] as const),
    ...STRESS.map((s) => [s.name, s.render] as const),
  ])('%s fits 375 px and 800 px without horizontal overflow', async (_name, render) => {
    const { html } = await render();
    for (const width of [375, 800]) {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      await page.setContent(html, { waitUntil: 'load' });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect({ width, overflow }).toEqual({ width, overflow: 0 });
      await page.close();
    }
  });

  it('renders every template the preview script knows, the confirmation included, in every locale', () => {
    expect(EMAIL_PREVIEWS.map((preview) => preview.name)).toEqual(
      ['digest', 'registration-confirmation', 'session-reminder', 'missed-session'].flatMap((name) => [`${name}.en`, `${name}.fr`]),
    );
  });
});
