import type { Content } from '../content/content.entity';
import type { Theme } from '../content/theme.entity';
import type { MemberRow } from '../identity/member.entity';
import type { LiveSessionRow } from '../live/sessions/live-session.entity';
import { Page, PlainMarkdown } from './layout';

const FRONT_END_NOTE =
  'A minimal page served by the Hearth API for links in emails; the community’s front end (PUBLIC_URL) shows the full page.';

function Themes({ themes }: { themes: Theme[] }) {
  return themes.length ? (
    <p className="tags">
      {themes.map((theme) => (
        <span key={theme.slug}>{theme.name}</span>
      ))}
    </p>
  ) : null;
}

export function ContentPage({
  content,
  author,
  themes,
  published,
}: {
  content: Content;
  author: MemberRow | null;
  themes: Theme[];
  published: string | null;
}) {
  return (
    <Page title={content.title}>
      <p className="eyebrow">
        {content.type.toLowerCase()}
        {published ? ` · published ${published}` : ''}
        {author ? ` · by ${author.displayName}` : ''}
      </p>
      <h1>{content.title}</h1>
      <Themes themes={themes} />
      {content.summary ? <p className="muted">{content.summary}</p> : null}
      {content.mediaUrl ? (
        <p>
          <a className="button" href={content.mediaUrl}>
            Open the media
          </a>
        </p>
      ) : null}
      {content.body ? <PlainMarkdown source={content.body} /> : null}
      <p className="notice">{FRONT_END_NOTE}</p>
    </Page>
  );
}

export function LiveSessionPage(props: {
  session: LiveSessionRow;
  when: string;
  speakers: MemberRow[];
  themes: Theme[];
  replayUrl: string | null;
}) {
  const { session, when, speakers, themes, replayUrl } = props;
  return (
    <Page title={session.title}>
      <p className="eyebrow">
        Live session · {session.status.toLowerCase()} · {when}
      </p>
      <h1>{session.title}</h1>
      <Themes themes={themes} />
      {speakers.length ? <p>With {speakers.map((speaker) => speaker.displayName).join(', ')}</p> : null}
      <PlainMarkdown source={session.description} />
      {replayUrl ? (
        <p>
          <a className="button" href={replayUrl}>
            Watch the replay
          </a>
        </p>
      ) : (
        <p className="muted">Registered members join from the community’s app (joinLiveSession gives them the room’s LiveKit token).</p>
      )}
      <p className="notice">{FRONT_END_NOTE}</p>
    </Page>
  );
}

export interface FeedEntry {
  id: string;
  title: string;
  type: string;
  summary: string | null;
  published: string;
}

/** The newest items, for a digest's "see everything new" link. */
export function FeedPage({ communityName, entries }: { communityName: string; entries: FeedEntry[] }) {
  return (
    <Page title={`New in ${communityName}`}>
      <p className="eyebrow">{communityName}</p>
      <h1>Everything new</h1>
      {entries.map((entry) => (
        <div className="card" key={entry.id}>
          <p className="eyebrow">
            {entry.type.toLowerCase()} · {entry.published}
          </p>
          <h2>
            <a href={`/content/${entry.id}`}>{entry.title}</a>
          </h2>
          {entry.summary ? <p className="muted">{entry.summary}</p> : null}
        </div>
      ))}
      {entries.length ? null : <p className="muted">Nothing is published yet.</p>}
      <p className="notice">{FRONT_END_NOTE}</p>
    </Page>
  );
}

export function EmailSettingsPage({ communityName }: { communityName: string }) {
  return (
    <Page title={`Email preferences · ${communityName}`}>
      <p className="eyebrow">{communityName}</p>
      <h1>Email preferences</h1>
      <p>
        Digests are the emails about content you have not seen yet. Every digest has a one-click <strong>Unsubscribe</strong> link at the
        bottom, which works without logging in. Logged in, your preferences are part of your account:
      </p>
      <pre>{'mutation {\n  updateEmailPreferences(input: { digests: false }) { digests }\n}'}</pre>
      <p>Session reminders and registration confirmations are sent for the sessions you register to, whatever this setting.</p>
      <p className="notice">{FRONT_END_NOTE}</p>
    </Page>
  );
}

export function NotFoundPage({ what }: { what: string }) {
  return (
    <Page title={`${what} not found`}>
      <h1>{what} not found</h1>
      <p>It may have been removed, or the link is incomplete: copy the whole link from the email.</p>
    </Page>
  );
}
