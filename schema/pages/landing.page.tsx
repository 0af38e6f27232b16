import type { DemoAccess } from '../../seed/demo-access';
import { Page } from './layout';

export interface LandingProps {
  communityName: string;
  url: string;
  wsUrl: string;
  publicUrl: string;
  /** The bundled GraphiQL is there (`npm run build` made it). */
  ide: boolean;
  demo: DemoAccess | null;
}

function DemoLogins({ demo }: { demo: DemoAccess }) {
  return (
    <section>
      <h2>Demo logins</h2>
      <p>
        Every demo account uses the password <code>{demo.password}</code>. Log in with the <code>logIn</code> mutation, then send the{' '}
        <code>accessToken</code> as <code>Authorization: Bearer …</code> (GraphiQL here does it for you).
      </p>
      <table>
        <thead>
          <tr>
            <th>email</th>
            <th>role</th>
            <th>habit</th>
          </tr>
        </thead>
        <tbody>
          {demo.logins.map((login) => (
            <tr key={login.email}>
              <td>
                <code>{login.email}</code>
              </td>
              <td>{login.role.toLowerCase()}</td>
              <td className="muted">{login.habit ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** `GET /`: what is running here, where its API is, how to try it, and the demo logins. */
export function LandingPage({ communityName, url, wsUrl, publicUrl, ide, demo }: LandingProps) {
  return (
    <Page title={`Hearth · ${communityName}`}>
      <p className="eyebrow">Hearth · {communityName}</p>
      <h1>The GraphQL API of a B2B community</h1>
      <p>
        Hearth is the backend of a marketing community: members read content, comment, message each other and join live webinars; admins
        publish, schedule sessions, write engagement rules that email each member what they have not seen, and measure how often members
        come back and how much of what is published is seen.
      </p>
      <div className="card">
        <table>
          <tbody>
            <tr>
              <td>GraphQL over HTTP</td>
              <td>
                <code>{url}</code>
              </td>
            </tr>
            <tr>
              <td>Subscriptions (graphql-ws)</td>
              <td>
                <code>{wsUrl}</code>
              </td>
            </tr>
            <tr>
              <td>Health, readiness</td>
              <td>
                <code>/health</code>, <code>/ready</code>
              </td>
            </tr>
          </tbody>
        </table>
      </div>
      <p>
        {ide ? (
          <a className="button" href="/graphiql">
            Open GraphiQL (works offline)
          </a>
        ) : (
          <span className="muted">
            GraphiQL is not built yet: run <code>npm run build</code>.{' '}
          </span>
        )}
        <a className="button secondary" href={url}>
          Apollo Sandbox (online)
        </a>
      </p>
      {demo ? <DemoLogins demo={demo} /> : null}
      <h2>From a front end</h2>
      <p>
        Use the typed client <code>@hearth/client</code> (in <code>client/</code>), or any GraphQL client. Authenticate HTTP requests with{' '}
        <code>Authorization: Bearer &lt;accessToken&gt;</code> and WebSockets with{' '}
        <code>connectionParams: {'{ authorization: "Bearer …" }'}</code>. Browser pages on other origins are allowed by{' '}
        <code>CORS_ORIGINS</code>.
      </p>
      <p className="notice">
        Links in emails point to <code>PUBLIC_URL</code> ({publicUrl}), the address of the community’s front end. Without a front end, this
        server answers those links with minimal pages outside production.
      </p>
    </Page>
  );
}
