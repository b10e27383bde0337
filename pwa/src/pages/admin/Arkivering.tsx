// Administration › Arkivering: arkiveringsversioner for Rigsarkivet (issue 18 item 3). The
// administrator chooses a period; every case closed in it is written in Rigsarkivet's format
// (tables, documents as TIFF, indices with checksums) by a job whose progress shows here, and
// the version is read back and checked. GET/POST /api/admin/archive, …/{id}/check, …/{id}/zip.
import { useState, type FormEvent } from 'react';
import { api, call, messageOf } from '../../api/client';
import type { components } from '../../api/schema';
import { Alert } from '../../components/Alert';
import { ErrorSummary, TextField } from '../../components/Form';
import { Loading } from '../../components/Loading';
import { formatDate, formatDateTime, formatNumber, plural, todayInCopenhagen } from '../../format';
import { useSubmit } from '../../mutation';
import { useApiQuery } from '../../useApi';

type Version = components['schemas']['ArchiveVersionRead'];
const KEY = ['admin', 'archive'];

function size(bytes: number): string {
  if (bytes < 1024 * 1024) return `${formatNumber(Math.max(1, Math.round(bytes / 1024)))} kB`;
  if (bytes < 1024 * 1024 * 1024) return `${formatNumber(Math.round((bytes / 1024 / 1024) * 10) / 10)} MB`;
  return `${formatNumber(Math.round((bytes / 1024 / 1024 / 1024) * 10) / 10)} GB`;
}

function running(v: Version): boolean {
  return v.status === 'venter' || v.status === 'koerer';
}

function Status({ v }: { v: Version }) {
  if (running(v))
    return (
      <>
        <span id={`arkiv-status-${v.id}`}>
          {v.status === 'venter' && v.percent === null ? 'Venter på at blive dannet' : (v.message ?? 'Dannes')}
          {v.percent !== null ? ` – ${v.percent} %` : ''}
        </span>
        <progress max={100} value={v.percent ?? 0} aria-labelledby={`arkiv-status-${v.id}`} className="archive-progress">
          {v.percent ?? 0} %
        </progress>
      </>
    );
  if (v.status === 'fejlet')
    return (
      <>
        <strong>Kunne ikke dannes</strong>
        <br />
        {v.error}
      </>
    );
  const when = v.checked_at ? (
    <>
      <br />
      <span className="archive-meta">
        Læst tilbage <time dateTime={v.checked_at}>{formatDateTime(v.checked_at)}</time>
      </span>
    </>
  ) : null;
  if (v.readback === 'ok')
    return (
      <>
        <strong className="archive-ok">Læst tilbage uden fejl</strong>
        {when}
      </>
    );
  if (v.readback === 'ikke_kontrolleret') return <>Ikke læst tilbage</>;
  return (
    <details className="archive-errors">
      <summary>
        <strong>{plural(v.readback_errors.length, 'fejl', 'fejl')} ved tilbagelæsningen</strong>
      </summary>
      <ul>
        {v.readback_errors.map((e) => (
          <li key={e}>{e}</li>
        ))}
      </ul>
      {when}
    </details>
  );
}

export function Arkivering() {
  // A new read-back runs as a job: the list is polled until the version's checked_at moves on
  // from what it was at the click, as it is while a version is being written.
  const [checking, setChecking] = useState<{ id: string; before: string | null } | null>(null);
  const [versions] = useApiQuery(KEY, (signal) => call(api.GET('/api/admin/archive', { signal })), {
    refetchInterval: (data) => {
      const waiting =
        checking !== null &&
        data.some((v) => v.id === checking.id && v.checked_at === checking.before);
      return data.some(running) || waiting ? 1500 : false;
    },
  });
  const lastYear = Number(todayInCopenhagen().slice(0, 4)) - 1;
  const [from, setFrom] = useState(`${lastYear}-01-01`);
  const [to, setTo] = useState(`${lastYear}-12-31`);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [started, setStarted] = useState(false);
  const { run, busy, busyKey, general, setGeneral } = useSubmit({ setErrors, invalidates: [KEY] });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setStarted(false);
    const missing: Record<string, string> = {};
    if (!from) missing.period_from = 'Vælg periodens første dag';
    if (!to) missing.period_to = 'Vælg periodens sidste dag';
    setErrors(missing);
    if (Object.keys(missing).length) return;
    const made = await run(() =>
      call(api.POST('/api/admin/archive', { body: { period_from: from, period_to: to } })),
    );
    if (made) setStarted(true);
  };

  const check = async (v: Version) => {
    setGeneral(undefined);
    setChecking({ id: v.id, before: v.checked_at });
    await run(
      () => call(api.POST('/api/admin/archive/{version_id}/check', { params: { path: { version_id: v.id } } })),
      (err) => {
        setChecking(null);
        setGeneral(messageOf(err));
      },
      v.id,
    );
  };

  let body;
  if (versions.state === 'loading') body = <Loading text="Henter arkiveringsversioner …" />;
  else if (versions.state === 'error')
    body = (
      <Alert variant="error" heading="Arkiveringsversionerne kunne ikke hentes">
        <p>{versions.message}</p>
      </Alert>
    );
  else if (versions.data.length === 0)
    body = <p className="empty-state">Der er ikke dannet nogen arkiveringsversioner endnu.</p>;
  else
    body = (
      <table className="table table--compact table-md-responsive-headers admin-table archive-table">
        <caption className="sr-only">Arkiveringsversioner</caption>
        <thead>
          <tr>
            <th scope="col">Arkiveringsversion</th>
            <th scope="col">Indhold</th>
            <th scope="col">Status</th>
            <th scope="col">
              <span className="sr-only">Handlinger</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {versions.data.map((v) => (
            <tr key={v.id}>
              <th scope="row" data-title="Arkiveringsversion">
                {v.avid}
                <br />
                <span className="archive-meta">
                  Sager lukket {formatDate(v.period_from)} – {formatDate(v.period_to)}
                  <br />
                  Bestilt {formatDateTime(v.created_at)} af {v.created_by_name}
                </span>
              </th>
              <td data-title="Indhold">
                {plural(v.cases, 'sag', 'sager')}
                {v.status === 'klar' ? (
                  <>
                    , {plural(v.documents, 'dokument', 'dokumenter')}
                    <br />
                    <span className="archive-meta">
                      {plural(v.table_rows, 'tabelrække', 'tabelrækker')}, {plural(v.files, 'fil', 'filer')},{' '}
                      {size(v.size_bytes)}
                    </span>
                  </>
                ) : null}
              </td>
              <td data-title="Status">
                <Status v={v} />
              </td>
              <td data-title="Handlinger" className="archive-actions">
                {v.download_url ? (
                  <>
                    <a className="button button-secondary" href={v.download_url} download={`${v.avid}.1.zip`}>
                      Hent zip<span className="sr-only"> med {v.avid}</span>
                    </a>
                    <button
                      type="button"
                      className="button button-tertiary"
                      disabled={busy}
                      aria-busy={busyKey === v.id}
                      onClick={() => void check(v)}
                    >
                      {busyKey === v.id ? 'Kontrollerer …' : 'Læs tilbage igen'}
                      <span className="sr-only"> {v.avid}</span>
                    </button>
                  </>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    );

  return (
    <section aria-labelledby="archive-heading" className="admin-section">
      <h2 id="archive-heading">Arkivering til Rigsarkivet</h2>
      <p>
        En arkiveringsversion indeholder de børnesager, der blev lukket i perioden: sagen, barnet, journalen,
        afgørelser, indsatser og dokumenterne som TIFF, i Rigsarkivets format. Den læses tilbage og kontrolleres, når
        den er dannet.
      </p>
      <form onSubmit={(e) => void submit(e)} noValidate className="archive-form">
        <ErrorSummary
          errors={errors}
          fields={{ period_from: ['period_from', 'Sager lukket fra'], period_to: ['period_to', 'Til og med'] }}
        />
        <div className="archive-period">
          <TextField
            id="period_from"
            label="Sager lukket fra"
            type="date"
            value={from}
            onChange={setFrom}
            error={errors.period_from}
            width="input-width-s"
          />
          <TextField
            id="period_to"
            label="Til og med"
            type="date"
            value={to}
            onChange={setTo}
            error={errors.period_to}
            width="input-width-s"
          />
        </div>
        <button type="submit" className="button button-primary" disabled={busy} aria-busy={busy && busyKey === null}>
          {busy && busyKey === null ? 'Bestiller …' : 'Dan arkiveringsversion'}
        </button>
      </form>
      {general ? (
        <Alert variant="error" heading="Det lykkedes ikke">
          <p>{general}</p>
        </Alert>
      ) : null}
      {started ? (
        <Alert variant="success" heading="Arkiveringsversionen dannes">
          <p>Du kan følge den i listen herunder og hente den, når den er læst tilbage.</p>
        </Alert>
      ) : null}
      <h3>Arkiveringsversioner</h3>
      {body}
    </section>
  );
}
