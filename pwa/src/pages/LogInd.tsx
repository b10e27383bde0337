import { useState, type FormEvent } from 'react';
import { api, call, type KommuneRow } from '../api/client';
import type { components } from '../api/schema';
import { Alert } from '../components/Alert';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { Checkbox, ErrorSummary, RadioGroup, SelectField, TextArea, TextField, withoutKey } from '../components/Form';
import { Loading } from '../components/Loading';
import { formatDate, formatDateTime } from '../format';
import { useSubmit } from '../mutation';
import { invalidate, useApiQuery } from '../useApi';

/* The operator console's "Log ind" (issue 20 item 5): per kommune, how its staff log in —
   its own OpenID Connect provider or Fælleskommunal Adgangsstyring (KOMBIT's Context
   Handler) — with the settings of each. The provider's client secret is never shown: only
   whether Trekant holds one. Saving asks first, and the API audits the change.
   The certificate that signs the Context Handler's metadata is optional: the panel shows the
   held one's subject and expiry (never the PEM), takes a new one, or removes it; when the
   last fetch of the metadata failed (e.g. not signed by that certificate), the reason shows
   here as on "Nationale tjenester". */

type LoginRead = components['schemas']['LoginSettingRead'];
type LoginWrite = components['schemas']['LoginSetting'];

const KINDS = {
  oidc: 'Kommunens egen OpenID Connect-udbyder',
  'context-handler': 'Fælleskommunal Adgangsstyring (Context Handler)',
} as const;

const NSIS = [
  { value: 'Low', label: 'Lav' },
  { value: 'Substantial', label: 'Betydelig' },
  { value: 'High', label: 'Høj' },
];

const FIELDS = {
  login_kind: ['login-kind', 'Kommunens medarbejdere logger ind via'],
  ch_metadata_url: ['login-metadata', 'Context Handlerens metadata-adresse'],
  ch_entity_id: ['login-entity', 'Context Handlerens entity id'],
  ch_cvr: ['login-cvr', 'Kommunens CVR-nummer'],
  ch_nsis_level: ['login-nsis', 'Laveste sikringsniveau (NSIS)'],
  ch_metadata_cert: ['login-cert', 'Certifikat, der signerer metadata (PEM)'],
} satisfies Record<string, [string, string]>;

type Form = {
  login_kind: LoginWrite['login_kind'];
  ch_metadata_url: string;
  ch_entity_id: string;
  ch_cvr: string;
  ch_nsis_level: NonNullable<LoginWrite['ch_nsis_level']>;
  // A new certificate (PEM); empty keeps the held one unless `remove_cert`.
  ch_metadata_cert: string;
  remove_cert: boolean;
};

function formFor(s: LoginRead): Form {
  return {
    login_kind: s.login_kind,
    ch_metadata_url: s.ch_metadata_url ?? '',
    ch_entity_id: s.ch_entity_id ?? '',
    ch_cvr: s.ch_cvr ?? '',
    ch_nsis_level: s.ch_nsis_level,
    ch_metadata_cert: '',
    remove_cert: false,
  };
}

function expired(iso: string): boolean {
  return new Date(iso).getTime() < Date.now();
}

/** The held metadata certificate: its subject and expiry, never the PEM. */
function HeldCert({ s }: { s: LoginRead }) {
  if (!s.ch_metadata_cert_subject || !s.ch_metadata_cert_expires)
    return <>Ikke angivet (metadata stoles på ud fra https-adressen)</>;
  return (
    <>
      <span className="break">{s.ch_metadata_cert_subject}</span>
      <br />
      {expired(s.ch_metadata_cert_expires) ? <span className="badge badge-error">Udløbet</span> : null} Udløber{' '}
      <time dateTime={s.ch_metadata_cert_expires}>{formatDate(s.ch_metadata_cert_expires)}</time>
    </>
  );
}

/** The last fetch of the Context Handler's metadata failed: the reason, until one works. */
function MetadataHealth({ s }: { s: LoginRead }) {
  if (s.login_kind !== 'context-handler' || !s.ch_metadata_error) return null;
  return (
    <Alert variant="error" role="note" heading="Context Handlerens metadata kan ikke bruges – medarbejderne kan ikke logge ind">
      <p>{s.ch_metadata_error}</p>
      {s.ch_metadata_error_at ? (
        <p>
          Seneste forsøg <time dateTime={s.ch_metadata_error_at}>{formatDateTime(s.ch_metadata_error_at)}</time>. Beskeden
          forsvinder, når metadata igen kan hentes og kontrolleres.
        </p>
      ) : null}
    </Alert>
  );
}

function nsisLabel(level: string): string {
  return NSIS.find((n) => n.value === level)?.label ?? level;
}

function Current({ s }: { s: LoginRead }) {
  return (
    <dl className="login-current">
      <dt>Logger ind via</dt>
      <dd>{KINDS[s.login_kind]}</dd>
      <dt>Egen udbyder (udsteder)</dt>
      <dd className="break">{s.idp_issuer ?? 'Ikke angivet'}</dd>
      <dt>Klient-id</dt>
      <dd className="break">{s.idp_client_id ?? 'Ikke angivet'}</dd>
      <dt>Klienthemmelighed</dt>
      <dd>{s.idp_client_secret_set ? 'Angivet (gemt krypteret, vises ikke)' : 'Mangler'}</dd>
      {s.login_kind === 'context-handler' ? (
        <>
          <dt>Context Handlerens metadata</dt>
          <dd className="break">{s.ch_metadata_url}</dd>
          <dt>Entity id</dt>
          <dd className="break">{s.ch_entity_id}</dd>
          <dt>CVR-nummer</dt>
          <dd>{s.ch_cvr}</dd>
          <dt>Laveste sikringsniveau</dt>
          <dd>{nsisLabel(s.ch_nsis_level)}</dd>
          <dt>Certifikat, der signerer metadata</dt>
          <dd>
            <HeldCert s={s} />
          </dd>
        </>
      ) : null}
      <dt>Trekants metadata til KOMBIT</dt>
      <dd className="break">{s.sp_metadata_url}</dd>
    </dl>
  );
}

function LoginForm({
  code,
  name,
  setting,
  onDone,
}: {
  code: string;
  name: string;
  setting: LoginRead;
  onDone: (s: LoginRead) => void;
}) {
  const [form, setForm] = useState<Form>(() => formFor(setting));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [confirming, setConfirming] = useState(false);
  const { run, busy, general, setGeneral } = useSubmit({ setErrors });

  const set = (key: Exclude<keyof Form, 'remove_cert'>) => (v: string) => {
    setForm((f) => ({ ...f, [key]: v }));
    setErrors(withoutKey(key));
  };

  const ask = (event: FormEvent) => {
    event.preventDefault();
    setErrors({});
    setGeneral(undefined);
    setConfirming(true);
  };

  const save = async () => {
    setConfirming(false);
    const { remove_cert, ch_metadata_cert, ...rest } = form;
    const body: LoginWrite =
      form.login_kind === 'context-handler'
        ? {
            ...rest,
            ch_metadata_cert: remove_cert ? null : ch_metadata_cert.trim() || setting.ch_metadata_cert || null,
          }
        : { login_kind: 'oidc', ch_nsis_level: form.ch_nsis_level };
    await run(async () => {
      const saved = await call(
        api.POST('/api/operator/kommuner/{code}/log-ind', { params: { path: { code } }, body }),
      );
      onDone(saved);
    });
  };

  const ch = form.login_kind === 'context-handler';
  const held = Boolean(setting.ch_metadata_cert_subject);
  const certChange = !ch
    ? undefined
    : form.remove_cert
      ? 'Certifikatet, der signerer metadata, fjernes: metadata stoles herefter på ud fra https-adressen.'
      : form.ch_metadata_cert.trim()
        ? 'Context Handlerens metadata skal herefter være signeret med det nye certifikat.'
        : undefined;
  return (
    <form onSubmit={ask} noValidate className="admin-form login-form" aria-label={`Skift log ind for ${name}`}>
      <ErrorSummary errors={errors} fields={FIELDS} general={general} heading="Log ind blev ikke ændret" />
      <RadioGroup
        id={FIELDS.login_kind[0]}
        legend={FIELDS.login_kind[1]}
        value={form.login_kind}
        onChange={(v) => set('login_kind')(v)}
        choices={Object.entries(KINDS).map(([value, label]) => ({ value, label }))}
        error={errors.login_kind}
      />
      {ch ? (
        <>
          <TextField
            id={FIELDS.ch_metadata_url[0]}
            label={FIELDS.ch_metadata_url[1]}
            hint="En https-adresse fra KOMBIT"
            type="url"
            width="input-width-xl"
            value={form.ch_metadata_url}
            onChange={set('ch_metadata_url')}
            error={errors.ch_metadata_url}
          />
          <TextField
            id={FIELDS.ch_entity_id[0]}
            label={FIELDS.ch_entity_id[1]}
            hint="Som det står i metadata"
            width="input-width-xl"
            value={form.ch_entity_id}
            onChange={set('ch_entity_id')}
            error={errors.ch_entity_id}
          />
          <TextField
            id={FIELDS.ch_cvr[0]}
            label={FIELDS.ch_cvr[1]}
            hint="Otte cifre; rettighederne skal gælde dette CVR-nummer"
            inputMode="numeric"
            width="input-width-s"
            value={form.ch_cvr}
            onChange={set('ch_cvr')}
            error={errors.ch_cvr}
          />
          <SelectField
            id={FIELDS.ch_nsis_level[0]}
            label={FIELDS.ch_nsis_level[1]}
            value={form.ch_nsis_level}
            onChange={set('ch_nsis_level')}
            choices={NSIS}
          />
          {held ? (
            <div className="form-group">
              <p className="form-label login-cert-label">
                Nuværende certifikat, der signerer metadata
              </p>
              <p className="login-cert-held">
                <HeldCert s={setting} />
              </p>
              <Checkbox
                id="login-cert-remove"
                label="Fjern certifikatet"
                hint="Metadata stoles så på ud fra https-adressen alene"
                checked={form.remove_cert}
                onChange={(checked) => {
                  setForm((f) => ({ ...f, remove_cert: checked, ch_metadata_cert: checked ? '' : f.ch_metadata_cert }));
                  setErrors(withoutKey('ch_metadata_cert'));
                }}
              />
            </div>
          ) : null}
          {form.remove_cert ? null : (
            <TextArea
              id={FIELDS.ch_metadata_cert[0]}
              label={FIELDS.ch_metadata_cert[1]}
              hint={
                held
                  ? 'Indsæt et nyt certifikat fra KOMBIT for at skifte det; lad feltet stå tomt for at beholde det nuværende.'
                  : 'Valgfrit. KOMBITs certifikat (-----BEGIN CERTIFICATE-----); er det angivet, skal Context Handlerens metadata være signeret med det.'
              }
              rows={6}
              value={form.ch_metadata_cert}
              onChange={set('ch_metadata_cert')}
              error={errors.ch_metadata_cert}
            />
          )}
        </>
      ) : (
        <p className="form-hint">
          Kommunen logger ind via udbyderen ovenfor (udsteder og klient-id fra oprettelsen). Udbyderen skiftes med{' '}
          <code>trekant tenant set-idp</code>; klienthemmeligheden vises aldrig.
        </p>
      )}
      <div className="button-row">
        <button type="submit" className={`button button-primary ${busy ? 'spinner-active' : ''}`.trim()} aria-disabled={busy || undefined}>
          Gem log ind
        </button>
      </div>
      {confirming ? (
        <ConfirmDialog
          title={`Skift log ind for ${name}?`}
          confirmLabel="Gem log ind"
          onConfirm={() => void save()}
          onCancel={() => setConfirming(false)}
        >
          <p>
            Kommunens medarbejdere logger herefter ind via: <strong>{KINDS[form.login_kind]}</strong>. Medarbejdere, der er
            logget ind, beholder deres session. Ændringen skrives i driftens log.
          </p>
          {certChange ? <p>{certChange}</p> : null}
        </ConfirmDialog>
      ) : null}
    </form>
  );
}

function Panel({ code, name }: { code: string; name: string }) {
  const [setting, reload, update] = useApiQuery(['operator', 'log-ind', code], (signal) =>
    call(api.GET('/api/operator/kommuner/{code}/log-ind', { params: { path: { code } }, signal })),
  );
  const [notice, setNotice] = useState<string | undefined>();
  const [editing, setEditing] = useState(false);

  if (setting.state === 'loading') return <Loading text="Henter log ind …" />;
  if (setting.state === 'error')
    return (
      <Alert
        variant="error"
        heading="Kommunens log ind kunne ikke hentes"
        action={
          <button type="button" className="button button-secondary" onClick={reload}>
            Prøv igen
          </button>
        }
      >
        <p>{setting.message}</p>
      </Alert>
    );
  return (
    <>
      {notice ? <Alert variant="success" heading={notice} /> : null}
      <MetadataHealth s={setting.data} />
      <Current s={setting.data} />
      {editing ? (
        <LoginForm
          code={code}
          name={name}
          setting={setting.data}
          onDone={(saved) => {
            update(() => saved);
            setEditing(false);
            setNotice(`Log ind er gemt for ${name}: ${KINDS[saved.login_kind]}`);
            invalidate(['operator', 'audit']);
          }}
        />
      ) : (
        <button
          type="button"
          className="button button-secondary"
          onClick={() => {
            setNotice(undefined);
            setEditing(true);
          }}
        >
          Skift log ind
        </button>
      )}
    </>
  );
}

/** "Log ind" on the operator console, one kommune at a time. */
export function LogInd({ kommuner }: { kommuner: KommuneRow[] }) {
  const [code, setCode] = useState<string>(() => kommuner[0]?.code ?? '');
  const chosen = kommuner.find((k) => k.code === code);
  return (
    <section className="admin-section" aria-labelledby="login-heading">
      <h2 id="login-heading">Log ind</h2>
      <p>
        Hvordan kommunens medarbejdere logger ind: via kommunens egen OpenID Connect-udbyder eller via Fælleskommunal
        Adgangsstyring, hvor rollerne kommer fra KOMBITs administrationsmodul.
      </p>
      {kommuner.length === 0 ? (
        <p className="empty-state">Der er ingen kommuner endnu.</p>
      ) : (
        <SelectField
          id="login-kommune"
          label="Kommune"
          value={code}
          onChange={setCode}
          choices={kommuner.map((k) => ({ value: k.code, label: `${k.name} (${k.code})` }))}
        />
      )}
      {chosen ? <Panel key={chosen.code} code={chosen.code} name={chosen.name} /> : null}
    </section>
  );
}
