import { useState, type FormEvent } from 'react';
import { api, call, messageOf, type KommuneRow, type ServiceRead, type ServiceWrite } from '../api/client';
import type { components } from '../api/schema';
import { Alert } from '../components/Alert';
import { Checkbox, ErrorSummary, SelectField, TextArea, TextField, withoutKey } from '../components/Form';
import { Loading } from '../components/Loading';
import { formatDate, formatDateTime, plural } from '../format';
import { useSubmit } from '../mutation';
import { invalidate, useApiQuery } from '../useApi';

/* The operator console's "Nationale tjenester" (issue 20 item 5): per kommune, each
   Serviceplatform service's settings, certificate (subject and expiry, never the private
   key) and health (last call, last error). */

const FIELDS = {
  endpoint: ['service-endpoint', 'Tjenestens adresse (endpoint)'],
  service_agreement_uuid: ['service-agreement', 'Serviceaftalens UUID'],
  user_system_uuid: ['service-user-system', 'Brugersystemets UUID'],
  cvr: ['service-cvr', 'Kommunens CVR-nummer'],
  auth: ['service-auth', 'Godkendelse'],
  cert_pem: ['service-cert', 'Systemcertifikat (PEM)'],
  private_key_pem: ['service-key', 'Certifikatets private nøgle (PEM)'],
} satisfies Record<string, [string, string]>;
type FieldKey = keyof typeof FIELDS;

const HEALTH = {
  ok: ['OK', 'badge-success'],
  fejl: ['Fejl', 'badge-error'],
  ukendt: ['Ingen kald endnu', 'badge-info'],
  slaaet_fra: ['Slået fra', 'badge-warning'],
} satisfies Record<string, [string, string]>;

function CertificateCell({ s }: { s: ServiceRead }) {
  if (!s.cert_not_after) return <>Intet certifikat</>;
  const days = s.cert_days_left ?? 0;
  const badge =
    s.cert_state === 'udloebet' ? (
      <span className="badge badge-error">Udløbet</span>
    ) : s.cert_state === 'udloeber_snart' ? (
      <span className="badge badge-error">Udløber om {plural(days, 'dag', 'dage')}</span>
    ) : (
      <span className="badge badge-success">Gyldigt</span>
    );
  return (
    <>
      {badge}
      <span className="cell-note">Udløber {formatDate(s.cert_not_after)}</span>
      <span className="cell-note break">{s.cert_subject}</span>
      <span className="cell-note">Privat nøgle: {s.key_set ? 'gemt krypteret' : 'mangler'}</span>
    </>
  );
}

type Form = Required<ServiceWrite>;
type ConnectionTest = components['schemas']['ConnectionTest'];

/** "Test forbindelsen": one harmless real call with the kommune's settings; the answer in
    Danish under the table (a live region, so a screen reader hears it). */
function TestButton({ code, service, onTested }: { code: string; service: ServiceRead; onTested: (t: ConnectionTest) => void }) {
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      className={`button button-tertiary button-small ${busy ? 'spinner-active' : ''}`.trim()}
      aria-disabled={busy || undefined}
      aria-label={`Test forbindelsen: ${service.label}`}
      onClick={async () => {
        if (busy) return;
        setBusy(true);
        try {
          const result = await call(
            api.POST('/api/operator/kommuner/{code}/tjenester/{kind}/test', {
              params: { path: { code, kind: service.kind } },
            }),
          );
          onTested(result);
        } catch (err) {
          onTested({
            kind: service.kind,
            label: service.label,
            ok: false,
            message: messageOf(err),
            at: new Date().toISOString(),
            service,
          });
        } finally {
          setBusy(false);
        }
      }}
    >
      Test forbindelsen
    </button>
  );
}

function formFor(s: ServiceRead): Form {
  return {
    endpoint: s.endpoint ?? '',
    service_agreement_uuid: s.service_agreement_uuid ?? '',
    user_system_uuid: s.user_system_uuid ?? '',
    cvr: s.cvr ?? '',
    enabled: s.configured ? (s.enabled ?? true) : true,
    cert_pem: '',
    private_key_pem: '',
    auth: s.auth ?? 'tls',
  };
}

function ServiceForm({
  code,
  service,
  onDone,
  onCancel,
}: {
  code: string;
  service: ServiceRead;
  onDone: (s: ServiceRead) => void;
  onCancel: () => void;
}) {
  const [form, setForm] = useState<Form>(() => formFor(service));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const { run, busy, general, setGeneral } = useSubmit({ setErrors });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setErrors({});
    setGeneral(undefined);
    await run(async () => {
      const saved = await call(
        api.PUT('/api/operator/kommuner/{code}/tjenester/{kind}', {
          params: { path: { code, kind: service.kind } },
          body: form,
        }),
      );
      onDone(saved);
    });
  };

  const set = (key: keyof Form) => (v: string) => {
    setForm((f) => ({ ...f, [key]: v }));
    setErrors(withoutKey(key));
  };

  const text = (key: FieldKey, hint?: string) => (
    <TextField
      id={FIELDS[key][0]}
      label={FIELDS[key][1]}
      hint={hint}
      value={String(form[key])}
      onChange={set(key)}
      error={errors[key]}
      type={key === 'endpoint' ? 'url' : 'text'}
      width={key === 'cvr' ? 'input-width-s' : 'input-width-xl'}
    />
  );

  return (
    <form onSubmit={submit} noValidate className="admin-form service-form" aria-labelledby="service-form-heading">
      <h3 id="service-form-heading">{service.label}</h3>
      <ErrorSummary errors={errors} fields={FIELDS} general={general} heading="Tjenesten blev ikke gemt" />
      {text('endpoint', 'En https-adresse på Serviceplatformen')}
      {text('service_agreement_uuid', 'Fra serviceaftalen i KOMBITs administrationsmodul')}
      {text('user_system_uuid', 'Trekants anvendersystem hos kommunen')}
      {text('cvr', 'Otte cifre')}
      <SelectField
        id={FIELDS.auth[0]}
        label={FIELDS.auth[1]}
        hint="Token bruges af tjenesternes nyere versioner; certifikatet signerer anmodningen om det."
        value={form.auth}
        onChange={set('auth')}
        error={errors.auth}
        choices={[
          { value: 'tls', label: 'Systemcertifikat i forbindelsen (TLS)' },
          { value: 'token', label: 'Token fra Serviceplatformens STS' },
        ]}
      />
      <TextArea
        id={FIELDS.cert_pem[0]}
        label={FIELDS.cert_pem[1]}
        hint={
          service.configured
            ? 'Lad begge felter stå tomme for at beholde det nuværende certifikat.'
            : 'Begynder med -----BEGIN CERTIFICATE-----'
        }
        value={form.cert_pem}
        onChange={set('cert_pem')}
        error={errors.cert_pem}
        rows={4}
      />
      <TextArea
        id={FIELDS.private_key_pem[0]}
        label={FIELDS.private_key_pem[1]}
        hint="Gemmes krypteret og kan ikke vises igen, heller ikke for driften."
        value={form.private_key_pem}
        onChange={set('private_key_pem')}
        error={errors.private_key_pem}
        rows={4}
      />
      <Checkbox
        id="service-enabled"
        label="Tjenesten er slået til"
        checked={form.enabled}
        onChange={(v) => setForm((f) => ({ ...f, enabled: v }))}
      />
      <div className="button-row">
        <button type="submit" className={`button button-primary ${busy ? 'spinner-active' : ''}`.trim()} aria-disabled={busy || undefined}>
          Gem tjenesten
        </button>
        <button type="button" className="button button-secondary" onClick={onCancel}>
          Annullér
        </button>
      </div>
    </form>
  );
}

function Services({ code, name }: { code: string; name: string }) {
  const [services, reload, update] = useApiQuery(['operator', 'tjenester', code], (signal) =>
    call(api.GET('/api/operator/kommuner/{code}/tjenester', { params: { path: { code } }, signal })),
  );
  const [editing, setEditing] = useState<ServiceRead | null>(null);
  const [notice, setNotice] = useState<string | undefined>();
  const [tested, setTested] = useState<ConnectionTest | null>(null);

  if (services.state === 'loading') return <Loading text="Henter tjenester …" />;
  if (services.state === 'error')
    return (
      <Alert
        variant="error"
        heading="Tjenesterne kunne ikke hentes"
        action={
          <button type="button" className="button button-secondary" onClick={reload}>
            Prøv igen
          </button>
        }
      >
        <p>{services.message}</p>
      </Alert>
    );
  return (
    <>
      {notice ? <Alert variant="success" heading={notice} /> : null}
      <div className="table--responsive-scroll" tabIndex={0} role="region" aria-label={`Nationale tjenester for ${name}, tabel`}>
        <table className="table table--compact service-table">
          <caption>Nationale tjenester for {name}</caption>
          <thead>
            <tr>
              <th scope="col">Tjeneste</th>
              <th scope="col">Certifikat</th>
              <th scope="col">Helbred</th>
              <th scope="col">Seneste fejl</th>
              <th scope="col">
                <span className="sr-only">Handlinger</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {services.data.map((s) => {
              const [label, css] = HEALTH[(s.health ?? 'ukendt') as keyof typeof HEALTH] ?? HEALTH.ukendt;
              return (
                <tr key={s.kind}>
                  <th scope="row">
                    {s.label}
                    {s.configured ? (
                      <>
                        <span className="cell-note break">{s.endpoint}</span>
                        <span className="cell-note">CVR {s.cvr}</span>
                      </>
                    ) : (
                      <span className="cell-note">Ikke sat op</span>
                    )}
                  </th>
                  <td>{s.configured ? <CertificateCell s={s} /> : '–'}</td>
                  <td>
                    {s.configured || s.health === 'fejl' ? <span className={`badge ${css}`}>{label}</span> : '–'}
                    {s.last_call_at ? (
                      <span className="cell-note">
                        Seneste kald <time dateTime={s.last_call_at}>{formatDateTime(s.last_call_at)}</time>
                      </span>
                    ) : null}
                  </td>
                  <td className="break">
                    {s.last_error && s.last_error_at ? (
                      <>
                        {s.last_error}
                        <span className="cell-note">
                          <time dateTime={s.last_error_at}>{formatDateTime(s.last_error_at)}</time>
                        </span>
                      </>
                    ) : (
                      'Ingen'
                    )}
                  </td>
                  <td>
                    <div className="service-actions">
                    {s.configured && s.kind !== 'contexthandler' ? (
                      <TestButton
                        code={code}
                        service={s}
                        onTested={(t) => {
                          setNotice(undefined);
                          setTested(t);
                          update((list) => list.map((x) => (x.kind === t.kind ? t.service : x)));
                          invalidate(['operator', 'audit']);
                        }}
                      />
                    ) : null}
                    <button
                      type="button"
                      className="button button-secondary button-small"
                      aria-label={`${s.configured ? 'Ret' : 'Sæt op'}: ${s.label}`}
                      onClick={() => {
                        setNotice(undefined);
                        setEditing(s);
                      }}
                    >
                      {s.configured ? 'Ret' : 'Sæt op'}
                    </button>
                    </div>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <div aria-live="polite">
        {tested ? (
          <Alert
            variant={tested.ok ? 'success' : 'error'}
            heading={tested.ok ? `Forbindelsen virker: ${tested.label}` : `Forbindelsen fejlede: ${tested.label}`}
          >
            <p>{tested.message}</p>
          </Alert>
        ) : null}
      </div>
      <button type="button" className="button button-tertiary" onClick={reload}>
        Opdatér helbred
      </button>
      {editing ? (
        <ServiceForm
          key={editing.kind}
          code={code}
          service={editing}
          onCancel={() => setEditing(null)}
          onDone={(saved) => {
            setEditing(null);
            update((list) => list.map((s) => (s.kind === saved.kind ? saved : s)));
            setNotice(`${saved.label} er gemt for ${name}`);
            invalidate(['operator', 'audit']);
          }}
        />
      ) : null}
    </>
  );
}

/** "Nationale tjenester" on the operator console, one kommune at a time. */
export function NationaleTjenester({ kommuner }: { kommuner: KommuneRow[] }) {
  const [code, setCode] = useState<string>(() => kommuner[0]?.code ?? '');
  const chosen = kommuner.find((k) => k.code === code);
  return (
    <section className="admin-section" aria-labelledby="services-heading">
      <h2 id="services-heading">Nationale tjenester</h2>
      <p>
        Serviceaftaler, certifikater og adresser på Serviceplatformen pr. kommune. Private nøgler gemmes krypteret og
        vises aldrig; driften ser ingen sagsdata.
      </p>
      {kommuners(kommuner, code, setCode)}
      {chosen ? <Services key={chosen.code} code={chosen.code} name={chosen.name} /> : null}
    </section>
  );
}

function kommuners(kommuner: KommuneRow[], code: string, setCode: (c: string) => void) {
  if (kommuner.length === 0) return <p className="empty-state">Der er ingen kommuner endnu.</p>;
  return (
    <SelectField
      id="services-kommune"
      label="Kommune"
      value={code}
      onChange={setCode}
      choices={kommuner.map((k) => ({ value: k.code, label: `${k.name} (${k.code})` }))}
    />
  );
}
