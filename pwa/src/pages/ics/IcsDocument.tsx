// /ics/<id>: one version of a børnefaglig undersøgelse, barnets plan or opfølgning. A draft
// the user may write is a form that saves itself; anything else is read-only with the
// actions the user may take (approve, return, new version, plan, follow-up). The deadline
// and its status stay visible while writing.
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { api, ApiError, call, can, messageOf, type SessionRead } from '../../api/client';
import { casePath, peekFlash, setFlash } from '../../casework';
import { Alert } from '../../components/Alert';
import { ErrorSummary, TextArea } from '../../components/Form';
import { Loading } from '../../components/Loading';
import { PageHeading } from '../../components/PageHeading';
import { formatDateTime } from '../../format';
import { Link, navigate } from '../../router';
import { useApiQuery } from '../../useApi';
import { flatten } from './flatten';
import { InvestigationEditor } from './InvestigationEditor';
import { FollowUpEditor, PlanEditor } from './PlanEditor';
import { ReadView } from './ReadView';
import { ConflictPanel, DeadlineLine, PdfButton, SaveStatus, VersionFacts, Versions } from './parts';
import { leavingSaves, useAutosave } from './useAutosave';
import { useSubmit } from '../../mutation';
import {
  conflictOf,
  docPath,
  loadMethod,
  missingOf,
  normalize,
  versionTitle,
  type Content,
  type DocumentRead,
  type FollowUp,
  type Investigation,
  type MethodRead,
  type Missing,
  type Plan,
} from './types';
import './ics.css';

export type Outcome = { variant: 'success' | 'info'; heading: string; lines?: string[] };

/** What the screen shows after an action; focus moves to it. */
function OutcomeArea({ outcome }: { outcome: Outcome | null }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (outcome) ref.current?.focus();
  }, [outcome]);
  return (
    <div ref={ref} tabIndex={-1} className="case-outcome">
      {outcome ? (
        <Alert variant={outcome.variant} heading={outcome.heading}>
          {outcome.lines && outcome.lines.length > 0 ? (
            <ul className="process-lines">
              {outcome.lines.map((l, n) => (
                <li key={n}>{l}</li>
              ))}
            </ul>
          ) : null}
        </Alert>
      ) : null}
    </div>
  );
}

/** An action answered 409 because another version is open: say which, and link to it. */
function failureOf(err: unknown): { message: string; openId?: string; reload?: boolean } {
  const extra = err instanceof ApiError ? conflictOf(err.body) : null;
  if (err instanceof ApiError && err.status === 409 && extra?.reason === 'open_version' && typeof extra.document_id === 'string')
    return { message: err.detail, openId: extra.document_id };
  if (err instanceof ApiError && err.status === 409) return { message: err.detail, reload: true };
  return { message: messageOf(err) };
}

function ActionFailure({
  failure,
  heading,
  onReload,
}: {
  failure: ReturnType<typeof failureOf> | undefined;
  heading: string;
  onReload: () => void;
}) {
  if (!failure) return null;
  return (
    <Alert
      variant="error"
      heading={heading}
      action={
        failure.openId ? (
          <Link to={docPath(failure.openId)}>Åbn den åbne version</Link>
        ) : failure.reload ? (
          <button type="button" className="button button-secondary" onClick={onReload}>
            Hent igen
          </button>
        ) : null
      }
    >
      <p>{failure.message}</p>
    </Alert>
  );
}

/** Approve, return, new version, barnets plan, follow-up: what this user may do now. */
function Actions({
  doc,
  session,
  latest,
  onOutcome,
  reload,
}: {
  doc: DocumentRead;
  session: SessionRead;
  latest: boolean;
  onOutcome: (o: Outcome) => void;
  reload: () => void;
}) {
  const [note, setNote] = useState('');
  const [returning, setReturning] = useState(false);
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | undefined>();
  const submit = useSubmit();
  const busy = submit.busyKey;
  const [failure, setFailure] = useState<{ heading: string; f: ReturnType<typeof failureOf> } | undefined>();
  const may = doc.may;
  const title = versionTitle(doc.kind_label, doc.version_no);
  const ownSubmission =
    can(session, 'case.approve') &&
    doc.status === 'indsendt' &&
    !may.approve &&
    doc.approval_requires_other &&
    doc.submitted_by === session.username;

  const run = async (name: string, heading: string, action: () => Promise<void>) => {
    if (submit.busy) return;
    setFailure(undefined);
    await submit.run(action, (err) => setFailure({ heading, f: failureOf(err) }), name);
  };

  const approve = (event: FormEvent) => {
    event.preventDefault();
    void run('approve', 'Versionen blev ikke godkendt', async () => {
      const r = await call(
        api.POST('/api/ics/{doc_id}/approve', { params: { path: { doc_id: doc.id } }, body: { rev: doc.rev, note } }),
      );
      const lines = [
        ...(r.completed ?? []).map((t) => `Udført: ${t}`),
        ...(r.created_activities ?? []).map((t) => `Ny aktivitet: ${t}`),
        ...(r.new_plan_version ? [`Barnets plan, version ${r.new_plan_version.version_no} er startet som kopi`] : []),
      ];
      if (lines.length === 0) lines.push('Der var ingen åbne frister på sagen, som godkendelsen opfylder.');
      onOutcome({ variant: 'success', heading: `${title} er godkendt og låst`, lines });
      reload();
    });
  };

  const sendBack = (event: FormEvent) => {
    event.preventDefault();
    if (!reason.trim()) {
      setReasonError('Skriv hvorfor versionen sendes tilbage');
      return;
    }
    void run('return', 'Versionen blev ikke sendt tilbage', async () => {
      await call(
        api.POST('/api/ics/{doc_id}/return', { params: { path: { doc_id: doc.id } }, body: { rev: doc.rev, reason } }),
      );
      onOutcome({ variant: 'success', heading: `${title} er sendt tilbage til kladde`, lines: [`Begrundelse: ${reason.trim()}`] });
      reload();
    });
  };

  const create = (name: string, heading: string, post: () => Promise<{ document: { id: string; version_no: number } }>, flash: (n: number) => string) =>
    void run(name, heading, async () => {
      const r = await post();
      setFlash({ variant: 'success', heading: flash(r.document.version_no) });
      navigate(docPath(r.document.id));
    });

  const nothing =
    !may.approve && !may.return_to_draft && !(may.new_version && latest) && !may.create_plan && !may.create_follow_up && !ownSubmission;
  if (nothing) return null;

  return (
    <section aria-labelledby="ics-actions-heading" className="ics-actions">
      <h2 id="ics-actions-heading" className="h3">
        Handlinger
      </h2>
      <ActionFailure failure={failure?.f} heading={failure?.heading ?? ''} onReload={reload} />
      {ownSubmission ? (
        <Alert variant="warning" role="note" heading="Du har selv indsendt denne version">
          <p>
            Kommunen kræver, at en anden leder godkender den (fire øjne). Bed en anden leder om at godkende den, eller send
            den tilbage til kladde.
          </p>
        </Alert>
      ) : null}
      {may.approve ? (
        <form onSubmit={approve} noValidate className="admin-form ics-action-form" aria-labelledby="ics-approve-heading">
          <h3 id="ics-approve-heading" className="h4">
            Godkend
          </h3>
          <p className="form-hint">Den godkendte version låses. Sagens frister for {doc.kind_label.toLowerCase()} opfyldes.</p>
          <TextArea id="ics-approve-note" label="Bemærkning til godkendelsen (valgfri)" value={note} onChange={setNote} rows={2} />
          <button
            type="submit"
            className={`button button-primary ${busy === 'approve' ? 'spinner-active' : ''}`.trim()}
            aria-disabled={busy !== null || undefined}
          >
            Godkend version {doc.version_no}
          </button>
        </form>
      ) : null}
      <div className="process-actions">
        {may.return_to_draft && !returning ? (
          <button
            type="button"
            id="ics-return-toggle"
            className="button button-secondary"
            onClick={() => setReturning(true)}
          >
            Send tilbage til kladde
          </button>
        ) : null}
        {may.new_version && latest ? (
          <button
            type="button"
            className={`button button-primary ${busy === 'new' ? 'spinner-active' : ''}`.trim()}
            aria-disabled={busy !== null || undefined}
            aria-describedby="ics-new-version-hint"
            onClick={() =>
              create(
                'new',
                'Der blev ikke oprettet en ny version',
                () => call(api.POST('/api/ics/{doc_id}/new-version', { params: { path: { doc_id: doc.id } } })),
                (n) => `Version ${n} er oprettet som kopi af version ${doc.version_no}. Skriv kun det, der er ændret.`,
              )
            }
          >
            Ny version
          </button>
        ) : null}
        {may.create_plan ? (
          <button
            type="button"
            className={`button button-primary ${busy === 'plan' ? 'spinner-active' : ''}`.trim()}
            aria-disabled={busy !== null || undefined}
            onClick={() =>
              create(
                'plan',
                'Barnets plan blev ikke oprettet',
                () => call(api.POST('/api/ics/{doc_id}/plan', { params: { path: { doc_id: doc.id } } })),
                (n) =>
                  n === 1
                    ? 'Barnets plan er oprettet. Undersøgelsens udækkede behov er ført over som forslag til mål.'
                    : `Barnets plan, version ${n} er oprettet. Undersøgelsens nye behov er tilføjet som forslag til mål.`,
              )
            }
          >
            Lav barnets plan ud fra undersøgelsen
          </button>
        ) : null}
        {may.create_follow_up ? (
          <button
            type="button"
            className={`button button-primary ${busy === 'fu' ? 'spinner-active' : ''}`.trim()}
            aria-disabled={busy !== null || undefined}
            onClick={() =>
              create(
                'fu',
                'Opfølgningen blev ikke oprettet',
                () => call(api.POST('/api/ics/{doc_id}/opfoelgning', { params: { path: { doc_id: doc.id } } })),
                () => 'Opfølgningen er oprettet med ét punkt pr. mål i planen.',
              )
            }
          >
            Start opfølgning på planen
          </button>
        ) : null}
      </div>
      {may.new_version && latest ? (
        <p className="form-hint" id="ics-new-version-hint">
          En ny version er en kopi af version {doc.version_no}, så du kun skal skrive ændringerne.
        </p>
      ) : null}
      {returning ? (
        <form onSubmit={sendBack} noValidate className="admin-form ics-action-form" aria-labelledby="ics-return-heading">
          <h3 id="ics-return-heading" className="h4">
            Send tilbage til kladde
          </h3>
          <ErrorSummary errors={reasonError ? { reason: reasonError } : {}} fields={{ reason: ['ics-return-reason', 'Begrundelse'] }} />
          <TextArea
            id="ics-return-reason"
            label="Begrundelse"
            hint="Hvad skal rettes? Begrundelsen vises for sagsbehandleren og skrives i journalen."
            value={reason}
            onChange={(v) => {
              setReason(v);
              setReasonError(undefined);
            }}
            error={reasonError}
            rows={3}
          />
          <div className="process-buttons">
            <button
              type="submit"
              className={`button button-primary ${busy === 'return' ? 'spinner-active' : ''}`.trim()}
              aria-disabled={busy !== null || undefined}
            >
              Send tilbage
            </button>
            <button
              type="button"
              className="button button-tertiary"
              onClick={() => {
                setReturning(false);
                requestAnimationFrame(() => document.getElementById('ics-return-toggle')?.focus());
              }}
            >
              Fortryd
            </button>
          </div>
        </form>
      ) : null}
    </section>
  );
}

function mainDeadlines(doc: DocumentRead) {
  const open = doc.deadlines.filter((d) => d.status === 'open');
  return open.length > 0 ? open : doc.deadlines.slice(0, 1);
}

function Deadlines({ doc }: { doc: DocumentRead }) {
  const list = mainDeadlines(doc);
  if (list.length === 0) return null;
  return (
    <div className="ics-deadlines">
      {list.map((d) => (
        <DeadlineLine key={d.activity_id} deadline={d} />
      ))}
    </div>
  );
}

/** A draft being written: autosave, the deadline, submit with every missing part named. */
function EditSession({
  doc,
  method,
  content,
  onOutcome,
  reload,
}: {
  doc: DocumentRead;
  method: MethodRead;
  content: Content;
  onOutcome: (o: Outcome) => void;
  reload: () => void;
}) {
  const auto = useAutosave({
    docId: doc.id,
    rev: doc.rev,
    initial: content,
    method: method.method,
    changedBy: doc.changed_by_name,
    changedAt: doc.changed_at,
  });
  const [missing, setMissing] = useState<Missing[]>([]);
  const { run, busy, general: failure, setGeneral: setFailure } = useSubmit();
  const title = versionTitle(doc.kind_label, doc.version_no);

  const saveErrors = auto.state.kind === 'invalid' ? auto.state.errors : {};
  const errors: Record<string, string> = { ...saveErrors };
  for (const m of missing) if (!errors[m.key]) errors[m.key] = m.message;
  const clearError = (key: string) => setMissing((list) => (list.some((m) => m.key === key) ? list.filter((m) => m.key !== key) : list));

  const submit = async () => {
    if (busy) return;
    setFailure(undefined);
    await run(
      async () => {
        const saved = await auto.flush();
        if (!saved) {
          setFailure('Dokumentet er ikke gemt, så det er ikke indsendt. Se status for gemning ovenfor.');
          return;
        }
        await call(api.POST('/api/ics/{doc_id}/submit', { params: { path: { doc_id: doc.id } }, body: { rev: auto.rev() } }));
        setMissing([]);
        onOutcome({
          variant: 'success',
          heading: `${title} er indsendt til godkendelse`,
          lines: ['En leder kan nu godkende den eller sende den tilbage.'],
        });
        reload();
      },
      (err) => {
        const items = err instanceof ApiError && err.status === 400 ? missingOf(err.body) : [];
        if (items.length > 0) setMissing(items);
        else setFailure(messageOf(err));
      },
    );
  };

  const summaryFields: Record<string, [string, string]> = {};
  for (const m of missing) summaryFields[m.key] = [`ics-${m.key.replace(/[^A-Za-z0-9_-]/g, '-')}`, m.label];
  const summaryErrors: Record<string, string> = {};
  for (const m of missing) summaryErrors[m.key] = m.message;

  const props = { edit: auto.edit, method: method.method, errors, clearError };
  const c = auto.content;
  return (
    <>
      <div className="ics-bar" role="region" aria-label="Frist, gemning og indsendelse">
        <Deadlines doc={doc} />
        <SaveStatus state={auto.state} savedAt={auto.savedAt} showSaving={auto.showSaving} onRetry={auto.retryNow} />
        <div className="ics-bar-actions">
          <button
            type="button"
            className={`button button-primary ${busy ? 'spinner-active' : ''}`.trim()}
            aria-disabled={busy || undefined}
            onClick={() => void submit()}
          >
            Indsend til godkendelse
          </button>
          <PdfButton doc={doc} beforeDownload={auto.flush} />
        </div>
      </div>
      {auto.state.kind === 'conflict' ? (
        <ConflictPanel
          state={auto.state}
          mine={c}
          method={method.method}
          doc={doc}
          onKeepMine={auto.keepMine}
          onTakeTheirs={auto.takeTheirs}
        />
      ) : null}
      {auto.state.kind === 'locked' ? (
        <Alert
          variant="error"
          heading="Din seneste ændring er ikke gemt"
          action={
            <button type="button" className="button button-secondary" onClick={reload}>
              Hent dokumentet igen
            </button>
          }
        >
          <p>{auto.state.message}</p>
          <details className="ics-unsaved">
            <summary>Se din tekst, der ikke blev gemt</summary>
            {flatten(c, method.method, { measures: doc.measures, planGoals: doc.plan_goals })
              .filter((f) => f.lines.length > 0)
              .map((f) => (
                <div key={f.key}>
                  <p className="ics-need-label">{f.label}</p>
                  {f.lines.map((l, n) => (
                    <p key={n} className="ics-read-text">
                      {l}
                    </p>
                  ))}
                </div>
              ))}
          </details>
        </Alert>
      ) : null}
      {missing.length > 0 ? (
        <ErrorSummary
          errors={summaryErrors}
          fields={summaryFields}
          general={`${title} kan ikke indsendes endnu. Udfyld disse dele:`}
        />
      ) : null}
      {failure ? (
        <Alert variant="error" heading="Dokumentet blev ikke indsendt">
          <p>{failure}</p>
        </Alert>
      ) : null}
      {c.kind === 'undersoegelse' ? (
        <InvestigationEditor content={c as Investigation} {...props} />
      ) : c.kind === 'plan' ? (
        <PlanEditor content={c as Plan} {...props} doc={doc} />
      ) : (
        <FollowUpEditor content={c as FollowUp} {...props} doc={doc} />
      )}
    </>
  );
}

function DocumentScreen({
  doc,
  method,
  session,
  outcome,
  onOutcome,
  reload,
}: {
  doc: DocumentRead;
  method: MethodRead;
  session: SessionRead;
  outcome: Outcome | null;
  onOutcome: (o: Outcome) => void;
  reload: () => void;
}) {
  const content = useMemo(() => normalize(doc.content, method.method), [doc, method]);
  const latest = doc.versions[doc.versions.length - 1];
  const isLatest = !latest || latest.id === doc.id;
  return (
    <>
      <PageHeading title={`${doc.kind_label}, version ${doc.version_no} – ${doc.child.name}`}>
        {doc.kind_label} <span className="ics-heading-child">– {doc.child.name}</span>
      </PageHeading>
      <p className="ics-back">
        <Link to={casePath(doc.hovedsag_id, doc.child.id)}>Tilbage til sagen</Link>
      </p>
      <VersionFacts doc={doc} />
      <OutcomeArea outcome={outcome} />
      {!isLatest && latest ? (
        <Alert variant="info" role="note" heading={`Du ser version ${doc.version_no}. Den nyeste er version ${latest.version_no} (${latest.status_label.toLowerCase()}).`}>
          <p>
            <Link to={docPath(latest.id)}>Gå til version {latest.version_no}</Link>
          </p>
        </Alert>
      ) : null}
      {doc.status === 'kladde' && doc.return_reason ? (
        <Alert
          variant="warning"
          role="note"
          heading={`Sendt tilbage til kladde${doc.returned_by_name ? ` af ${doc.returned_by_name}` : ''}${doc.returned_at ? ` ${formatDateTime(doc.returned_at)}` : ''}`}
        >
          <p>Begrundelse: {doc.return_reason}</p>
        </Alert>
      ) : null}
      {doc.may.edit ? (
        <EditSession key={`${doc.id}:${doc.rev}`} doc={doc} method={method} content={content} onOutcome={onOutcome} reload={reload} />
      ) : (
        <>
          <div className="ics-bar ics-bar-static" role="region" aria-label="Frist og udskrift">
            <Deadlines doc={doc} />
            <p className="ics-lock-note">
              {doc.status === 'godkendt'
                ? 'Versionen er godkendt og låst. Start en ny version for at skrive videre.'
                : doc.status === 'indsendt'
                  ? 'Versionen er indsendt til godkendelse og kan ikke ændres.'
                  : 'Du kan læse versionen, men ikke skrive i den.'}
            </p>
            <div className="ics-bar-actions">
              <PdfButton doc={doc} />
            </div>
          </div>
          <Actions doc={doc} session={session} latest={isLatest} onOutcome={onOutcome} reload={reload} />
          <ReadView content={content} method={method.method} doc={doc} />
        </>
      )}
      <Versions doc={doc} />
    </>
  );
}

function WithMethod({
  doc,
  ...rest
}: {
  doc: DocumentRead;
  session: SessionRead;
  outcome: Outcome | null;
  onOutcome: (o: Outcome) => void;
  reload: () => void;
}) {
  const [method, reloadMethod] = useApiQuery(['ics', 'method', doc.method], (signal) => loadMethod(doc.method, signal));
  if (method.state === 'loading') {
    return (
      <div aria-busy="true" className="page-loading">
        <Loading text="Henter dokumentet …" />
      </div>
    );
  }
  if (method.state === 'error') {
    return (
      <>
        <PageHeading>{doc.kind_label}</PageHeading>
        <Alert
          variant="error"
          heading="ICS-metoden kunne ikke hentes"
          action={
            <button type="button" className="button button-secondary" onClick={reloadMethod}>
              Prøv igen
            </button>
          }
        >
          <p>{method.message}</p>
        </Alert>
      </>
    );
  }
  return <DocumentScreen doc={doc} method={method.data} {...rest} />;
}

export function IcsDocument({ docId, session }: { docId: string; session: SessionRead }) {
  const [outcome, setOutcome] = useState<Outcome | null>(() => peekFlash());
  const [doc, reload] = useApiQuery(['ics', 'document', docId], async (signal) => {
    const leaving = leavingSaves.get(docId);
    if (leaving) await leaving;
    return call(api.GET('/api/ics/{doc_id}', { signal, params: { path: { doc_id: docId } } }));
  });
  useEffect(() => {
    setFlash(null);
  }, []);

  if (doc.state === 'loading') {
    return (
      <div aria-busy="true" className="page-loading">
        <Loading text="Henter dokumentet …" />
      </div>
    );
  }
  if (doc.state === 'error') {
    const missing = doc.status === 404;
    return (
      <>
        <PageHeading>{missing ? 'Dokumentet kan ikke vises' : 'Dokumentet kunne ikke hentes'}</PageHeading>
        <Alert
          variant="error"
          heading={missing ? 'Dokumentet findes ikke, eller du er ikke på sagen' : 'Der opstod en fejl'}
          action={
            missing ? (
              <Link to="/">Til forsiden</Link>
            ) : (
              <button type="button" className="button button-secondary" onClick={reload}>
                Prøv igen
              </button>
            )
          }
        >
          <p>{doc.message}</p>
        </Alert>
      </>
    );
  }
  return (
    <WithMethod
      doc={doc.data}
      session={session}
      outcome={outcome}
      onOutcome={(o) => setOutcome(o)}
      reload={() => {
        reload();
      }}
    />
  );
}
