// The manager's "Til godkendelse": submitted investigations, plans and follow-ups waiting for
// approval, the manager's own teams first, then by deadline.
import { api, call } from '../../api/client';
import { casePath } from '../../casework';
import { Alert } from '../../components/Alert';
import { Loading } from '../../components/Loading';
import { formatDateTime, formatDeadlineDate } from '../../format';
import { Link } from '../../router';
import { useApiQuery } from '../../useApi';
import { docPath, versionTitle } from './types';
import './ics.css';

export function TilGodkendelse() {
  const [list, reload] = useApiQuery(['ics', 'til-godkendelse'], (signal) => call(api.GET('/api/ics/til-godkendelse', { signal })));
  let body;
  if (list.state === 'loading') {
    body = <Loading text="Henter dokumenter til godkendelse …" />;
  } else if (list.state === 'error') {
    body = (
      <Alert
        variant="error"
        heading="Listen over dokumenter til godkendelse kunne ikke hentes"
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
  } else if (list.data.items.length === 0) {
    body = <p className="empty-state">Ingen undersøgelser, planer eller opfølgninger venter på godkendelse.</p>;
  } else {
    const items = list.data.items;
    const mine = items.filter((i) => i.in_my_teams).length;
    body = (
      <>
        <p className="ics-approvals-intro">
          {items.length === 1 ? '1 dokument venter' : `${items.length} dokumenter venter`}
          {list.data.teams.length > 0 ? `, heraf ${mine} i ${list.data.teams.length === 1 ? 'dit team' : 'dine teams'}` : ''}.
          {items.length >= list.data.limit ? ` Kun de første ${list.data.limit} vises.` : ''}
        </p>
        <div className="table--responsive-scroll" tabIndex={0} role="region" aria-labelledby="ics-approvals-caption">
          <table className="table table--compact worklist-table">
            <caption id="ics-approvals-caption" className="sr-only">
              Til godkendelse – egne teams først, derefter efter frist
            </caption>
            <thead>
              <tr>
                <th scope="col">Dokument</th>
                <th scope="col">Barn</th>
                <th scope="col">Sagsbehandler</th>
                <th scope="col">Indsendt</th>
                <th scope="col">Frist</th>
              </tr>
            </thead>
            <tbody>
              {items.map((i) => (
                <tr key={i.document_id}>
                  <th scope="row">
                    <Link to={docPath(i.document_id)}>{versionTitle(i.kind_label, i.version_no)}</Link>
                    {i.own && list.data.approval_requires_other ? (
                      <span className="cell-note">Indsendt af dig – en anden leder skal godkende</span>
                    ) : null}
                  </th>
                  <td>
                    <Link to={casePath(i.hovedsag_id, i.child_id)}>{i.child_name}</Link>
                  </td>
                  <td>
                    {i.caseworker ?? 'Ikke fordelt'}
                    <span className="cell-note">
                      {i.team ?? 'Intet team'}
                      {i.in_my_teams ? '' : ' (ikke dit team)'}
                    </span>
                  </td>
                  <td>
                    <time dateTime={i.submitted_at}>{formatDateTime(i.submitted_at)}</time>
                    <span className="cell-note">af {i.submitted_by_name}</span>
                  </td>
                  <td className={i.overdue ? 'worklist-due-overdue' : undefined}>
                    {i.due_at ? (
                      <>
                        <time dateTime={i.due_at}>{formatDeadlineDate(i.due_at)}</time>
                        {i.overdue ? (
                          <>
                            {' '}
                            <span className="badge badge-error">Overskredet</span>
                          </>
                        ) : null}
                      </>
                    ) : (
                      'Ingen frist'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </>
    );
  }
  return (
    <section aria-labelledby="ics-approvals-heading" aria-busy={list.state === 'loading'} className="ics-approvals">
      <h3 id="ics-approvals-heading" className="team-overview-caption">
        Til godkendelse
      </h3>
      {body}
    </section>
  );
}
