// /offline: the cases saved on the device for home visits, the most urgent first.
import { useEffect, useState, type ReactNode } from 'react';
import { stageLabel } from '../../casework';
import { Alert } from '../../components/Alert';
import { Loading } from '../../components/Loading';
import { PageHeading } from '../../components/PageHeading';
import { formatAge, formatDeadline, formatNumber } from '../../format';
import { Link } from '../../router';
import * as store from '../store';
import { download } from '../sync';
import { cases, DownloadProgress, formatBytes, NotSynced, useOffline } from '../ui';
import { useVault } from './useVault';

/** Lower case and folded to plain letters (é → e, å → a, ø → o, æ → ae), so a name is found
 * however it is typed on a keyboard without them. */
function normalise(text: string): string {
  return text
    .toLocaleLowerCase('da-DK')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ø/g, 'o')
    .replace(/æ/g, 'ae');
}

/** Whether every word of the search occurs in the child's name. */
export function matchesName(name: string, query: string): boolean {
  const words = normalise(query).split(/\s+/).filter(Boolean);
  const n = normalise(name);
  return words.every((w) => n.includes(w));
}

export function OfflineWorklist() {
  const snap = useOffline();
  // The search is held in memory only: not in the URL (the browser's history is stored on
  // the device) and not in the form's autocomplete history.
  const [query, setQuery] = useState('');
  const data = useVault(async () => ({ manifest: await store.getManifest(), ops: await store.outbox() }), []);
  const d = snap.device;
  const [startedAt] = useState(() => performance.now());

  useEffect(() => {
    if (data.state === 'ready') {
      performance.mark?.('trekant-offline-worklist');
      document.documentElement.dataset.offlineWorklistMs = String(Math.round(performance.now() - startedAt));
    }
  }, [data.state, startedAt]);

  let body: ReactNode;
  if (data.state === 'loading') body = <Loading text="Åbner arbejdslisten …" />;
  else if (data.state === 'error')
    body = (
      <Alert variant="error" heading="Arbejdslisten kunne ikke åbnes">
        <p>{data.message}</p>
      </Alert>
    );
  else if (!data.data.manifest || data.data.manifest.cases.length === 0) {
    body = (
      <>
        {d?.expiredAt ? (
          <Alert variant="warning" heading="Offline-data er slettet">
            <p>
              Enheden har været uden forbindelse til Trekant i mere end {d.maxOfflineDays} dage, så sagerne er slettet fra
              den. Ændringer, du har skrevet, er gemt og sendes, når du er online og logget ind.
            </p>
          </Alert>
        ) : null}
        <p className="empty-state">Der er ingen sager gemt til hjemmebesøg.</p>
        {snap.online ? (
          <button type="button" className="button button-secondary" onClick={() => void download().catch(() => undefined)}>
            Hent sagerne
          </button>
        ) : null}
      </>
    );
  } else {
    const { manifest, ops } = data.data;
    const perCase = new Map<string, number>();
    for (const o of ops) perCase.set(o.caseId, (perCase.get(o.caseId) ?? 0) + 1);
    const shown = manifest.cases.filter((c) => matchesName(c.child_name, query));
    const searching = query.trim() !== '';
    body = (
      <>
        <div className="form-group offline-search">
          <label className="form-label" htmlFor="offline-search">
            Søg efter barnets navn
          </label>
          <input
            id="offline-search"
            className="form-input input-width-l"
            type="search"
            autoComplete="off"
            spellCheck={false}
            value={query}
            onChange={(e) => setQuery(e.target.value)}
          />
        </div>
        <p className="sr-only" role="status">
          {searching ? `${formatNumber(shown.length)} af ${cases(manifest.cases.length)} passer til søgningen` : ''}
        </p>
        {shown.length === 0 ? (
          <p className="empty-state">Ingen gemte sager har et barn, hvis navn passer til søgningen.</p>
        ) : (
          <table className="table table--compact table-md-responsive-headers offline-table">
            <caption className="sr-only">
              Sager til hjemmebesøg, de mest presserende først: {formatNumber(shown.length)}
            </caption>
            <thead>
              <tr>
                <th scope="col">Barn</th>
                <th scope="col" className="num">
                  Alder
                </th>
                <th scope="col">Fase</th>
                <th scope="col">Næste frist</th>
                <th scope="col" className="num">
                  Åbne aktiviteter
                </th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((c) => (
                <tr key={c.hovedsag_id}>
                  <th scope="row" data-title="Barn">
                    <Link to={`/offline/sager/${c.hovedsag_id}`}>{c.child_name}</Link>
                    {c.chosen ? <span className="cell-note">Valgt til hjemmebesøg</span> : null}
                  </th>
                  <td data-title="Alder" className="num">
                    {formatAge(c.age)}
                  </td>
                  <td data-title="Fase">{c.stage_label || stageLabel(c.stage)}</td>
                  <td
                    data-title="Næste frist"
                    className={c.overdue_activities > 0 ? 'worklist-due worklist-due-overdue' : 'worklist-due'}
                  >
                    {c.next_due_at ? <time dateTime={c.next_due_at}>{formatDeadline(c.next_due_at)}</time> : 'Ingen frist'}
                    {c.overdue_activities > 0 ? (
                      <span className="cell-note">{formatNumber(c.overdue_activities)} overskredet</span>
                    ) : null}
                  </td>
                  <td data-title="Åbne aktiviteter" className="num">
                    {formatNumber(c.open_activities)}
                  </td>
                  <td data-title="Status">{perCase.get(c.hovedsag_id) ? <NotSynced /> : 'Gemt'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </>
    );
  }

  return (
    <>
      <PageHeading>Hjemmebesøg</PageHeading>
      <p className="offline-summary">
        {d?.savedAt
          ? `Gemt på enheden ${formatDeadline(d.savedAt)} · ${cases(d.cases)} · ${formatBytes(d.bytes)}. `
          : ''}
        {snap.online && !snap.sync.offline ? 'Du er online.' : 'Du er offline.'}
      </p>
      {snap.download ? <DownloadProgress download={snap.download} /> : null}
      <section aria-labelledby="offline-cases-heading" aria-busy={data.state === 'loading'}>
        <h2 id="offline-cases-heading">Mine sager</h2>
        {body}
      </section>
    </>
  );
}
