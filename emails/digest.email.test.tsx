import { DigestEmail, type DigestEmailItem, type DigestEmailProps } from './digest.email';
import { renderDigestEmail } from './render';

const hotItem: DigestEmailItem = {
  title: 'Attribution models compared',
  type: 'ARTICLE',
  themes: ['Analytics', 'Privacy'],
  summary: 'Four models on real pipelines.',
  url: 'https://hearth.test/content/hot-1',
};

const coldItem: DigestEmailItem = {
  title: 'ABM playbook session',
  type: 'REPLAY',
  themes: ['ABM'],
  summary: 'Replay with the Q and A.',
  url: 'https://hearth.test/content/cold-1',
};

function buildDigestProps(overrides: Partial<DigestEmailProps> = {}): DigestEmailProps {
  return {
    communityName: 'Growth Circle',
    memberName: 'Camille',
    hot: [hotItem],
    cold: [coldItem],
    preferencesUrl: 'https://hearth.test/settings/notifications',
    unsubscribeUrl: 'https://hearth.test/unsubscribe?token=abc123',
    ...overrides,
  };
}

describe('DigestEmail', () => {
  it('shows the community, the greeting, both sections and every item', async () => {
    const { subject, html } = await renderDigestEmail(buildDigestProps());

    expect(subject).toBe('New for you in Growth Circle');
    expect(html).toContain('Growth Circle');
    expect(html).toMatch(/Hi (<!-- -->)?Camille(<!-- -->)?,/);
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
    const { subject, html } = await renderDigestEmail(buildDigestProps({ hot: [] }));

    expect(subject).toBe('You may have missed in Growth Circle');
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
    const item = (title: string, summary: string | null) => ({ title, type: 'CASE_STUDY', themes: ['ABM'], summary, url: `https://x.test/${title}` });
    const { text } = await renderDigestEmail({
      communityName: 'Circle',
      memberName: 'Ann',
      hot: [item('one', 'First.')],
      cold: [item('two', null)],
      preferencesUrl: 'https://x.test/prefs',
      unsubscribeUrl: 'https://x.test/unsub',
    });
    expect(text).toBe(
      [
        'Circle', '', 'Hi Ann,', '',
        'NEW FOR YOU', '', 'Case study · ABM', 'one', 'First.', 'https://x.test/one', '',
        'YOU MAY HAVE MISSED', '', 'Case study · ABM', 'two', 'https://x.test/two', '',
        'You receive this digest as a member of Circle.', 'Email preferences: https://x.test/prefs', 'Unsubscribe: https://x.test/unsub',
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
});
