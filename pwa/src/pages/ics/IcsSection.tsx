// The case page's "Undersøgelse og plan (ICS)": the case's investigations, plans and
// follow-ups (latest version of each, linked), and one click to start writing the
// investigation (starting it in the case core too when none is running).
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, ApiError, call, can, fieldErrors, messageOf, type CaseRead, type SessionRead } from '../../api/client';
import { setFlash } from '../../casework';
import { Alert } from '../../components/Alert';
import { ErrorSummary, TextField } from '../../components/Form';
import { Loading } from '../../components/Loading';
import { formatDateTime, formatDeadlineDate, todayInCopenhagen } from '../../format';
import { useSubmit } from '../../mutation';
import { Link, navigate } from '../../router';
import { useApiQuery } from '../../useApi';
import { conflictOf, docPath, statusBadge, versionTitle, type CaseDocuments } from './types';
import './ics.css';

const START_FIELDS: Record<string, [string, string]> = { aware_since: ['ics-aware-since', 'Kommunen kendte til barnets forhold fra'] };

export function IcsSection({ hovedsag, session, refresh = 0 }: { hovedsag: CaseRead; session: SessionRead; refresh?: number }) {
  const caseId = hovedsag.id;
  const [docs, reload] = useApiQuery(['case', caseId, 'ics'], (signal) =>
    call(api.GET('/api/cases/{case_id}/ics', { signal, params: { path: { case_id: caseId } } })),
  );
  const [last, setLast] = useState<CaseDocuments | null>(null);
  const [open, setOpen] = useState(false);
  const [awareSince, setAwareSince] = useState(() => todayInCopenhagen());
  const { run, busy: starting, errors, setErrors } = useSubmit();
  const [failure, setFailure] = useState<{ message: string; openId?: string } | undefined>();
  const failureRef = useRef<HTMLDivElement>(null);
  const canWrite = can(session, 'case.write') && !hovedsag.closed_at;
  const first = useRef(true);

  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    reload();
  }, [refresh, reload]);

  useEffect(() => {
    if (docs.state === 'ready') setLast(docs.data);
  }, [docs]);

  useEffect(() => {
    if (failure) failureRef.current?.focus();
  }, [failure]);

  const start = async (aware: string | null) => {
    if (starting) return;
    setFailure(undefined);
    setErrors({});
    await run(async () => {
      const r = await call(
        api.POST('/api/cases/{case_id}/ics/undersoegelser', {
          params: { path: { case_id: caseId } },
          body: aware ? { aware_since: aware } : {},
        }),
      );
      setFlash({
        variant: 'success',
        heading: r.started_investigation
          ? 'Den børnefaglige undersøgelse er startet med fristen på 4 måneder. Teksten gemmes automatisk, mens du skriver.'
          : 'Undersøgelsen er påbegyndt. Teksten gemmes automatisk, mens du skriver.',
      });
      navigate(docPath(r.document.id));
    }, (err) => {
      const fields = fieldErrors(err);
      const extra = err instanceof ApiError ? conflictOf(err.body) : null;
      if (Object.keys(fields).length > 0) {
        setOpen(true);
        setErrors(fields);
      } else if (extra?.reason === 'open_version' && typeof extra.document_id === 'string')
        setFailure({ message: messageOf(err), openId: extra.document_id });
      else setFailure({ message: messageOf(err) });
    });
  };

  const submitStart = (event: FormEvent) => {
    event.preventDefault();
    if (!/^\d{4}-\d{2}-\d{2}$/.test(awareSince)) {
      setErrors({ aware_since: 'Angiv datoen, hvor kommunen blev opmærksom på barnets forhold' });
      return;
    }
    void start(awareSince);
  };

  const data = docs.state === 'ready' ? docs.data : last;
  let body;
  if (!data && docs.state === 'loading') {
    body = <Loading text="Henter undersøgelser og planer …" />;
  } else if (!data && docs.state === 'error') {
    body = (
      <Alert
        variant="error"
        heading="Undersøgelser og planer kunne ikke hentes"
        action={
          <button type="button" className="button button-secondary" onClick={reload}>
            Prøv igen
          </button>
        }
      >
        <p>{docs.message}</p>
      </Alert>
    );
  } else if (data) {
    const running = data.open_investigation;
    body = (
      <>
        {canWrite && running && !running.has_document ? (
          <div className="ics-start">
            <p>
              En børnefaglig undersøgelse er i gang
              {running.due_at ? (
                <>
                  {' '}
                  med frist <time dateTime={running.due_at}>{formatDeadlineDate(running.due_at)}</time>
                </>
              ) : null}
              , men den er ikke skrevet endnu.
            </p>
            <button
              type="button"
              className={`button button-primary ${starting ? 'spinner-active' : ''}`.trim()}
              aria-disabled={starting || undefined}
              onClick={() => void start(null)}
            >
              Skriv den børnefaglige undersøgelse
            </button>
          </div>
        ) : null}
        {canWrite && !running ? (
          <div className="ics-start">
            {!open ? (
              <button
                type="button"
                id="ics-start-toggle"
                className="button button-secondary"
                onClick={() => {
                  setOpen(true);
                  requestAnimationFrame(() => document.getElementById('ics-aware-since')?.focus());
                }}
              >
                Påbegynd ny børnefaglig undersøgelse efter ICS
              </button>
            ) : (
              <form onSubmit={submitStart} noValidate className="admin-form case-form process-form" aria-labelledby="ics-start-heading">
                <h3 id="ics-start-heading" className="h4 process-form-heading">
                  Påbegynd ny børnefaglig undersøgelse efter ICS
                </h3>
                <ErrorSummary errors={errors} fields={START_FIELDS} />
                <TextField
                  id="ics-aware-since"
                  label="Kommunen kendte til barnets forhold fra"
                  hint="Undersøgelsen startes nu; fristen på 4 måneder regnes fra denne dato"
                  type="date"
                  value={awareSince}
                  onChange={(v) => {
                    setAwareSince(v);
                    setErrors({});
                  }}
                  error={errors.aware_since}
                  width="input-width-s"
                />
                <div className="process-buttons">
                  <button
                    type="submit"
                    className={`button button-primary ${starting ? 'spinner-active' : ''}`.trim()}
                    aria-disabled={starting || undefined}
                  >
                    Påbegynd og skriv undersøgelsen
                  </button>
                  <button
                    type="button"
                    className="button button-tertiary"
                    onClick={() => {
                      setOpen(false);
                      setErrors({});
                      requestAnimationFrame(() => document.getElementById('ics-start-toggle')?.focus());
                    }}
                  >
                    Fortryd
                  </button>
                </div>
              </form>
            )}
          </div>
        ) : null}
        {data.series.length === 0 ? (
          <p className="empty-state">Der er ikke skrevet nogen undersøgelse, plan eller opfølgning på sagen endnu.</p>
        ) : (
          <ul className="process-list ics-series" aria-labelledby="ics-section-heading">
            {data.series.map((s) => {
              const v = s.latest;
              return (
                <li key={s.series_id}>
                  <p className="process-item-title">
                    <Link to={docPath(v.id)}>{versionTitle(s.kind_label, v.version_no)}</Link>{' '}
                    <span className={statusBadge(v.status)}>{v.status_label}</span>
                  </p>
                  <p className="process-meta">
                    Ændret <time dateTime={v.changed_at}>{formatDateTime(v.changed_at)}</time> af {v.changed_by_name}
                    {v.approved_at ? (
                      <>
                        {' '}
                        · godkendt <time dateTime={v.approved_at}>{formatDateTime(v.approved_at)}</time>
                      </>
                    ) : null}
                    {s.versions.length > 1 ? ` · ${s.versions.length} versioner` : ''}
                  </p>
                </li>
              );
            })}
          </ul>
        )}
      </>
    );
  }

  return (
    <section aria-labelledby="ics-section-heading" aria-busy={docs.state === 'loading' || undefined} className="case-section">
      <h2 id="ics-section-heading">Undersøgelse og plan (ICS)</h2>
      <div ref={failureRef} tabIndex={-1} className="case-outcome">
        {failure ? (
          <Alert
            variant="error"
            heading="Undersøgelsen blev ikke påbegyndt"
            action={failure.openId ? <Link to={docPath(failure.openId)}>Åbn undersøgelsen</Link> : null}
          >
            <p>{failure.message}</p>
          </Alert>
        ) : null}
      </div>
      {body}
    </section>
  );
}
