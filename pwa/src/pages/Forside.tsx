import { api, ApiError, call, can, NETWORK_ERROR, type Health, type SessionRead } from '../api/client';
import { Alert } from '../components/Alert';
import { Loading } from '../components/Loading';
import { PageHeading } from '../components/PageHeading';
import { formatAge, formatDate, formatNumber } from '../format';
import { Link } from '../router';
import { useApiQuery } from '../useApi';
import { TeamOverview } from './TeamOverview';
import { Worklist } from './Worklist';

/** /health answers 503 with the same body when degraded; both are a status to show. */
async function loadHealth(signal: AbortSignal): Promise<Health> {
  let result;
  try {
    result = await api.GET('/health', { signal });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, NETWORK_ERROR);
  }
  const body: unknown = result.data ?? result.error;
  if (body && typeof body === 'object' && 'database' in body && 'redis' in body) {
    return body as Health;
  }
  throw new ApiError(result.response.status, `Status kunne ikke hentes (HTTP ${result.response.status}).`);
}

function CheckLine({ name, ok }: { name: string; ok: boolean }) {
  return (
    <li className={`check ${ok ? 'check-ok' : 'check-fail'}`}>
      <span className="check-dot" aria-hidden="true" />
      <span className="check-name">{name}:</span>{' '}
      <strong className="check-value">{ok ? 'OK' : 'Fejl'}</strong>
    </li>
  );
}

function SystemStatus() {
  const [health, reload] = useApiQuery(['health'], loadHealth);
  return (
    <section className="card status-card" aria-labelledby="status-heading">
      <div className="card-content">
        <h2 id="status-heading" className="h3 card-heading">
          Systemstatus
        </h2>
        <div role="status" aria-busy={health.state === 'loading'} className="status-body">
          {health.state === 'loading' ? <Loading small text="Henter status …" /> : null}
          {health.state === 'error' ? (
            <>
              <ul className="checks">
                <li className="check check-fail">
                  <span className="check-dot" aria-hidden="true" />
                  Database og Redis: ukendt
                </li>
              </ul>
              <p className="status-error">{health.message}</p>
            </>
          ) : null}
          {health.state === 'ready' ? (
            <ul className="checks">
              <CheckLine name="Database" ok={health.data.database.ok} />
              <CheckLine name="Redis" ok={health.data.redis.ok} />
            </ul>
          ) : null}
        </div>
        <button type="button" className="button button-tertiary status-refresh" onClick={reload}>
          Opdatér status
        </button>
      </div>
    </section>
  );
}

function Overview() {
  const [overview, reload] = useApiQuery(['overview'], (signal) => call(api.GET('/api/overview', { signal })));

  if (overview.state === 'loading') {
    return (
      <section aria-labelledby="overview-heading" aria-busy="true" className="overview">
        <h2 id="overview-heading">Overblik</h2>
        <Loading text="Henter overblik …" />
      </section>
    );
  }
  if (overview.state === 'error') {
    return (
      <section aria-labelledby="overview-heading" className="overview">
        <h2 id="overview-heading">Overblik</h2>
        <Alert
          variant="error"
          heading={
            overview.status === 403 ? 'Du har ikke adgang til overblikket' : 'Overblikket kunne ikke hentes'
          }
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
      </section>
    );
  }

  const o = overview.data;
  return (
    <section aria-labelledby="overview-heading" aria-busy="false" className="overview">
      <h2 id="overview-heading">Overblik for {o.kommune_name}</h2>
      <ul className="key-figures">
        <li className="card key-figure">
          <div className="card-content">
            <span className="key-figure-label">Børn</span>
            <span className="key-figure-value">{formatNumber(o.children)}</span>
          </div>
        </li>
        <li className="card key-figure">
          <div className="card-content">
            <span className="key-figure-label">Åbne sager</span>
            <span className="key-figure-value">{formatNumber(o.open_cases)}</span>
          </div>
        </li>
      </ul>

      <div className="overview-tables">
        <div className="stage-table">
          <table className="table table--compact">
            <caption>Åbne sager fordelt på fase</caption>
            <thead>
              <tr>
                <th scope="col">Fase</th>
                <th scope="col" className="num">
                  Antal
                </th>
              </tr>
            </thead>
            <tbody>
              {o.by_stage.length === 0 ? (
                <tr>
                  <td colSpan={2}>Ingen faser med åbne sager</td>
                </tr>
              ) : (
                o.by_stage.map((s) => (
                  <tr key={s.stage}>
                    <th scope="row">{s.label}</th>
                    <td className="num">{formatNumber(s.count)}</td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </div>

        <div className="recent">
          <h3 id="recent-heading">Seneste sager</h3>
          {o.recent_cases.length === 0 ? (
            <p className="empty-state">Ingen åbne sager</p>
          ) : (
            <div className="table--responsive-scroll" tabIndex={0} role="region" aria-labelledby="recent-heading">
              <table className="table table--compact">
                <caption className="sr-only">Seneste sager, nyeste først</caption>
                <thead>
                  <tr>
                    <th scope="col">Barn</th>
                    <th scope="col" className="num">
                      Alder
                    </th>
                    <th scope="col">Fase</th>
                    <th scope="col">Oprettet</th>
                  </tr>
                </thead>
                <tbody>
                  {o.recent_cases.map((c) => (
                    <tr key={c.id}>
                      <th scope="row">{c.child_name}</th>
                      <td className="num">{formatAge(c.age)}</td>
                      <td>{c.stage_label}</td>
                      <td>
                        <time dateTime={c.opened_at}>{formatDate(c.opened_at)}</time>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
      </div>
    </section>
  );
}

/** The front page of a user without case access (e.g. an administrator): where to go. */
function Welcome({ session }: { session: SessionRead }) {
  const links = [
    can(session, 'users.manage')
      ? { to: '/administration', label: 'Brugere, roller og teams', text: 'opret og ret brugere, og styr log-in-indstillingerne (Administration).' }
      : null,
    can(session, 'audit.read')
      ? { to: '/revisionslog', label: 'Log over hændelser', text: 'se hvem der har gjort hvad og hvornår (Revisionslog).' }
      : null,
  ].filter((l): l is { to: string; label: string; text: string } => l !== null);
  return (
    <section aria-labelledby="welcome-heading" className="welcome">
      <h2 id="welcome-heading">Velkommen, {session.display_name}</h2>
      <p>Du har ikke adgang til børnesagerne, så der er intet sagsoverblik til dig her.</p>
      {links.length > 0 ? (
        <>
          <p>Du kan bruge:</p>
          <ul className="welcome-links">
            {links.map((l) => (
              <li key={l.to}>
                <Link to={l.to}>{l.label}</Link> – {l.text}
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p className="empty-state">
          Du har ingen roller i Trekant endnu. Bed din kommunes Trekant-administrator om adgang.
        </p>
      )}
    </section>
  );
}

export function Forside({ session }: { session: SessionRead }) {
  return (
    <>
      <PageHeading>Forside</PageHeading>
      {can(session, 'team.overview') ? <TeamOverview /> : null}
      {can(session, 'case.read') ? <Worklist canWrite={can(session, 'case.write')} /> : null}
      <div className="row forside">
        <div className="col-12 col-lg-8">
          {can(session, 'case.read') ? <Overview /> : <Welcome session={session} />}
        </div>
        <div className="col-12 col-lg-4">
          <SystemStatus />
        </div>
      </div>
    </>
  );
}
