// "Børnefaglig undersøgelse" on the case page: start the investigation from the date the
// kommune became aware; the answer shows the 4-month deadline.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, call, type ActivityRead } from '../../api/client';
import { Alert } from '../../components/Alert';
import { ErrorSummary, TextField, withoutKey } from '../../components/Form';
import { formatDeadlineDate, todayInCopenhagen } from '../../format';
import { useSubmit } from '../../mutation';

const I_FIELDS: Record<string, [string, string]> = {
  aware_since: ['i-aware', 'Kommunen blev opmærksom'],
};

export function UndersoegelseForm({ caseId, onStarted }: { caseId: string; onStarted: () => void }) {
  const [awareSince, setAwareSince] = useState(() => todayInCopenhagen());
  const [started, setStarted] = useState<ActivityRead[] | null>(null);
  const { run, busy, errors, setErrors, failure, setFailure } = useSubmit();
  const start = (aware: string) => {
    setErrors({});
    void run(async () => {
      const result = await call(
        api.POST('/api/cases/{case_id}/undersoegelse', {
          params: { path: { case_id: caseId } },
          body: { aware_since: aware },
        }),
      );
      setAwareSince(todayInCopenhagen());
      setStarted(result.activities);
      onStarted();
    });
  };
  const doneRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (started) doneRef.current?.focus();
  }, [started]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setFailure(undefined);
    setStarted(null);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(awareSince)) {
      setErrors({ aware_since: 'Angiv datoen, hvor kommunen blev opmærksom på barnets forhold' });
      return;
    }
    start(awareSince);
  };

  const deadline = started?.find((a) => a.rule_id === 'undersoegelse-4-maaneder' && a.due_at) ?? started?.find((a) => a.due_at);

  return (
    <section aria-labelledby="undersoegelse-heading" className="case-section">
      <h2 id="undersoegelse-heading">Børnefaglig undersøgelse</h2>
      <div ref={doneRef} tabIndex={-1} className="case-outcome">
        {started ? (
          <Alert variant="success" heading="Den børnefaglige undersøgelse er startet">
            {deadline?.due_at ? (
              <>
                <p>
                  Frist: <time dateTime={deadline.due_at}>{formatDeadlineDate(deadline.due_at)}</time>
                </p>
                {deadline.basis ? <p className="cell-note">{deadline.basis}</p> : null}
              </>
            ) : (
              <p>Der er ikke oprettet en frist.</p>
            )}
          </Alert>
        ) : null}
      </div>
      <form onSubmit={submit} noValidate className="admin-form case-form">
        <ErrorSummary errors={errors} fields={I_FIELDS} />
        {failure ? (
          <Alert variant="error" heading="Undersøgelsen blev ikke startet">
            <p>{failure.message}</p>
          </Alert>
        ) : null}
        <TextField
          id="i-aware"
          label="Kommunen blev opmærksom"
          type="date"
          hint="Fristen på 4 måneder regnes fra denne dato"
          value={awareSince}
          onChange={(v) => {
            setAwareSince(v);
            setErrors(withoutKey('aware_since'));
          }}
          error={errors.aware_since}
          width="input-width-s"
        />
        <button
          type="submit"
          className={`button button-primary ${busy ? 'spinner-active' : ''}`.trim()}
          aria-disabled={busy || undefined}
        >
          Start børnefaglig undersøgelse
        </button>
      </form>
    </section>
  );
}
