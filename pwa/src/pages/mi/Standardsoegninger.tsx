import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, ApiError, call, can, messageOf, type SessionRead } from '../../api/client';
import type { components } from '../../api/schema';
import { Alert } from '../../components/Alert';
import { Checkbox, SelectField, TextField, type Choice } from '../../components/Form';
import { Loading } from '../../components/Loading';
import { Pager } from '../../components/Pager';
import { formatNumber } from '../../format';
import { DataTable } from './DataTable';
import { ExportButton } from './ExportButton';
import { useApiQuery } from '../../useApi';

type ReportPage = components['schemas']['ReportPage'];
const PAGE_SIZE = 25;

const MI_TABLES: Choice[] = [
  { value: 'caseload', label: 'Sagstal pr. sagsbehandler' },
  { value: 'compliance', label: 'Overholdte frister' },
  { value: 'compliance_by_month', label: 'Overholdte frister pr. måned' },
  { value: 'compliance_by_team', label: 'Overholdte frister pr. team' },
  { value: 'compliance_by_team_month', label: 'Overholdte frister pr. team og måned' },
  { value: 'notifications_by_source', label: 'Underretninger efter kilde' },
  { value: 'notifications_by_month', label: 'Underretninger pr. måned' },
  { value: 'children_by_measure', label: 'Børn og unge efter indsatstype' },
  { value: 'children_by_age', label: 'Børn og unge efter alder' },
  { value: 'children_by_supplier', label: 'Børn og unge efter leverandør' },
  { value: 'turning_18', label: 'Anbragte unge, der fylder 18' },
  { value: 'costs_by_measure', label: 'Udgifter efter indsatstype' },
  { value: 'costs_by_supplier', label: 'Udgifter efter leverandør' },
];

const PAYMENT_STATUS: Choice[] = [
  { value: '', label: 'Alle' },
  { value: 'registreret', label: 'Afventer godkendelse' },
  { value: 'godkendt', label: 'Godkendt – klar til eksport' },
  { value: 'eksporteret', label: 'Eksporteret' },
  { value: 'annulleret', label: 'Annulleret' },
];

type Criteria = {
  text: string;
  includeClosed: boolean;
  includeEnded: boolean;
  status: string;
  periodFrom: string;
  periodTo: string;
  scope: string;
  table: string;
};

const EMPTY: Criteria = {
  text: '',
  includeClosed: false,
  includeEnded: false,
  status: '',
  periodFrom: '',
  periodTo: '',
  scope: '',
  table: 'compliance',
};

function paramsOf(source: string, c: Criteria): Record<string, unknown> {
  switch (source) {
    case 'sager':
      return { text: c.text.trim() || null, include_closed: c.includeClosed };
    case 'bevillinger':
      return { include_ended: c.includeEnded };
    case 'betalinger':
      return {
        ...(c.status ? { status: c.status } : {}),
        ...(c.periodFrom ? { period_from: c.periodFrom } : {}),
        ...(c.periodTo ? { period_to: c.periodTo } : {}),
      };
    case 'unge_18':
      return c.scope ? { scope: c.scope } : {};
    case 'mi':
      return { table: c.table, ...(c.scope ? { scope: c.scope } : {}) };
    default:
      return {};
  }
}

/** The 400 answer's `params.<field>` messages: {field: message}. */
function paramErrors(err: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(err instanceof ApiError) || err.status !== 400) return out;
  const extra = (err.body as { extra?: unknown } | undefined)?.extra;
  if (!Array.isArray(extra)) return out;
  for (const item of extra as { key?: string; message?: string }[]) {
    const key = (item.key ?? '').replace(/^(data\.|\$\.)?params\.?/, '') || 'params';
    out[key] = item.message ?? err.detail;
  }
  return out;
}

/** The criteria the form shows at a field. */
const SHOWN = new Set(['text', 'status', 'period_from', 'period_to', 'table', 'scope']);

type Result =
  | { state: 'idle' }
  | { state: 'loading' }
  | { state: 'ready'; data: ReportPage }
  | { state: 'error'; message: string };

/** Standardsøgninger (GET /api/reports): pick one, set its criteria, page through the result, export it to Excel. */
export function Standardsoegninger({ session }: { session: SessionRead }) {
  const [reports, reload] = useApiQuery(['reports'], (signal) => call(api.GET('/api/reports', { signal })));
  const [source, setSource] = useState('');
  const [draft, setDraft] = useState<Criteria>(EMPTY);
  const [applied, setApplied] = useState<{ source: string; params: Record<string, unknown> } | null>(null);
  const [page, setPage] = useState(1);
  const [attempt, setAttempt] = useState(0);
  const [result, setResult] = useState<Result>({ state: 'idle' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const tableRef = useRef<HTMLDivElement>(null);
  const manager = can(session, 'case.approve');

  const allowed = reports.state === 'ready' ? reports.data.filter((r) => r.allowed) : [];
  const current = source || allowed[0]?.key || '';

  useEffect(() => {
    if (!applied) return;
    const ctrl = new AbortController();
    setResult({ state: 'loading' });
    call(
      api.POST('/api/reports/{key}', {
        params: { path: { key: applied.source } },
        body: { params: applied.params, page, page_size: PAGE_SIZE },
        signal: ctrl.signal,
      }),
    ).then(
      (data) => {
        if (!ctrl.signal.aborted) setResult({ state: 'ready', data });
      },
      (err: unknown) => {
        if (ctrl.signal.aborted) return;
        const fields = paramErrors(err);
        // Shown at the field when the form has it; otherwise as the search's error.
        if (Object.keys(fields).some((k) => SHOWN.has(k))) {
          setErrors(fields);
          setResult({ state: 'idle' });
        } else setResult({ state: 'error', message: Object.values(fields)[0] ?? messageOf(err) });
      },
    );
    return () => ctrl.abort();
  }, [applied, page, attempt]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!current) return;
    const problems: Record<string, string> = {};
    if (current === 'betalinger' && draft.periodFrom && draft.periodTo && draft.periodTo < draft.periodFrom)
      problems.period_to = '„Periode til“ skal være samme dag som eller efter „Periode fra“';
    setErrors(problems);
    if (Object.keys(problems).length > 0) return;
    setApplied({ source: current, params: paramsOf(current, draft) });
    setPage(1);
    setAttempt((n) => n + 1);
  };

  const set =
    <K extends keyof Criteria>(key: K) =>
    (value: Criteria[K]) => {
      setDraft((d) => ({ ...d, [key]: value }));
      setErrors({});
    };

  if (reports.state === 'loading') return <Loading text="Henter standardsøgningerne …" />;
  if (reports.state === 'error')
    return (
      <Alert
        variant="error"
        heading="Standardsøgningerne kunne ikke hentes"
        action={
          <button type="button" className="button button-secondary" onClick={reload}>
            Prøv igen
          </button>
        }
      >
        <p>{reports.message}</p>
      </Alert>
    );
  if (allowed.length === 0) return <p className="empty-state">Du har ikke adgang til nogen standardsøgninger.</p>;

  const info = allowed.find((r) => r.key === current);
  const data = result.state === 'ready' ? result.data : null;
  const pages = data ? Math.max(1, Math.ceil(data.total / data.page_size)) : 1;
  const general = errors.params;

  return (
    <>
      <form onSubmit={submit} noValidate className="mi-report-form" aria-label="Vælg standardsøgning">
        {general ? (
          <Alert variant="error" heading="Søgningen kunne ikke gennemføres">
            <p>{general}</p>
          </Alert>
        ) : null}
        <SelectField
          id="report-source"
          label="Standardsøgning"
          hint={info?.description}
          value={current}
          onChange={(v) => {
            setSource(v);
            setErrors({});
            setApplied(null);
            setResult({ state: 'idle' });
          }}
          choices={allowed.map((r) => ({ value: r.key, label: r.title }))}
        />
        {current === 'sager' ? (
          <>
            <TextField id="report-text" label="Navn eller CPR-nummer (valgfrit)" value={draft.text} onChange={set('text')} error={errors.text} />
            <Checkbox id="report-closed" label="Medtag lukkede sager" checked={draft.includeClosed} onChange={set('includeClosed')} />
          </>
        ) : null}
        {current === 'bevillinger' ? (
          <Checkbox id="report-ended" label="Medtag afsluttede bevillinger" checked={draft.includeEnded} onChange={set('includeEnded')} />
        ) : null}
        {current === 'betalinger' ? (
          <div className="filter-grid">
            <SelectField id="report-status" label="Status" value={draft.status} onChange={set('status')} choices={PAYMENT_STATUS} error={errors.status} />
            <TextField id="report-from" label="Periode fra" type="date" value={draft.periodFrom} onChange={set('periodFrom')} error={errors.period_from} width="input-width-s" />
            <TextField id="report-to" label="Periode til" type="date" value={draft.periodTo} onChange={set('periodTo')} error={errors.period_to} width="input-width-s" />
          </div>
        ) : null}
        {current === 'mi' ? (
          <SelectField id="report-table" label="Tabel" value={draft.table} onChange={set('table')} choices={MI_TABLES} error={errors.table} />
        ) : null}
        {(current === 'mi' || current === 'unge_18') && manager ? (
          <SelectField
            id="report-scope"
            label="Udsnit"
            value={draft.scope}
            onChange={set('scope')}
            choices={[
              { value: '', label: 'Mine teams' },
              { value: 'kommune', label: 'Hele kommunen' },
            ]}
            error={errors.scope}
          />
        ) : null}
        <div className="button-row">
          <button type="submit" className={`button button-primary ${result.state === 'loading' ? 'spinner-active' : ''}`.trim()}>
            Vis resultat
          </button>
        </div>
      </form>

      <section aria-busy={result.state === 'loading'} aria-label="Resultat" className="mi-report-result">
        <p role="status" className="audit-count">
          {data ? (data.total === 1 ? '1 række' : `${formatNumber(data.total)} rækker`) : ''}
        </p>
        {result.state === 'idle' ? <p className="empty-state">Vælg en standardsøgning og tryk på „Vis resultat“.</p> : null}
        {result.state === 'loading' ? <Loading text="Søger …" /> : null}
        {result.state === 'error' ? (
          <Alert
            variant="error"
            heading="Søgningen kunne ikke gennemføres"
            action={
              <button type="button" className="button button-secondary" onClick={() => setAttempt((n) => n + 1)}>
                Prøv igen
              </button>
            }
          >
            <p>{result.message}</p>
          </Alert>
        ) : null}
        {data && applied ? (
          <>
            <ExportButton source={applied.source} params={applied.params} what={data.title} />
            <div ref={tableRef}>
              <DataTable
                id="report-table-result"
                caption={`${data.title}: side ${data.page} af ${pages}`}
                columns={data.columns}
                rows={data.rows}
                empty="Ingen rækker matcher søgningen"
              />
            </div>
            {pages > 1 ? <Pager label="Sider i resultatet" page={page} pages={pages} onGo={setPage} /> : null}
          </>
        ) : null}
      </section>
    </>
  );
}
