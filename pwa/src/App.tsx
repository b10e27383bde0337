import { useCallback, useEffect, useState } from 'react';
import { Outlet } from 'react-router';
import { api, ApiError, call, messageOf, setCsrfToken, type SessionRead } from './api/client';
import { Alert } from './components/Alert';
import { Header } from './components/Header';
import { Loading } from './components/Loading';
import { PageHeading } from './components/PageHeading';
import { UpdatePrompt } from './components/UpdatePrompt';
import { IkkeOprettet } from './pages/IkkeOprettet';
import { Login } from './pages/Login';
import { navigate, usePath } from './router';
import type { ShellContext } from './routes';
import { isOfflinePath, OfflineFallback } from './offline/OfflineApp';
import { OfflineBanner } from './offline/OfflineBanner';
import { prepareLogout } from './offline/sync';

type SessionState =
  | { state: 'loading' }
  | { state: 'anonymous' }
  | { state: 'error'; message: string; status: number }
  | { state: 'signed-in'; session: SessionRead };

/** The shell: session, header and footer around the route table's outlet (routes.tsx). */
export function App() {
  const path = usePath();
  const [session, setSession] = useState<SessionState>({ state: 'loading' });
  const [loggingOut, setLoggingOut] = useState(false);
  const [logoutError, setLogoutError] = useState<string | undefined>();
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const ctrl = new AbortController();
    call(api.GET('/api/session', { signal: ctrl.signal })).then(
      (s) => {
        setCsrfToken(s.csrf_token);
        setSession({ state: 'signed-in', session: s });
      },
      (err: unknown) => {
        if (ctrl.signal.aborted) return;
        setCsrfToken(null);
        if (err instanceof ApiError && err.status === 401) setSession({ state: 'anonymous' });
        else
          setSession({
            state: 'error',
            message: messageOf(err),
            status: err instanceof ApiError ? err.status : 0,
          });
      },
    );
    return () => ctrl.abort();
  }, [attempt]);

  const onLogout = useCallback(async () => {
    setLoggingOut(true);
    setLogoutError(undefined);
    // Offline data: send what waits (or confirm losing it), then wipe the device.
    if (!(await prepareLogout().catch(() => true))) {
      setLoggingOut(false);
      return;
    }
    try {
      const { redirect } = await call(api.POST('/api/session/logout'));
      setCsrfToken(null);
      // The provider's end-session address (or our own front page): a full page navigation.
      window.location.assign(redirect);
    } catch (err) {
      setLoggingOut(false);
      if (err instanceof ApiError && err.status === 401) {
        setCsrfToken(null);
        setSession({ state: 'anonymous' });
      } else setLogoutError(messageOf(err));
    }
  }, []);

  const drift = path === '/drift' || path.startsWith('/drift/');
  const realm = session.state === 'signed-in' ? session.session.realm : null;

  // Addresses that only make sense in another place: send the browser on.
  useEffect(() => {
    if (realm === 'operator' && !drift) navigate('/drift', true);
    else if (realm === 'operator' && path === '/drift/log-ind') navigate('/drift', true);
    else if (realm === 'kommune' && (path === '/log-ind' || path === '/ikke-oprettet'))
      navigate('/', true);
  }, [realm, drift, path]);

  const signedIn = session.state === 'signed-in' ? session.session : null;

  const outlet = <Outlet context={{ session: signedIn } satisfies ShellContext} />;
  let content;
  if (isOfflinePath(path)) {
    content = outlet;
  } else if (session.state === 'loading') {
    content = (
      <div aria-busy="true" className="page-loading">
        <Loading text="Henter …" />
      </div>
    );
  } else if (session.state === 'error') {
    const forbidden = session.status === 403;
    const retry = () => {
      setSession({ state: 'loading' });
      setAttempt((n) => n + 1);
    };
    content = (
      <>
        <PageHeading>{forbidden ? 'Ingen adgang til Trekant' : 'Trekant kunne ikke starte'}</PageHeading>
        <Alert
          variant="error"
          heading={forbidden ? 'Du har ikke adgang lige nu' : 'Din session kunne ikke hentes'}
          action={
            <div className="button-row">
              <button type="button" className="button button-secondary" onClick={retry}>
                Prøv igen
              </button>
              {forbidden ? (
                <button
                  type="button"
                  className="button button-tertiary"
                  onClick={() => setSession({ state: 'anonymous' })}
                >
                  Log ind igen
                </button>
              ) : null}
            </div>
          }
        >
          <p>{session.message}</p>
        </Alert>
      </>
    );
    // No connection (or no server behind the proxy) at start: the offline screens, when
    // the device holds offline data.
    if (session.status === 0 || session.status >= 502)
      content = <OfflineFallback path={path} fallback={content} />;
  } else if (path === '/ikke-oprettet' && session.state === 'anonymous') {
    content = <IkkeOprettet />;
  } else if (session.state === 'anonymous') {
    // /drift/…: the table's drift route shows the operator login.
    content = drift ? outlet : <Login />;
  } else if (session.session.realm === 'operator') {
    // The operator never sees a kommune's screens; other addresses are sent to /drift above.
    content = drift ? outlet : null;
  } else {
    // A kommune user: the route table's page for the address (routes.tsx); /drift/… shows
    // the operator login there.
    content = outlet;
  }

  return (
    <>
      <a className="skipnav" href="#main-content">
        Gå til indhold
      </a>
      <Header
        session={signedIn}
        onLogout={() => void onLogout()}
        loggingOut={loggingOut}
        path={path}
        area={drift ? 'drift' : 'kommune'}
      />
      <UpdatePrompt />
      <OfflineBanner session={signedIn} />
      <main id="main-content" tabIndex={-1} className="container page-container">
        {logoutError ? (
          <Alert variant="error" heading="Du blev ikke logget ud">
            <p>{logoutError}</p>
          </Alert>
        ) : null}
        {content}
      </main>
      <footer className="trekant-footer">
        <div className="container">
          <p>{drift ? 'Trekant drift' : 'Trekant · sagsbehandling af børne- og ungesager'}</p>
        </div>
      </footer>
    </>
  );
}
