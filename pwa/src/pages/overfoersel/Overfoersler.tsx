import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { api, call, type SessionRead } from '../../api/client';
import { Alert } from '../../components/Alert';
import { ErrorSummary, RadioGroup, TextArea } from '../../components/Form';
import { Loading } from '../../components/Loading';
import { PageHeading } from '../../components/PageHeading';
import { formatDate, formatDateTime, formatDeadline } from '../../format';
import { Link } from '../../router';
import { useSubmit } from '../../mutation';
import { useApiQuery, type Loadable } from '../../useApi';
import { REQUEST_STATUS, statusTagClass, statusText, type Transfer, type TransferRequest } from './store';
import './overfoersel.css';

function StatusTag({ t }: { t: Transfer }) {
  return <span className={statusTagClass(t.status)}>{statusText(t)}</span>;
}

function TransferTable({ id, rows, incoming }: { id: string; rows: Transfer[]; incoming: boolean }) {
  return (
    <div className="table--responsive-scroll" tabIndex={0} role="region" aria-labelledby={id}>
      <table className="table table--compact">
        <thead>
          <tr>
            <th scope="col">Barn</th>
            <th scope="col">{incoming ? 'Fra' : 'Til'}</th>
            <th scope="col">Sendt</th>
            {incoming ? <th scope="col">Frist</th> : null}
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((t) => (
            <tr key={t.id}>
              <td>
                <Link to={`/overfoersler/${t.id}`}>{t.child_name || 'Barn uden navn'}</Link>
                {t.child_birth_date ? (
                  <span className="cell-note">Født {formatDate(t.child_birth_date)}</span>
                ) : null}
              </td>
              <td>{incoming ? t.from_kommune.name : t.to_kommune.name}</td>
              <td>
                <time dateTime={t.sent_at}>{formatDateTime(t.sent_at)}</time>
                <span className="cell-note">{t.sent_by_name}</span>
              </td>
              {incoming ? (
                <td>
                  {t.due_at && t.status === 'sendt' ? (
                    <>
                      <time dateTime={t.due_at}>{formatDeadline(t.due_at)}</time>
                      {t.overdue ? <span className="cell-note">Overskredet</span> : null}
                    </>
                  ) : (
                    '–'
                  )}
                </td>
              ) : null}
              <td>
                <StatusTag t={t} />
                {t.status === 'afvist' && t.reason ? (
                  <span className="cell-note transfer-reason">Begrundelse: {t.reason}</span>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const A_FIELDS: Record<string, [string, string]> = {
  decision: ['answer-decision', 'Svar'],
  summary: ['answer-summary', 'Sammenfatning af vurderingerne'],
  reason: ['answer-reason', 'Begrundelse'],
  hovedsag_id: ['answer-decision', 'Sagen'],
};

/** Answer a transfer request: send the case (with the summary) or decline with a reason. */
function AnswerForm({ request, onDone, onCancel }: { request: TransferRequest; onDone: () => void; onCancel: () => void }) {
  const [decision, setDecision] = useState('');
  const [summary, setSummary] = useState('');
  const [reason, setReason] = useState('');
  const { run, busy, errors, setErrors, general: failure, setGeneral: setFailure } = useSubmit();
  const p = `answer-${request.id}`;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setFailure(undefined);
    if (!decision) {
      setErrors({ decision: 'Vælg at sende sagen eller at afvise anmodningen' });
      return;
    }
    setErrors({});
    await run(async () => {
      await call(
        api.POST('/api/transfer-requests/{request_id}/answer', {
          params: { path: { request_id: request.id } },
          body:
            decision === 'send'
              ? { decision, summary: summary.trim(), hovedsag_id: request.hovedsag_id ?? null }
              : { decision, reason: reason.trim() },
        }),
      );
      onDone();
    });
  };

  const fields: Record<string, [string, string]> = Object.fromEntries(
    Object.entries(A_FIELDS).map(([k, [id, label]]) => [k, [id.replace('answer', p), label]]),
  );

  return (
    <form onSubmit={submit} noValidate className="admin-form case-form" aria-label={`Svar på anmodningen om ${request.child_name}`}>
      <ErrorSummary errors={errors} fields={fields} />
      {failure ? (
        <Alert variant="error" heading="Svaret blev ikke sendt">
          <p>{failure}</p>
        </Alert>
      ) : null}
      <RadioGroup
        id={`${p}-decision`}
        legend="Svar"
        choices={[
          { value: 'send', label: `Send sagen til ${request.from_kommune.name}` },
          { value: 'afvis', label: 'Afvis anmodningen' },
        ]}
        value={decision}
        onChange={(v) => {
          setDecision(v);
          setErrors({});
        }}
        error={errors.decision || errors.hovedsag_id}
      />
      {decision === 'send' ? (
        <TextArea
          id={`${p}-summary`}
          label="Sammenfatning af vurderingerne"
          hint="Påkrævet (Barnets Lov § 132)"
          value={summary}
          onChange={(v) => {
            setSummary(v);
            setErrors({});
          }}
          error={errors.summary}
        />
      ) : null}
      {decision === 'afvis' ? (
        <TextArea
          id={`${p}-reason`}
          label="Begrundelse"
          value={reason}
          onChange={(v) => {
            setReason(v);
            setErrors({});
          }}
          error={errors.reason}
          rows={3}
        />
      ) : null}
      <div className="process-buttons">
        <button
          type="submit"
          className={`button button-primary ${busy ? 'spinner-active' : ''}`.trim()}
          aria-disabled={busy || undefined}
        >
          Send svar
        </button>
        <button type="button" className="button button-tertiary" onClick={onCancel}>
          Fortryd
        </button>
      </div>
    </form>
  );
}

function RequestsIn({ rows, canAct, onChanged }: { rows: TransferRequest[]; canAct: boolean; onChanged: () => void }) {
  const [answering, setAnswering] = useState<string | null>(null);
  const [done, setDone] = useState<string | undefined>();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (done) ref.current?.focus();
  }, [done]);
  return (
    <>
      <div ref={ref} tabIndex={-1} className="case-outcome">
        {done ? <Alert variant="success" heading={done} /> : null}
      </div>
      {rows.length === 0 ? (
        <p className="empty-state">Ingen kommuner har bedt jer om en sag.</p>
      ) : (
        <ul className="nobullet-list transfer-requests">
          {rows.map((r) => (
            <li key={r.id} className="case-section">
              <h3>
                {r.child_name || 'Barn'} – fra {r.from_kommune.name}
              </h3>
              <p>
                Modtaget <time dateTime={r.created_at}>{formatDateTime(r.created_at)}</time> fra {r.created_by_name}.
                Status: {REQUEST_STATUS[r.status] ?? r.status}.
              </p>
              <p className="transfer-summary-text">{r.message}</p>
              {r.answer ? <p className="transfer-reason">Svar: {r.answer}</p> : null}
              {r.hovedsag_id ? (
                <p>
                  <Link to={`/sager/${r.hovedsag_id}`}>Åbn jeres sag på barnet</Link>
                </p>
              ) : null}
              {canAct && r.status === 'aaben' ? (
                answering === r.id ? (
                  <AnswerForm
                    request={r}
                    onCancel={() => setAnswering(null)}
                    onDone={() => {
                      setAnswering(null);
                      setDone(`Anmodningen fra ${r.from_kommune.name} er besvaret`);
                      onChanged();
                    }}
                  />
                ) : (
                  <button
                    type="button"
                    className="button button-secondary"
                    aria-expanded={false}
                    onClick={() => setAnswering(r.id)}
                  >
                    Besvar anmodningen om {r.child_name || 'barnet'}
                  </button>
                )
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function RequestsOut({ rows }: { rows: TransferRequest[] }) {
  if (rows.length === 0) return <p className="empty-state">I har ikke bedt andre kommuner om sager.</p>;
  return (
    <div className="table--responsive-scroll" tabIndex={0} role="region" aria-labelledby="requests-out-heading">
      <table className="table table--compact">
        <thead>
          <tr>
            <th scope="col">Barn</th>
            <th scope="col">Til</th>
            <th scope="col">Sendt</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id}>
              <td>{r.child_name || 'Barn'}</td>
              <td>{r.to_kommune.name}</td>
              <td>
                <time dateTime={r.created_at}>{formatDateTime(r.created_at)}</time>
              </td>
              <td>
                {REQUEST_STATUS[r.status] ?? r.status}
                {r.answer ? <span className="cell-note transfer-reason">{r.answer}</span> : null}
                {r.transfer_id ? (
                  <span className="cell-note">
                    <Link to={`/overfoersler/${r.transfer_id}`}>Se overførslen</Link>
                  </span>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Section({
  id,
  title,
  children,
  busy,
}: {
  id: string;
  title: string;
  children: ReactNode;
  busy?: boolean;
}) {
  return (
    <section aria-labelledby={id} className="case-section" aria-busy={busy || undefined}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

/** A reload keeps the last answer on screen (so an outcome message is not lost). */
function useKept<T>([value, reload]: [Loadable<T>, () => void, unknown]): [Loadable<T>, () => void] {
  const [last, setLast] = useState<T | null>(null);
  useEffect(() => {
    if (value.state === 'ready') setLast(value.data);
  }, [value]);
  if (value.state === 'loading' && last !== null) return [{ state: 'ready', data: last }, reload];
  return [value, reload];
}

/** /overfoersler: the inbox of transfers, transfer requests, and what we sent. */
export function Overfoersler({ session }: { session: SessionRead }) {
  const [transfers, reloadTransfers] = useKept(useApiQuery(['transfers'], (signal) => call(api.GET('/api/transfers', { signal }))));
  const [requests, reloadRequests] = useKept(
    useApiQuery(['transfer-requests'], (signal) => call(api.GET('/api/transfer-requests', { signal }))),
  );
  const canAct = session.permissions.includes('case.transfer');

  const failed = (message: string, retry: () => void, what: string) => (
    <Alert
      variant="error"
      heading={`${what} kunne ikke hentes`}
      action={
        <button type="button" className="button button-secondary" onClick={retry}>
          Prøv igen
        </button>
      }
    >
      <p>{message}</p>
    </Alert>
  );

  const loading = <Loading text="Henter …" />;

  return (
    <>
      <PageHeading>Overførsler</PageHeading>
      <p>Sager, der overføres mellem kommuner (Barnets Lov § 132), og anmodninger om sager.</p>
      <Section id="inbox-heading" title="Indbakke: sager sendt til jer" busy={transfers.state === 'loading'}>
        {transfers.state === 'loading'
          ? loading
          : transfers.state === 'error'
            ? failed(transfers.message, reloadTransfers, 'Overførslerne')
            : transfers.data.incoming.length === 0
              ? <p className="empty-state">Ingen kommuner har sendt sager til jer.</p>
              : <TransferTable id="inbox-heading" rows={transfers.data.incoming} incoming />}
      </Section>
      <Section id="requests-in-heading" title="Anmodninger om sager fra andre kommuner" busy={requests.state === 'loading'}>
        {requests.state === 'loading' ? (
          loading
        ) : requests.state === 'error' ? (
          failed(requests.message, reloadRequests, 'Anmodningerne')
        ) : (
          <RequestsIn
            rows={requests.data.incoming}
            canAct={canAct}
            onChanged={() => {
              reloadRequests();
              reloadTransfers();
            }}
          />
        )}
      </Section>
      <Section id="outbox-heading" title="Sendte overførsler" busy={transfers.state === 'loading'}>
        {transfers.state === 'loading'
          ? loading
          : transfers.state === 'error'
            ? failed(transfers.message, reloadTransfers, 'Overførslerne')
            : transfers.data.outgoing.length === 0
              ? <p className="empty-state">I har ikke sendt sager til andre kommuner.</p>
              : <TransferTable id="outbox-heading" rows={transfers.data.outgoing} incoming={false} />}
      </Section>
      <Section id="requests-out-heading" title="Jeres anmodninger til andre kommuner" busy={requests.state === 'loading'}>
        {requests.state === 'loading'
          ? loading
          : requests.state === 'error'
            ? failed(requests.message, reloadRequests, 'Anmodningerne')
            : <RequestsOut rows={requests.data.outgoing} />}
      </Section>
    </>
  );
}
