import { MissedSessionEmail, renderMissedSessionEmail, type MissedSessionEmailProps } from './missed-session.email';
import {
  RegistrationConfirmationEmail,
  renderRegistrationConfirmationEmail,
  type RegistrationConfirmationEmailProps,
} from './registration-confirmation.email';
import { SessionReminderEmail, renderSessionReminderEmail, type SessionReminderEmailProps } from './session-reminder.email';

const STARTS = new Date('2026-03-10T10:00:00Z');
const minutesBefore = (minutes: number) => new Date(STARTS.getTime() - minutes * 60_000);

const details = {
  locale: 'en' as const,
  timeZone: 'Europe/Paris',
  startsAt: STARTS,
  sentAt: minutesBefore(15),
  communityName: 'Growth Circle',
  memberName: 'Camille Martin',
  sessionTitle: 'Pipeline reviews that work',
  description: 'Three revenue leaders on the review they cut to 30 minutes.',
  speakers: ['Hugo Moreau', 'Nadia Silva'],
};

const reminder: SessionReminderEmailProps = {
  ...details,
  joinUrl: 'https://hearth.test/live/11111111-2222-3333-4444-555555555555',
};

const missed: MissedSessionEmailProps = {
  ...details,
  replayUrl: 'https://hearth.test/r/replay-token',
  preferencesUrl: 'https://hearth.test/settings/email',
  unsubscribeUrl: 'https://hearth.test/unsubscribe/abc123',
};

const confirmation: RegistrationConfirmationEmailProps = {
  ...details,
  sessionUrl: 'https://hearth.test/live/11111111-2222-3333-4444-555555555555',
};

describe('RegistrationConfirmationEmail', () => {
  it('confirms the session, when, who speaks, what it is about, and says reminders will follow', async () => {
    const { subject, html, text } = await renderRegistrationConfirmationEmail(confirmation);

    expect(subject).toBe('You are registered: Pipeline reviews that work');
    expect(html).toMatch(/Hi (<!-- -->)?Camille(<!-- -->)?,/);
    expect(text).toContain('Tuesday 10 March at 11:00 (Paris time)');
    expect(text).toContain('With Hugo Moreau and Nadia Silva');
    expect(text).toContain(details.description);
    expect(text).toContain('We will send you a reminder before it starts');
    expect(html).toContain(`href="${confirmation.sessionUrl}"`);
    expect(text.toLowerCase()).not.toContain('unsubscribe');
  });

  it('renders its PreviewProps', async () => {
    const { subject } = await renderRegistrationConfirmationEmail(RegistrationConfirmationEmail.PreviewProps);
    expect(subject).toContain(RegistrationConfirmationEmail.PreviewProps.sessionTitle);
  });
});

describe('SessionReminderEmail', () => {
  it('says what starts, when, how soon, who speaks and what it is about, with the join link', async () => {
    const { subject, html } = await renderSessionReminderEmail(reminder);

    expect(subject).toBe('Pipeline reviews that work starts in 15 minutes');
    expect(html).toContain('Growth Circle');
    expect(html).toMatch(/Hi (<!-- -->)?Camille(<!-- -->)?,/);
    expect(html).toContain('Pipeline reviews that work');
    expect(html).toContain('Tuesday 10 March at 11:00 (Paris time)');
    expect(html).toMatch(/starts (<!-- -->)?in 15 minutes/);
    expect(html).toContain(`href="${reminder.joinUrl}"`);
    expect(html).toContain('With Hugo Moreau and Nadia Silva');
    expect(html).toContain(details.description);
  });

  it('keeps a long description short: the rest is on the session page', async () => {
    const { text } = await renderSessionReminderEmail({ ...reminder, description: 'word '.repeat(400) });
    expect(text).toContain('…');
    expect(text.length).toBeLessThan(1500);
  });

  it('has a plain-text part with the time and the link, and no unsubscribe (it is transactional)', async () => {
    const { text } = await renderSessionReminderEmail({ ...reminder, sentAt: minutesBefore(24 * 60) });

    expect(text).not.toContain('<');
    expect(text).toContain('Hi Camille,');
    expect(text).toContain('starts in 24 hours');
    expect(text).toContain('Tuesday 10 March at 11:00 (Paris time)');
    expect(text).toContain(reminder.joinUrl);
    expect(text.toLowerCase()).not.toContain('unsubscribe');
  });

  it('renders its PreviewProps', async () => {
    const { subject, text } = await renderSessionReminderEmail(SessionReminderEmail.PreviewProps);

    expect(subject).toContain(SessionReminderEmail.PreviewProps.sessionTitle);
    expect(text).toContain(SessionReminderEmail.PreviewProps.joinUrl);
  });
});

describe('MissedSessionEmail', () => {
  it('offers the replay, with preferences and unsubscribe links', async () => {
    const { subject, html } = await renderMissedSessionEmail(missed);

    expect(subject).toBe('You missed "Pipeline reviews that work": the replay is ready');
    expect(html).toMatch(/Hi (<!-- -->)?Camille(<!-- -->)?,/);
    expect(html).toContain('Pipeline reviews that work');
    expect(html).toContain(`href="${missed.replayUrl}"`);
    expect(html).toContain(`href="${missed.preferencesUrl}"`);
    expect(html).toContain(`href="${missed.unsubscribeUrl}"`);
  });

  it('has a plain-text part with the replay link', async () => {
    const { text } = await renderMissedSessionEmail(missed);

    expect(text).not.toContain('<');
    expect(text).toContain('Hi Camille,');
    expect(text).toContain('Tuesday 10 March at 11:00 (Paris time)');
    expect(text).toContain(missed.replayUrl);
    expect(text).toContain(missed.unsubscribeUrl);
  });

  it('renders its PreviewProps', async () => {
    const { html, text } = await renderMissedSessionEmail(MissedSessionEmail.PreviewProps);

    expect(html).toContain(MissedSessionEmail.PreviewProps.communityName);
    expect(text).toContain(MissedSessionEmail.PreviewProps.replayUrl);
  });
});

describe('session emails in the member’s language and time zone', () => {
  it('a French member in Paris: French words, plural rules, the time on their clock, <html lang="fr">', async () => {
    const french = {
      ...reminder,
      locale: 'fr' as const,
      startsAt: new Date('2026-12-10T09:00:00Z'),
      sentAt: new Date('2026-12-09T09:00:00Z'),
    };
    const { subject, html, text, language } = await renderSessionReminderEmail(french);

    expect(subject).toBe('Pipeline reviews that work commence dans 24 heures');
    expect(language).toBe('fr');
    expect(html).toMatch(/<html[^>]* lang="fr"/);
    expect(text).toContain('Bonjour Camille,');
    expect(text).toContain('jeudi 10 décembre à 10:00 (heure de Paris)');
    expect(text).toContain('Avec Hugo Moreau et Nadia Silva');
    expect(text).toContain('Rejoindre la session');
    expect((await renderSessionReminderEmail({ ...french, sentAt: new Date('2026-12-10T08:59:00Z') })).subject).toBe(
      'Pipeline reviews that work commence dans 1 minute',
    );
  });

  it('an English member in New York: the same session at 04:00 their time', async () => {
    const { html, text, language } = await renderRegistrationConfirmationEmail({
      ...confirmation,
      timeZone: 'America/New_York',
      startsAt: new Date('2026-12-10T09:00:00Z'),
      sentAt: new Date('2026-12-01T09:00:00Z'),
    });

    expect(language).toBe('en');
    expect(html).toMatch(/<html[^>]* lang="en"/);
    expect(text).toContain('Thursday 10 December at 04:00 (New York time)');
  });

  it('"you missed it" in French says when it took place', async () => {
    const { subject, text } = await renderMissedSessionEmail({
      ...missed,
      locale: 'fr',
      startsAt: new Date('2026-12-10T09:04:00Z'),
      sentAt: new Date('2026-12-10T11:00:00Z'),
    });

    expect(subject).toBe('Vous avez manqué « Pipeline reviews that work » : le replay est disponible');
    expect(text).toContain('Diffusée le jeudi 10 décembre à 10:04 (heure de Paris)');
    expect(text).toContain('Se désabonner');
  });
});
