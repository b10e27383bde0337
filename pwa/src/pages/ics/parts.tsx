// Pieces of the ICS document screen: the deadline and its status, the autosave status, the
// side-by-side conflict (409 stale), the PDF download and the list of versions.
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError, NETWORK_ERROR } from '../../api/client';
import { Alert } from '../../components/Alert';
import { SelectField } from '../../components/Form';
import { formatDate, formatDateTime, formatDeadlineDate } from '../../format';
import { Link, navigate } from '../../router';
import { useSubmit } from '../../mutation';
import { differences } from './flatten';
import type { SaveState } from './useAutosave';
import {
  comparePath,
  daysText,
  docPath,
  statusBadge,
  type Content,
  type DeadlineRead,
  type DocumentRead,
  type Method,
  type VersionRead,
} from './types';

const clock = new Intl.DateTimeFormat('da-DK', {
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZone: 'Europe/Copenhagen',
});

/** "kl. 14.03" today, otherwise "07.03.2026 kl. 14.03". */
export function savedWhen(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const time = clock.format(d).replace(':', '.');
  return formatDeadlineDate(iso) === formatDeadlineDate(new Date().toISOString())
    ? `kl. ${time}`
    : `${formatDeadlineDate(iso)} kl. ${time}`;
}

/** The deadline a document answers, with days left or overdue (in words, not colour alone). */
export function DeadlineLine({ deadline }: { deadline: DeadlineRead }) {
  if (deadline.status === 'done') {
    return (
      <p className="ics-deadline">
        <span className="ics-deadline-title">{deadline.title}:</span>{' '}
        <span className="badge badge-success">Opfyldt</span>
        {deadline.completed_at ? <> {formatDeadlineDate(deadline.completed_at)}</> : null}
      </p>
    );
  }
  if (deadline.status !== 'open') {
    return (
      <p className="ics-deadline">
        <span className="ics-deadline-title">{deadline.title}:</span> annulleret
      </p>
    );
  }
  const days = deadline.days_left ?? null;
  return (
    <p className={`ics-deadline ${deadline.overdue ? 'ics-deadline-overdue' : ''}`.trim()}>
      <span className="ics-deadline-title">{deadline.title}:</span>{' '}
      {deadline.due_at ? (
        <>
          frist <time dateTime={deadline.due_at}>{formatDeadlineDate(deadline.due_at)}</time>
          {' – '}
          {deadline.overdue ? <span className="badge badge-error">Overskredet</span> : null}{' '}
          <strong>{days !== null ? daysText(days) : ''}</strong>
        </>
      ) : (
        'ingen fast frist'
      )}
    </p>
  );
}

/** The autosave status: a polite live region that changes only when there is news. */
export function SaveStatus({
  state,
  savedAt,
  showSaving,
  onRetry,
}: {
  state: SaveState;
  savedAt: string;
  showSaving: boolean;
  onRetry: () => void;
}) {
  let live: string;
  let detail: ReactNode = null;
  let problem = false;
  switch (state.kind) {
    case 'retrying':
      problem = true;
      live = state.loggedOut ? 'Ikke gemt – du er logget ud' : 'Ikke gemt – prøver igen';
      detail = (
        <>
          {state.message}{' '}
          {state.loggedOut ? (
            <a href="/" target="_blank" rel="noopener">
              Log ind i et nyt faneblad
            </a>
          ) : (
            <button type="button" className="button button-tertiary button-small" onClick={onRetry}>
              Prøv nu
            </button>
          )}
        </>
      );
      break;
    case 'invalid':
      problem = true;
      live = 'Ikke gemt';
      detail = state.message;
      break;
    case 'conflict':
      problem = true;
      live = 'Ikke gemt – vælg hvilken tekst der gælder';
      break;
    case 'locked':
      problem = true;
      live = 'Ikke gemt – dokumentet kan ikke ændres længere';
      break;
    case 'saving':
      live = showSaving ? 'Gemmer …' : `Gemt ${savedWhen(savedAt)}`;
      break;
    default:
      live = `Gemt ${savedWhen(savedAt)}`;
  }
  return (
    <div className={`ics-save ${problem ? 'ics-save-problem' : ''}`.trim()}>
      <p role="status" className="ics-save-status">
        {live}
      </p>
      {state.kind === 'pending' ? <p className="ics-save-detail">Ændringer gemmes automatisk om lidt</p> : null}
      {detail ? <p className="ics-save-detail">{detail}</p> : null}
    </div>
  );
}

/**
 * One side of a comparison: lines the other side lacks are struck through (`del`, the old
 * side) or underlined (`ins`, the new side), with a word for screen readers – not colour
 * alone.
 */
export function DiffLines({
  lines,
  other,
  kind,
  prefix,
}: {
  lines: string[];
  other: string[];
  kind: 'old' | 'new';
  prefix: string;
}) {
  if (lines.length === 0) return <span className="ics-empty">(tomt)</span>;
  const others = new Set(other);
  return (
    <>
      {lines.map((l, n) => {
        if (others.has(l))
          return (
            <p key={n} className="ics-line">
              {l}
            </p>
          );
        const marked = (
          <>
            <span className="sr-only">{prefix}: </span>
            {l}
          </>
        );
        return (
          <p key={n} className="ics-line">
            {kind === 'old' ? <del>{marked}</del> : <ins>{marked}</ins>}
          </p>
        );
      })}
    </>
  );
}

/**
 * 409 stale: the person's unsaved text beside the stored text (who saved it, when), field
 * by field, and the choice. Focus moves here when it appears.
 */
export function ConflictPanel({
  state,
  mine,
  method,
  doc,
  onKeepMine,
  onTakeTheirs,
}: {
  state: Extract<SaveState, { kind: 'conflict' }>;
  mine: Content;
  method: Method;
  doc: DocumentRead;
  onKeepMine: () => void;
  onTakeTheirs: () => void;
}) {
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, [state]);
  const ctx = { measures: doc.measures, planGoals: doc.plan_goals };
  const diff = differences(mine, state.theirs, method, ctx);
  const who = `${state.changedBy || 'en anden'} ${state.changedAt ? savedWhen(state.changedAt) : ''}`.trim();
  return (
    <section ref={ref} tabIndex={-1} aria-labelledby="ics-conflict-heading" className="ics-conflict">
      <Alert
        variant="warning"
        role="note"
        heading={state.left ? 'Din seneste ændring blev ikke gemt' : 'Dokumentet er gemt af en anden, mens du skrev'}
      >
        <p>
          {state.left
            ? `Du forlod dokumentet, før din ændring var gemt. Den gemte tekst er fra ${who}.`
            : `Din ændring er ikke gemt. Teksten blev gemt af ${who}.`}{' '}
          Intet er slået sammen. Vælg hvilken tekst der skal gælde.
        </p>
      </Alert>
      <h2 id="ics-conflict-heading" className="h3">
        Din tekst og den gemte tekst
      </h2>
      {diff.length === 0 ? (
        <p>Teksterne er ens.</p>
      ) : (
        <div className="table--responsive-scroll" tabIndex={0} role="region" aria-labelledby="ics-conflict-caption">
          <table className="table ics-compare-table">
            <caption id="ics-conflict-caption">
              {diff.length === 1 ? '1 felt er forskelligt' : `${diff.length} felter er forskellige`}
            </caption>
            <thead>
              <tr>
                <th scope="col">Felt</th>
                <th scope="col">Din tekst (ikke gemt)</th>
                <th scope="col">Gemt af {who}</th>
              </tr>
            </thead>
            <tbody>
              {diff.map((d) => (
                <tr key={d.key}>
                  <th scope="row">
                    {d.label}
                    <span className="cell-note">{d.group}</span>
                  </th>
                  <td>
                    <DiffLines lines={d.mine} other={d.theirs} kind="new" prefix="Kun i din tekst" />
                  </td>
                  <td>
                    <DiffLines lines={d.theirs} other={d.mine} kind="old" prefix="Kun i den gemte tekst" />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="process-buttons">
        <button type="button" className="button button-primary" onClick={onKeepMine}>
          Behold min tekst
        </button>
        <button type="button" className="button button-secondary" onClick={onTakeTheirs}>
          Brug den gemte tekst
        </button>
      </div>
      <p className="form-hint">
        „Behold min tekst“ gemmer din tekst oven på den gemte. „Brug den gemte tekst“ kasserer din ændring.
      </p>
    </section>
  );
}

/** Download the version as PDF (fetched, so a failure is shown here, not as a broken file). */
export function PdfButton({ doc, beforeDownload }: { doc: DocumentRead; beforeDownload?: () => Promise<unknown> }) {
  const { run, busy, general: failure, setGeneral: setFailure } = useSubmit();
  const download = async () => {
    if (busy) return;
    setFailure(undefined);
    await run(async () => {
      await beforeDownload?.();
      let response: Response;
      try {
        response = await fetch(`/api/ics/${doc.id}/pdf`, { credentials: 'same-origin' });
      } catch {
        throw new ApiError(0, NETWORK_ERROR);
      }
      if (!response.ok) {
        let detail = `PDF'en kunne ikke dannes (HTTP ${response.status}).`;
        try {
          const body = (await response.json()) as { detail?: unknown };
          if (typeof body.detail === 'string') detail = body.detail;
        } catch {
          /* not JSON */
        }
        throw new ApiError(response.status, detail);
      }
      const blob = await response.blob();
      const name =
        /filename="([^"]+)"/.exec(response.headers.get('Content-Disposition') ?? '')?.[1] ??
        `ics-version-${doc.version_no}.pdf`;
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = name;
      document.body.appendChild(a);
      a.click();
      a.remove();
      window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
    }, (err) => setFailure(err instanceof ApiError ? err.detail : 'PDF’en kunne ikke hentes.'));
  };
  return (
    <>
      <button
        type="button"
        className={`button button-secondary ${busy ? 'spinner-active' : ''}`.trim()}
        aria-disabled={busy || undefined}
        onClick={() => void download()}
      >
        {busy ? 'Danner PDF …' : 'Hent PDF'}
      </button>
      {failure ? (
        <Alert variant="error" heading="PDF’en blev ikke hentet">
          <p>{failure}</p>
        </Alert>
      ) : null}
    </>
  );
}

function when(v: string | null | undefined): string {
  return v ? formatDateTime(v) : '';
}

/** Every version of the series (each readable) and the choice of two to compare. */
export function Versions({ doc }: { doc: DocumentRead }) {
  const versions: VersionRead[] = doc.versions;
  const nos = versions.map((v) => v.version_no);
  const [a, setA] = useState(String(doc.version_no > 1 ? doc.version_no - 1 : nos[0] ?? 1));
  const [b, setB] = useState(String(doc.version_no > 1 ? doc.version_no : nos[nos.length - 1] ?? 1));
  const [error, setError] = useState<string | undefined>();
  const compare = (event: FormEvent) => {
    event.preventDefault();
    if (a === b) {
      setError('Vælg to forskellige versioner');
      return;
    }
    navigate(comparePath(doc.series_id, Number(a), Number(b)));
  };
  const choices = versions.map((v) => ({ value: String(v.version_no), label: `Version ${v.version_no} (${v.status_label.toLowerCase()})` }));
  return (
    <section aria-labelledby="ics-versions-heading" className="case-section ics-versions">
      <h2 id="ics-versions-heading">Versioner</h2>
      <div className="table--responsive-scroll" tabIndex={0} role="region" aria-labelledby="ics-versions-caption">
        <table className="table table--compact">
          <caption id="ics-versions-caption" className="sr-only">
            Alle versioner, ældste først
          </caption>
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Status</th>
              <th scope="col">Senest ændret</th>
              <th scope="col">Indsendt</th>
              <th scope="col">Godkendt</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.id}>
                <th scope="row">
                  {v.id === doc.id ? (
                    <>
                      Version {v.version_no} <span className="cell-note">(den du ser)</span>
                    </>
                  ) : (
                    <Link to={docPath(v.id)}>Læs version {v.version_no}</Link>
                  )}
                </th>
                <td>
                  <span className={statusBadge(v.status)}>{v.status_label}</span>
                </td>
                <td>
                  {when(v.changed_at)}
                  <span className="cell-note">{v.changed_by_name}</span>
                </td>
                <td>
                  {when(v.submitted_at)}
                  {v.submitted_by_name ? <span className="cell-note">{v.submitted_by_name}</span> : null}
                </td>
                <td>
                  {when(v.approved_at)}
                  {v.approved_by_name ? <span className="cell-note">{v.approved_by_name}</span> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {versions.length > 1 ? (
        <form onSubmit={compare} noValidate className="ics-compare-form" aria-labelledby="ics-compare-form-heading">
          <h3 id="ics-compare-form-heading" className="h4">
            Sammenlign to versioner
          </h3>
          <div className="ics-compare-choices">
            <SelectField id="ics-compare-a" label="Fra version" value={a} onChange={(v) => { setA(v); setError(undefined); }} choices={choices} error={error} />
            <SelectField id="ics-compare-b" label="Til version" value={b} onChange={(v) => { setB(v); setError(undefined); }} choices={choices} />
          </div>
          <button type="submit" className="button button-secondary">
            Sammenlign
          </button>
        </form>
      ) : null}
    </section>
  );
}

/** "Version 2 · Kladde · ændret 07.03.2026 14.03 af …" */
export function VersionFacts({ doc }: { doc: DocumentRead }) {
  return (
    <dl className="case-facts ics-facts">
      <div>
        <dt>Version</dt>
        <dd>{doc.version_no}</dd>
      </div>
      <div>
        <dt>Status</dt>
        <dd>
          <span className={statusBadge(doc.status)}>{doc.status_label}</span>
        </dd>
      </div>
      <div>
        <dt>Barn</dt>
        <dd>
          {doc.child.name} (født <time dateTime={doc.child.birth_date}>{formatDate(doc.child.birth_date)}</time>)
        </dd>
      </div>
      {doc.submitted_at ? (
        <div>
          <dt>Indsendt</dt>
          <dd>
            {formatDateTime(doc.submitted_at)} af {doc.submitted_by_name}
          </dd>
        </div>
      ) : null}
      {doc.approved_at ? (
        <div>
          <dt>Godkendt</dt>
          <dd>
            {formatDateTime(doc.approved_at)} af {doc.approved_by_name}
          </dd>
        </div>
      ) : null}
    </dl>
  );
}
