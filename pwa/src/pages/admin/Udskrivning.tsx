// Administration › Udskrivning: the print batches (fjernprint) for people exempt from Digital
// Post. Each day's letters gather in one open batch; the administrator downloads it as one PDF
// (each letter after an address page for a window envelope), prints and posts it, and marks it
// printed: its letters then stand as sent on their cases (GET /api/post/print-batches, …/pdf,
// POST …/printed).
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { components } from '../../api/schema';
import { Alert } from '../../components/Alert';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Loading } from '../../components/Loading';
import { formatDate, formatDateTime, plural } from '../../format';
import { useSubmit } from '../../mutation';
import { useApiQuery } from '../../useApi';

type Batch = components['schemas']['PrintBatchOut'];

export function Udskrivning() {
  const [batches, reload] = useApiQuery(['post', 'print-batches'], (signal) =>
    call(api.GET('/api/post/print-batches', { signal })),
  );
  const [confirming, setConfirming] = useState<Batch | null>(null);
  const [done, setDone] = useState<Batch | null>(null);
  const { run, busy, general, setGeneral } = useSubmit({ fields: () => ({}), invalidates: [['post', 'print-batches']] });

  const markPrinted = async (batch: Batch) => {
    setGeneral(undefined);
    const saved = await run(() =>
      call(api.POST('/api/post/print-batches/{batch_id}/printed', { params: { path: { batch_id: batch.id } } })),
    );
    if (saved) {
      setConfirming(null);
      setDone(saved);
    }
  };

  let body;
  if (batches.state === 'loading') body = <Loading text="Henter udskriftsbunker …" />;
  else if (batches.state === 'error')
    body = (
      <Alert
        variant="error"
        heading="Udskriftsbunkerne kunne ikke hentes"
        action={
          <button type="button" className="button button-secondary" onClick={reload}>
            Prøv igen
          </button>
        }
      >
        <p>{batches.message}</p>
      </Alert>
    );
  else if (batches.data.items.length === 0)
    body = <p className="empty-state">Der er ingen breve til udskrivning.</p>;
  else
    body = (
      <table className="table table--compact table-md-responsive-headers admin-table print-table">
        <caption className="sr-only">Udskriftsbunker</caption>
        <thead>
          <tr>
            <th scope="col">Dag</th>
            <th scope="col">Breve</th>
            <th scope="col">Status</th>
            <th scope="col">
              <span className="sr-only">Handlinger</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {batches.data.items.map((b) => (
            <tr key={b.id}>
              <th scope="row" data-title="Dag">
                <time dateTime={b.day}>{formatDate(b.day)}</time>
              </th>
              <td data-title="Breve">{plural(b.letters, 'brev', 'breve')}</td>
              <td data-title="Status">
                {b.printed_at ? (
                  <>
                    Udskrevet <time dateTime={b.printed_at}>{formatDateTime(b.printed_at)}</time>
                    {b.printed_by ? ` af ${b.printed_by}` : ''}
                  </>
                ) : (
                  <strong>Venter på udskrivning</strong>
                )}
              </td>
              <td data-title="Handlinger" className="print-actions">
                <a
                  className="button button-secondary"
                  href={`/api/post/print-batches/${b.id}/pdf`}
                  download={`udskrift-${b.day}.pdf`}
                >
                  Hent PDF<span className="sr-only"> for {formatDate(b.day)}</span>
                </a>
                {b.printed_at ? null : (
                  <button
                    type="button"
                    className="button button-primary"
                    onClick={() => {
                      setGeneral(undefined);
                      setDone(null);
                      setConfirming(b);
                    }}
                  >
                    Markér som udskrevet<span className="sr-only"> for {formatDate(b.day)}</span>
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    );

  return (
    <section aria-labelledby="print-heading" className="admin-section">
      <h2 id="print-heading">Udskrivning (fjernprint)</h2>
      <p>
        Breve til borgere, der er fritaget for Digital Post, samles her dag for dag. Hent bunken som én PDF – hvert
        brev har en adresseside til rudekuvert – udskriv og send den, og markér den som udskrevet.
      </p>
      {done ? (
        <Alert variant="success" heading="Bunken er markeret som udskrevet">
          <p>{plural(done.letters, 'brev står', 'breve står')} nu som sendt på sagerne.</p>
        </Alert>
      ) : null}
      {body}
      {confirming ? (
        <ConfirmDialog
          title="Markér bunken som udskrevet?"
          confirmLabel="Markér som udskrevet"
          busy={busy}
          error={general}
          onConfirm={() => void markPrinted(confirming)}
          onCancel={() => setConfirming(null)}
        >
          <p>
            Bunken fra {formatDate(confirming.day)} med {plural(confirming.letters, 'brev', 'breve')} markeres som
            udskrevet og sendt. Brevene står derefter som sendt på sagerne.
          </p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
