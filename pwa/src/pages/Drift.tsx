import { useQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import {
  api,
  ApiError,
  call,
  fieldErrors,
  messageOf,
  type JobRead,
  type KommuneRow,
  type Onboard,
} from '../api/client';
import { Alert } from '../components/Alert';
import { AuditDetailLines } from '../components/AuditDetail';
import { ErrorSummary, SelectField, TextField, withoutKey } from '../components/Form';
import { Loading } from '../components/Loading';
import { PageHeading } from '../components/PageHeading';
import { formatDateTime, formatNumber } from '../format';
import { LOGIN_CLAIM_LABELS } from '../loginClaims';
import { loginErrorCode, loginErrorMessage } from '../loginErrors';
import { useSubmit } from '../mutation';
import { LogInd } from './LogInd';
import { NationaleTjenester } from './NationaleTjenester';
import { invalidate, useApiQuery } from '../useApi';

/* ---------------------------------------------------------------- not logged in */

/** /drift (and /drift/log-ind?fejl=…) for anyone who is not logged in as the operator. */
export function DriftLogin() {
  const [errorCode] = useState(loginErrorCode);
  return (
    <div className="row">
      <div className="col-12 col-md-8 col-lg-6">
        <PageHeading>Trekant drift</PageHeading>
        {errorCode ? (
          <Alert variant="error" heading="Du blev ikke logget ind">
            <p>{loginErrorMessage(errorCode, 'operator')}</p>
          </Alert>
        ) : null}
        <p>
          Driftens konsol: onboarding af kommuner, suspendering og migrering. Driften ser aldrig
          kommunernes sager.
        </p>
        <p>
          <a className="button button-primary" href="/api/operator/login">
            Log ind som drift
          </a>
        </p>
      </div>
    </div>
  );
}

/* ---------------------------------------------------------------- background jobs */

const POLL_MS = 500;
const finished = (job: JobRead) => job.status === 'done' || job.status === 'failed';

/** Follow a background job: GET /api/operator/jobs/{id} every 500 ms (refetchInterval) until done or failed. */
function useJob(onFinish: (job: JobRead) => void) {
  const [job, setJob] = useState<JobRead | null>(null);
  const [pollError, setPollError] = useState<string | undefined>();
  const finish = useRef(onFinish);
  finish.current = onFinish;

  const polled = useQuery({
    queryKey: ['operator', 'job', job?.id],
    queryFn: ({ signal }) =>
      call(api.GET('/api/operator/jobs/{job_id}', { params: { path: { job_id: job?.id ?? '' } }, signal })),
    enabled: !!job && !finished(job),
    refetchInterval: POLL_MS,
    refetchIntervalInBackground: true,
    staleTime: 0,
    gcTime: 0,
    retry: false,
  });
  useEffect(() => {
    const next = polled.data;
    if (!next) return;
    setPollError(undefined);
    setJob((j) => (j && j.id === next.id && !finished(j) ? next : j));
    if (finished(next)) finish.current(next);
  }, [polled.data]);
  useEffect(() => {
    const err = polled.error;
    if (!err) return;
    setPollError(messageOf(err));
    // Gone, or no longer allowed: the job is over for this screen. A network hiccup: keep asking.
    if (err instanceof ApiError && (err.status === 404 || err.status === 401 || err.status === 403))
      setJob((j) => (j ? { ...j, status: 'failed', message: messageOf(err) } : j));
  }, [polled.error, polled.errorUpdatedAt]);

  const start = useCallback((first: JobRead) => {
    setPollError(undefined);
    setJob(first);
    if (finished(first)) finish.current(first);
  }, []);

  return { job, start, pollError, running: !!job && !finished(job) };
}

const STATUS: Record<string, string> = {
  queued: 'I kø',
  running: 'I gang',
  done: 'Færdig',
  failed: 'Fejlet',
};

function JobProgress({ job, label, pollError }: { job: JobRead; label: string; pollError?: string }) {
  const id = useId();
  const done = job.done ?? 0;
  const total = job.total ?? 0;
  const failed = job.failed ?? [];
  return (
    <div className="job-progress">
      <label className="form-label" htmlFor={id}>
        {label}
      </label>
      {total > 0 ? (
        <progress id={id} max={total} value={Math.min(done, total)}>
          {done} af {total}
        </progress>
      ) : (
        <progress id={id}>{STATUS[job.status] ?? job.status}</progress>
      )}
      <p className="job-status" role="status">
        <span className="weight-semibold">{STATUS[job.status] ?? job.status}</span>
        {total > 0 ? ` · ${formatNumber(done)} af ${formatNumber(total)}` : ''}
        {job.message ? ` · ${job.message}` : ''}
      </p>
      {failed.length > 0 ? (
        <p className="job-failed">
          <span className="weight-semibold">Fejlede:</span> {failed.join(', ')}
        </p>
      ) : null}
      {pollError ? <p className="form-error-message">{pollError}</p> : null}
    </div>
  );
}

/* ---------------------------------------------------------------- kommuner table */

function StatusCell({ k }: { k: KommuneRow }) {
  const active = k.status === 'active';
  return (
    <>
      <span className={`badge ${active ? 'badge-success' : 'badge-error'}`}>
        {active ? 'Aktiv' : k.status === 'suspended' ? 'Suspenderet' : k.status}
      </span>
      {!active && k.status_reason ? <span className="cell-note">{k.status_reason}</span> : null}
    </>
  );
}

function SuspendForm({
  kommune,
  onDone,
  onCancel,
}: {
  kommune: KommuneRow;
  onDone: (row: KommuneRow) => void;
  onCancel: () => void;
}) {
  const [reason, setReason] = useState('');
  const { run, busy, general: failure, setGeneral: setFailure } = useSubmit({ fields: () => ({}) });
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => ref.current?.focus(), []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setFailure(undefined);
    await run(async () => {
      const row = await call(
        api.POST('/api/operator/kommuner/{code}/suspend', {
          params: { path: { code: kommune.code } },
          body: { reason: reason.trim() || null },
        }),
      );
      onDone(row);
    });
  };

  return (
    <form onSubmit={submit} noValidate className="suspend-panel">
      <h3 id="suspend-heading" ref={ref} tabIndex={-1}>
        Suspendér {kommune.name} ({kommune.code})
      </h3>
      <p>Kommunens brugere kan ikke logge ind, før kommunen genoptages.</p>
      {failure ? (
        <Alert variant="error" heading="Kommunen blev ikke suspenderet">
          <p>{failure}</p>
        </Alert>
      ) : null}
      <TextField
        id="suspend-reason"
        label="Begrundelse"
        hint="Vises for driften, fx „Manglende betaling“ eller „Sikkerhedshændelse“."
        value={reason}
        onChange={setReason}
      />
      <div className="button-row">
        <button
          type="submit"
          className={`button button-primary ${busy ? 'spinner-active' : ''}`.trim()}
          aria-disabled={busy || undefined}
        >
          Bekræft suspendering
        </button>
        <button type="button" className="button button-tertiary" onClick={onCancel}>
          Annullér
        </button>
      </div>
    </form>
  );
}

function Kommuner({
  kommuner,
  reload,
  onChanged,
}: {
  kommuner: KommuneRow[];
  reload: () => void;
  onChanged: (row: KommuneRow, message: string) => void;
}) {
  const [suspending, setSuspending] = useState<KommuneRow | null>(null);
  // Which kommune's "Genoptag" is busy (the save itself is one at a time).
  const [resuming, setResuming] = useState<string | null>(null);
  const { run, general: failure, setGeneral: setFailure } = useSubmit({ fields: () => ({}) });
  const resume = async (k: KommuneRow) => {
    if (resuming) return;
    setResuming(k.code);
    setFailure(undefined);
    await run(async () => {
      const row = await call(
        api.POST('/api/operator/kommuner/{code}/resume', { params: { path: { code: k.code } } }),
      );
      onChanged(row, `${row.name} er genoptaget`);
    });
    setResuming(null);
  };

  return (
    <>
      {failure ? (
        <Alert variant="error" heading="Kommunen blev ikke genoptaget">
          <p>{failure}</p>
        </Alert>
      ) : null}
      {kommuner.length === 0 ? (
        <p className="empty-state">Der er ingen kommuner i Trekant endnu. Opret den første nedenfor.</p>
      ) : (
        <div className="table--responsive-scroll" tabIndex={0} role="region" aria-label="Kommuner i Trekant, tabel">
          <table className="table table--compact kommune-table">
            <caption>Kommuner i Trekant</caption>
            <thead>
              <tr>
                <th scope="col">Kode</th>
                <th scope="col">Navn</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  Skemaversion
                </th>
                <th scope="col" className="num">
                  Brugere <span className="weight-normal">(aktive/alle)</span>
                </th>
                <th scope="col">Seneste log-in</th>
                <th scope="col">Identitetsudbyder</th>
                <th scope="col">
                  <span className="sr-only">Handlinger</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {kommuner.map((k) => {
                const behind = k.schema_version < k.latest_version;
                return (
                  <tr key={k.code}>
                    <td className="num-code">{k.code}</td>
                    <th scope="row">{k.name}</th>
                    <td>
                      <StatusCell k={k} />
                    </td>
                    <td className="num">
                      {k.schema_version}
                      {behind ? (
                        <span className="badge badge-warning version-behind">
                          Forældet<span className="sr-only">: nyeste version er {k.latest_version}</span>
                        </span>
                      ) : null}
                    </td>
                    <td className="num">
                      <span aria-hidden="true">
                        {formatNumber(k.active_users)}/{formatNumber(k.users)}
                      </span>
                      <span className="sr-only">
                        {k.active_users} aktive af {k.users}
                      </span>
                    </td>
                    <td>
                      {k.last_login ? (
                        <time dateTime={k.last_login}>{formatDateTime(k.last_login)}</time>
                      ) : (
                        'Aldrig'
                      )}
                    </td>
                    <td className="break">
                      {k.idp_issuer ? (
                        <>
                          {k.idp_issuer}
                          {k.idp_client_id ? (
                            <span className="cell-note">Klient-id: {k.idp_client_id}</span>
                          ) : null}
                          <span className="cell-note">
                            Klienthemmelighed: {k.idp_client_secret_set ? 'angivet' : 'ikke angivet'}
                          </span>
                        </>
                      ) : (
                        'Ikke sat op'
                      )}
                    </td>
                    <td>
                      {k.status === 'active' ? (
                        <button
                          type="button"
                          className="button button-secondary button-small"
                          aria-label={`Suspendér ${k.name}`}
                          onClick={() => setSuspending(k)}
                        >
                          Suspendér
                        </button>
                      ) : (
                        <button
                          type="button"
                          className={`button button-secondary button-small ${resuming === k.code ? 'spinner-active' : ''}`.trim()}
                          aria-disabled={resuming === k.code || undefined}
                          aria-label={`Genoptag ${k.name}`}
                          onClick={() => void resume(k)}
                        >
                          Genoptag
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {suspending ? (
        <SuspendForm
          kommune={suspending}
          onCancel={() => setSuspending(null)}
          onDone={(row) => {
            setSuspending(null);
            onChanged(row, `${row.name} er suspenderet`);
          }}
        />
      ) : null}
      <button type="button" className="button button-tertiary" onClick={reload}>
        Opdatér listen
      </button>
    </>
  );
}

/* ---------------------------------------------------------------- migrate */

function Migrate({ onFinish }: { onFinish: () => void }) {
  const { job, start, pollError, running } = useJob(onFinish);
  const { run: submit, busy, general: failure, setGeneral: setFailure } = useSubmit({ fields: () => ({}) });

  const run = async () => {
    if (busy || running) return;
    setFailure(undefined);
    await submit(async () => {
      start(await call(api.POST('/api/operator/migrate')));
    });
  };

  return (
    <section className="admin-section">
      <h2 id="migrate-heading">Migrering</h2>
      <p>Opdatér alle kommuners database til nyeste skemaversion. Kommunerne kører videre imens.</p>
      {failure ? (
        <Alert variant="error" heading="Migreringen blev ikke startet">
          <p>{failure}</p>
        </Alert>
      ) : null}
      <button
        type="button"
        className={`button button-primary ${busy || running ? 'spinner-active' : ''}`.trim()}
        aria-disabled={busy || running || undefined}
        onClick={() => void run()}
      >
        Migrér alle kommuner
      </button>
      {job ? <JobProgress job={job} label="Fremdrift for migrering" pollError={pollError} /> : null}
      {job?.status === 'done' ? (
        <Alert variant="success" heading="Migreringen er færdig">
          <p>{job.message || 'Alle kommuner er opdaterede'}</p>
        </Alert>
      ) : null}
      {job?.status === 'failed' ? (
        <Alert variant="error" heading="Migreringen fejlede for nogle kommuner">
          <p>{job.message}</p>
        </Alert>
      ) : null}
    </section>
  );
}

/* ---------------------------------------------------------------- onboard */

/** What the form sends: the secret itself (sealed by the server, never shown again), never
 * the name of a server variable (the server only ever uses the kommune's own). */
type OnboardInput = Required<Omit<Onboard, 'idp_client_secret_ref'>>;

const ONBOARD_FIELDS: Record<keyof OnboardInput, [string, string]> = {
  code: ['onboard-code', 'Kommunekode'],
  name: ['onboard-name', 'Navn'],
  idp_issuer: ['onboard-issuer', 'Udsteder-adresse (OpenID Connect)'],
  idp_client_id: ['onboard-client-id', 'Klient-id'],
  idp_client_secret: ['onboard-secret', 'Klienthemmelighed'],
  login_claim: ['onboard-login-claim', 'Brugernavn i log-in-svaret'],
  admin_username: ['onboard-admin-username', 'Første administrators brugernavn'],
  admin_display_name: ['onboard-admin-name', 'Første administrators navn'],
};

const EMPTY_ONBOARD: OnboardInput = {
  code: '',
  name: '',
  idp_issuer: '',
  idp_client_id: '',
  idp_client_secret: '',
  login_claim: 'preferred_username',
  admin_username: '',
  admin_display_name: '',
};

const HINTS: Partial<Record<keyof OnboardInput, string>> = {
  code: 'Fire cifre, fx 0147',
  idp_issuer: 'Kommunens OpenID Connect-udsteder, fx https://login.kommune.dk',
  idp_client_secret:
    'Gemmes krypteret og vises aldrig igen. Lad feltet stå tomt, hvis serveren har hemmeligheden i kommunens egen miljøvariabel (fx TREKANT_IDP_SECRET_0147)',
  admin_username: 'E-mail/UPN, som kommunens log-in viser, fx navn@kommune.dk',
};

function OnboardForm({ onFinish }: { onFinish: () => void }) {
  const [form, setForm] = useState<OnboardInput>(EMPTY_ONBOARD);
  const [errors, setErrors] = useState<Record<string, string>>({});
  // A taken kommune code (409) is the code field's error.
  const { run, busy, general: failure, setGeneral: setFailure } = useSubmit({
    setErrors,
    fields: (err) => (err instanceof ApiError && err.status === 409 ? { code: err.detail } : fieldErrors(err)),
  });
  const [started, setStarted] = useState<string | null>(null);
  const { job, start, pollError, running } = useJob((j) => {
    if (j.status === 'done') setForm(EMPTY_ONBOARD);
    onFinish();
  });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy || running) return;
    setErrors({});
    setFailure(undefined);
    await run(async () => {
      const first = await call(api.POST('/api/operator/kommuner', { body: form }));
      setStarted(`${form.name.trim()} (${form.code.trim()})`);
      start(first);
    });
  };

  const field = (key: keyof OnboardInput) => {
    const [id, label] = ONBOARD_FIELDS[key];
    return (
      <TextField
        id={id}
        label={label}
        hint={HINTS[key]}
        value={form[key] ?? ''}
        onChange={(v) => {
          setForm((f) => ({ ...f, [key]: v }));
          setErrors((e) => {
            const next = { ...e };
            delete next[key];
            return next;
          });
        }}
        error={errors[key]}
        type={key === 'idp_issuer' ? 'url' : key === 'idp_client_secret' ? 'password' : 'text'}
        autoComplete={key === 'idp_client_secret' ? 'new-password' : undefined}
        width={key === 'code' ? 'input-width-xs' : 'input-width-l'}
      />
    );
  };

  return (
    <section className="admin-section">
      <form onSubmit={submit} noValidate className="admin-form">
        <h2 id="onboard-heading">Opret kommune</h2>
        <p>
          Opretter kommunens database, gemmer dens identitetsudbyder og opretter den første
          administrator, som derefter opretter resten af brugerne.
        </p>
        <ErrorSummary errors={errors} fields={ONBOARD_FIELDS} />
        {failure ? (
          <Alert variant="error" heading="Kommunen blev ikke oprettet">
            <p>{failure}</p>
          </Alert>
        ) : null}
        <fieldset>
          <legend className="h4">Kommunen</legend>
          {field('code')}
          {field('name')}
        </fieldset>
        <fieldset>
          <legend className="h4">Identitetsudbyder</legend>
          {field('idp_issuer')}
          {field('idp_client_id')}
          {field('idp_client_secret')}
          <SelectField
            id="onboard-login-claim"
            label="Brugernavn i log-in-svaret"
            hint="Det felt, udbyderen sender brugerens brugernavn i. Første log-in binder brugeren ud fra det. Ved e-mail kun, hvis udbyderen har bekræftet adressen."
            value={form.login_claim ?? 'preferred_username'}
            onChange={(v) => {
              setForm((f) => ({ ...f, login_claim: v }));
              setErrors(withoutKey('login_claim'));
            }}
            choices={Object.entries(LOGIN_CLAIM_LABELS).map(([value, label]) => ({ value, label }))}
            error={errors.login_claim}
          />
        </fieldset>
        <fieldset>
          <legend className="h4">Første administrator</legend>
          {field('admin_username')}
          {field('admin_display_name')}
        </fieldset>
        <button
          type="submit"
          className={`button button-primary ${busy || running ? 'spinner-active' : ''}`.trim()}
          aria-disabled={busy || running || undefined}
        >
          Opret kommune
        </button>
      </form>
      {job ? (
        <JobProgress job={job} label={`Fremdrift for onboarding af ${started ?? 'kommunen'}`} pollError={pollError} />
      ) : null}
      {job?.status === 'done' ? (
        <Alert variant="success" heading="Kommunen er oprettet">
          <p>{started} er klar. Den første administrator kan nu logge ind.</p>
        </Alert>
      ) : null}
      {job?.status === 'failed' ? (
        <Alert variant="error" heading="Kommunen blev ikke oprettet">
          <p>{job.message}</p>
        </Alert>
      ) : null}
    </section>
  );
}

/* ---------------------------------------------------------------- operator audit */

function DriftLog() {
  const [log, reload] = useApiQuery(['operator', 'audit'], (signal) => call(api.GET('/api/operator/audit', { signal })));

  return (
    <section className="admin-section" aria-busy={log.state === 'loading'}>
      <h2 id="drift-log-heading">Driftens log</h2>
      {log.state === 'loading' ? <Loading text="Henter driftens log …" /> : null}
      {log.state === 'error' ? (
        <Alert
          variant="error"
          heading="Driftens log kunne ikke hentes"
          action={
            <button type="button" className="button button-secondary" onClick={reload}>
              Prøv igen
            </button>
          }
        >
          <p>{log.message}</p>
        </Alert>
      ) : null}
      {log.state === 'ready' && log.data.length === 0 ? (
        <p className="empty-state">Der er ingen hændelser i driftens log endnu.</p>
      ) : null}
      {log.state === 'ready' && log.data.length > 0 ? (
        <div className="table--responsive-scroll" tabIndex={0} role="region" aria-label="Driftens log, tabel">
          <table className="table table--compact audit-table">
            <caption className="sr-only">Driftens log, nyeste først</caption>
            <thead>
              <tr>
                <th scope="col">Tidspunkt</th>
                <th scope="col">Bruger</th>
                <th scope="col">Handling</th>
                <th scope="col">Kommune</th>
                <th scope="col">Detaljer</th>
              </tr>
            </thead>
            <tbody>
              {log.data.map((a) => (
                <tr key={a.id}>
                  <td>
                    <time dateTime={a.at}>{formatDateTime(a.at)}</time>
                  </td>
                  <td className="break">
                    {a.actor_name ?? a.actor}
                    {a.actor_name ? <span className="cell-note">{a.actor}</span> : null}
                  </td>
                  <td>{a.action_label}</td>
                  <td>{a.kommune_name ?? a.kommune_code ?? '–'}</td>
                  <td>
                    <AuditDetailLines lines={a.details} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

/* ---------------------------------------------------------------- console */

/** The operator console (realm "operator"): kommuner, onboarding, migration, the log. */
export function Drift() {
  const [kommuner, reload, update] = useApiQuery(['operator', 'kommuner'], (signal) => call(api.GET('/api/operator/kommuner', { signal })));
  const [notice, setNotice] = useState<string | undefined>();

  // A change fetches the kommuner and the log again.
  const refresh = useCallback(() => {
    reload();
    invalidate(['operator', 'audit']);
  }, [reload]);

  return (
    <>
      <PageHeading>Kommuner</PageHeading>
      <section aria-busy={kommuner.state === 'loading'} className="admin-section">
        {notice ? <Alert variant="success" heading={notice} /> : null}
        {kommuner.state === 'loading' ? <Loading text="Henter kommuner …" /> : null}
        {kommuner.state === 'error' ? (
          <Alert
            variant="error"
            heading="Kommunerne kunne ikke hentes"
            action={
              <button type="button" className="button button-secondary" onClick={reload}>
                Prøv igen
              </button>
            }
          >
            <p>{kommuner.message}</p>
          </Alert>
        ) : null}
        {kommuner.state === 'ready' ? (
          <Kommuner
            kommuner={kommuner.data}
            reload={refresh}
            onChanged={(row, message) => {
              update((list) => list.map((k) => (k.code === row.code ? row : k)));
              setNotice(message);
              invalidate(['operator', 'audit']);
            }}
          />
        ) : null}
      </section>
      {kommuner.state === 'ready' ? <LogInd kommuner={kommuner.data} /> : null}
      {kommuner.state === 'ready' ? <NationaleTjenester kommuner={kommuner.data} /> : null}
      <OnboardForm onFinish={refresh} />
      <Migrate onFinish={refresh} />
      <DriftLog />
    </>
  );
}
