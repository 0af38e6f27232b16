import { DigestEmail, type DigestEmailItem, type DigestEmailProps } from './digest.email';
import { renderDigestEmail } from './render';

const hotItem: DigestEmailItem = {
  title: 'Attribution models compared',
  type: 'ARTICLE',
  themes: ['Analytics', 'Privacy'],
  summary: 'Four models on real pipelines.',
  publishedAt: new Date('2026-03-03T09:00:00Z'),
  url: 'https://hearth.test/content/hot-1',
};

const coldItem: DigestEmailItem = {
  title: 'ABM playbook session',
  type: 'REPLAY',
  themes: ['ABM'],
  summary: 'Replay with the Q and A.',
  publishedAt: new Date('2026-01-12T09:00:00Z'),
  url: 'https://hearth.test/content/cold-1',
};

function buildDigestProps(overrides: Partial<DigestEmailProps> = {}): DigestEmailProps {
  return {
    locale: 'en',
    timeZone: 'Europe/Paris',
    communityName: 'Growth Circle',
    memberName: 'Camille Martin',
    hot: [hotItem],
    cold: [coldItem],
    feedUrl: 'https://hearth.test/feed?source=EMAIL',
    preferencesUrl: 'https://hearth.test/settings/notifications',
    unsubscribeUrl: 'https://hearth.test/unsubscribe?token=abc123',
    ...overrides,
  };
}

describe('DigestEmail', () => {
  it('names the top item in the subject and greets the member by first name', async () => {
    expect((await renderDigestEmail(buildDigestProps())).subject).toBe('Attribution models compared and 1 more for you');
    const six = buildDigestProps({
      hot: Array.from({ length: 4 }, (_, i) => ({ ...hotItem, url: `${hotItem.url}-${i}` })),
      cold: [coldItem, { ...coldItem, url: 'x' }],
    });
    expect((await renderDigestEmail(six)).subject).toBe('Attribution models compared and 5 more for you');
    expect((await renderDigestEmail(buildDigestProps({ hot: [], cold: [coldItem] }))).subject).toBe('ABM playbook session, for you');
    const long = { ...hotItem, title: 'A'.repeat(90) };
    expect((await renderDigestEmail(buildDigestProps({ hot: [long] }))).subject).toBe(`${'A'.repeat(69)}… and 1 more for you`);
    const { html, text } = await renderDigestEmail(buildDigestProps());
    expect(html).toMatch(/Hi (<!-- -->)?Camille(<!-- -->)?,/);
    expect(html).not.toContain('Camille Martin');
    expect(text).toContain('Hi Camille,');
  });

  it('leads with a call to action to the top item, dates every item, and links to everything new', async () => {
    const { html, text } = await renderDigestEmail(buildDigestProps());
    // react-email's Button is an <a> styled as a button.
    expect(html).toMatch(new RegExp(`<a href="${hotItem.url}"[^>]*style="[^"]*background-color:#1d4ed8[^"]*"[^>]*>[\\s\\S]*Start reading`));
    expect(html.indexOf('Start reading')).toBeLessThan(html.indexOf('New for you'));
    expect(html).toContain('3 March 2026');
    expect(html).toContain('12 January 2026');
    expect(html).toContain('href="https://hearth.test/feed?source=EMAIL"');
    expect(html).toMatch(/See everything new in (<!-- -->)?Growth Circle/);
    expect(text).toContain('See everything new in Growth Circle: https://hearth.test/feed?source=EMAIL');
  });

  it('shows the community, both sections and every item', async () => {
    const { html } = await renderDigestEmail(buildDigestProps());

    expect(html).toContain('Growth Circle');
    expect(html).toContain('New for you');
    expect(html).toContain('You may have missed');
    expect(html.indexOf('New for you')).toBeLessThan(html.indexOf('You may have missed'));
    for (const [item, label] of [
      [hotItem, 'Article'],
      [coldItem, 'Webinar replay'],
    ] as const) {
      expect(html).toContain(item.title);
      expect(html).toContain(label);
      for (const theme of item.themes) expect(html).toContain(theme);
      expect(html).toContain(item.summary);
      expect(html).toContain(`href="${item.url}"`);
    }
  });

  it('omits the "New for you" section when nothing is new', async () => {
    const { html } = await renderDigestEmail(buildDigestProps({ hot: [] }));

    expect(html).not.toContain('New for you');
    expect(html).toContain('You may have missed');
    expect(html).not.toContain(hotItem.title);
    expect(html).toContain(coldItem.title);
  });

  it('omits the "You may have missed" section when there is nothing older', async () => {
    const { html } = await renderDigestEmail(buildDigestProps({ cold: [] }));

    expect(html).toContain('New for you');
    expect(html).not.toContain('You may have missed');
  });

  it('renders items without a summary', async () => {
    const { html } = await renderDigestEmail(buildDigestProps({ hot: [{ ...hotItem, summary: null }] }));

    expect(html).toContain(hotItem.title);
    expect(html).not.toContain(hotItem.summary);
  });

  it('has a plain-text part with the titles and links', async () => {
    const { text } = await renderDigestEmail(buildDigestProps());

    expect(text).not.toContain('<');
    expect(text).toContain('Hi Camille,');
    for (const item of [hotItem, coldItem]) {
      expect(text).toContain(item.title);
      expect(text).toContain(item.url);
    }
    expect(text).toContain('https://hearth.test/settings/notifications');
    expect(text).toContain('https://hearth.test/unsubscribe?token=abc123');
  });

  it('lays the plain-text part out like the HTML: sections, meta line, title, summary, link', async () => {
    const item = (title: string, summary: string | null) => ({
      title,
      type: 'CASE_STUDY',
      themes: ['ABM'],
      summary,
      publishedAt: new Date('2026-05-01T12:00:00Z'),
      url: `https://x.test/${title}`,
    });
    const { text } = await renderDigestEmail({
      locale: 'en',
      timeZone: 'UTC',
      communityName: 'Circle',
      memberName: 'Ann Lee',
      hot: [item('one', 'First.')],
      cold: [item('two', null)],
      feedUrl: 'https://x.test/feed',
      preferencesUrl: 'https://x.test/prefs',
      unsubscribeUrl: 'https://x.test/unsub',
    });
    expect(text).toBe(
      [
        'Circle',
        '',
        'Hi Ann,',
        '',
        'Here is what was published in Circle on the themes you follow since your last visit, and a few things you have not opened yet.',
        '',
        'NEW FOR YOU',
        '',
        'Case study · ABM · 1 May 2026',
        'one',
        'First.',
        'https://x.test/one',
        '',
        'YOU MAY HAVE MISSED',
        '',
        'Case study · ABM · 1 May 2026',
        'two',
        'https://x.test/two',
        '',
        'See everything new in Circle: https://x.test/feed',
        '',
        'You receive this digest as a member of Circle.',
        'Email preferences: https://x.test/prefs',
        'Unsubscribe: https://x.test/unsub',
      ].join('\n'),
    );
  });

  it('links to the preferences and unsubscribe pages', async () => {
    const { html } = await renderDigestEmail(buildDigestProps());

    expect(html).toContain('href="https://hearth.test/settings/notifications"');
    expect(html).toContain('href="https://hearth.test/unsubscribe?token=abc123"');
  });

  it('renders its PreviewProps', async () => {
    const { html, text } = await renderDigestEmail(DigestEmail.PreviewProps);

    expect(html).toContain(DigestEmail.PreviewProps.communityName);
    expect(text).toContain(DigestEmail.PreviewProps.hot[0].title);
  });

  it('in French, with French plurals, dates in the member’s zone, and <html lang="fr">', async () => {
    const late = { ...hotItem, publishedAt: new Date('2026-03-03T23:30:00Z') };
    const props = buildDigestProps({ locale: 'fr', hot: [late, { ...hotItem, url: 'x' }], cold: [coldItem] });
    const { subject, html, text, language } = await renderDigestEmail(props);

    expect(subject).toBe('Attribution models compared et 2 autres contenus pour vous');
    expect((await renderDigestEmail({ ...props, hot: [late], cold: [coldItem] })).subject).toBe(
      'Attribution models compared et 1 autre contenu pour vous',
    );
    expect(language).toBe('fr');
    expect(html).toMatch(/<html[^>]* lang="fr"/);
    expect(html).toContain('2 nouveautés pour vous dans Growth Circle');
    expect(text).toContain('Bonjour Camille,');
    expect(text).toContain('NOUVEAU POUR VOUS');
    // 23:30 UTC on 3 March is 4 March in Paris, and "Webinar replay" is a "Replay de webinaire".
    expect(text).toContain('Article · Analytics · Privacy · 4 mars 2026');
    expect(text).toContain('Replay de webinaire · ABM · 12 janvier 2026');
    expect(text).toContain('Se désabonner : https://hearth.test/unsubscribe?token=abc123');
    expect(text).not.toMatch(/Hi |New for you|Unsubscribe/);
  });
});
