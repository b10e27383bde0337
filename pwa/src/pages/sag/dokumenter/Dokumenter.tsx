// The case's place "Dokumenter og breve" (/sager/<id>/dokumenter): the case file. Documents
// and sent letters, newest first, filtered by kind and enkeltsag, searched in their text
// (Danish full-text search; the hits' snippets mark the words found), paged; files are added
// by dropping them on the place or with "Vælg filer" (Upload.tsx), and "Skriv brev" starts a
// letter. A title opens the document (Dokument.tsx).
import { useRef, useState, type FormEvent } from 'react';
import { api, call } from '../../../api/client';
import { Alert } from '../../../components/Alert';
import { SelectField } from '../../../components/Form';
import { Loading } from '../../../components/Loading';
import { Pager } from '../../../components/Pager';
import { formatDate, formatNumber, plural } from '../../../format';
import { Link } from '../../../router';
import { useApiQuery } from '../../../useApi';
import { enkeltsagLabel } from '../../JournalFilter';
import { useCaseContext } from '../places';
import { docKeys, documentPath, formatSize, kindLabel, KINDS, type DocumentOut } from './docApi';
import { Snippet } from './Snippet';
import { UploadArea } from './Upload';

const PAGE_SIZE = 25;

export function Dokumenter() {
  const { hovedsag: k, canWrite } = useCaseContext();
  const [draft, setDraft] = useState('');
  const [q, setQ] = useState('');
  const [kind, setKind] = useState('');
  const [enkeltsag, setEnkeltsag] = useState('');
  const [page, setPage] = useState(1);
  const tableRef = useRef<HTMLDivElement>(null);
  const [list, reload] = useApiQuery(
    [...docKeys.case(k.id), { q, kind, enkeltsag, page }],
    (signal) =>
      call(
        api.GET('/api/cases/{case_id}/documents', {
          params: {
            path: { case_id: k.id },
            query: {
              q: q || undefined,
              kind: (kind || undefined) as DocumentOut['kind'] | undefined,
              enkeltsag_id: enkeltsag || undefined,
              limit: PAGE_SIZE,
              offset: (page - 1) * PAGE_SIZE,
            },
          },
          signal,
        }),
      ),
    { keepPrevious: true },
  );
  const filtered = !!(q || kind || enkeltsag);
  const enkeltsagOf = (id: string | null | undefined) => k.enkeltsager.find((e) => e.id === id);

  const search = (e: FormEvent) => {
    e.preventDefault();
    setQ(draft.trim());
    setPage(1);
  };
  const clear = () => {
    setDraft('');
    setQ('');
    setKind('');
    setEnkeltsag('');
    setPage(1);
  };

  const data = list.state === 'ready' ? list.data : null;
  const pages = data ? Math.max(1, Math.ceil(data.total / PAGE_SIZE)) : 1;

  return (
    <section aria-labelledby="docs-heading" className="docs-place">
      <div className="docs-head">
        <h2 id="docs-heading">Dokumenter og breve</h2>
        {canWrite && !k.closed_at ? (
          <Link to={`/sager/${k.id}/breve/ny`} className="button button-primary docs-letter">
            Skriv brev
          </Link>
        ) : null}
      </div>
      <UploadArea caseId={k.id} enkeltsager={k.enkeltsager} enabled={canWrite && !k.closed_at}>
        <form className="docs-filters" role="search" aria-label="Søg i sagens dokumenter" onSubmit={search} noValidate>
          <div className="form-group docs-search">
            <label className="form-label" htmlFor="docs-q">
              Søg i dokumenternes tekst
            </label>
            <div className="search-field">
              <input
                id="docs-q"
                className="form-input"
                type="search"
                value={draft}
                onChange={(e) => setDraft(e.target.value)}
                autoComplete="off"
              />
              <button type="submit" className="button button-secondary docs-search-button">
                Søg
              </button>
            </div>
          </div>
          <SelectField
            id="docs-kind"
            label="Type"
            value={kind}
            onChange={(v) => {
              setKind(v);
              setPage(1);
            }}
            choices={[{ value: '', label: 'Alle typer' }, ...KINDS]}
          />
          {k.enkeltsager.length > 0 ? (
            <SelectField
              id="docs-enkeltsag"
              label="Enkeltsag"
              value={enkeltsag}
              onChange={(v) => {
                setEnkeltsag(v);
                setPage(1);
              }}
              choices={[{ value: '', label: 'Alle' }, ...k.enkeltsager.map((e) => ({ value: e.id, label: enkeltsagLabel(e) }))]}
            />
          ) : null}
          {filtered ? (
            <button type="button" className="button button-tertiary docs-clear" onClick={clear}>
              Vis alle dokumenter
            </button>
          ) : null}
        </form>

        <div aria-busy={list.state === 'loading'} className="docs-result">
          <p role="status" className="audit-count">
            {data
              ? q
                ? `${plural(data.total, 'dokument', 'dokumenter')} indeholder „${q}“`
                : filtered
                  ? `${plural(data.total, 'dokument', 'dokumenter')} passer til filtrene`
                  : plural(data.total, 'dokument', 'dokumenter')
              : ''}
          </p>
          {list.state === 'loading' ? <Loading text="Henter dokumenterne …" /> : null}
          {list.state === 'error' ? (
            <Alert
              variant="error"
              heading="Dokumenterne kunne ikke hentes"
              action={
                <button type="button" className="button button-secondary" onClick={reload}>
                  Prøv igen
                </button>
              }
            >
              <p>{list.message}</p>
            </Alert>
          ) : null}
          {data && data.items.length === 0 ? (
            <p className="empty-state">
              {filtered
                ? 'Ingen dokumenter passer til søgningen.'
                : canWrite && !k.closed_at
                  ? 'Sagen har ingen dokumenter endnu. Træk filer hertil, eller vælg dem med „Vælg filer“.'
                  : 'Sagen har ingen dokumenter.'}
            </p>
          ) : null}
          {data && data.items.length > 0 ? (
            <div className="table--responsive-scroll" tabIndex={-1} ref={tableRef}>
              <table className="table table--compact table-sm-responsive-headers docs-table">
                <caption className="sr-only">Sagens dokumenter, nyeste først</caption>
                <thead>
                  <tr>
                    <th scope="col">Titel</th>
                    <th scope="col">Type</th>
                    <th scope="col">Dato</th>
                    <th scope="col">Enkeltsag</th>
                    <th scope="col" className="docs-wide">
                      Tilføjet af
                    </th>
                    <th scope="col" className="num docs-wide">
                      Størrelse
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.items.map((d) => {
                    const e = enkeltsagOf(d.enkeltsag_id);
                    return (
                      <tr key={d.id}>
                        <th scope="row" data-title="Titel">
                          <Link to={documentPath(k.id, d.id)} className="docs-title">
                            {d.title}
                          </Link>
                          {d.incoming ? (
                            <span className={`badge ${d.handled_at ? 'badge-info' : 'badge-warning'} docs-badge`}>
                              {d.handled_at ? 'Indgået post, behandlet' : 'Indgået post'}
                            </span>
                          ) : null}
                          {d.source === 'brev' ? <span className="badge badge-success docs-badge">Sendt brev</span> : null}
                          {d.snippet ? <Snippet text={d.snippet} /> : null}
                          <span className="cell-note docs-table-note">
                            {d.added_by_name} · {formatSize(d.size)}
                          </span>
                        </th>
                        <td data-title="Type">{kindLabel(d.kind)}</td>
                        <td data-title="Dato">
                          <time dateTime={d.dated}>{formatDate(d.dated)}</time>
                        </td>
                        <td data-title="Enkeltsag">{e ? enkeltsagLabel(e) : (d.enkeltsag_label ?? 'Hele sagen')}</td>
                        <td data-title="Tilføjet af" className="docs-wide">
                          {d.added_by_name}
                        </td>
                        <td data-title="Størrelse" className="num docs-wide">
                          {formatSize(d.size)}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          ) : null}
          {data && pages > 1 ? (
            <Pager
              label="Sider med dokumenter"
              page={page}
              pages={pages}
              onGo={(to) => {
                setPage(to);
                tableRef.current?.focus();
              }}
            />
          ) : null}
          {data && data.total > PAGE_SIZE ? (
            <p className="cell-note">
              Viser {formatNumber((page - 1) * PAGE_SIZE + 1)}–{formatNumber(Math.min(page * PAGE_SIZE, data.total))} af{' '}
              {formatNumber(data.total)}
            </p>
          ) : null}
        </div>
      </UploadArea>
    </section>
  );
}
