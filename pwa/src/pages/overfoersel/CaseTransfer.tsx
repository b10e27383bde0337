import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, call, fieldErrors, messageOf, type CaseRead, type SessionRead } from '../../api/client';
import { Alert } from '../../components/Alert';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorSummary, SelectField, TextArea } from '../../components/Form';
import { Loading } from '../../components/Loading';
import { formatDate, formatDateTime, plural } from '../../format';
import { Link } from '../../router';
import { useSubmit } from '../../mutation';
import { useApiQuery } from '../../useApi';
import { formatSize } from '../sag/dokumenter/docApi';
import { PriorCasesNotice } from './PriorCases';
import { rememberedPriorCases, type CaseTransfers, type Transfer } from './store';
import './overfoersel.css';

const S_FIELDS: Record<string, [string, string]> = {
  to_kommune: ['transfer-to', 'Modtagende kommune'],
  summary: ['transfer-summary', 'Sammenfatning af vurderingerne'],
  hovedsag_id: ['transfer-to', 'Sagen'],
};

function hasTransferPermission(session: SessionRead): boolean {
  return session.realm === 'kommune' && session.permissions.includes('case.transfer');
}

/** "Overfør sagen": choose the receiving kommune, write the summary, send. */
function SendForm({
  caseId,
  childName,
  onSent,
  onCancel,
}: {
  caseId: string;
  childName: string | null;
  onSent: (t: Transfer) => void;
  onCancel: () => void;
}) {
  const [targets, reloadTargets] = useApiQuery(['transfer-targets'], (signal) => call(api.GET('/api/kommuner/transfer-targets', { signal })));
  const [to, setTo] = useState('');
  const [summary, setSummary] = useState('');
  const { run, busy, errors, setErrors, general: failure, setGeneral: setFailure } = useSubmit();
  const [confirming, setConfirming] = useState(false);

  useEffect(() => {
    if (targets.state === 'ready') document.getElementById('transfer-to')?.focus();
  }, [targets.state]);

  // "Send sagen" asks first (the server checks again when it is sent).
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setFailure(undefined);
    const missing: Record<string, string> = {};
    if (!to) missing.to_kommune = 'Vælg den kommune, sagen skal overføres til';
    if (!summary.trim()) missing.summary = 'Skriv en sammenfatning af vurderingerne i sagen (Barnets Lov § 132)';
    setErrors(missing);
    if (Object.keys(missing).length === 0) setConfirming(true);
  };

  const send = async () => {
    if (busy) return;
    setFailure(undefined);
    await run(
      async () => {
        const t = await call(
          api.POST('/api/cases/{case_id}/transfers', {
            params: { path: { case_id: caseId } },
            body: { to_kommune: to, summary: summary.trim() },
          }),
        );
        setConfirming(false);
        onSent(t);
      },
      (err) => {
        const fields = fieldErrors(err);
        if (Object.keys(fields).length > 0) {
          setConfirming(false);
          setErrors(fields);
        } else setFailure(messageOf(err));
      },
    );
  };

  if (targets.state === 'loading')
    return (
      <div aria-busy="true">
        <Loading text="Henter kommuner …" small />
      </div>
    );
  if (targets.state === 'error')
    return (
      <Alert
        variant="error"
        heading="Kommunerne kunne ikke hentes"
        action={
          <button type="button" className="button button-secondary" onClick={reloadTargets}>
            Prøv igen
          </button>
        }
      >
        <p>{targets.message}</p>
      </Alert>
    );

  return (
    <form onSubmit={submit} noValidate className="admin-form case-form" aria-labelledby="transfer-form-heading">
      <h3 id="transfer-form-heading">Send sagen til en anden kommune</h3>
      <p>
        Hele sagen sendes med historik (journal, afgørelser, indsatser, undersøgelser og planer). Sagen lukkes her,
        når den modtagende kommune har overtaget den (Barnets Lov § 132).
      </p>
      <ErrorSummary errors={errors} fields={S_FIELDS} />
      {failure && !confirming ? (
        <Alert variant="error" heading="Sagen blev ikke sendt">
          <p>{failure}</p>
        </Alert>
      ) : null}
      <SelectField
        id="transfer-to"
        label="Modtagende kommune"
        hint="Den kommune, barnet er flyttet til"
        value={to}
        onChange={(v) => {
          setTo(v);
          setErrors((e) => ({ ...e, to_kommune: '' }));
        }}
        choices={[
          { value: '', label: 'Vælg kommune' },
          ...targets.data.map((k) => ({ value: k.code, label: k.name })),
        ]}
        error={errors.to_kommune || errors.hovedsag_id || undefined}
      />
      <TextArea
        id="transfer-summary"
        label="Sammenfatning af vurderingerne"
        hint="Påkrævet. Sammenfat sagens vurderinger, så den nye kommune kan fortsætte uden ophold."
        value={summary}
        onChange={(v) => {
          setSummary(v);
          setErrors((e) => ({ ...e, summary: '' }));
        }}
        error={errors.summary || undefined}
        rows={6}
      />
      <div className="process-buttons">
        <button
          type="submit"
          className={`button button-primary ${busy ? 'spinner-active' : ''}`.trim()}
          aria-disabled={busy || undefined}
        >
          Send sagen
        </button>
        <button type="button" className="button button-tertiary" onClick={onCancel}>
          Fortryd
        </button>
      </div>
      {confirming ? (
        <ConfirmDialog
          title="Send sagen til en anden kommune?"
          confirmLabel="Send sagen"
          busy={busy}
          error={failure}
          onConfirm={() => void send()}
          onCancel={() => {
            setConfirming(false);
            setFailure(undefined);
          }}
        >
          <p>
            Hele sagen sendes med historik (journal, afgørelser, indsatser, undersøgelser og planer) og din sammenfatning. Sagen lukkes
            her, når den modtagende kommune har overtaget den. Bevillinger og betalinger følger ikke med: den modtagende kommune
            bevilger og betaler selv.
          </p>
          <dl className="confirm-facts">
            {childName ? (
              <>
                <dt>Barn</dt>
                <dd>{childName}</dd>
              </>
            ) : null}
            <dt>Modtagende kommune</dt>
            <dd>{targets.data.find((k) => k.code === to)?.name ?? to}</dd>
          </dl>
        </ConfirmDialog>
      ) : null}
    </form>
  );
}

/** The state of the latest transfer sent from this case, as an alert. */
function SentStatus({ t }: { t: Transfer }) {
  const to = t.to_kommune.name;
  const sent = (
    <p>
      Sendt <time dateTime={t.sent_at}>{formatDateTime(t.sent_at)}</time> af {t.sent_by_name}.
      {t.files
        ? ` Med sagen: ${plural(t.files, 'dokument', 'dokumenter')} med fil, i alt ${formatSize(t.file_bytes ?? 0)}.`
        : ''}
    </p>
  );
  switch (t.status) {
    case 'sendt':
      return (
        <Alert variant="warning" heading={`Sagen er under overførsel til ${to}`}>
          {sent}
          <p>
            Afventer svar fra {to}. Det, du registrerer nu, kommer ikke med (underretninger videresendes dog
            automatisk).
          </p>
        </Alert>
      );
    case 'accepteret':
      return (
        <Alert variant="warning" heading={`${to} har accepteret overførslen – sagen indlæses`}>
          {sent}
        </Alert>
      );
    case 'importeret':
      return (
        <Alert variant="info" heading={`Sagen er overført til ${to}`}>
          {sent}
          {t.decided_at ? (
            <p>
              Overtaget <time dateTime={t.decided_at}>{formatDateTime(t.decided_at)}</time>
              {t.decided_by_name ? ` af ${t.decided_by_name}` : ''}. Sagen er lukket her.
            </p>
          ) : null}
        </Alert>
      );
    case 'afvist':
      return (
        <Alert variant="error" role="status" heading={`${to} har afvist overførslen`}>
          {sent}
          <p>
            Begrundelse: <span className="transfer-reason">{t.reason || 'Ingen begrundelse'}</span>
          </p>
          <p>Sagen er fortsat jeres.</p>
        </Alert>
      );
    default:
      return (
        <Alert variant="error" role="status" heading={`Overførslen til ${to} er fejlet`}>
          {sent}
          <p>{t.error || t.reason || 'Ukendt fejl'}. Sagen er fortsat jeres og kan sendes igen.</p>
        </Alert>
      );
  }
}

/**
 * On the case page: the prior-case notice after registration, the transfer status (sent,
 * accepted, rejected with reason, received from) and "Overfør sagen".
 */
export function CaseTransfer({
  caseId,
  childId,
  hovedsag,
  session,
}: {
  caseId: string;
  childId: string | null;
  hovedsag: CaseRead | null;
  session: SessionRead;
}) {
  const [transfers, reload] = useApiQuery(['case', caseId, 'transfers'], (signal) =>
    call(api.GET('/api/cases/{case_id}/transfers', { signal, params: { path: { case_id: caseId } } })),
  );
  const [open, setOpen] = useState(false);
  const [justSent, setJustSent] = useState(false);
  const outcomeRef = useRef<HTMLDivElement>(null);
  const openRef = useRef<HTMLButtonElement>(null);
  const [refocus, setRefocus] = useState(false);
  const mayTransfer = hasTransferPermission(session);
  const prior = rememberedPriorCases(childId ?? hovedsag?.child_id);

  useEffect(() => {
    if (justSent) outcomeRef.current?.focus();
  }, [justSent]);

  useEffect(() => {
    if (refocus && !open) {
      openRef.current?.focus();
      setRefocus(false);
    }
  }, [refocus, open]);

  const [last, setLast] = useState<CaseTransfers | null>(null);
  useEffect(() => {
    if (transfers.state === 'ready') setLast(transfers.data);
  }, [transfers]);
  const data = transfers.state === 'ready' ? transfers.data : last;
  const latest = data?.sent[0] ?? null;
  const closed = !!hovedsag?.closed_at;
  const showSend = mayTransfer && !!data && !data.in_transfer && !closed;

  return (
    <>
      {prior ? (
        <PriorCasesNotice
          priorCases={prior.priorCases}
          cpr={prior.cpr}
          canRequest={mayTransfer}
          unborn={prior.unborn}
        />
      ) : null}
      {transfers.state === 'error' && transfers.status !== 404 ? (
        <Alert
          variant="error"
          heading="Sagens overførsler kunne ikke hentes"
          action={
            <button type="button" className="button button-secondary" onClick={reload}>
              Prøv igen
            </button>
          }
        >
          <p>{transfers.message}</p>
        </Alert>
      ) : null}
      <div ref={outcomeRef} tabIndex={-1} className="case-outcome transfer-status">
        {latest ? <SentStatus t={latest} /> : null}
      </div>
      {data?.received ? (
        <Alert variant="info" heading={`Sagen er modtaget fra ${data.received.from_kommune.name}`}>
          <p>
            Sendt <time dateTime={data.received.sent_at}>{formatDate(data.received.sent_at)}</time> af{' '}
            {data.received.sent_by_name}
            {data.received.imported_at ? (
              <>
                , overtaget <time dateTime={data.received.imported_at}>{formatDate(data.received.imported_at)}</time>
              </>
            ) : null}
            . Historikken fra {data.received.from_kommune.name} står i journalen.
          </p>
          <details className="transfer-summary-details">
            <summary>Afsenderens sammenfatning</summary>
            <p className="transfer-summary-text">{data.received.summary}</p>
          </details>
          {mayTransfer ? (
            <p>
              <Link to={`/overfoersler/${data.received.id}`}>Se overførslen</Link>
            </p>
          ) : null}
        </Alert>
      ) : null}
      {showSend && !open ? (
        <p className="transfer-open">
          <button
            ref={openRef}
            type="button"
            className="button button-secondary"
            aria-expanded={false}
            onClick={() => {
              setOpen(true);
              setJustSent(false);
            }}
          >
            Overfør sagen
          </button>
        </p>
      ) : null}
      {showSend && open ? (
        <section aria-labelledby="overfoer-heading" className="case-section">
          <h2 id="overfoer-heading">Overfør sagen</h2>
          <SendForm
            caseId={caseId}
            childName={hovedsag?.child_name ?? null}
            onCancel={() => {
              setOpen(false);
              setRefocus(true);
            }}
            onSent={() => {
              setOpen(false);
              setJustSent(true);
              reload();
            }}
          />
        </section>
      ) : null}
    </>
  );
}
