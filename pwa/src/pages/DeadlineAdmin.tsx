// Administration: whether 24 December, 31 December and Grundlovsdag are closed days, so
// deadlines counted in working days skip them (GET/PUT /api/deadline-settings,
// docs/deadlines.md). On by default.
import { useState, type FormEvent } from 'react';
import { api, call } from '../api/client';
import { Alert } from '../components/Alert';
import { Checkbox } from '../components/Form';
import { Loading } from '../components/Loading';
import { useSubmit } from '../mutation';
import { useApiQuery } from '../useApi';

export function DeadlineAdmin() {
  const [settings, , update] = useApiQuery(['deadline-settings'], (signal) => call(api.GET('/api/deadline-settings', { signal })));
  const [draft, setDraft] = useState<boolean | null>(null);
  const [saved, setSaved] = useState(false);
  // Every failure is one message here (the form has a single checkbox).
  const { run, busy, general: failure, setGeneral: setFailure } = useSubmit({ fields: () => ({}) });

  let body;
  if (settings.state === 'loading') {
    body = <Loading small text="Henter kommunens lukkedage …" />;
  } else if (settings.state === 'error') {
    body = (
      <Alert variant="error" heading="Kommunens lukkedage kunne ikke hentes">
        <p>{settings.message}</p>
      </Alert>
    );
  } else {
    const closed = draft ?? settings.data.closed_days;
    const submit = async (event: FormEvent) => {
      event.preventDefault();
      if (busy) return;
      setFailure(undefined);
      await run(async () => {
        const next = await call(api.PUT('/api/deadline-settings', { body: { closed_days: closed } }));
        update(() => next);
        setDraft(null);
        setSaved(true);
      });
    };
    body = (
      <form onSubmit={(e) => void submit(e)} noValidate className="admin-form">
        {saved ? <Alert variant="success" heading="Kommunens lukkedage er gemt" /> : null}
        {failure ? (
          <Alert variant="error" heading="Lukkedagene blev ikke gemt">
            <p>{failure}</p>
          </Alert>
        ) : null}
        <Checkbox
          id="deadline-closed-days"
          label="Kommunen holder lukket juleaftensdag, nytårsaftensdag og grundlovsdag"
          hint="Dagene tælles så ikke som hverdage i frister, der regnes i hverdage (fx kvittering for en underretning inden 6 hverdage). Ændringen gælder frister, der beregnes fra nu af."
          checked={closed}
          onChange={(v) => {
            setDraft(v);
            setSaved(false);
          }}
        />
        <button
          type="submit"
          className={`button button-secondary ${busy ? 'spinner-active' : ''}`.trim()}
          aria-disabled={busy || undefined}
        >
          Gem lukkedage
        </button>
      </form>
    );
  }
  return (
    <section aria-labelledby="deadline-admin-heading" className="admin-section">
      <h2 id="deadline-admin-heading">Frister og lukkedage</h2>
      {body}
    </section>
  );
}
