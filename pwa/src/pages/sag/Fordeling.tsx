// "Fordel sagen" on the case page, in a dialog: give the case to another caseworker, and the
// co-workers (Medbehandlere) on it.
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, call, type CaseRead } from '../../api/client';
import { Alert } from '../../components/Alert';
import { ErrorSummary, SelectField, withoutKey } from '../../components/Form';
import { FormDialog } from '../../components/FormDialog';
import { Loading } from '../../components/Loading';
import { Medbehandlere } from '../Medbehandlere';
import { useSubmit } from '../../mutation';
import { caseKeys, failureOf, useAssignable } from './queries';
import type { Outcome } from './shared';

const A_FIELDS: Record<string, [string, string]> = {
  caseworker_id: ['assign-worker', 'Ny sagsbehandler'],
};

/**
 * "Fordel sagen" (team.overview + case.write): give the case to a caseworker or manager of
 * the kommune (GET /api/cases/{id}/assignable: the case's team first; never read-only
 * users). The case follows the new caseworker to their team; each choice names that team.
 */
export function Fordeling({
  caseId,
  hovedsag,
  onAssigned,
  onChanged,
  onReload,
  onClose,
}: {
  caseId: string;
  hovedsag: CaseRead;
  /** The case is given to someone else: the dialog closes and the page says so. */
  onAssigned: (outcome: Outcome) => void;
  /** The co-workers changed (the dialog stays open). */
  onChanged: () => void;
  onReload: () => void;
  onClose: () => void;
}) {
  const team = useAssignable(caseId);
  const [workerId, setWorkerId] = useState('');
  const outcomeRef = useRef<HTMLDivElement>(null);
  const queryClient = useQueryClient();
  const { run, busy, errors, setErrors, failure, setFailure } = useSubmit();
  const assign = ({ caseworker_id, name }: { caseworker_id: string; name: string }) => {
    setErrors({});
    void run(async () => {
      await call(
        api.POST('/api/cases/{case_id}/assignment', {
          params: { path: { case_id: caseId } },
          body: { version: hovedsag.version, caseworker_id },
        }),
      );
      onAssigned({ heading: `Sagen er fordelt til ${name}` });
      // The case's team may have changed: its members come first now.
      void queryClient.invalidateQueries({ queryKey: caseKeys.assignable(caseId) });
    });
  };

  useEffect(() => {
    if (failure) outcomeRef.current?.focus();
  }, [failure]);

  // The server's order: the case's team first, then by name.
  const people = team.data ?? [];
  const colleagues = people.filter((w) => w.user_id !== hovedsag.caseworker_id);
  const withTeam = (w: (typeof people)[number]) => (w.team ? `${w.display_name} (${w.team})` : w.display_name);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setFailure(undefined);
    if (!workerId) {
      setErrors({ caseworker_id: 'Vælg den sagsbehandler, sagen skal fordeles til' });
      return;
    }
    const chosen = colleagues.find((w) => w.user_id === workerId);
    assign({ caseworker_id: workerId, name: chosen ? withTeam(chosen) : '' });
  };

  const reload = () => {
    setFailure(undefined);
    onReload();
  };

  let body;
  if (team.isPending || (team.isError && team.isFetching)) {
    body = <Loading text="Henter medarbejdere …" />;
  } else if (team.isError) {
    body = (
      <Alert
        variant="error"
        heading="Sagsbehandlerne kunne ikke hentes"
        action={
          <button type="button" className="button button-secondary" onClick={() => void team.refetch()}>
            Prøv igen
          </button>
        }
      >
        <p>{failureOf(team.error).message}</p>
      </Alert>
    );
  } else if (colleagues.length === 0) {
    body = <p className="empty-state">Der er ingen andre sagsbehandlere eller ledere at fordele sagen til.</p>;
  } else {
    body = (
      <form onSubmit={submit} noValidate className="admin-form case-form">
        <ErrorSummary errors={errors} fields={A_FIELDS} />
        <SelectField
          id="assign-worker"
          label="Ny sagsbehandler"
          hint="Sagsbehandlere og ledere, sagens team først. Sagen flytter med til det team, der står i parentes."
          value={workerId}
          onChange={(v) => {
            setWorkerId(v);
            setErrors(withoutKey('caseworker_id'));
          }}
          choices={[
            { value: '', label: 'Vælg sagsbehandler' },
            ...colleagues.map((w) => ({ value: w.user_id, label: withTeam(w) })),
          ]}
          error={errors.caseworker_id}
        />
        <div className="process-buttons">
          <button
            type="submit"
            className={`button button-primary ${busy ? 'spinner-active' : ''}`.trim()}
            aria-disabled={busy || undefined}
          >
            Fordel sagen
          </button>
          <button type="button" className="button button-tertiary" onClick={onClose} disabled={busy}>
            Fortryd
          </button>
        </div>
      </form>
    );
  }

  return (
    <FormDialog title="Fordel sagen" subtitle={hovedsag.child_name} busy={busy} onClose={onClose} size="wide">
      <div aria-busy={team.isPending}>
      <div ref={outcomeRef} tabIndex={-1} className="case-outcome">
        {failure ? (
          <Alert
            variant="error"
            heading={failure.status === 409 ? 'Sagen er ændret af en anden' : 'Sagen blev ikke fordelt'}
            action={
              failure.status === 409 ? (
                <button type="button" className="button button-secondary" onClick={reload}>
                  Hent igen
                </button>
              ) : null
            }
          >
            <p>{failure.message}</p>
          </Alert>
        ) : null}
      </div>
      {body}
      <Medbehandlere
        caseId={caseId}
        hovedsag={hovedsag}
        candidates={team.isSuccess ? people : null}
        onChanged={onChanged}
        onReload={onReload}
      />
      </div>
    </FormDialog>
  );
}
