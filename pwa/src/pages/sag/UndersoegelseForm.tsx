// "Start børnefaglig undersøgelse" on the case page, in a dialog: start the investigation from
// the date the kommune became aware; the page then shows the 4-month deadline.
import { useState, type FormEvent } from 'react';
import { api, call, type ActivityRead } from '../../api/client';
import { Alert } from '../../components/Alert';
import { ErrorSummary, TextField, withoutKey } from '../../components/Form';
import { FormDialog } from '../../components/FormDialog';
import { formatDeadlineDate, todayInCopenhagen } from '../../format';
import { useSubmit } from '../../mutation';
import type { Outcome } from './shared';

const I_FIELDS: Record<string, [string, string]> = {
  aware_since: ['i-aware', 'Kommunen blev opmærksom'],
};

function started(activities: ActivityRead[]): Outcome {
  const deadline =
    activities.find((a) => a.rule_id === 'undersoegelse-4-maaneder' && a.due_at) ?? activities.find((a) => a.due_at);
  return {
    heading: 'Den børnefaglige undersøgelse er startet',
    body: deadline?.due_at ? (
      <>
        <p>
          Frist: <time dateTime={deadline.due_at}>{formatDeadlineDate(deadline.due_at)}</time>
        </p>
        {deadline.basis ? <p className="cell-note">{deadline.basis}</p> : null}
      </>
    ) : (
      <p>Der er ikke oprettet en frist.</p>
    ),
  };
}

export function UndersoegelseForm({
  caseId,
  childName,
  onStarted,
  onClose,
}: {
  caseId: string;
  childName: string;
  onStarted: (outcome: Outcome) => void;
  onClose: () => void;
}) {
  const [awareSince, setAwareSince] = useState(() => todayInCopenhagen());
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
      onStarted(started(result.activities));
    });
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setFailure(undefined);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(awareSince)) {
      setErrors({ aware_since: 'Angiv datoen, hvor kommunen blev opmærksom på barnets forhold' });
      return;
    }
    start(awareSince);
  };

  return (
    <FormDialog title="Start børnefaglig undersøgelse" subtitle={childName} busy={busy} onClose={onClose}>
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
        <div className="process-buttons">
          <button
            type="submit"
            className={`button button-primary ${busy ? 'spinner-active' : ''}`.trim()}
            aria-disabled={busy || undefined}
          >
            Start børnefaglig undersøgelse
          </button>
          <button type="button" className="button button-tertiary" onClick={onClose} disabled={busy}>
            Fortryd
          </button>
        </div>
      </form>
    </FormDialog>
  );
}
