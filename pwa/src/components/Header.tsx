import type { SessionRead } from '../api/client';
import { Link } from '../router';

function Brand() {
  return (
    <Link to="/" className="brand">
      <svg className="brand-mark" viewBox="0 0 64 64" aria-hidden="true" focusable="false">
        <path d="M32 10 56 54H8Z" />
      </svg>
      <span className="brand-name">Trekant</span>
    </Link>
  );
}

/** DKFDS header: portal line (brand + user + Log ud), solution line, and the main nav. */
export function Header({
  session,
  onLogout,
  loggingOut = false,
  path,
}: {
  session: SessionRead | null;
  onLogout?: () => void;
  loggingOut?: boolean;
  path: string;
}) {
  return (
    <header className="header">
      <div className="portal-info">
        <div className="container portal-info-inner">
          <Brand />
          {session ? (
            <div className="portal-user trekant-user">
              <p className="user">
                <span className="weight-semibold">{session.display_name}</span>
                {session.kommune_name ? (
                  <>
                    <br />
                    <span className="user-kommune">{session.kommune_name}</span>
                  </>
                ) : null}
              </p>
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
            <span>Børne- og ungesager</span>
          </div>
          {session?.kommune_name ? (
            <div className="additional-info trekant-kommune">
              <p>
                <span className="sr-only">Kommune: </span>
                <strong className="authority-name">{session.kommune_name}</strong>
              </p>
            </div>
          ) : null}
        </div>
      </div>
      {session ? (
        <nav className="trekant-nav" aria-label="Hovedmenu">
          <div className="container">
            <ul>
              <li>
                <Link to="/" aria-current={path === '/' ? 'page' : undefined}>
                  Forside
                </Link>
              </li>
            </ul>
          </div>
        </nav>
      ) : null}
    </header>
  );
}
