import { useEffect, useState, type FormEvent } from 'react';
import type { EnkeltsagRead } from '../api/client';
import { ErrorSummary, SelectField, TextField, type Choice } from '../components/Form';
import { formatDeadlineDate } from '../format';

/** The journal's filter as applied (GET /api/cases/{id}/journal's query); '' = no filter. */
export type JournalCriteria = { enkeltsag: string; kind: string; since: string; until: string };

export const NO_FILTER: JournalCriteria = { enkeltsag: '', kind: '', since: '', until: '' };

export function isFiltered(c: JournalCriteria): boolean {
  return !!(c.enkeltsag || c.kind || c.since || c.until);
}

/** The query parameters of the journal request for the criteria. */
export function journalQuery(c: JournalCriteria): {
  kind?: string;
  enkeltsag_id?: string;
  since?: string;
  until?: string;
} {
  return {
    kind: c.kind || undefined,
    enkeltsag_id: c.enkeltsag || undefined,
    since: c.since || undefined,
    until: c.until || undefined,
  };
}

const KINDS: Choice[] = [
  { value: '', label: 'Alle' },
  { value: 'haendelse', label: 'Hændelser' },
  { value: 'notat', label: 'Notater' },
  { value: 'rettelse', label: 'Rettelser' },
];

const ENKELTSAG_KINDS: Record<string, string> = {
  afklaring: 'Afklaring',
  undersoegelse: 'Undersøgelse',
  afgoerelse: 'Afgørelse',
  indsats: 'Indsats',
};

/** "Undersøgelse (åbnet 03.11.2026)", "Indsats § 52 (åbnet 01.02.2027, lukket 01.08.2027)". */
export function enkeltsagLabel(e: EnkeltsagRead): string {
  const kind = ENKELTSAG_KINDS[e.kind] ?? e.kind;
  const paragraph = e.paragraph ? (/^\d/.test(e.paragraph) ? ` § ${e.paragraph}` : ` ${e.paragraph}`) : '';
  const closed = e.closed_at ? `, lukket ${formatDeadlineDate(e.closed_at)}` : '';
  return `${kind}${paragraph} (åbnet ${formatDeadlineDate(e.opened_at)}${closed})`;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

const FIELDS: Record<string, [string, string]> = {
  enkeltsag_id: ['journal-enkeltsag', 'Enkeltsag'],
  kind: ['journal-kind', 'Type'],
  since: ['journal-since', 'Fra'],
  until: ['journal-until', 'Til'],
};

function validate(c: JournalCriteria): Record<string, string> {
  const errors: Record<string, string> = {};
  if (c.since && !DATE.test(c.since)) errors.since = 'Skriv en gyldig dato';
  if (c.until && !DATE.test(c.until)) errors.until = 'Skriv en gyldig dato';
  if (!errors.since && !errors.until && c.since && c.until && c.since > c.until)
    errors.until = '„Til“ skal være samme dato som eller senere end „Fra“';
  return errors;
}

/**
 * The journal's filters: enkeltsag, type and period, applied with "Filtrér" (the list and
 * its paging only change then) and cleared with "Nulstil".
 */
export function JournalFilter({
  enkeltsager,
  applied,
  busy,
  onApply,
}: {
  enkeltsager: EnkeltsagRead[];
  applied: JournalCriteria;
  busy: boolean;
  onApply: (criteria: JournalCriteria) => void;
}) {
  const [draft, setDraft] = useState<JournalCriteria>(applied);
  const [errors, setErrors] = useState<Record<string, string>>({});

  // Applied from outside (e.g. cleared after a new note): show it in the fields.
  useEffect(() => {
    setDraft(applied);
    setErrors({});
  }, [applied]);

  const set = (key: keyof JournalCriteria, errorKey: string) => (value: string) => {
    setDraft((d) => ({ ...d, [key]: value }));
    setErrors((e) => {
      const next = { ...e };
      delete next[errorKey];
      return next;
    });
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const problems = validate(draft);
    setErrors(problems);
    if (Object.keys(problems).length > 0) return;
    onApply({ ...draft });
  };

  const reset = () => {
    setErrors({});
    setDraft(NO_FILTER);
    onApply(NO_FILTER);
  };

  return (
    <form onSubmit={submit} noValidate className="journal-filters" aria-label="Filtrér journalen">
      <ErrorSummary errors={errors} fields={FIELDS} />
      <div className="filter-grid">
        <SelectField
          id="journal-enkeltsag"
          label="Enkeltsag"
          value={draft.enkeltsag}
          onChange={set('enkeltsag', 'enkeltsag_id')}
          choices={[
            { value: '', label: 'Alle' },
            ...enkeltsager.map((e) => ({ value: e.id, label: enkeltsagLabel(e) })),
          ]}
          error={errors.enkeltsag_id}
        />
        <SelectField
          id="journal-kind"
          label="Type"
          value={draft.kind}
          onChange={set('kind', 'kind')}
          choices={KINDS}
          error={errors.kind}
        />
        <TextField
          id="journal-since"
          label="Fra"
          type="date"
          value={draft.since}
          onChange={set('since', 'since')}
          error={errors.since}
          width="input-width-s"
        />
        <TextField
          id="journal-until"
          label="Til"
          type="date"
          value={draft.until}
          onChange={set('until', 'until')}
          error={errors.until}
          width="input-width-s"
        />
      </div>
      <div className="button-row">
        <button type="submit" className={`button button-secondary ${busy ? 'spinner-active' : ''}`.trim()}>
          Filtrér
        </button>
        <button type="button" className="button button-tertiary" onClick={reset}>
          Nulstil
        </button>
      </div>
    </form>
  );
}
