import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, call, fieldErrors } from '../api/client';
import { Alert } from '../components/Alert';
import { AuditDetailLines } from '../components/AuditDetail';
import { ErrorSummary, SelectField, TextField } from '../components/Form';
import { Loading } from '../components/Loading';
import { PageHeading } from '../components/PageHeading';
import { formatDateTime, formatNumber } from '../format';
import { useApiQuery } from '../useApi';
import { Pager } from '../components/Pager';

const PAGE_SIZE = 50;

type Filters = { action: string; actor: string; from: string; to: string };
const NO_FILTERS: Filters = { action: '', actor: '', from: '', to: '' };

/** "2024-03-07" -> the start of that day in Danish local time, as an ISO timestamp. */
function startOfDay(date: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return undefined;
  const d = new Date(`${date}T00:00:00`);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** The end of that day: the start of the next one. */
function endOfDay(date: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return undefined;
  const d = new Date(`${date}T00:00:00`);
  if (Number.isNaN(d.getTime())) return undefined;
  d.setDate(d.getDate() + 1);
  return d.toISOString();
}

function validate(f: Filters): Record<string, string> {
  const errors: Record<string, string> = {};
  if (f.from && !startOfDay(f.from)) errors.since = 'Skriv datoen som dd.mm.åååå';
  if (f.to && !endOfDay(f.to)) errors.until = 'Skriv datoen som dd.mm.åååå';
  if (!errors.since && !errors.until && f.from && f.to && f.from > f.to)
    errors.until = '„Til“ skal være samme dag som eller efter „Fra“';
  return errors;
}

const FIELDS: Record<string, [string, string]> = {
  action: ['audit-action', 'Handling'],
  actor: ['audit-actor', 'Bruger'],
  since: ['audit-from', 'Fra'],
  until: ['audit-to', 'Til'],
};

export function Revisionslog() {
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [applied, setApplied] = useState<Filters>(NO_FILTERS);
  const [page, setPage] = useState(1);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const tableRef = useRef<HTMLDivElement>(null);
  const moved = useRef(false);
  const [actions] = useApiQuery(['audit', 'actions'], (signal) => call(api.GET('/api/admin/audit/actions', { signal })));

  // The log for the applied filters and page; a new filter or page keeps the rows on screen
  // until the next answer is there.
  const [result, retry] = useApiQuery(
    ['audit', 'log', applied, page],
    (signal) =>
      call(
        api.GET('/api/admin/audit', {
          signal,
          params: {
            query: {
              action: applied.action || undefined,
              actor: applied.actor.trim() || undefined,
              since: applied.from ? startOfDay(applied.from) : undefined,
              until: applied.to ? endOfDay(applied.to) : undefined,
              page,
              page_size: PAGE_SIZE,
            },
          },
        }),
      ),
    { keepPrevious: true },
  );
  useEffect(() => {
    if (result.state === 'ready' && moved.current) {
      moved.current = false;
      tableRef.current?.focus();
    }
    if (result.state === 'error') {
      const fields = fieldErrors(result.error);
      if (Object.keys(fields).length > 0) setErrors(fields);
    }
  }, [result]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const problems = validate(draft);
    setErrors(problems);
    if (Object.keys(problems).length > 0) return;
    setApplied({ ...draft });
    setPage(1);
  };

  const reset = () => {
    setDraft(NO_FILTERS);
    setErrors({});
    setApplied(NO_FILTERS);
    setPage(1);
  };

  const go = (to: number) => {
    moved.current = true;
    setPage(to);
  };

  const set = (key: keyof Filters, errorKey: string) => (value: string) => {
    setDraft((d) => ({ ...d, [key]: value }));
    setErrors((e) => {
      const next = { ...e };
      delete next[errorKey];
      return next;
    });
  };

  const data = result.state === 'ready' ? result.data : null;
  const pages = data ? Math.max(1, Math.ceil(data.total / data.page_size)) : 1;
  const filtered = Object.values(applied).some((v) => v.trim() !== '');

  return (
    <>
      <PageHeading>Revisionslog</PageHeading>
      <p>Hvem har gjort hvad i kommunens Trekant, og hvornår. Nyeste først.</p>

      <form onSubmit={submit} noValidate className="audit-filters">
        <h2 id="filters-heading" className="h3">
          Filtrér
        </h2>
        <ErrorSummary errors={errors} fields={FIELDS} />
        <div className="filter-grid">
          <SelectField
            id="audit-action"
            label="Handling"
            value={draft.action}
            onChange={set('action', 'action')}
            choices={[
              { value: '', label: 'Alle' },
              ...(actions.state === 'ready' ? actions.data.map((a) => ({ value: a.action, label: a.label })) : []),
            ]}
            error={errors.action}
          />
          <TextField
            id="audit-actor"
            label="Bruger"
            hint="Brugernavn, fx navn@kommune.dk"
            value={draft.actor}
            onChange={set('actor', 'actor')}
            error={errors.actor}
            width="input-width-m"
          />
          <TextField
            id="audit-from"
            label="Fra"
            type="date"
            value={draft.from}
            onChange={set('from', 'since')}
            error={errors.since}
            width="input-width-s"
          />
          <TextField
            id="audit-to"
            label="Til"
            type="date"
            value={draft.to}
            onChange={set('to', 'until')}
            error={errors.until}
            width="input-width-s"
          />
        </div>
        <div className="button-row">
          <button type="submit" className="button button-primary">
            Søg
          </button>
          <button type="button" className="button button-tertiary" onClick={reset}>
            Nulstil filtre
          </button>
        </div>
      </form>

      <section aria-busy={result.state === 'loading'} className="audit-result">
        <h2 id="audit-heading" className="h3">
          Hændelser
        </h2>
        <p role="status" className="audit-count">
          {data
            ? data.total === 0
              ? ''
              : `${formatNumber(data.total)} ${data.total === 1 ? 'hændelse' : 'hændelser'}${filtered ? ' passer til filtrene' : ''}`
            : ''}
        </p>
        {result.state === 'loading' ? <Loading text="Henter revisionsloggen …" /> : null}
        {result.state === 'error' ? (
          <Alert
            variant="error"
            heading="Revisionsloggen kunne ikke hentes"
            action={
              <button type="button" className="button button-secondary" onClick={retry}>
                Prøv igen
              </button>
            }
          >
            <p>{result.message}</p>
          </Alert>
        ) : null}
        {data && data.items.length === 0 ? (
          <p className="empty-state">
            {filtered ? 'Ingen hændelser passer til filtrene.' : 'Der er ingen hændelser i revisionsloggen endnu.'}
          </p>
        ) : null}
        {data && data.items.length > 0 ? (
          <>
            <div
              className="table--responsive-scroll"
              tabIndex={0}
              role="region"
              aria-label="Revisionslog, tabel"
              ref={tableRef}
            >
              <table className="table table--compact audit-table">
                <caption className="sr-only">Hændelser i revisionsloggen, nyeste først</caption>
                <thead>
                  <tr>
                    <th scope="col">Tidspunkt</th>
                    <th scope="col">Bruger</th>
                    <th scope="col">Handling</th>
                    <th scope="col">Detaljer</th>
                  </tr>
                </thead>
                <tbody>
                  {data.items.map((a) => (
                    <tr key={a.id}>
                      <td>
                        <time dateTime={a.at}>{formatDateTime(a.at)}</time>
                      </td>
                      <td className="break">
                        {a.actor_name ?? a.actor}
                        {a.actor_name ? <span className="cell-note">{a.actor}</span> : null}
                      </td>
                      <td>
                        {a.action_label}
                        {a.subject_name ? <span className="cell-note">Om {a.subject_name}</span> : null}
                      </td>
                      <td>
                        <AuditDetailLines lines={a.details} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pager label="Sider i revisionsloggen" page={data.page} pages={pages} onGo={go} />
          </>
        ) : null}
      </section>
    </>
  );
}
