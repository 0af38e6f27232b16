import { MissedSessionEmail, renderMissedSessionEmail, type MissedSessionEmailProps } from './missed-session.email';
import { RegistrationConfirmationEmail, renderRegistrationConfirmationEmail, type RegistrationConfirmationEmailProps } from './registration-confirmation.email';
import { SessionReminderEmail, renderSessionReminderEmail, type SessionReminderEmailProps } from './session-reminder.email';

const details = {
  communityName: 'Growth Circle',
  memberName: 'Camille Martin',
  sessionTitle: 'Pipeline reviews that work',
  description: 'Three revenue leaders on the review they cut to 30 minutes.',
  speakers: ['Hugo Moreau', 'Nadia Silva'],
};

const reminder: SessionReminderEmailProps = {
  ...details,
  startsAt: 'Tuesday, 10 March 2026 at 11:00 CET',
  startsIn: 'in 15 minutes',
  joinUrl: 'https://hearth.test/live/11111111-2222-3333-4444-555555555555',
};

const missed: MissedSessionEmailProps = {
  ...details,
  startsAt: 'Tuesday, 10 March 2026 at 11:00 CET',
  replayUrl: 'https://hearth.test/r/replay-token',
  preferencesUrl: 'https://hearth.test/settings/email',
  unsubscribeUrl: 'https://hearth.test/unsubscribe/abc123',
};

const confirmation: RegistrationConfirmationEmailProps = {
  ...details,
  startsAt: 'Tuesday, 10 March 2026 at 11:00 CET',
  sessionUrl: 'https://hearth.test/live/11111111-2222-3333-4444-555555555555',
};

describe('RegistrationConfirmationEmail', () => {
  it('confirms the session, when, who speaks, what it is about, and says reminders will follow', async () => {
    const { subject, html, text } = await renderRegistrationConfirmationEmail(confirmation);

    expect(subject).toBe('You are registered: Pipeline reviews that work');
    expect(html).toMatch(/Hi (<!-- -->)?Camille(<!-- -->)?,/);
    expect(text).toContain('Tuesday, 10 March 2026 at 11:00 CET');
    expect(text).toContain('With Hugo Moreau, Nadia Silva');
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
    expect(html).toContain('Tuesday, 10 March 2026 at 11:00 CET');
    expect(html).toMatch(/starts (<!-- -->)?in 15 minutes/);
    expect(html).toContain(`href="${reminder.joinUrl}"`);
    expect(html).toContain('With Hugo Moreau, Nadia Silva');
    expect(html).toContain(details.description);
  });

  it('keeps a long description short: the rest is on the session page', async () => {
    const { text } = await renderSessionReminderEmail({ ...reminder, description: 'word '.repeat(400) });
    expect(text).toContain('…');
    expect(text.length).toBeLessThan(1500);
  });

  it('has a plain-text part with the time and the link, and no unsubscribe (it is transactional)', async () => {
    const { text } = await renderSessionReminderEmail({ ...reminder, startsIn: 'in 24 hours' });

    expect(text).not.toContain('<');
    expect(text).toContain('Hi Camille,');
    expect(text).toContain('starts in 24 hours');
    expect(text).toContain('Tuesday, 10 March 2026 at 11:00 CET');
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
    expect(text).toContain('Tuesday, 10 March 2026 at 11:00 CET');
    expect(text).toContain(missed.replayUrl);
    expect(text).toContain(missed.unsubscribeUrl);
  });

  it('renders its PreviewProps', async () => {
    const { html, text } = await renderMissedSessionEmail(MissedSessionEmail.PreviewProps);

    expect(html).toContain(MissedSessionEmail.PreviewProps.communityName);
    expect(text).toContain(MissedSessionEmail.PreviewProps.replayUrl);
  });
});
