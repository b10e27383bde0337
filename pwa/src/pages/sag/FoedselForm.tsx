// "Registrér fødsel" on the case page of an unborn child, in a dialog.
import { useState, type FormEvent } from 'react';
import { api, call } from '../../api/client';
import { Alert } from '../../components/Alert';
import { ErrorSummary, TextField, withoutKey } from '../../components/Form';
import { FormDialog } from '../../components/FormDialog';
import { rememberPriorCases } from '../overfoersel/store';
import { useSubmit } from '../../mutation';

const B_FIELDS: Record<string, [string, string]> = {
  cpr: ['birth-cpr', 'Barnets CPR-nummer'],
  first_name: ['birth-first', 'Barnets fornavn'],
  last_name: ['birth-last', 'Barnets efternavn'],
};

type BDraft = { cpr: string; first: string; last: string };

export const BIRTH_DONE = 'Fødslen er registreret – sagen følger nu barnets eget CPR-nummer';

/**
 * "Registrér fødsel" (case.write) for an unborn child: POST /api/children/{id}/birth moves
 * the case from the mother's CPR number to the child's own.
 */
export function FoedselForm({
  childId,
  onRegistered,
  onClose,
}: {
  childId: string;
  onRegistered: (result: { child_id?: string | null; hovedsag_id?: string | null }) => void;
  onClose: () => void;
}) {
  const [draft, setDraft] = useState<BDraft>({ cpr: '', first: '', last: '' });
  const { run, busy, errors, setErrors, failure, setFailure } = useSubmit();
  const register = (d: BDraft) => {
    setErrors({});
    void run(async () => {
      const result = await call(
        api.POST('/api/children/{child_id}/birth', {
          params: { path: { child_id: childId } },
          body: { cpr: d.cpr.trim(), first_name: d.first.trim(), last_name: d.last.trim() },
        }),
      );
      rememberPriorCases(result?.child_id || childId, result?.prior_cases, d.cpr);
      setDraft({ cpr: '', first: '', last: '' });
      onRegistered(result ?? {});
    });
  };

  const set = (key: keyof BDraft, errorKey: string) => (value: string) => {
    setDraft((d) => ({ ...d, [key]: value }));
    setErrors(withoutKey(errorKey));
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setFailure(undefined);
    register(draft);
  };

  return (
    <FormDialog title="Registrér fødsel" busy={busy} onClose={onClose}>
      <form onSubmit={submit} noValidate className="admin-form case-form">
        <ErrorSummary errors={errors} fields={B_FIELDS} />
        {failure ? (
          <Alert variant="error" heading="Fødslen blev ikke registreret">
            <p>{failure.message}</p>
          </Alert>
        ) : null}
        <TextField
          id="birth-cpr"
          label="Barnets CPR-nummer"
          hint="10 cifre, fx 0101251234"
          inputMode="numeric"
          value={draft.cpr}
          onChange={set('cpr', 'cpr')}
          error={errors.cpr}
          width="input-width-s"
        />
        <TextField
          id="birth-first"
          label="Barnets fornavn"
          value={draft.first}
          onChange={set('first', 'first_name')}
          error={errors.first_name}
        />
        <TextField
          id="birth-last"
          label="Barnets efternavn"
          value={draft.last}
          onChange={set('last', 'last_name')}
          error={errors.last_name}
        />
        <div className="process-buttons">
          <button
            type="submit"
            className={`button button-primary ${busy ? 'spinner-active' : ''}`.trim()}
            aria-disabled={busy || undefined}
          >
            Registrér fødsel
          </button>
          <button type="button" className="button button-tertiary" onClick={onClose} disabled={busy}>
            Fortryd
          </button>
        </div>
      </form>
    </FormDialog>
  );
}
