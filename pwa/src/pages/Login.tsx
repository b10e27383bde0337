import { useEffect, useState, type FormEvent } from 'react';
import { api, call, type KommuneRead } from '../api/client';
import { Alert } from '../components/Alert';
import {
  exactMatch,
  filterKommuner,
  isSuspended,
  KommunePicker,
  suspendedMessage,
} from '../components/KommunePicker';
import { Loading } from '../components/Loading';
import { PageHeading } from '../components/PageHeading';
import { loginErrorCode, loginErrorMessage } from '../loginErrors';
import { Link } from '../router';
import { useApiQuery } from '../useApi';

/** Where the browser goes to log in to a kommune (the backend redirects to its provider). */
export function kommuneLoginUrl(code: string): string {
  return `/api/auth/login?kommune=${encodeURIComponent(code)}`;
}

export function Login() {
  const [kommuner, reload] = useApiQuery(['kommuner'], (signal) => call(api.GET('/api/kommuner', { signal })));
  const [text, setText] = useState('');
  const [selected, setSelected] = useState<KommuneRead | null>(null);
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [errorCode] = useState(loginErrorCode);
  // Back from single logout at Fælleskommunal Adgangsstyring (/api/auth/saml/…/slo).
  const [loggedOut] = useState(() => new URLSearchParams(window.location.search).get('logget-ud'));

  // Coming back with the browser's Tilbage (page restored from cache): the form works again.
  useEffect(() => {
    const reset = (e: PageTransitionEvent) => {
      if (e.persisted) setBusy(false);
    };
    window.addEventListener('pageshow', reset);
    return () => window.removeEventListener('pageshow', reset);
  }, []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (kommuner.state !== 'ready' || busy) return;
    const list = kommuner.data;
    const matches = filterKommuner(list, text);
    const kommune =
      selected ?? exactMatch(list, text) ?? (text.trim() && matches.length === 1 ? matches[0] : undefined);
    if (!kommune) {
      setFieldError(
        text.trim() ? 'Vælg en kommune fra listen' : 'Vælg den kommune, du vil logge ind i',
      );
      document.getElementById(fieldInputId())?.focus();
      return;
    }
    if (isSuspended(kommune)) {
      // No trip to the kommune's log-in: it would only come back with the same message.
      setFieldError(suspendedMessage(kommune));
      document.getElementById(fieldInputId())?.focus();
      return;
    }
    setFieldError(undefined);
    setBusy(true);
    // A full page navigation: the backend sends the browser on to the kommune's log-in.
    window.location.assign(kommuneLoginUrl(kommune.code));
  };

  return (
    <div className="row">
      <div className="col-12 col-md-8 col-lg-6">
        <PageHeading>Log ind i Trekant</PageHeading>
        {loggedOut === '1' ? (
          <Alert variant="success" heading="Du er logget ud">
            <p>Du er logget ud af Trekant og af Fælleskommunal Adgangsstyring.</p>
          </Alert>
        ) : null}
        {loggedOut === 'delvist' ? (
          <Alert variant="warning" heading="Du er logget ud af Trekant">
            <p>
              Fælleskommunal Adgangsstyring bekræftede ikke, at du også er logget ud der. Luk
              browseren, hvis du bruger en fælles computer.
            </p>
          </Alert>
        ) : null}
        {errorCode ? (
          <Alert variant="error" heading="Du blev ikke logget ind">
            <p>{loginErrorMessage(errorCode)}</p>
          </Alert>
        ) : null}
        <p className="login-note">Du logger ind via din kommunes eget log-in.</p>

        <div className="login-panel" aria-busy={kommuner.state === 'loading'}>
          <h2 id="login-form-heading" className="h3">
            Vælg kommune
          </h2>
          {kommuner.state === 'loading' ? <Loading text="Henter kommuner …" /> : null}
          {kommuner.state === 'error' ? (
            <Alert
              variant="error"
              heading="Kommunerne kunne ikke hentes"
              action={
                <button type="button" className="button button-secondary" onClick={reload}>
                  Prøv igen
                </button>
              }
            >
              <p>{kommuner.message}</p>
            </Alert>
          ) : null}
          {kommuner.state === 'ready' && kommuner.data.length === 0 ? (
            <Alert variant="info" heading="Ingen kommuner">
              <p>Der er ingen kommuner i Trekant endnu, så der er intet at logge ind i.</p>
            </Alert>
          ) : null}
          {kommuner.state === 'ready' && kommuner.data.length > 0 ? (
            <form onSubmit={submit} noValidate className="login-form">
              <KommunePicker
                kommuner={kommuner.data}
                value={text}
                onChange={(t) => {
                  setText(t);
                  setFieldError(undefined);
                }}
                selected={selected}
                onSelect={setSelected}
                error={fieldError}
                hint="Skriv kommunens navn eller kode, og vælg på listen."
              />
              {selected && isSuspended(selected) && !fieldError ? (
                <Alert variant="warning" heading="Kommunen er midlertidigt lukket">
                  <p>{suspendedMessage(selected)}</p>
                </Alert>
              ) : null}
              <button
                type="submit"
                className={`button button-primary ${busy ? 'spinner-active' : ''}`.trim()}
                aria-disabled={busy || undefined}
              >
                Log ind
              </button>
              {busy ? (
                <p className="sr-only" role="status">
                  Sender dig videre til kommunens log-in …
                </p>
              ) : null}
            </form>
          ) : null}
        </div>
        <p className="login-operator">
          <Link to="/drift">Log ind som drift</Link>
        </p>
      </div>
    </div>
  );
}

function fieldInputId(): string {
  return document.querySelector<HTMLInputElement>('.kommune-picker input')?.id ?? '';
}
