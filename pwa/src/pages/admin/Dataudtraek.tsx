// Administration › Dataudtræk: the daily raw data for the kommune's own data warehouse — the
// nightly incremental extracts (Parquet, one file per table) with download, "Dan udtræk nu",
// and the machine keys the warehouse fetches them with (GET/POST /api/admin/extracts, …/keys,
// …/keys/{id}/revoke; the warehouse: GET /api/udtraek with Authorization: Bearer).
import { useState, type FormEvent } from 'react';
import { api, call } from '../../api/client';
import type { components } from '../../api/schema';
import { Alert } from '../../components/Alert';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { DialogButtons, FormDialog } from '../../components/FormDialog';
import { ErrorSummary, TextField } from '../../components/Form';
import { Loading } from '../../components/Loading';
import { formatDateTime, formatNumber, plural } from '../../format';
import { useSubmit } from '../../mutation';
import { useApiQuery } from '../../useApi';

type Extract = components['schemas']['ExtractRead'];
type Key = components['schemas']['KeyRead'];
type Created = components['schemas']['KeyCreated'];

const TABLES: Record<components['schemas']['ExtractFile']['table'], string> = {
  sager: 'Sager',
  indsatser: 'Indsatser',
  afgoerelser: 'Afgørelser',
  frister: 'Frister',
  bevillinger: 'Bevillinger',
  betalinger: 'Betalinger',
};
const KEY = ['admin', 'extracts'];

export function size(bytes: number): string {
  if (bytes < 1024) return `${formatNumber(bytes)} B`;
  if (bytes < 1024 * 1024) return `${formatNumber(Math.round(bytes / 102.4) / 10)} kB`;
  return `${formatNumber(Math.round(bytes / (1024 * 102.4)) / 10)} MB`;
}

export function Dataudtraek() {
  const [requested, setRequested] = useState<string | null>(null);
  // After "Dan udtræk nu", ask again every other second until an extract newer than the
  // request stands finished in the list.
  const [extracts, reload] = useApiQuery(KEY, (signal) => call(api.GET('/api/admin/extracts', { signal })), {
    refetchInterval: (data) =>
      requested && !data.items.some((e) => e.status === 'faerdig' && (e.finished_at ?? '') >= requested) ? 2000 : false,
  });
  const { run, busy, general } = useSubmit({ fields: () => ({}), invalidates: [KEY] });
  const request = async () => {
    const at = new Date().toISOString();
    const done = await run(() => call(api.POST('/api/admin/extracts')).then(() => true));
    if (done) setRequested(at);
  };

  let body;
  if (extracts.state === 'loading') body = <Loading text="Henter udtræk …" />;
  else if (extracts.state === 'error')
    body = (
      <Alert
        variant="error"
        heading="Udtrækkene kunne ikke hentes"
        action={
          <button type="button" className="button button-secondary" onClick={reload}>
            Prøv igen
          </button>
        }
      >
        <p>{extracts.message}</p>
      </Alert>
    );
  else if (extracts.data.items.length === 0) body = <p className="empty-state">Der er endnu ikke dannet et udtræk.</p>;
  else body = <ExtractTable items={extracts.data.items} />;

  return (
    <>
      <section aria-labelledby="extract-heading" className="admin-section">
        <div className="admin-heading-row">
          <h2 id="extract-heading">Daglige rådata</h2>
          <button
            type="button"
            className={`button button-secondary ${busy ? 'spinner-active' : ''}`.trim()}
            aria-disabled={busy || undefined}
            onClick={() => void request()}
          >
            Dan udtræk nu
          </button>
        </div>
        <p>
          Hver nat dannes et udtræk af sager, indsatser, afgørelser, frister, bevillinger og betalinger, der er
          ændret siden det forrige – uden navne, CPR-numre og fritekst – som Parquet-filer til kommunens datavarehus.
          Barnet står med et fast id, der ikke kan føres tilbage til CPR-nummeret.
        </p>
        {requested ? (
          <Alert variant="info" role="status" heading="Udtrækket er sat i gang">
            <p>Det står i listen, når det er færdigt.</p>
          </Alert>
        ) : null}
        {general ? (
          <Alert variant="error" heading="Udtrækket kunne ikke sættes i gang">
            <p>{general}</p>
          </Alert>
        ) : null}
        {body}
      </section>
      <MachineKeys />
    </>
  );
}

function ExtractTable({ items }: { items: Extract[] }) {
  return (
    <table className="table table--compact table-md-responsive-headers admin-table extract-table">
      <caption className="sr-only">Udtræk</caption>
      <thead>
        <tr>
          <th scope="col">Dannet</th>
          <th scope="col">Omfang</th>
          <th scope="col">Rækker</th>
          <th scope="col">Størrelse</th>
          <th scope="col">Filer</th>
        </tr>
      </thead>
      <tbody>
        {items.map((e) => (
          <tr key={e.id}>
            <th scope="row" data-title="Dannet">
              <time dateTime={e.started_at}>{formatDateTime(e.started_at)}</time>
              {e.seconds !== null && e.seconds !== undefined ? (
                <span className="form-hint">
                  {e.seconds < 1 ? ' på under 1 sek.' : ` på ${formatNumber(Math.round(e.seconds * 10) / 10)} sek.`}
                </span>
              ) : null}
            </th>
            <td data-title="Omfang">
              {e.full || !e.since ? 'Alle data' : `Ændringer siden ${formatDateTime(e.since)}`}
            </td>
            <td data-title="Rækker">{formatNumber(e.rows)}</td>
            <td data-title="Størrelse">{size(e.bytes)}</td>
            <td data-title="Filer">
              {e.status === 'faerdig' && e.files.length === 0 ? (
                'Filerne er slettet efter 30 dage'
              ) : e.status === 'faerdig' ? (
                <ul className="nobullet-list extract-files">
                  {e.files.map((f) => (
                    <li key={f.table}>
                      <a href={`/api/admin/extracts/${e.id}/${f.table}`} download>
                        {TABLES[f.table]}
                        <span className="sr-only"> fra {formatDateTime(e.started_at)}</span>
                      </a>{' '}
                      <span className="extract-count">({plural(f.rows, 'række', 'rækker')})</span>
                    </li>
                  ))}
                </ul>
              ) : e.status === 'fejlet' ? (
                'Fejlede'
              ) : (
                'Dannes …'
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function MachineKeys() {
  const [keys] = useApiQuery([...KEY, 'keys'], (signal) => call(api.GET('/api/admin/extracts/keys', { signal })));
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<Created | null>(null);
  const [revoking, setRevoking] = useState<Key | null>(null);
  const revoke = useSubmit({ fields: () => ({}), invalidates: [KEY] });

  return (
    <section aria-labelledby="keys-heading" className="admin-section">
      <div className="admin-heading-row">
        <h2 id="keys-heading">Maskinnøgler til datavarehuset</h2>
        <button
          type="button"
          className="button button-secondary"
          onClick={() => {
            setCreated(null);
            setCreating(true);
          }}
        >
          Opret maskinnøgle
        </button>
      </div>
      <p>
        Datavarehuset henter udtrækkene selv med en maskinnøgle: <code>GET /api/udtraek</code> giver listen, og hver fil
        hentes fra den adresse, listen viser, med nøglen som <code>Authorization: Bearer</code>.
      </p>
      {created ? (
        <Alert variant="success" heading={`Maskinnøglen "${created.name}" er oprettet`}>
          <p>Kopiér nøglen nu. Den vises kun denne ene gang:</p>
          <p>
            <code className="machine-key">{created.token}</code>
          </p>
        </Alert>
      ) : null}
      {keys.state === 'loading' ? <Loading text="Henter maskinnøgler …" /> : null}
      {keys.state === 'error' ? (
        <Alert variant="error" heading="Maskinnøglerne kunne ikke hentes">
          <p>{keys.message}</p>
        </Alert>
      ) : null}
      {keys.state === 'ready' && keys.data.items.length === 0 ? <p className="empty-state">Der er ingen maskinnøgler.</p> : null}
      {keys.state === 'ready' && keys.data.items.length > 0 ? (
        <table className="table table--compact table-md-responsive-headers admin-table">
          <caption className="sr-only">Maskinnøgler</caption>
          <thead>
            <tr>
              <th scope="col">Navn</th>
              <th scope="col">Oprettet</th>
              <th scope="col">Senest brugt</th>
              <th scope="col">
                <span className="sr-only">Handlinger</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {keys.data.items.map((k) => (
              <tr key={k.id}>
                <th scope="row" data-title="Navn">
                  {k.name}
                </th>
                <td data-title="Oprettet">
                  {formatDateTime(k.created_at)} af {k.created_by}
                </td>
                <td data-title="Senest brugt">{k.last_used_at ? formatDateTime(k.last_used_at) : 'Aldrig'}</td>
                <td data-title="Handlinger">
                  {k.revoked_at ? (
                    `Spærret ${formatDateTime(k.revoked_at)}`
                  ) : (
                    <button type="button" className="button button-secondary" onClick={() => setRevoking(k)}>
                      Spær<span className="sr-only"> nøglen {k.name}</span>
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {creating ? (
        <FormDialog title="Opret maskinnøgle" onClose={() => setCreating(false)}>
          <KeyForm
            onCreated={(k) => {
              setCreating(false);
              setCreated(k);
            }}
            onCancel={() => setCreating(false)}
          />
        </FormDialog>
      ) : null}
      {revoking ? (
        <ConfirmDialog
          title={`Spær maskinnøglen "${revoking.name}"?`}
          confirmLabel="Spær nøglen"
          busy={revoke.busy}
          error={revoke.general}
          onConfirm={() =>
            void revoke
              .run(() =>
                call(
                  api.POST('/api/admin/extracts/keys/{key_id}/revoke', { params: { path: { key_id: revoking.id } } }),
                ).then(() => true),
              )
              .then((ok) => {
                if (ok) setRevoking(null);
              })
          }
          onCancel={() => setRevoking(null)}
        >
          <p>Datavarehuset kan ikke længere hente udtræk med nøglen. Det kan ikke fortrydes.</p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}

function KeyForm({ onCreated, onCancel }: { onCreated: (k: Created) => void; onCancel: () => void }) {
  const [name, setName] = useState('');
  const { run, busy, errors, general } = useSubmit({ invalidates: [KEY] });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const made = await run(() => call(api.POST('/api/admin/extracts/keys', { body: { name } })));
    if (made) onCreated(made);
  };
  return (
    <form onSubmit={submit} noValidate>
      <ErrorSummary errors={errors} general={general} fields={{ name: ['key-name', 'Navn'] }} />
      <TextField
        id="key-name"
        label="Navn"
        hint="Fx datavarehusets navn, så I kan se, hvem der bruger nøglen"
        value={name}
        onChange={setName}
        error={errors.name}
      />
      <DialogButtons label="Opret nøgle" busy={busy} onCancel={onCancel} />
    </form>
  );
}
