// /sog/dokumenter: search the text of the documents on every case the user may open (Danish
// full-text search). A hit shows the child, the case number, the title and the words found,
// and links to the document on its case. The search words stay in the page (never the address).
import { useState, type FormEvent } from 'react';
import { api, call } from '../../../api/client';
import { Alert } from '../../../components/Alert';
import { Loading } from '../../../components/Loading';
import { PageHeading } from '../../../components/PageHeading';
import { Pager } from '../../../components/Pager';
import { formatDate, plural } from '../../../format';
import { Link } from '../../../router';
import { useApiQuery } from '../../../useApi';
import { docKeys, documentPath, kindLabel } from './docApi';
import { Snippet } from './Snippet';

const PAGE_SIZE = 20;

export function DokumentSoeg() {
  const [draft, setDraft] = useState('');
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const [error, setError] = useState<string | undefined>();
  const [result, reload] = useApiQuery(
    [...docKeys.search, q, page],
    (signal) =>
      call(
        api.GET('/api/documents/search', {
          params: { query: { q, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE } },
          signal,
        }),
      ),
    { enabled: !!q, keepPrevious: true },
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const text = draft.trim();
    if (!text) {
      setError('Skriv et eller flere ord, der står i dokumentet');
      document.getElementById('docsearch-q')?.focus();
      return;
    }
    setError(undefined);
    setQ(text);
    setPage(1);
  };
  const data = q && result.state === 'ready' ? result.data : null;
  const pages = data ? Math.max(1, Math.ceil(data.total / PAGE_SIZE)) : 1;

  return (
    <>
      <PageHeading>Søg i dokumenter</PageHeading>
      <p>
        Søg i teksten i dokumenterne på de sager, du har adgang til. <Link to="/sog">Søg i stedet efter et barn eller en sag</Link>
      </p>
      <form onSubmit={submit} noValidate role="search" aria-label="Søg i dokumenter" className="docsearch-form">
        <div className={`form-group ${error ? 'form-error' : ''}`.trim()}>
          <label className="form-label" htmlFor="docsearch-q">
            Ord i dokumentet
          </label>
          <span className="form-hint" id="docsearch-q-hint">
            Fx „skolen fravær“. Ord med samme stamme findes også (fravær, fraværet).
          </span>
          {error ? (
            <span className="form-error-message" id="docsearch-q-error">
              <span className="sr-only">Fejl: </span>
              {error}
            </span>
          ) : null}
          <div className="search-field">
            <input
              id="docsearch-q"
              className="form-input"
              type="search"
              value={draft}
              autoComplete="off"
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? 'docsearch-q-hint docsearch-q-error' : 'docsearch-q-hint'}
              onChange={(e) => {
                setDraft(e.target.value);
                setError(undefined);
              }}
            />
            <button type="submit" className={`button button-primary ${q && result.state === 'loading' ? 'spinner-active' : ''}`.trim()}>
              Søg
            </button>
          </div>
        </div>
      </form>
      <section aria-busy={!!q && result.state === 'loading'} className="docsearch-result" aria-label="Søgeresultat">
        <p role="status" className="audit-count">
          {data ? `${data.total_exact === false ? 'Mindst ' : ''}${plural(data.total, 'dokument', 'dokumenter')} fundet` : ''}
        </p>
        {q && result.state === 'loading' ? <Loading text="Søger …" /> : null}
        {q && result.state === 'error' ? (
          <Alert
            variant="error"
            heading="Søgningen kunne ikke gennemføres"
            action={
              <button type="button" className="button button-secondary" onClick={reload}>
                Prøv igen
              </button>
            }
          >
            <p>{result.message}</p>
          </Alert>
        ) : null}
        {data && data.items.length === 0 ? <p className="empty-state">Ingen dokumenter indeholder „{q}“.</p> : null}
        {data && data.items.length > 0 ? (
          <ol className="docsearch-list nobullet-list">
            {data.items.map((d) => (
              <li key={d.id} className="docsearch-hit">
                <p className="docsearch-title">
                  <Link to={documentPath(d.case_id, d.id)}>{d.title}</Link>
                </p>
                <p className="cell-note">
                  {d.child_name} · Sag {d.case_number} · {kindLabel(d.kind)} · <time dateTime={d.dated}>{formatDate(d.dated)}</time>
                </p>
                {d.snippet ? <Snippet text={d.snippet} /> : null}
              </li>
            ))}
          </ol>
        ) : null}
        {data && pages > 1 ? (
          <Pager
            label="Sider med fundne dokumenter"
            page={page}
            pages={data.total_exact === false && data.items.length === PAGE_SIZE ? Math.max(pages, page + 1) : pages}
            onGo={setPage}
          />
        ) : null}
      </section>
    </>
  );
}
