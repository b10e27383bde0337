import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, ApiError, call, fieldErrors, messageOf, type CaseRead } from '../api/client';
import { Alert } from '../components/Alert';
import { ErrorSummary, SelectField } from '../components/Form';
import { formatDeadlineDate } from '../format';

type Worker = NonNullable<CaseRead['workers']>[number];
type Candidate = { user_id: string; display_name: string; team?: string | null };
type Outcome =
  | { variant: 'success'; heading: string }
  | { variant: 'error'; heading: string; text: string; conflict: boolean };

const FIELDS: Record<string, [string, string]> = {
  user_id: ['worker-add', 'Medbehandler'],
};

/**
 * "Medbehandlere" in "Fordel sagen": the caseworkers on the case besides the responsible
 * one (CaseRead.workers), "Fjern" for each, and a select of colleagues to add
 * (POST /api/cases/{id}/workers[/remove] with the case's version; 409 says who changed it).
 */
export function Medbehandlere({
  caseId,
  hovedsag,
  candidates,
  onChanged,
  onReload,
}: {
  caseId: string;
  hovedsag: CaseRead;
  /** Colleagues who may be added; null while they are being fetched (or could not be). */
  candidates: Candidate[] | null;
  onChanged: () => void;
  onReload: () => void;
}) {
  const workers: Worker[] = hovedsag.workers ?? [];
  const [userId, setUserId] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [outcome, setOutcome] = useState<Outcome | undefined>();
  const [busy, setBusy] = useState<string | null>(null);
  const outcomeRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (outcome) outcomeRef.current?.focus();
  }, [outcome]);

  const on = new Set([...workers.map((w) => w.user_id), hovedsag.caseworker_id]);
  const choices = (candidates ?? []).filter((c) => !on.has(c.user_id));

  const change = async (path: 'add' | 'remove', who: Candidate): Promise<boolean> => {
    setOutcome(undefined);
    setBusy(path === 'add' ? 'add' : who.user_id);
    try {
      const body = { version: hovedsag.version, user_id: who.user_id };
      const params = { path: { case_id: caseId } };
      await call(
        path === 'add'
          ? api.POST('/api/cases/{case_id}/workers', { params, body })
          : api.POST('/api/cases/{case_id}/workers/remove', { params, body }),
      );
      setOutcome({
        variant: 'success',
        heading:
          path === 'add'
            ? `${who.display_name} er sat på sagen som medbehandler`
            : `${who.display_name} er taget af sagen som medbehandler`,
      });
      onChanged();
      return true;
    } catch (err) {
      const fields = fieldErrors(err);
      if (path === 'add' && fields.user_id) {
        setErrors({ user_id: fields.user_id });
        return false;
      }
      const conflict = err instanceof ApiError && err.status === 409;
      setOutcome({
        variant: 'error',
        heading: conflict
          ? 'Sagen er ændret af en anden'
          : path === 'add'
            ? 'Medbehandleren blev ikke tilføjet'
            : 'Medbehandleren blev ikke fjernet',
        text: Object.values(fields)[0] ?? messageOf(err),
        conflict,
      });
      return false;
    } finally {
      setBusy(null);
    }
  };

  const add = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const who = choices.find((c) => c.user_id === userId);
    if (!who) {
      setErrors({ user_id: 'Vælg den medarbejder, der skal være medbehandler' });
      return;
    }
    setErrors({});
    if (await change('add', who)) setUserId('');
  };

  const remove = (w: Worker) => {
    if (busy) return;
    void change('remove', w);
  };

  const reload = () => {
    setOutcome(undefined);
    onReload();
  };

  return (
    <div className="case-workers">
      <h3 id="workers-heading">Medbehandlere</h3>
      <div ref={outcomeRef} tabIndex={-1} className="case-outcome">
        {outcome ? (
          <Alert
            variant={outcome.variant}
            heading={outcome.heading}
            action={
              outcome.variant === 'error' && outcome.conflict ? (
                <button type="button" className="button button-secondary" onClick={reload}>
                  Hent igen
                </button>
              ) : null
            }
          >
            {outcome.variant === 'error' ? <p>{outcome.text}</p> : null}
          </Alert>
        ) : null}
      </div>
      {workers.length === 0 ? (
        <p className="empty-state">Der er ingen medbehandlere på sagen.</p>
      ) : (
        <ul className="nobullet-list case-workers-list" aria-labelledby="workers-heading">
          {workers.map((w) => (
            <li key={w.user_id}>
              <span className="case-worker-name">{w.display_name}</span>
              <span className="cell-note">
                Sat på <time dateTime={w.added_at}>{formatDeadlineDate(w.added_at)}</time> af {w.added_by_name || w.added_by}
              </span>
              <button
                type="button"
                className={`button button-tertiary button-small ${busy === w.user_id ? 'spinner-active' : ''}`.trim()}
                aria-label={`Fjern ${w.display_name} som medbehandler`}
                aria-disabled={busy !== null || undefined}
                onClick={() => remove(w)}
              >
                Fjern
              </button>
            </li>
          ))}
        </ul>
      )}
      {candidates === null ? null : choices.length === 0 ? (
        <p className="empty-state">Der er ikke flere sagsbehandlere eller ledere at sætte på sagen.</p>
      ) : (
        <form onSubmit={add} noValidate className="admin-form case-form" aria-labelledby="workers-add-heading">
          <h4 id="workers-add-heading" className="h5">
            Tilføj medbehandler
          </h4>
          <ErrorSummary errors={errors} fields={FIELDS} />
          <SelectField
            id="worker-add"
            label="Medbehandler"
            hint="Sagsbehandlere og ledere, der ikke allerede er på sagen – sagens team først"
            value={userId}
            onChange={(v) => {
              setUserId(v);
              setErrors({});
            }}
            choices={[
              { value: '', label: 'Vælg medarbejder' },
              ...choices.map((c) => ({ value: c.user_id, label: c.team ? `${c.display_name} (${c.team})` : c.display_name })),
            ]}
            error={errors.user_id}
          />
          <button
            type="submit"
            className={`button button-primary ${busy === 'add' ? 'spinner-active' : ''}`.trim()}
            aria-disabled={busy !== null || undefined}
          >
            Tilføj medbehandler
          </button>
        </form>
      )}
    </div>
  );
}
