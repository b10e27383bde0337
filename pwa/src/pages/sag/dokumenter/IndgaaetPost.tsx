// "Indgået post": documents that arrived (a citizen's reply through Digital Post, or a letter
// uploaded as received post) and are not yet handled — on the caseworker's front page for the
// cases they hold (or their team's, as the worklist), and on a case's Overblik for that case.
// Each links to the document; "Markér som behandlet" takes it off the list (journalised).
import type { ReactNode } from 'react';
import { api, call } from '../../../api/client';
import { Alert } from '../../../components/Alert';
import { useHoldSettle } from '../../../components/Settle';
import { formatDate, plural } from '../../../format';
import { useSubmit } from '../../../mutation';
import { Link } from '../../../router';
import { useApiQuery } from '../../../useApi';
import { docKeys, documentPath, kindLabel, type DocumentHit, type DocumentOut } from './docApi';

const INCOMING_LIMIT = 50;

/** "Markér som behandlet" for one incoming document; `onDone` gets the document as it is now. */
export function MarkHandled({ doc, onDone, small = false }: { doc: DocumentOut; onDone?: (d: DocumentOut) => void; small?: boolean }) {
  const { run, busy, general } = useSubmit({ invalidates: [docKeys.all] });
  return (
    <span className="mark-handled">
      <button
        type="button"
        className={`button ${small ? 'button-secondary button-small' : 'button-secondary'} ${busy ? 'spinner-active' : ''}`.trim()}
        aria-disabled={busy || undefined}
        aria-label={`Markér som behandlet: ${doc.title}`}
        onClick={() =>
          void run(async () => {
            const next = await call(
              api.POST('/api/documents/{document_id}/handled', { params: { path: { document_id: doc.id } } }),
            );
            onDone?.(next);
          })
        }
      >
        Markér som behandlet
      </button>
      {general ? (
        <span className="form-error-message" role="alert">
          {general}
        </span>
      ) : null}
    </span>
  );
}

/**
 * The list of unhandled incoming documents: with `caseId` that case's (its Overblik), without
 * the front page's for the user's cases. Nothing at all when no post waits.
 */
export function IndgaaetPost({ caseId, canWrite, level = 2 }: { caseId?: string; canWrite: boolean; level?: 2 | 3 }) {
  // The front page: the user's own cases (as the worklist); the Overblik: this case's post,
  // whoever's list the case is on.
  const [incoming, reload] = useApiQuery(caseId ? docKeys.caseIncoming(caseId) : docKeys.incoming, (signal) =>
    call(
      api.GET('/api/documents/incoming', {
        params: { query: caseId ? { hovedsag_id: caseId, limit: INCOMING_LIMIT } : { limit: INCOMING_LIMIT } },
        signal,
      }),
    ),
  );
  const Heading = level === 2 ? 'h2' : 'h3';
  const id = caseId ? 'incoming-case-heading' : 'incoming-heading';
  let body: ReactNode = null;
  // Nothing while it loads or when no post waits: the front page must fit a day, and an
  // empty section would push the worklist down on every visit. While it loads, though, the
  // front page has not settled (components/Settle.tsx): the list appearing here moves
  // everything below it.
  useHoldSettle(incoming.state === 'loading');
  if (incoming.state === 'error')
    body = (
      <Alert
        variant="error"
        heading="Indgået post kunne ikke hentes"
        action={
          <button type="button" className="button button-secondary" onClick={reload}>
            Prøv igen
          </button>
        }
      >
        <p>{incoming.message}</p>
      </Alert>
    );
  else if (incoming.state === 'ready') {
    const items: DocumentHit[] = incoming.data.items;
    const total = incoming.data.total;
    if (items.length > 0)
      body = (
        <>
          <p className="incoming-count">
            {plural(total, 'dokument venter', 'dokumenter venter')} på at blive behandlet
            {total > items.length ? ` – de ${items.length} nyeste vises her` : ''}
          </p>
          <ul className="incoming-list nobullet-list">
            {items.map((d) => (
              <li key={d.id} className="incoming-item">
                <div className="incoming-text">
                  <Link to={documentPath(d.case_id, d.id)} className="incoming-title">
                    {d.title}
                  </Link>
                  <span className="cell-note">
                    {caseId ? null : (
                      <>
                        {d.child_name} · Sag {d.case_number} ·{' '}
                      </>
                    )}
                    {kindLabel(d.kind)} · <time dateTime={d.dated}>{formatDate(d.dated)}</time>
                    {d.source === 'digital_post' ? ' · Digital Post' : null}
                  </span>
                </div>
                {canWrite ? <MarkHandled doc={d} small /> : null}
              </li>
            ))}
          </ul>
        </>
      );
  }
  if (body === null) return null;
  return (
    <section aria-labelledby={id} className={`incoming ${caseId ? 'case-section' : ''}`.trim()}>
      <Heading id={id} className={level === 2 ? 'h3' : undefined}>
        Indgået post
      </Heading>
      {body}
    </section>
  );
}
