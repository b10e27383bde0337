// Administration: security alerts for the kommune's administrator (a user's unusually many
// prior-case lookups in other kommuner). Marking one seen is audited on the server.
import { useState } from 'react';
import { api, call, messageOf } from '../api/client';
import { Alert } from '../components/Alert';
import { Loading } from '../components/Loading';
import { formatDeadline } from '../format';
import { useSubmit } from '../mutation';
import { useApiQuery } from '../useApi';

const plural = new Intl.PluralRules('da');

function unseenText(n: number): string {
  return plural.select(n) === 'one' ? '1 advarsel er ikke set' : `${n} advarsler er ikke set`;
}

export function SecurityAlerts() {
  const [alerts, reload, update] = useApiQuery(['admin', 'alerts'], (signal) => call(api.GET('/api/admin/alerts', { signal })));
  const [message, setMessage] = useState<string | undefined>();
  // Which alert's "Markér som set" is busy (one at a time); its answer, good or bad, is `message`.
  const [busy, setBusy] = useState<string | null>(null);
  const { run } = useSubmit();

  const markSeen = async (id: string) => {
    if (busy) return;
    setBusy(id);
    setMessage(undefined);
    await run(
      async () => {
        const seen = await call(api.POST('/api/admin/alerts/{alert_id}/seen', { params: { path: { alert_id: id } } }));
        update((list) => list.map((a) => (a.id === id ? seen : a)));
        setMessage('Advarslen er markeret som set');
      },
      (err) => setMessage(messageOf(err)),
    );
    setBusy(null);
  };

  let body;
  if (alerts.state === 'loading') body = <Loading small text="Henter sikkerhedsadvarsler …" />;
  else if (alerts.state === 'error')
    body = (
      <Alert
        variant="error"
        heading="Sikkerhedsadvarslerne kunne ikke hentes"
        action={
          <button type="button" className="button button-secondary" onClick={reload}>
            Prøv igen
          </button>
        }
      >
        <p>{alerts.message}</p>
      </Alert>
    );
  else if (alerts.data.length === 0) body = <p className="empty-state">Der er ingen sikkerhedsadvarsler.</p>;
  else {
    const unseen = alerts.data.filter((a) => !a.seen_at).length;
    body = (
      <>
        <p>{unseen === 0 ? 'Alle advarsler er set.' : unseenText(unseen)}</p>
        <ul className="nobullet-list security-alerts">
          {alerts.data.map((a) => (
            <li key={a.id}>
              <Alert
                variant={a.seen_at ? 'info' : 'warning'}
                role="note"
                heading={a.title}
                action={
                  a.seen_at ? null : (
                    <button
                      type="button"
                      className={`button button-secondary ${busy === a.id ? 'spinner-active' : ''}`.trim()}
                      aria-disabled={busy !== null || undefined}
                      onClick={() => void markSeen(a.id)}
                    >
                      Markér som set
                    </button>
                  )
                }
              >
                <p>{a.text}</p>
                <p className="cell-note">
                  Advaret {formatDeadline(a.raised_at)}
                  {a.seen_at ? ` · set af ${a.seen_by_name ?? a.seen_by ?? 'en administrator'} ${formatDeadline(a.seen_at)}` : ''}
                </p>
              </Alert>
            </li>
          ))}
        </ul>
      </>
    );
  }

  return (
    <section className="admin-section" aria-labelledby="security-alerts-heading">
      <h2 id="security-alerts-heading">Sikkerhedsadvarsler</h2>
      <div role="status">{message ? <Alert variant="info" heading={message} /> : null}</div>
      {body}
    </section>
  );
}
