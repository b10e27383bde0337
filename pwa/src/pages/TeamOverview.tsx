import { useState } from 'react';
import { api, call, type TeamOverview as TeamOverviewData } from '../api/client';
import { Pager } from '../components/Pager';
import { casePath } from '../casework';
import { Alert } from '../components/Alert';
import { Loading } from '../components/Loading';
import { daysOverdue, formatDeadline, formatNumber, formatOverdue } from '../format';
import { Link } from '../router';
import { useApiQuery } from '../useApi';
import { TilGodkendelse } from './ics/TilGodkendelse';
import { BevillingerTilGodkendelse } from './okonomi/BevillingerTilGodkendelse';
import { NotificationTable } from './Worklist';
import { Basis } from '../components/Basis';

/** Rows per page in the team's lists: the API sends one page of each (offset/limit). */
const TEAM_PAGE = 10;

function OverdueTable({ data, page, onGo }: { data: TeamOverviewData; page: number; onGo: (page: number) => void }) {
  const total = data.overdue_total ?? data.overdue.length;
  const pages = Math.max(1, Math.ceil(total / TEAM_PAGE));
  const shown = data.overdue;
  if (total === 0) {
    return (
      <>
        <h3 id="team-overdue-heading" className="team-overview-caption">
          Overskredne frister i mine teams
        </h3>
        <p className="empty-state">Ingen overskredne frister i dine teams</p>
      </>
    );
  }
  const now = new Date();
  return (
    <>
    <div className="table--responsive-scroll" tabIndex={0} role="region" aria-labelledby="team-overdue-caption">
      <table className="table table--compact worklist-table">
        <caption id="team-overdue-caption">Overskredne frister i mine teams</caption>
        <thead>
          <tr>
            <th scope="col">Aktivitet</th>
            <th scope="col">Barn</th>
            <th scope="col">Frist</th>
            <th scope="col">Overskredet</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((a) => (
            <tr key={a.id}>
              <th scope="row">
                {a.title}
                <Basis text={a.basis} confirmed={a.basis_confirmed} />
              </th>
              <td>
                <Link to={casePath(a.hovedsag_id)}>{a.child_name}</Link>
                {a.case_number ? <span className="cell-note case-number">Sag {a.case_number}</span> : null}
              </td>
              <td>{a.due_at ? <time dateTime={a.due_at}>{formatDeadline(a.due_at)}</time> : 'Ingen frist'}</td>
              <td className="worklist-due-overdue">{a.due_at ? formatOverdue(daysOverdue(a.due_at, now)) : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
    {pages > 1 ? <Pager label="Sider med overskredne frister" page={Math.min(page, pages)} pages={pages} onGo={onGo} /> : null}
    </>
  );
}

const NEWS_TEAM_PAGE = 5;

/** Notifications of the last 14 days on the teams' cases, newest first. */
function NewNotifications({ data, page, onGo }: { data: TeamOverviewData; page: number; onGo: (page: number) => void }) {
  const items = data.new_notifications ?? [];
  const total = data.new_notifications_total ?? items.length;
  const pages = Math.max(1, Math.ceil(total / NEWS_TEAM_PAGE));
  const at = Math.min(page, pages);
  return (
    <section aria-labelledby="team-news-heading" className="team-news">
      <h3 id="team-news-heading" className="team-overview-caption">
        Nye underretninger i mine teams
      </h3>
      {total === 0 ? (
        <p className="empty-state">Ingen nye underretninger de sidste 14 dage</p>
      ) : (
        <>
          <NotificationTable
            items={items}
            total={total}
            unassessed={data.new_notifications_unassessed ?? items.filter((n) => !n.assessed).length}
            headingId="team-news-heading"
            caption="Nye underretninger i mine teams"
          />
          {pages > 1 ? <Pager label="Sider med nye underretninger i mine teams" page={at} pages={pages} onGo={onGo} /> : null}
        </>
      )}
    </section>
  );
}

function CaseloadTable({ data }: { data: TeamOverviewData }) {
  if (data.caseload.length === 0) {
    return (
      <>
        <h3 id="team-caseload-heading" className="team-overview-caption">
          Sagstal pr. medarbejder
        </h3>
        <p className="empty-state">Der er ingen medarbejdere i dine teams</p>
      </>
    );
  }
  return (
    <div className="table--responsive-scroll" tabIndex={0} role="region" aria-labelledby="team-caseload-caption">
      <table className="table table--compact">
        <caption id="team-caseload-caption">Sagstal pr. medarbejder</caption>
        <thead>
          <tr>
            <th scope="col">Medarbejder</th>
            <th scope="col" className="num">
              Åbne sager
            </th>
            <th scope="col" className="num">
              Åbne aktiviteter
            </th>
            <th scope="col" className="num">
              Overskredne
            </th>
          </tr>
        </thead>
        <tbody>
          {data.caseload.map((c) => (
            <tr key={c.user_id}>
              <th scope="row">{c.display_name}</th>
              <td className="num">{formatNumber(c.open_cases)}</td>
              <td className="num">{formatNumber(c.open_activities)}</td>
              <td className={`num ${c.overdue_activities > 0 ? 'worklist-due-overdue' : ''}`.trim()}>
                {formatNumber(c.overdue_activities)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The team leader's view (team.overview): overdue deadlines, new notifications and caseload in their teams. */
export function TeamOverview() {
  // One page of each list from the API; a page change keeps the other list where it is.
  const [page, setPage] = useState(1);
  const [newsPage, setNewsPage] = useState(1);
  const [overview, reload] = useApiQuery(
    ['team', 'overview', { page, newsPage }],
    // The answer carries the pages it is for: while the next page loads, the pager goes on
    // saying which page the rows shown are (not the one asked for).
    async (signal) => ({
      ...(await call(
        api.GET('/api/team/overview', {
          signal,
          params: {
            query: {
              offset: (page - 1) * TEAM_PAGE,
              limit: TEAM_PAGE,
              news_offset: (newsPage - 1) * NEWS_TEAM_PAGE,
              news_limit: NEWS_TEAM_PAGE,
            },
          },
        }),
      )),
      shownPage: page,
      shownNewsPage: newsPage,
    }),
    { keepPrevious: true },
  );

  let body;
  if (overview.state === 'loading') {
    body = <Loading text="Henter dit teams overblik …" />;
  } else if (overview.state === 'error') {
    body = (
      <Alert
        variant="error"
        heading={overview.status === 403 ? 'Du har ikke adgang til teamets overblik' : 'Teamets overblik kunne ikke hentes'}
        action={
          overview.status === 403 ? null : (
            <button type="button" className="button button-secondary" onClick={reload}>
              Prøv igen
            </button>
          )
        }
      >
        <p>{overview.message}</p>
      </Alert>
    );
  } else if (overview.data.teams.length === 0) {
    body = (
      <p className="empty-state">Du er ikke tilknyttet et team endnu. Bed administratoren om at tilknytte dig.</p>
    );
  } else {
    const o = overview.data;
    // A list that shrank under the page shown (someone completed activities): its last page.
    const lastPage = Math.max(1, Math.ceil((o.overdue_total ?? 0) / TEAM_PAGE));
    const lastNewsPage = Math.max(1, Math.ceil((o.new_notifications_total ?? 0) / NEWS_TEAM_PAGE));
    if (page > lastPage) setPage(lastPage);
    if (newsPage > lastNewsPage) setNewsPage(lastNewsPage);
    body = (
      <>
        <p className="team-names">
          {o.teams.length === 1 ? 'Team: ' : 'Teams: '}
          <strong>{o.teams.join(', ')}</strong>
          {' · '}
          <Link to="/team/aktivitetsplaner">Teamets aktivitetsplaner</Link>
        </p>
        <div className="team-overview-tables">
          <OverdueTable data={o} page={o.shownPage} onGo={setPage} />
          <NewNotifications data={o} page={o.shownNewsPage} onGo={setNewsPage} />
          <CaseloadTable data={o} />
        </div>
      </>
    );
  }

  return (
    <section aria-labelledby="team-overview-heading" aria-busy={overview.state === 'loading'} className="team-overview">
      <h2 id="team-overview-heading">Overblik over mine teams</h2>
      <TilGodkendelse />
      <BevillingerTilGodkendelse />
      {body}
    </section>
  );
}
