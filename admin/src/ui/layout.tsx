import { useEffect, type ReactNode } from 'react';
import { Link, useLocation } from 'wouter';
import { logOut, type Session } from '../api/session';
import { sectionOf, type Section } from '../pages';

/** Header, navigation and the main landmark; the document title follows the section. */
export function Layout({ session, sections, children }: { session: Session; sections: readonly Section[]; children: ReactNode }) {
  const [location] = useLocation();
  const current = sectionOf(location);
  useEffect(() => {
    document.title = current ? `${current.label} · Hearth admin` : 'Hearth admin';
  }, [current]);
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">Hearth admin</span>
        <nav aria-label="Console">
          <ul>
            {sections.map((section) => (
              <li key={section.path}>
                <Link href={section.path} aria-current={section === current ? 'page' : undefined}>
                  {section.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who">
          <span>{session.member.displayName}</span>
          <button type="button" onClick={() => void logOut()}>
            Log out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}

/** A page's heading and the controls that sit beside it (date range, actions). */
export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="page-header">
      <h1>{title}</h1>
      {children ? <div className="page-controls">{children}</div> : null}
    </div>
  );
}
