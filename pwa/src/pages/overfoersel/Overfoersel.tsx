import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, ApiError, call, fieldErrors, messageOf, type SessionRead } from '../../api/client';
import { Alert } from '../../components/Alert';
import { ErrorSummary, TextArea } from '../../components/Form';
import { Loading } from '../../components/Loading';
import { PageHeading } from '../../components/PageHeading';
import { stageLabel } from '../../casework';
import { addressText, formatDate, formatDateTime, formatDeadline, plural } from '../../format';
import { Link } from '../../router';
import { useSubmit } from '../../mutation';
import { useApiQuery } from '../../useApi';
import { formatSize } from '../sag/dokumenter/docApi';
import { PriorCasesNotice } from './PriorCases';
import { ENKELTSAG_KIND, kommuneName, statusTagClass, statusText, type TransferDetail } from './store';
import './overfoersel.css';


const POLL_MS = 1000;

const R_FIELDS: Record<string, [string, string]> = { reason: ['reject-reason', 'Begrundelse'] };

function RejectForm({ id, onDone, onCancel }: { id: string; onDone: () => void; onCancel: () => void }) {
  const [reason, setReason] = useState('');
  const { run, busy, errors, setErrors, general: failure, setGeneral: setFailure } = useSubmit();

  useEffect(() => {
    document.getElementById('reject-reason')?.focus();
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setFailure(undefined);
    setErrors({});
    await run(
      async () => {
        await call(
          api.POST('/api/transfers/{transfer_id}/reject', {
            params: { path: { transfer_id: id } },
            body: { reason: reason.trim() },
          }),
        );
        onDone();
      },
      (err) => {
        const fields = fieldErrors(err);
        if (fields.reason) setErrors({ reason: fields.reason });
        else setFailure(messageOf(err));
      },
    );
  };

  return (
    <form onSubmit={submit} noValidate className="admin-form case-form" aria-labelledby="reject-heading">
      <h3 id="reject-heading">Afvis overførslen</h3>
      <ErrorSummary errors={errors} fields={R_FIELDS} />
      {failure ? (
        <Alert variant="error" heading="Overførslen blev ikke afvist">
          <p>{failure}</p>
        </Alert>
      ) : null}
      <TextArea
        id="reject-reason"
        label="Begrundelse"
        hint="Afsenderen ser begrundelsen, og sagen forbliver hos afsenderen."
        value={reason}
        onChange={(v) => {
          setReason(v);
          setErrors({});
        }}
        error={errors.reason}
        rows={3}
      />
      <div className="process-buttons">
        <button
          type="submit"
          className={`button button-primary ${busy ? 'spinner-active' : ''}`.trim()}
          aria-disabled={busy || undefined}
        >
          Afvis overførslen
        </button>
        <button type="button" className="button button-tertiary" onClick={onCancel}>
          Fortryd
        </button>
      </div>
    </form>
  );
}

/** Accept / reject, and the progress of the import after accepting. */
function Decision({
  d,
  canAct,
  onChanged,
  progress,
}: {
  d: TransferDetail;
  canAct: boolean;
  onChanged: () => void;
  /** While the import writes the files: "Filerne indlæses: 48 MB af 200 MB", and per cent. */
  progress?: { text: string; percent: number } | null;
}) {
  const t = d.transfer;
  const [rejecting, setRejecting] = useState(false);
  const { run, busy, general: failure, setGeneral: setFailure } = useSubmit();
  const ref = useRef<HTMLDivElement>(null);
  const prevStatus = useRef(t.status);

  useEffect(() => {
    if (prevStatus.current !== t.status) ref.current?.focus();
    prevStatus.current = t.status;
  }, [t.status]);

  const accept = async () => {
    if (busy) return;
    setFailure(undefined);
    await run(
      async () => {
        await call(api.POST('/api/transfers/{transfer_id}/accept', { params: { path: { transfer_id: t.id } } }));
        onChanged();
      },
      (err) => {
        const fields = fieldErrors(err);
        setFailure(fields.package ?? (err instanceof ApiError && err.status === 409 ? err.detail : messageOf(err)));
      },
    );
  };

  let outcome = null;
  if (t.status === 'accepteret')
    outcome = (
      <div className="transfer-progress" aria-busy="true">
        <Alert variant="info" heading="Overførslen er accepteret – sagen indlæses">
          <Loading text="Sagen og dens historik indlæses i jeres kommune …" small />
          {progress ? (
            <div className="transfer-import-progress">
              <label htmlFor="transfer-import-progress">{progress.text}</label>
              <progress id="transfer-import-progress" max={100} value={progress.percent}>
                {progress.percent} %
              </progress>
            </div>
          ) : null}
        </Alert>
      </div>
    );
  else if (t.status === 'importeret')
    outcome = (
      <Alert
        variant="success"
        heading="Sagen er overtaget"
        action={
          t.hovedsag_id ? (
            <Link to={`/sager/${t.hovedsag_id}`} className="button button-primary">
              Åbn sagen
            </Link>
          ) : null
        }
      >
        <p>
          Sagen er oprettet med hele historikken fra {t.from_kommune.name}
          {t.team ? ` og ligger hos ${t.team}` : ''}. Aktiviteten „Læs og overtag sagen“ er lagt på dig.
        </p>
      </Alert>
    );
  else if (t.status === 'afvist')
    outcome = (
      <Alert variant="info" heading="Overførslen er afvist">
        <p>
          Begrundelse: <span className="transfer-reason">{t.reason}</span>
        </p>
      </Alert>
    );
  else if (t.status === 'fejl')
    outcome = (
      <Alert variant="error" role="status" heading="Sagen kunne ikke indlæses">
        <p>{t.error || t.reason}</p>
      </Alert>
    );

  return (
    <section aria-labelledby="decision-heading" className="case-section transfer-decision">
      <h2 id="decision-heading">Beslutning</h2>
      <div ref={ref} tabIndex={-1} className="case-outcome">
        {outcome}
        {failure ? (
          <Alert variant="error" heading="Overførslen blev ikke accepteret">
            <p>{failure}</p>
          </Alert>
        ) : null}
      </div>
      {t.status === 'sendt' && canAct ? (
        <>
          <p>
            Læs sammenfatningen og sagens oversigt. Accepterer I, oprettes sagen hos jer med hele historikken, og{' '}
            {t.from_kommune.name} lukker sin sag.
          </p>
          {d.known_here ? (
            <Alert variant="warning" heading="Barnet er allerede kendt i kommunen">
              <p>
                {d.known_here.open_hovedsag_id ? (
                  <>
                    Barnet har en åben sag her:{' '}
                    <Link to={`/sager/${d.known_here.open_hovedsag_id}`}>åbn den eksisterende sag</Link>. Accepterer
                    I, oprettes en sag mere, som I selv må samle.
                  </>
                ) : (
                  'Barnet er registreret her, men har ingen åben sag.'
                )}
              </p>
            </Alert>
          ) : null}
          {!rejecting ? (
            <div className="button-row">
              <button
                type="button"
                className={`button button-primary ${busy ? 'spinner-active' : ''}`.trim()}
                aria-disabled={busy || !d.intact || undefined}
                disabled={!d.intact}
                onClick={() => void accept()}
              >
                Acceptér overførslen
              </button>
              <button
                type="button"
                className="button button-secondary"
                aria-expanded={false}
                onClick={() => setRejecting(true)}
              >
                Afvis overførslen
              </button>
            </div>
          ) : (
            <RejectForm
              id={t.id}
              onCancel={() => setRejecting(false)}
              onDone={() => {
                setRejecting(false);
                onChanged();
              }}
            />
          )}
        </>
      ) : null}
      {t.status === 'sendt' && !canAct ? <p>Afventer en sagsbehandlers beslutning.</p> : null}
    </section>
  );
}

/** /overfoersler/<id>: what the receiver reads before deciding (and either side afterwards). */
export function Overfoersel({ transferId, session }: { transferId: string; session: SessionRead }) {
  // Reading the whole transfer is audited (it names the child), so it is read once; while the
  // import job runs only its status is asked for, every second, and when the status changes
  // the whole transfer is read once more.
  const [detail, reload] = useApiQuery(['transfer', transferId], (signal) =>
    call(api.GET('/api/transfers/{transfer_id}', { signal, params: { path: { transfer_id: transferId } } })),
  );
  const [last, setLast] = useState<TransferDetail | null>(null);
  const canAct = session.permissions.includes('case.transfer');

  useEffect(() => {
    if (detail.state === 'ready') setLast(detail.data);
  }, [detail]);

  const d = detail.state === 'ready' ? detail.data : last;
  const shownStatus = d?.transfer.status;
  const [status, reloadStatus] = useApiQuery(
    ['transfer', transferId, 'status'],
    (signal) =>
      call(api.GET('/api/transfers/{transfer_id}/status', { signal, params: { path: { transfer_id: transferId } } })),
    { enabled: shownStatus === 'accepteret', refetchInterval: (s) => (s.status === 'accepteret' ? POLL_MS : false) },
  );
  const polledStatus = status.state === 'ready' ? status.data.status : undefined;
  const importProgress =
    status.state === 'ready' && status.data.progress_text
      ? { text: status.data.progress_text, percent: status.data.percent ?? 0 }
      : null;
  // A failed status answer (a busy server, a dropped connection) stops the interval; the page
  // must not stay at "indlæses" for it, so it asks again a little later.
  const statusFailed = shownStatus === 'accepteret' && status.state === 'error';
  useEffect(() => {
    if (!statusFailed) return;
    const retry = window.setTimeout(reloadStatus, POLL_MS * 3);
    return () => window.clearTimeout(retry);
  }, [statusFailed, reloadStatus]);
  useEffect(() => {
    if (shownStatus === 'accepteret' && polledStatus && polledStatus !== shownStatus) reload();
  }, [shownStatus, polledStatus, reload]);

  if (!d && detail.state === 'loading')
    return (
      <div aria-busy="true" className="page-loading">
        <Loading text="Henter overførslen …" />
      </div>
    );
  if (!d && detail.state === 'error')
    return (
      <>
        <PageHeading>Overførslen kan ikke vises</PageHeading>
        <Alert
          variant="error"
          heading={detail.status === 404 ? 'Overførslen findes ikke' : 'Overførslen kunne ikke hentes'}
          action={
            detail.status === 404 ? (
              <Link to="/overfoersler">Tilbage til overførsler</Link>
            ) : (
              <button type="button" className="button button-secondary" onClick={reload}>
                Prøv igen
              </button>
            )
          }
        >
          <p>{detail.message}</p>
        </Alert>
      </>
    );
  if (!d) return null;

  const t = d.transfer;
  const incoming = t.direction === 'ind';
  const child = d.child;

  return (
    <>
      <PageHeading>{`Overførsel af ${t.child_name || 'barn'}`}</PageHeading>
      <p>
        <Link to="/overfoersler">Alle overførsler</Link>
      </p>
      {!d.intact ? (
        <Alert variant="error" heading="Pakken er ikke intakt">
          <p>{d.problem ?? 'Kontrolsummen passer ikke.'} Afvis overførslen med denne begrundelse, så afsenderen kan sende igen.</p>
        </Alert>
      ) : null}
      <dl className="transfer-facts">
        <dt>Status</dt>
        <dd>
          <span className={statusTagClass(t.status)}>{statusText(t)}</span>
        </dd>
        <dt>Fra</dt>
        <dd>{kommuneName(t.from_kommune)}</dd>
        <dt>Til</dt>
        <dd>{kommuneName(t.to_kommune)}</dd>
        <dt>Sendt</dt>
        <dd>
          <time dateTime={t.sent_at}>{formatDateTime(t.sent_at)}</time> af {t.sent_by_name}
        </dd>
        <dt>Filer</dt>
        <dd className="transfer-files">
          {t.files
            ? `${plural(t.files, 'dokument', 'dokumenter')} med fil, i alt ${formatSize(t.file_bytes ?? 0)} – alle filer følger med hele`
            : 'Ingen filer'}
        </dd>
        {incoming && t.due_at && t.status === 'sendt' ? (
          <>
            <dt>Frist for at læse og overtage</dt>
            <dd>
              <time dateTime={t.due_at}>{formatDeadline(t.due_at)}</time>
              {t.overdue ? ' (overskredet)' : ''}
              {t.team ? ` – ${t.team}` : ''}
            </dd>
          </>
        ) : null}
        {t.decided_at ? (
          <>
            <dt>Besluttet</dt>
            <dd>
              <time dateTime={t.decided_at}>{formatDateTime(t.decided_at)}</time>
              {t.decided_by_name ? ` af ${t.decided_by_name}` : ''}
            </dd>
          </>
        ) : null}
        {!incoming && t.hovedsag_id ? (
          <>
            <dt>Sagen</dt>
            <dd>
              <Link to={`/sager/${t.hovedsag_id}`}>Åbn den sendte sag</Link>
            </dd>
          </>
        ) : null}
      </dl>

      {incoming ? (
        d.prior_cases.length > 0 ? (
          <PriorCasesNotice
            priorCases={d.prior_cases}
            cpr={null}
            canRequest={false}
            intro={`Tjek af barnets CPR-nummer i andre kommuner, også ${t.from_kommune.name}s sag, der overføres. Du ser kun hvor og hvornår – ikke indhold.`}
          />
        ) : (
          <section aria-labelledby="prior-none-heading" className="case-section">
            <h2 id="prior-none-heading">Sager i andre kommuner</h2>
            <p className="empty-state">Barnet har ikke haft sager i andre kommuner.</p>
          </section>
        )
      ) : null}

      {incoming ? <Decision d={d} canAct={canAct} onChanged={reload} progress={importProgress} /> : null}
      {!incoming && t.status === 'afvist' ? (
        <Alert variant="error" role="status" heading={`${t.to_kommune.name} har afvist overførslen`}>
          <p>
            Begrundelse: <span className="transfer-reason">{t.reason}</span>
          </p>
        </Alert>
      ) : null}

      <section aria-labelledby="summary-heading" className="case-section">
        <h2 id="summary-heading">Afsenderens sammenfatning af vurderingerne</h2>
        <p className="transfer-summary-text">{t.summary}</p>
      </section>

      <section aria-labelledby="package-heading" className="case-section">
        <h2 id="package-heading">Sagens indhold</h2>
        {child ? (
          <dl className="transfer-facts">
            <dt>Barn</dt>
            <dd>
              {child.first_name} {child.last_name}
            </dd>
            {child.cpr ? (
              <>
                <dt>CPR-nummer</dt>
                <dd>{child.cpr}</dd>
              </>
            ) : null}
            {child.birth_date ? (
              <>
                <dt>{child.cpr ? 'Født' : 'Termin'}</dt>
                <dd>{formatDate(child.birth_date)}</dd>
              </>
            ) : null}
            <dt>Adresse</dt>
            <dd>{addressText(child.address, child.address_protected)}</dd>
            {d.stage ? (
              <>
                <dt>Fase</dt>
                <dd>{stageLabel(d.stage)}</dd>
              </>
            ) : null}
            <dt>Sagsbehandler hos afsender</dt>
            <dd>
              {d.caseworker_at_sender ?? 'Ikke fordelt'}
              {d.team_at_sender ? ` (${d.team_at_sender})` : ''}
            </dd>
          </dl>
        ) : (
          <p>Pakken kan ikke læses.</p>
        )}
        {t.contents.length > 0 ? (
          <>
            <h3>Med i pakken</h3>
            <ul>
              {t.contents.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          </>
        ) : null}
        <h3>Enkeltsager</h3>
        {d.enkeltsager.length === 0 ? (
          <p className="empty-state">Ingen enkeltsager.</p>
        ) : (
          <ul>
            {d.enkeltsager.map((e, i) => (
              <li key={i}>
                {ENKELTSAG_KIND[e.kind] ?? e.kind}
                {e.paragraph ? ` (§ ${e.paragraph})` : ''} – åbnet {formatDate(e.opened_at)}
                {e.closed_at ? `, lukket ${formatDate(e.closed_at)}` : ''}
                {e.summary ? <span className="cell-note">{e.summary}</span> : null}
              </li>
            ))}
          </ul>
        )}
        <h3>Åbne aktiviteter</h3>
        {d.open_activities.length === 0 ? (
          <p className="empty-state">Ingen åbne aktiviteter.</p>
        ) : (
          <ul>
            {d.open_activities.map((a, i) => (
              <li key={i}>
                {a.title}
                {a.due_at ? ` – frist ${formatDeadline(a.due_at)}` : ''}
                {a.basis ? <span className="cell-note">{a.basis}</span> : null}
              </li>
            ))}
          </ul>
        )}
        {d.measures.length > 0 ? (
          <>
            <h3>Indsatser</h3>
            <ul>
              {d.measures.map((m, i) => (
                <li key={i}>
                  {m.label} (§ {m.paragraph}) fra {formatDate(m.starts_on)}
                  {m.ends_on ? ` til ${formatDate(m.ends_on)}` : ''}
                </li>
              ))}
            </ul>
          </>
        ) : null}
        {d.siblings.length > 0 ? (
          <>
            <h3>Søskende</h3>
            <ul>
              {d.siblings.map((s, i) => (
                <li key={i}>
                  {s.name}
                  {s.cpr ? ` (${s.cpr})` : ''}
                  {s.open_case_at_sender ? ` – har en åben sag i ${t.from_kommune.name}` : ''}
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </section>
    </>
  );
}
