import { can, type Permission, type SessionRead } from '../api/client';
import { Link } from '../router';
import { DinAdgang } from './DinAdgang';

function Brand({ to }: { to: string }) {
  return (
    <Link to={to} className="brand">
      <svg className="brand-mark" viewBox="0 0 64 64" aria-hidden="true" focusable="false">
        <path d="M32 10 56 54H8Z" />
      </svg>
      <span className="brand-name">Trekant</span>
    </Link>
  );
}

type NavItem = { to: string; label: string; needs?: Permission };

/** The kommune user's menu: only what their permissions allow. */
const KOMMUNE_NAV: NavItem[] = [
  { to: '/', label: 'Forside' },
  { to: '/sog', label: 'Søg', needs: 'case.read' },
  { to: '/born/ny', label: 'Registrér barn', needs: 'case.write' },
  { to: '/overfoersler', label: 'Overførsler', needs: 'case.transfer' },
  { to: '/ledelsesinformation', label: 'Ledelsesinformation', needs: 'mi.read' },
  { to: '/okonomi', label: 'Økonomi', needs: 'finance.manage' },
  { to: '/administration', label: 'Administration', needs: 'users.manage' },
  { to: '/revisionslog', label: 'Revisionslog', needs: 'audit.read' },
];

function isCurrent(item: string, path: string): boolean {
  if (item === '/') return path === '/' || path === '/index.html';
  return path === item || path.startsWith(`${item}/`);
}

/**
 * DKFDS header: portal line (brand + user, her "Din adgang" when restricted, + Log ud),
 * solution line, and the main nav.
 * `area="drift"` is the operator console: "Trekant drift", no case navigation at all.
 */
export function Header({
  session,
  onLogout,
  loggingOut = false,
  path,
  area = 'kommune',
}: {
  session: SessionRead | null;
  onLogout?: () => void;
  loggingOut?: boolean;
  path: string;
  area?: 'kommune' | 'drift';
}) {
  const drift = area === 'drift';
  // Only show who is logged in for the realm this part of the app belongs to.
  const user = session && session.realm === (drift ? 'operator' : 'kommune') ? session : null;
  const items = drift || !user ? [] : KOMMUNE_NAV.filter((i) => !i.needs || can(user, i.needs));

  return (
    <header className="header">
      <div className="portal-info">
        <div className="container portal-info-inner">
          <Brand to={drift ? '/drift' : '/'} />
          {user ? (
            <div className="portal-user trekant-user">
              <div className="trekant-user-who">
                <p className="user">
                  <span className="weight-semibold">{user.display_name}</span>
                  {!drift && user.kommune_name ? (
                    <>
                      <br />
                      <span className="user-kommune">{user.kommune_name}</span>
                    </>
                  ) : null}
                  {drift ? (
                    <>
                      <br />
                      <span className="user-kommune">Drift</span>
                    </>
                  ) : null}
                </p>
                {drift ? null : <DinAdgang session={user} />}
              </div>
              <button
                type="button"
                className="button button-secondary"
                onClick={onLogout}
                disabled={loggingOut}
                aria-busy={loggingOut || undefined}
              >
                Log ud
              </button>
            </div>
          ) : null}
        </div>
      </div>
      <div className="solution-info">
        <div className="container solution-info-inner">
          <div className="solution-heading">
            <span>{drift ? 'Trekant drift' : 'Børne- og ungesager'}</span>
          </div>
          {!drift && user?.kommune_name ? (
            <div className="additional-info trekant-kommune">
              <p>
                <span className="sr-only">Kommune: </span>
                <strong className="authority-name">{user.kommune_name}</strong>
              </p>
            </div>
          ) : null}
        </div>
      </div>
      {items.length > 0 ? (
        <nav className="trekant-nav" aria-label="Hovedmenu">
          <div className="container">
            <ul>
              {items.map((i) => (
                <li key={i.to}>
                  <Link to={i.to} aria-current={isCurrent(i.to, path) ? 'page' : undefined}>
                    {i.label}
                  </Link>
                </li>
              ))}
            </ul>
          </div>
        </nav>
      ) : null}
    </header>
  );
}
