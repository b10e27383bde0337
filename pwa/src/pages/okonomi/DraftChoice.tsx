// In "Træf afgørelse": the case's approved visitation with costs, chosen by default for a
// granting decision; the decision then passes `draft_id` and starts the visitation's measures.
import { useEffect, useState } from 'react';
import { Checkbox } from '../../components/Form';
import { kr } from './money';
import type { DraftRead } from './money';
import { openDraft } from './Visitation';

/** The case's approved draft (status godkendt), or null; errors count as none. */
export function useApprovedDraft(caseId: string): DraftRead | null {
  const [draft, setDraft] = useState<DraftRead | null>(null);
  useEffect(() => {
    const ctrl = new AbortController();
    openDraft(caseId, ctrl.signal).then(
      (d) => {
        if (!ctrl.signal.aborted) setDraft(d && d.status === 'godkendt' ? d : null);
      },
      () => undefined,
    );
    return () => ctrl.abort();
  }, [caseId]);
  return draft;
}

export function DraftChoice({
  draft,
  checked,
  onChange,
  error,
}: {
  draft: DraftRead;
  checked: boolean;
  onChange: (checked: boolean) => void;
  error?: string;
}) {
  const measures = draft.lines.map((l) => `${l.measure_label} (${l.supplier_name})`).join(', ');
  return (
    <div className={`form-group ${error ? 'form-error' : ''}`.trim()}>
      {error ? (
        <span className="form-error-message" id="afg-draft-error">
          <span className="sr-only">Fejl: </span>
          {error}
        </span>
      ) : null}
      <Checkbox
        id="afg-draft"
        label={`Bevilg den godkendte visitation efter § ${draft.paragraph}`}
        hint={`${measures}. Forventet ${kr(draft.total.per_year_oere)} pr. år.`}
        checked={checked}
        onChange={onChange}
      />
    </div>
  );
}
