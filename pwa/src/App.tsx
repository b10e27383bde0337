import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, call, messageOf, setCsrfToken, type SessionRead } from './api/client';
import { Alert } from './components/Alert';
import { Header } from './components/Header';
import { Loading } from './components/Loading';
import { PageHeading } from './components/PageHeading';
import { UpdatePrompt } from './components/UpdatePrompt';
import { Forside } from './pages/Forside';
import { Login } from './pages/Login';
import { NotFound } from './pages/NotFound';
import { navigate, usePath } from './router';

type SessionState =
  | { state: 'loading' }
  | { state: 'anonymous' }
  | { state: 'error'; message: string; status: number }
  | { state: 'signed-in'; session: SessionRead };

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

  const onLogin = useCallback((s: SessionRead) => {
    setCsrfToken(s.csrf_token);
    setLogoutError(undefined);
    setSession({ state: 'signed-in', session: s });
    navigate('/', true);
  }, []);

  const onLogout = useCallback(async () => {
    setLoggingOut(true);
    setLogoutError(undefined);
    try {
      await call(api.POST('/api/session/logout'));
      setCsrfToken(null);
      setSession({ state: 'anonymous' });
      navigate('/', true);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        setCsrfToken(null);
        setSession({ state: 'anonymous' });
      } else setLogoutError(messageOf(err));
    } finally {
      setLoggingOut(false);
    }
  }, []);

  const signedIn = session.state === 'signed-in' ? session.session : null;

  let content;
  if (session.state === 'loading') {
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
  } else if (session.state === 'anonymous') {
    content = <Login onLogin={onLogin} />;
  } else {
    content = path === '/' || path === '/index.html' ? <Forside /> : <NotFound />;
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
      />
      <UpdatePrompt />
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
          <p>Trekant · sagsbehandling af børne- og ungesager</p>
        </div>
      </footer>
    </>
  );
}
