// Administration › Ankestyrelsen (issue 18 item 2): the kommune's reports to Ankestyrelsen of
// every kind (a placement, a change or end of one, a continued stay after 18, a § 139
// decision) — those to send (earliest deadline first), the overdue ones, and those sent with
// Ankestyrelsen's receipt — and how many of each kind were sent each month
// (GET /api/ankestyrelsen/overview). The administrator has no case access: a row names the
// case's number, the child's initials and age and the caseworker, and links to the case for
// someone who may open it.
import { api, call } from '../../api/client';
import { Alert } from '../../components/Alert';
import { Loading } from '../../components/Loading';
import { formatDateTime, plural } from '../../format';
import { Link } from '../../router';
import { useApiQuery } from '../../useApi';

export function Ankestyrelsen() {
  const [overview, reload] = useApiQuery(['ankestyrelsen', 'overview'], (signal) =>
    call(api.GET('/api/ankestyrelsen/overview', { signal })),
  );

  let body;
  if (overview.state === 'loading') body = <Loading text="Henter indberetninger …" />;
  else if (overview.state === 'error')
    body = (
      <Alert
        variant="error"
        heading="Indberetningerne kunne ikke hentes"
        action={
          <button type="button" className="button button-secondary" onClick={reload}>
            Prøv igen
          </button>
        }
      >
        <p>{overview.message}</p>
      </Alert>
    );
  else {
    const o = overview.data;
    body = (
      <>
        <ul className="nobullet-list anke-counts" aria-label="Status">
          <li>
            <strong>{o.due}</strong> skal sendes
          </li>
          <li className={o.overdue > 0 ? 'anke-overdue' : undefined}>
            <strong>{o.overdue}</strong> {o.overdue === 1 ? 'overskredet' : 'overskredne'}
          </li>
          <li>
            <strong>{o.sent}</strong> sendt
          </li>
        </ul>
        {o.rows.length === 0 ? (
          <p className="empty-state">Der er ingen indberetninger til Ankestyrelsen endnu.</p>
        ) : (
          <table className="table table--compact table-md-responsive-headers admin-table">
            <caption className="sr-only">Indberetninger til Ankestyrelsen</caption>
            <thead>
              <tr>
                <th scope="col">Sag</th>
                <th scope="col">Indberetning</th>
                <th scope="col">Barn</th>
                <th scope="col">Sagsbehandler</th>
                <th scope="col">Frist</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {o.rows.map((r) => (
                <tr key={r.activity_id}>
                  <th scope="row" data-title="Sag">
                    <Link to={`/sager/${r.case_id}`}>{r.case_number ?? 'Sag uden nummer'}</Link>
                  </th>
                  <td data-title="Indberetning">{r.kind_label}</td>
                  <td data-title="Barn">
                    {r.child_initials}
                    {r.age !== null && r.age !== undefined ? `, ${plural(r.age, 'år', 'år')}` : ''}
                  </td>
                  <td data-title="Sagsbehandler">{r.caseworker_name ?? 'Ingen'}</td>
                  <td data-title="Frist">{r.due_at ? formatDateTime(r.due_at) : '–'}</td>
                  <td data-title="Status">
                    {r.status === 'sendt' && r.sent_at ? (
                      <>
                        Sendt {formatDateTime(r.sent_at)}
                        {r.sent_by_name ? ` af ${r.sent_by_name}` : ''}
                        {r.receipt ? ` (kvittering ${r.receipt})` : ''}
                      </>
                    ) : r.status === 'overskredet' ? (
                      <strong className="anke-overdue">{r.status_label}</strong>
                    ) : (
                      r.status_label
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <h3>Sendt pr. måned</h3>
        {o.months.length === 0 ? (
          <p className="empty-state">Der er ikke sendt nogen indberetninger endnu.</p>
        ) : (
          <table className="table table--compact admin-table anke-months">
            <caption className="sr-only">Indberetninger sendt pr. måned</caption>
            <thead>
              <tr>
                <th scope="col">Måned</th>
                <th scope="col">Indberetning</th>
                <th scope="col">Sendt</th>
                <th scope="col">Efter fristen</th>
              </tr>
            </thead>
            <tbody>
              {o.months.map((m) => (
                <tr key={`${m.month}-${m.kind}`}>
                  <th scope="row">{m.label}</th>
                  <td>{m.kind_label}</td>
                  <td>{m.sent}</td>
                  <td>{m.sent_late}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </>
    );
  }

  return (
    <section aria-labelledby="anke-heading" className="admin-section">
      <h2 id="anke-heading">Indberetninger til Ankestyrelsen</h2>
      <p>
        Når et barn anbringes, når anbringelsen ændres eller ophører, og når en ung får døgnophold i efterværn, får
        sagsbehandleren en aktivitet om at indberette det til Ankestyrelsen inden for fire uger. En afgørelse efter
        § 139 indberettes inden for to uger. Her ses, hvad der skal sendes, hvad der er overskredet, og hvad der er
        sendt.
      </p>
      {body}
    </section>
  );
}
