import { Redirect, Route, Router, Switch } from 'wouter';
import { useSession } from './api/session';
import { SECTIONS } from './pages';
import { LoginPage } from './pages/login';
import { Layout } from './ui/layout';

/** The console's base path: the API serves it at /admin (and Vite's dev server too). */
export const BASE = '/admin';

function NotFound() {
  return (
    <>
      <h1>Page not found</h1>
      <p>This address is not a page of the console. Use the navigation above.</p>
    </>
  );
}

/** Logged out: the login form at whatever URL was asked for, which then shows once logged in. */
export function App() {
  const session = useSession();
  if (!session) return <LoginPage />;
  const sections = SECTIONS.filter((section) => section.roles.includes(session.member.role));
  return (
    <Router base={BASE}>
      <Layout session={session} sections={sections}>
        <Switch>
          {sections.map((section) => (
            <Route key={section.path} path={section.path === '/' ? '/' : `${section.path}/*?`} component={section.component} />
          ))}
          {/* A role without the home section (a moderator) starts on its first section. */}
          {sections.some((section) => section.path === '/') || !sections.length ? null : (
            <Route path="/">
              <Redirect to={sections[0].path} replace />
            </Route>
          )}
          <Route component={NotFound} />
        </Switch>
      </Layout>
    </Router>
  );
}
