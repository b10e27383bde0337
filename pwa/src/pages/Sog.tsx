import { Fragment, useEffect, useRef, useState, type FormEvent } from 'react';
import {
  api,
  call,
  fieldErrors,
  messageOf,
  type SearchHit,
  type SearchPage,
  type SearchQuery,
} from '../api/client';
import { casePath, setFlash, stageLabel } from '../casework';
import { Alert } from '../components/Alert';
import { Checkbox, ErrorSummary, SelectField, TextArea, TextField, type Choice } from '../components/Form';
import { Loading } from '../components/Loading';
import { PageHeading } from '../components/PageHeading';
import { formatAge, formatDate, formatNumber } from '../format';
import { Link, navigate } from '../router';
import { Pager } from '../components/Pager';
import { useApiQuery } from '../useApi';

const PAGE_SIZE = 25;

const STAGES: Choice[] = [
  { value: '', label: 'Alle' },
  ...['afklaring', 'undersoegelse', 'afgoerelse', 'indsats'].map((value) => ({ value, label: stageLabel(value) })),
];

const DEADLINES: Choice[] = [
  { value: '', label: 'Alle' },
  { value: 'overdue', label: 'Overskredne frister' },
  { value: 'due_week', label: 'Frist inden for 7 dage' },
  { value: 'none_open', label: 'Ingen åbne aktiviteter' },
];

type Criteria = {
  text: string;
  ageFrom: string;
  ageTo: string;
  stage: string;
  deadline: string;
  measure: string;
  includeClosed: boolean;
};

const EMPTY: Criteria = {
  text: '',
  ageFrom: '',
  ageTo: '',
  stage: '',
  deadline: '',
  measure: '',
  includeClosed: false,
};

/** field key (the request body's name) -> [element id, label], in form order */
const FIELDS: Record<string, [string, string]> = {
  text: ['sog-text', 'Navn eller CPR-nummer'],
  age_from: ['sog-age-from', 'Alder fra'],
  age_to: ['sog-age-to', 'Alder til'],
  stage: ['sog-stage', 'Fase'],
  deadline: ['sog-deadline', 'Frister'],
  measure: ['sog-measure', 'Indsats'],
  include_closed: ['sog-closed', 'Medtag lukkede sager'],
};

const AGE = /^\d{1,3}$/;

function validate(c: Criteria): Record<string, string> {
  const errors: Record<string, string> = {};
  const from = c.ageFrom.trim();
  const to = c.ageTo.trim();
  if (from && !AGE.test(from)) errors.age_from = 'Skriv alderen som et helt antal år, fx 12';
  if (to && !AGE.test(to)) errors.age_to = 'Skriv alderen som et helt antal år, fx 17';
  if (!errors.age_from && !errors.age_to && from && to && Number(from) > Number(to))
    errors.age_to = '„Alder til“ skal være den samme som eller højere end „Alder fra“';
  return errors;
}

/** The request body. The text (maybe a CPR number) only ever travels in this POST body. */
function toQuery(c: Criteria, page: number): SearchQuery {
  return {
    text: c.text.trim() || null,
    age_from: c.ageFrom.trim() ? Number(c.ageFrom.trim()) : null,
    age_to: c.ageTo.trim() ? Number(c.ageTo.trim()) : null,
    stage: c.stage || null,
    deadline: c.deadline || null,
    measure: c.measure || null,
    include_closed: c.includeClosed,
    page,
    page_size: PAGE_SIZE,
  };
}

type Result =
  | { state: 'idle' }
  | { state: 'loading' }
  | { state: 'ready'; data: SearchPage }
  | { state: 'error'; message: string };

/** The one open step-in form's textarea (only one row's form is open at a time). */
const REASON_ID = 'step-in-reason';
const stepInButtonId = (h: SearchHit) => `step-in-open-${h.hovedsag_id}`;
const stepInFormId = (h: SearchHit) => `step-in-form-${h.hovedsag_id}`;

/**
 * "Træd til": a caseworker who is not on the case gives a reason
 * (POST /api/cases/{id}/step-in) and then opens it. The reason is required; its error
 * stays next to the field.
 */
function StepInForm({ hit, onClose }: { hit: SearchHit; onClose: () => void }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [failure, setFailure] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    document.getElementById(REASON_ID)?.focus();
  }, []);

  const focusReason = () => requestAnimationFrame(() => document.getElementById(REASON_ID)?.focus());

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setFailure(undefined);
    if (!reason.trim()) {
      setError('Skriv, hvorfor du træder til i sagen');
      focusReason();
      return;
    }
    setError(undefined);
    setBusy(true);
    try {
      await call(
        api.POST('/api/cases/{case_id}/step-in', {
          params: { path: { case_id: hit.hovedsag_id } },
          body: { reason: reason.trim() },
        }),
      );
      setFlash({ variant: 'success', heading: 'Du er trådt til i sagen og har adgang til den i 12 timer' });
      navigate(casePath(hit.hovedsag_id, hit.child_id));
    } catch (err) {
      const fields = fieldErrors(err);
      if (fields.reason) {
        setError(fields.reason);
        focusReason();
      } else {
        setFailure(Object.values(fields)[0] ?? messageOf(err));
      }
      setBusy(false);
    }
  };

  return (
    <form
      id={stepInFormId(hit)}
      onSubmit={submit}
      noValidate
      className="step-in-form"
      aria-label={`Træd til i sagen om ${hit.child_name}`}
    >
      {failure ? (
        <Alert variant="error" heading="Du kunne ikke træde til i sagen">
          <p>{failure}</p>
        </Alert>
      ) : null}
      <TextArea
        id={REASON_ID}
        label="Begrundelse"
        hint="Det bliver logget, at du træder til, og sagens sagsbehandler kan se det sammen med din begrundelse i journalen."
        value={reason}
        onChange={(v) => {
          setReason(v);
          setError(undefined);
        }}
        error={error}
        rows={3}
      />
      <div className="button-row">
        <button
          type="submit"
          className={`button button-primary button-small ${busy ? 'spinner-active' : ''}`.trim()}
          aria-disabled={busy || undefined}
        >
          Træd til og åbn sagen
        </button>
        <button type="button" className="button button-tertiary button-small" onClick={onClose}>
          Fortryd
        </button>
      </div>
    </form>
  );
}

/**
 * /sog: search the kommune's cases by name or CPR number and filters. The criteria are kept
 * in component state only – never in the address or the browser history (the text may be a
 * CPR number, which must only be sent in the POST body).
 */
export function Sog() {
  const [draft, setDraft] = useState<Criteria>(EMPTY);
  const [applied, setApplied] = useState<Criteria | null>(null);
  const [page, setPage] = useState(1);
  const [attempt, setAttempt] = useState(0);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [result, setResult] = useState<Result>({ state: 'idle' });
  const [stepping, setStepping] = useState<string | null>(null);
  const [options, reloadOptions] = useApiQuery(['process', 'options'], (signal) => call(api.GET('/api/process/options', { signal })));
  const tableRef = useRef<HTMLDivElement>(null);
  const moved = useRef(false);

  useEffect(() => {
    if (!applied) return;
    const ctrl = new AbortController();
    setResult({ state: 'loading' });
    setStepping(null);
    call(api.POST('/api/search', { signal: ctrl.signal, body: toQuery(applied, page) })).then(
      (data) => {
        if (ctrl.signal.aborted) return;
        setResult({ state: 'ready', data });
        if (moved.current) {
          moved.current = false;
          tableRef.current?.focus();
        }
      },
      (err: unknown) => {
        if (ctrl.signal.aborted) return;
        moved.current = false;
        const fields = fieldErrors(err);
        const known = Object.keys(fields).filter((k) => FIELDS[k]);
        if (known.length > 0) {
          // Shown at the field and in the summary; no results until the user searches again.
          setErrors(fields);
          setResult({ state: 'idle' });
        } else {
          setResult({ state: 'error', message: Object.values(fields)[0] ?? messageOf(err) });
        }
      },
    );
    return () => ctrl.abort();
  }, [applied, page, attempt]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const problems = validate(draft);
    setErrors(problems);
    if (Object.keys(problems).length > 0) return;
    setApplied({ ...draft });
    setPage(1);
    setAttempt((n) => n + 1);
  };

  const reset = () => {
    setDraft(EMPTY);
    setErrors({});
    setApplied(null);
    setPage(1);
    setStepping(null);
    setResult({ state: 'idle' });
  };

  const go = (to: number) => {
    moved.current = true;
    setPage(to);
  };

  const set =
    <K extends keyof Criteria>(key: K, errorKey: string) =>
    (value: Criteria[K]) => {
      setDraft((d) => ({ ...d, [key]: value }));
      setErrors((e) => {
        const next = { ...e };
        delete next[errorKey];
        return next;
      });
    };

  const data = result.state === 'ready' ? result.data : null;
  const pages = data ? Math.max(1, Math.ceil(data.total / data.page_size)) : 1;
  // An action column only when some case on this page must be stepped into.
  const needsStepIn = !!data && data.items.some((h) => !h.can_open);
  const columns = needsStepIn ? 8 : 7;

  const toggleStepIn = (h: SearchHit) => setStepping((id) => (id === h.hovedsag_id ? null : h.hovedsag_id));
  const closeStepIn = (h: SearchHit) => {
    setStepping(null);
    requestAnimationFrame(() => document.getElementById(stepInButtonId(h))?.focus());
  };

  return (
    <>
      <PageHeading>Søg i sager</PageHeading>
      <p className="search-other">
        Leder du efter noget, der står i et dokument? <Link to="/sog/dokumenter">Søg i dokumenter</Link>
      </p>

      <form onSubmit={submit} noValidate className="audit-filters search-form" role="search" aria-label="Søg i sager">
        <ErrorSummary errors={errors} fields={FIELDS} />
        <TextField
          id="sog-text"
          label="Navn eller CPR-nummer"
          hint="Et eller flere navne, et CPR-nummer med eller uden bindestreg, eller et sagsnummer som 2026-00123"
          value={draft.text}
          onChange={set('text', 'text')}
          error={errors.text}
        />
        <div className="filter-grid">
          <TextField
            id="sog-age-from"
            label="Alder fra"
            type="number"
            inputMode="numeric"
            value={draft.ageFrom}
            onChange={set('ageFrom', 'age_from')}
            error={errors.age_from}
            width="input-width-xs"
          />
          <TextField
            id="sog-age-to"
            label="Alder til"
            type="number"
            inputMode="numeric"
            value={draft.ageTo}
            onChange={set('ageTo', 'age_to')}
            error={errors.age_to}
            width="input-width-xs"
          />
          <SelectField
            id="sog-stage"
            label="Fase"
            value={draft.stage}
            onChange={set('stage', 'stage')}
            choices={STAGES}
            error={errors.stage}
          />
          <SelectField
            id="sog-deadline"
            label="Frister"
            value={draft.deadline}
            onChange={set('deadline', 'deadline')}
            choices={DEADLINES}
            error={errors.deadline}
          />
          <div className="search-measure">
            <SelectField
              id="sog-measure"
              label="Indsats"
              hint={
                options.state === 'loading'
                  ? 'Henter indsatstyper …'
                  : options.state === 'error'
                    ? 'Indsatstyperne kunne ikke hentes'
                    : 'Sager med en igangværende indsats af denne type'
              }
              value={draft.measure}
              onChange={set('measure', 'measure')}
              choices={[
                { value: '', label: 'Alle' },
                ...(options.state === 'ready'
                  ? options.data.measures.map((m) => ({ value: m.value, label: m.label }))
                  : []),
              ]}
              error={errors.measure}
            />
            {options.state === 'error' ? (
              <button type="button" className="button button-tertiary button-small" onClick={reloadOptions}>
                Hent indsatstyper igen
              </button>
            ) : null}
          </div>
        </div>
        <Checkbox
          id="sog-closed"
          label="Medtag lukkede sager"
          checked={draft.includeClosed}
          onChange={set('includeClosed', 'include_closed')}
        />
        <div className="button-row">
          <button
            type="submit"
            className={`button button-primary ${result.state === 'loading' ? 'spinner-active' : ''}`.trim()}
          >
            Søg
          </button>
          <button type="button" className="button button-tertiary" onClick={reset}>
            Nulstil søgningen
          </button>
        </div>
      </form>

      <section aria-busy={result.state === 'loading'} className="audit-result search-result">
        <p role="status" className="audit-count">
          {data ? (data.total === 1 ? '1 sag fundet' : `${formatNumber(data.total)} sager fundet`) : ''}
        </p>
        {result.state === 'idle' && !applied ? (
          <p className="empty-state">
            Skriv et navn eller et CPR-nummer, eller vælg filtre, og tryk på „Søg“. Uden søgetekst finder du alle
            kommunens åbne sager, der passer til filtrene.
          </p>
        ) : null}
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
        {data && data.items.length === 0 ? <p className="empty-state">Ingen sager matcher søgningen</p> : null}
        {data && data.items.length > 0 ? (
          <>
            <div
              className="table--responsive-scroll"
              tabIndex={0}
              role="region"
              aria-labelledby="search-caption"
              ref={tableRef}
            >
              <table className="table table--compact table-md-responsive-headers search-table">
                <caption id="search-caption">Søgeresultat</caption>
                <thead>
                  <tr>
                    <th scope="col">Barn</th>
                    <th scope="col">Født</th>
                    <th scope="col">Fase</th>
                    <th scope="col">Sagsbehandler</th>
                    <th scope="col">Team</th>
                    <th scope="col" className="num">
                      Åbne aktiviteter
                    </th>
                    <th scope="col" className="num">
                      Overskredne
                    </th>
                    {needsStepIn ? (
                      <th scope="col">
                        <span className="sr-only">Handlinger</span>
                      </th>
                    ) : null}
                  </tr>
                </thead>
                <tbody>
                  {data.items.map((h) => (
                    <Fragment key={h.hovedsag_id}>
                      <tr>
                        <th scope="row" data-title="Barn">
                          {h.can_open ? (
                            <Link to={casePath(h.hovedsag_id, h.child_id)}>{h.child_name}</Link>
                          ) : (
                            <>
                              {h.child_name}
                              <span className="cell-note">Du er ikke på sagen</span>
                            </>
                          )}
                          {h.cpr ? <span className="cell-note">CPR {h.cpr.slice(0, 6)}-{h.cpr.slice(6)}</span> : null}
                          {h.case_number ? <span className="cell-note case-number">Sag {h.case_number}</span> : null}
                        </th>
                        <td data-title="Født">
                          {h.birth_date && h.unborn ? (
                            <>
                              Ufødt, termin <time dateTime={h.birth_date}>{formatDate(h.birth_date)}</time>
                            </>
                          ) : h.birth_date ? (
                            <>
                              <time dateTime={h.birth_date}>{formatDate(h.birth_date)}</time>
                              <span className="cell-note">{formatAge(h.age)}</span>
                            </>
                          ) : (
                            formatAge(h.age)
                          )}
                        </td>
                        <td data-title="Fase">
                          {stageLabel(h.stage)}
                          {h.closed_at ? (
                            <span className="cell-note">
                              Lukket <time dateTime={h.closed_at}>{formatDate(h.closed_at)}</time>
                            </span>
                          ) : null}
                        </td>
                        <td data-title="Sagsbehandler">{h.caseworker ?? 'Ikke fordelt'}</td>
                        <td data-title="Team">{h.team ?? 'Intet team'}</td>
                        <td className="num" data-title="Åbne aktiviteter">
                          {formatNumber(h.open_activities)}
                        </td>
                        <td
                          className={`num ${h.overdue_activities > 0 ? 'worklist-due-overdue' : ''}`.trim()}
                          data-title="Overskredne"
                        >
                          {formatNumber(h.overdue_activities)}
                        </td>
                        {needsStepIn ? (
                          <td>
                            {h.can_open ? null : (
                              <button
                                type="button"
                                id={stepInButtonId(h)}
                                className="button button-secondary button-small"
                                aria-label={`Træd til i sagen om ${h.child_name}`}
                                aria-expanded={stepping === h.hovedsag_id}
                                aria-controls={stepping === h.hovedsag_id ? stepInFormId(h) : undefined}
                                onClick={() => toggleStepIn(h)}
                              >
                                Træd til
                              </button>
                            )}
                          </td>
                        ) : null}
                      </tr>
                      {stepping === h.hovedsag_id ? (
                        <tr className="step-in-row">
                          <td colSpan={columns}>
                            <StepInForm hit={h} onClose={() => closeStepIn(h)} />
                          </td>
                        </tr>
                      ) : null}
                    </Fragment>
                  ))}
                </tbody>
              </table>
            </div>
            <Pager label="Sider i søgeresultatet" page={data.page} pages={pages} onGo={go} />
          </>
        ) : null}
      </section>
    </>
  );
}
