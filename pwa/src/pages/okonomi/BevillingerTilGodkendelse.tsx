// The manager's "Bevillinger til godkendelse": visitation drafts (and payments) waiting for a
// manager, with the yearly amount. Approving happens on the case, where the manager sees the
// measures, the period and the costs and confirms (never with one click from this list).
import { api, call } from '../../api/client';
import { casePath } from '../../casework';
import { Alert } from '../../components/Alert';
import { Loading } from '../../components/Loading';
import { formatDateTime } from '../../format';
import { Link } from '../../router';
import { useApiQuery } from '../../useApi';
import { kr } from './money';
import { APPROVAL_ANCHOR } from './Visitation';
import './okonomi.css';

export function BevillingerTilGodkendelse() {
  const [list, reload] = useApiQuery(['money', 'approvals'], (signal) => call(api.GET('/api/money/approvals', { signal })));
  let body;
  if (list.state === 'loading') body = <Loading text="Henter bevillinger til godkendelse …" />;
  else if (list.state === 'error')
    body = (
      <Alert
        variant="error"
        heading="Bevillinger til godkendelse kunne ikke hentes"
        action={
          list.status === 403 ? null : (
            <button type="button" className="button button-secondary" onClick={reload}>
              Prøv igen
            </button>
          )
        }
      >
        <p>{list.message}</p>
      </Alert>
    );
  else {
    const items = list.data.items.filter((i) => i.kind === 'bevilling');
    body =
      items.length === 0 ? (
        <p className="empty-state">Ingen bevillinger venter på godkendelse.</p>
      ) : (
        <div className="table--responsive-scroll" tabIndex={0} role="region" aria-labelledby="bevilling-approvals-caption">
          <table className="table table--compact">
            <caption id="bevilling-approvals-caption" className="sr-only">
              Bevillinger til godkendelse
            </caption>
            <thead>
              <tr>
                <th scope="col">Barn</th>
                <th scope="col">Visitation</th>
                <th scope="col" className="num">
                  Pr. år
                </th>
                <th scope="col">Indsendt</th>
                <th scope="col">Team</th>
              </tr>
            </thead>
            <tbody>
              {items.map((i) => (
                <tr key={i.id}>
                  <th scope="row">
                    {i.child_name}
                    {/* The action sits by the name, so it is in view on a tablet too. */}
                    <span className="cell-action">
                      <Link className="button button-secondary" to={`${casePath(i.hovedsag_id)}#${APPROVAL_ANCHOR}`}>
                        Se og godkend<span className="sr-only"> bevillingen til {i.child_name}</span>
                      </Link>
                    </span>
                  </th>
                  <td>{i.title}</td>
                  <td className="num">{kr(i.amount_oere)}</td>
                  <td>
                    {formatDateTime(i.submitted_at)}
                    <span className="cell-note">{i.submitted_by_name}</span>
                  </td>
                  <td>{i.team ?? 'Intet team'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      );
  }
  return (
    <section aria-labelledby="bevilling-approvals-heading" aria-busy={list.state === 'loading'} className="money-approvals">
      <h3 id="bevilling-approvals-heading" className="team-overview-caption">
        Bevillinger til godkendelse
      </h3>
      {body}
    </section>
  );
}
