// /sager/<id>/breve: the case's letters, drafts first in the order written, and "Skriv brev".
// Sent letters are also documents on the case (source "brev").
import { Alert } from '../../../components/Alert';
import { Loading } from '../../../components/Loading';
import { formatDateTime } from '../../../format';
import { Link } from '../../../router';
import { useApiQuery } from '../../../useApi';
import { useCaseContext } from '../places';
import { letterKeys, letterPath, loadLetters } from './queries';

export function BrevePlace() {
  const { hovedsag, canWrite } = useCaseContext();
  const caseId = hovedsag.id;
  const [letters, reload] = useApiQuery(letterKeys.list(caseId), loadLetters(caseId));
  return (
    <section aria-labelledby="letters-heading" aria-busy={letters.state === 'loading'}>
      <div className="admin-heading-row">
        <h2 id="letters-heading">Breve</h2>
        {canWrite && !hovedsag.closed_at ? (
          <Link to={`${letterPath(caseId)}/ny`} className="button button-primary">
            Skriv brev
          </Link>
        ) : null}
      </div>
      {letters.state === 'loading' ? <Loading text="Henter breve …" /> : null}
      {letters.state === 'error' ? (
        <Alert
          variant="error"
          heading="Brevene kunne ikke hentes"
          action={
            <button type="button" className="button button-secondary" onClick={reload}>
              Prøv igen
            </button>
          }
        >
          <p>{letters.message}</p>
        </Alert>
      ) : null}
      {letters.state === 'ready' && letters.data.items.length === 0 ? <p>Der er ikke skrevet breve på sagen.</p> : null}
      {letters.state === 'ready' && letters.data.items.length > 0 ? (
        <ul className="nobullet-list letter-list">
          {letters.data.items.map((l) => (
            <li key={l.id} className="letter-line">
              <Link to={letterPath(caseId, l.id)}>{l.title}</Link>
              <span className={`letter-status letter-status-${l.status}`}>{l.status === 'sendt' ? 'Sendt' : 'Kladde'}</span>
              <span className="letter-meta">
                {l.purpose_label} · til {l.recipients.join(', ') || 'ingen modtagere endnu'} ·{' '}
                {l.sent_at ? `sendt ${formatDateTime(l.sent_at)}` : `ændret ${formatDateTime(l.changed_at)}`} af{' '}
                {l.created_by_name}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
