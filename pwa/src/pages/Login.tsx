import { useState, type FormEvent } from 'react';
import { api, call, messageOf, type KommuneRead, type SessionRead } from '../api/client';
import { Alert } from '../components/Alert';
import { exactMatch, filterKommuner, KommunePicker } from '../components/KommunePicker';
import { Loading } from '../components/Loading';
import { useApi } from '../useApi';
import { PageHeading } from '../components/PageHeading';

export function Login({ onLogin }: { onLogin: (session: SessionRead) => void }) {
  const [kommuner, reload] = useApi((signal) => call(api.GET('/api/kommuner', { signal })));
  const [text, setText] = useState('');
  const [selected, setSelected] = useState<KommuneRead | null>(null);
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [submitError, setSubmitError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
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
    setFieldError(undefined);
    setSubmitError(undefined);
    setBusy(true);
    try {
      const session = await call(
        api.POST('/api/dev/login', { body: { kommune_code: kommune.code } }),
      );
      onLogin(session);
    } catch (err) {
      setSubmitError(messageOf(err));
      setBusy(false);
    }
  };

  return (
    <div className="row">
      <div className="col-12 col-md-8 col-lg-6">
        <PageHeading>Log ind i Trekant</PageHeading>
        <div className="dev-login-note">
          <Alert variant="warning" heading="Udviklingslogin" role="note">
            <p>Udviklingslogin – i drift logger du ind via din kommunes egen log-in.</p>
          </Alert>
        </div>

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
              <p>Der er ingen aktive kommuner i Trekant endnu, så der er intet at logge ind i.</p>
            </Alert>
          ) : null}
          {kommuner.state === 'ready' && kommuner.data.length > 0 ? (
            <form onSubmit={submit} noValidate className="login-form">
              {submitError ? (
                <Alert variant="error" heading="Du blev ikke logget ind">
                  <p>{submitError}</p>
                </Alert>
              ) : null}
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
              <button
                type="submit"
                className={`button button-primary ${busy ? 'spinner-active' : ''}`.trim()}
                aria-disabled={busy || undefined}
              >
                Log ind
              </button>
              {busy ? (
                <p className="sr-only" role="status">
                  Logger ind …
                </p>
              ) : null}
            </form>
          ) : null}
        </div>
      </div>
    </div>
  );
}

function fieldInputId(): string {
  return document.querySelector<HTMLInputElement>('.kommune-picker input')?.id ?? '';
}
