import { lazy, Suspense } from 'react';
import { can, type SessionRead } from '../../api/client';
import { Loading } from '../../components/Loading';
import { PageHeading } from '../../components/PageHeading';
import { NotFound } from '../NotFound';
import { Link } from '../../router';
import { Betalinger } from './Betalinger';
import { Standardsoegninger } from './Standardsoegninger';
import './mi.css';

// The dashboard brings Chart.js: its own chunk, loaded when the page is opened.
const Dashboard = lazy(() => import('./Dashboard').then((m) => ({ default: m.Dashboard })));

export const MI_PATH = '/ledelsesinformation';

const TABS = [
  { to: MI_PATH, label: 'Overblik', title: 'Ledelsesinformation' },
  { to: `${MI_PATH}/standardsoegninger`, label: 'Standardsøgninger', title: 'Standardsøgninger' },
  { to: `${MI_PATH}/betalinger`, label: 'Betalinger og forbrug', title: 'Betalinger og forbrug' },
];

/** Whether the user sees Ledelsesinformation (mi.read: manager and finance). */
export function canSeeMi(session: SessionRead): boolean {
  return session.realm === 'kommune' && session.permissions.includes('mi.read');
}

/**
 * /ledelsesinformation: the dashboard (charts with their numbers as tables),
 * standard searches with Excel export, payments and spending.
 */
export function MiPage({ path, session }: { path: string; session: SessionRead }) {
  const clean = path.replace(/\/+$/, '') || '/';
  const tab = TABS.find((t) => t.to === clean);
  if (!tab) return <NotFound />;
  let content;
  if (tab.to === MI_PATH) content = <Dashboard session={session} />;
  else if (tab.to.endsWith('standardsoegninger')) content = <Standardsoegninger session={session} />;
  else content = <Betalinger session={session} />;
  return (
    <>
      <PageHeading>{tab.title}</PageHeading>
      <nav className="mi-tabs" aria-label="Ledelsesinformation">
        <ul className="nobullet-list">
          {TABS.map((t) => (
            <li key={t.to}>
              <Link to={t.to} aria-current={t.to === tab.to ? 'page' : undefined}>
                {t.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <Suspense fallback={<Loading text="Henter ledelsesinformation …" />}>{can(session, 'case.read') ? content : null}</Suspense>
    </>
  );
}
