import type { ReactNode } from 'react';
import { api, ApiError, call, can, NETWORK_ERROR, type Health, type SessionRead } from '../api/client';
import { Alert } from '../components/Alert';
import { Loading } from '../components/Loading';
import { PageHeading } from '../components/PageHeading';
import { SettleGate, SettleScope } from '../components/Settle';
import { formatAge, formatDate, formatDateTime, formatNumber, plural } from '../format';
import { formatKr } from './mi/table';
import { Link } from '../router';
import { useApiQuery } from '../useApi';
import { TeamOverview } from './TeamOverview';
import { Worklist } from './Worklist';
import { IndgaaetPost } from './sag/dokumenter/IndgaaetPost';

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

/** A card of a role's front page: a heading, what waits, and where to go to act on it. */
function FrontCard({ id, heading, children, links }: { id: string; heading: string; children: ReactNode; links: { to: string; label: string }[] }) {
  return (
    <section className="card front-card" aria-labelledby={id}>
      <div className="card-content">
        <h2 id={id} className="h3 card-heading">
          {heading}
        </h2>
        {children}
        {links.length > 0 ? (
          <ul className="nobullet-list front-card-links">
            {links.map((l) => (
              <li key={l.to}>
                <Link to={l.to}>{l.label}</Link>
              </li>
            ))}
          </ul>
        ) : null}
      </div>
    </section>
  );
}

function Failed({ message, reload }: { message: string; reload: () => void }) {
  return (
    <Alert
      variant="error"
      heading="Kunne ikke hentes"
      action={
        <button type="button" className="button button-secondary" onClick={reload}>
          Prøv igen
        </button>
      }
    >
      <p>{message}</p>
    </Alert>
  );
}

const PAYMENTS = '/ledelsesinformation/betalinger';

/** Finance: payments waiting for approval or export, and price updates running or failed. */
function FinanceFront() {
  const [waiting, reloadWaiting] = useApiQuery(['money', 'payments', 'registreret', 'front'], (signal) =>
    call(api.GET('/api/money/payments', { params: { query: { status: 'registreret', page_size: 5 } }, signal })),
  );
  const [ready, reloadReady] = useApiQuery(['money', 'payments', 'godkendt', 'front'], (signal) =>
    call(api.GET('/api/money/payments', { params: { query: { status: 'godkendt', page_size: 1 } }, signal })),
  );
  const [updates, reloadUpdates] = useApiQuery(['money', 'price-updates'], (signal) => call(api.GET('/api/money/price-updates', { signal })));
  const open = updates.state === 'ready' ? updates.data.items.filter((u) => ['venter', 'tilbagefoeres', 'fejlet'].includes(u.status)) : [];
  return (
    <div className="front-cards">
      <FrontCard id="front-payments" heading="Betalinger til godkendelse" links={[{ to: PAYMENTS, label: 'Gå til betalinger' }]}>
        {waiting.state === 'loading' ? <Loading small text="Henter betalinger …" /> : null}
        {waiting.state === 'error' ? <Failed message={waiting.message} reload={reloadWaiting} /> : null}
        {waiting.state === 'ready' ? (
          waiting.data.total === 0 ? (
            <p className="empty-state">Ingen betalinger venter på godkendelse</p>
          ) : (
            <>
              <p className="front-figure">
                {plural(waiting.data.total, 'betaling venter', 'betalinger venter')}, i alt {formatKr(waiting.data.total_oere)}
              </p>
              <ul className="front-list">
                {waiting.data.items.map((p) => (
                  <li key={p.id}>
                    {p.supplier_name}: {formatKr(p.amount_oere)} <span className="cell-note">{p.child_name}, {p.measure_label}</span>
                  </li>
                ))}
              </ul>
            </>
          )
        ) : null}
      </FrontCard>
      <FrontCard id="front-export" heading="Klar til eksport" links={[{ to: PAYMENTS, label: 'Eksportér betalinger' }]}>
        {ready.state === 'loading' ? <Loading small text="Henter betalinger …" /> : null}
        {ready.state === 'error' ? <Failed message={ready.message} reload={reloadReady} /> : null}
        {ready.state === 'ready' ? (
          ready.data.total === 0 ? (
            <p className="empty-state">Ingen godkendte betalinger venter på eksport</p>
          ) : (
            <p className="front-figure">
              {plural(ready.data.total, 'godkendt betaling', 'godkendte betalinger')}, i alt {formatKr(ready.data.total_oere)}
            </p>
          )
        ) : null}
      </FrontCard>
      <FrontCard id="front-prices" heading="Prisopdateringer" links={[{ to: '/okonomi/prisopdatering', label: 'Gå til prisopdatering' }]}>
        {updates.state === 'loading' ? <Loading small text="Henter prisopdateringer …" /> : null}
        {updates.state === 'error' ? <Failed message={updates.message} reload={reloadUpdates} /> : null}
        {updates.state === 'ready' ? (
          open.length === 0 ? (
            <p className="empty-state">Ingen prisopdateringer kører, og ingen er fejlet</p>
          ) : (
            <ul className="front-list">
              {open.map((u) => (
                <li key={u.id} className={u.status === 'fejlet' ? 'front-failed' : undefined}>
                  <strong>{u.status_label}</strong>: gælder fra {formatDate(u.effective_from)}
                  <span className="cell-note">Bestilt {formatDateTime(u.requested_at)}</span>
                </li>
              ))}
            </ul>
          )
        ) : null}
      </FrontCard>
    </div>
  );
}

/** The administrator: users waiting for their first log-in or without a role, log-in settings, recent audit. */
function AdminFront({ session }: { session: SessionRead }) {
  const [users, reloadUsers] = useApiQuery(['front', 'admin', 'users'], (signal) => call(api.GET('/api/admin/users', { signal })));
  const [settings, reloadSettings] = useApiQuery(['admin', 'settings'], (signal) => call(api.GET('/api/admin/settings', { signal })));
  const [roles] = useApiQuery(['front', 'admin', 'roles'], (signal) => call(api.GET('/api/admin/roles', { signal })));
  const mayAudit = can(session, 'audit.read');
  const [audit, reloadAudit] = useApiQuery(
    ['front', 'admin', 'audit'],
    (signal) => call(api.GET('/api/admin/audit', { params: { query: { page_size: 5 } }, signal })),
    { enabled: mayAudit },
  );
  const active = users.state === 'ready' ? users.data.filter((u) => u.active) : [];
  const waiting = active.filter((u) => !u.bound);
  const roleless = active.filter((u) => u.roles.length === 0);
  const roleLabel = (r: string) => (roles.state === 'ready' ? (roles.data.find((x) => x.role === r)?.label ?? '') : '');
  return (
    <div className="front-cards">
      <FrontCard id="front-users" heading="Brugere" links={[{ to: '/administration', label: 'Gå til brugere, roller og teams' }]}>
        {users.state === 'loading' ? <Loading small text="Henter brugere …" /> : null}
        {users.state === 'error' ? <Failed message={users.message} reload={reloadUsers} /> : null}
        {users.state === 'ready' ? (
          <>
            <p className="front-figure">{plural(active.length, 'aktiv bruger', 'aktive brugere')}</p>
            <p>
              {waiting.length === 0
                ? 'Alle har logget ind.'
                : `${plural(waiting.length, 'bruger har', 'brugere har')} ikke logget ind endnu.`}
            </p>
            {roleless.length === 0 ? (
              <p>Alle brugere har en rolle.</p>
            ) : (
              <>
                <p>{plural(roleless.length, 'bruger mangler', 'brugere mangler')} en rolle:</p>
                <ul className="front-list">
                  {roleless.slice(0, 5).map((u) => (
                    <li key={u.id}>
                      <Link to={`/administration/brugere/${u.id}`}>{u.display_name}</Link>
                    </li>
                  ))}
                </ul>
              </>
            )}
          </>
        ) : null}
      </FrontCard>
      <FrontCard id="front-settings" heading="Log-in-indstillinger" links={[{ to: '/administration', label: 'Ret indstillingerne' }]}>
        {settings.state === 'loading' ? <Loading small text="Henter indstillinger …" /> : null}
        {settings.state === 'error' ? <Failed message={settings.message} reload={reloadSettings} /> : null}
        {settings.state === 'ready' ? (
          <p>
            {settings.data.jit_provisioning
              ? `Nye medarbejdere oprettes ved første log-ind${roleLabel(settings.data.jit_default_role) ? ` med rollen ${roleLabel(settings.data.jit_default_role).toLowerCase()}` : ''}.`
              : 'Kun forhåndsoprettede brugere kan logge ind.'}
          </p>
        ) : null}
      </FrontCard>
      {mayAudit ? (
        <FrontCard id="front-audit" heading="Seneste hændelser" links={[{ to: '/revisionslog', label: 'Gå til revisionsloggen' }]}>
          {audit.state === 'loading' ? <Loading small text="Henter hændelser …" /> : null}
          {audit.state === 'error' ? <Failed message={audit.message} reload={reloadAudit} /> : null}
          {audit.state === 'ready' ? (
            audit.data.items.length === 0 ? (
              <p className="empty-state">Ingen hændelser endnu</p>
            ) : (
              <ul className="front-list">
                {audit.data.items.map((e) => (
                  <li key={e.id}>
                    {e.action_label}
                    <span className="cell-note">
                      {e.actor_name ?? 'Ukendt bruger'}, {formatDateTime(e.at)}
                    </span>
                  </li>
                ))}
              </ul>
            )
          ) : null}
        </FrontCard>
      ) : null}
      <SystemStatus />
    </div>
  );
}

/** Read-only access (e.g. an auditor): what they may look into, and where. */
function ReaderFront({ session }: { session: SessionRead }) {
  const links = [
    { to: '/sog', label: 'Søg i sagerne' },
    ...(can(session, 'mi.read') ? [{ to: '/ledelsesinformation', label: 'Ledelsesinformation' }] : []),
    ...(can(session, 'audit.read') ? [{ to: '/revisionslog', label: 'Revisionslog' }] : []),
  ];
  return (
    <section aria-labelledby="reader-heading" className="reader-front">
      <h2 id="reader-heading">Læseadgang</h2>
      <p>Du kan læse kommunens børnesager, men ikke ændre dem. Hver sag, du åbner, bliver skrevet i revisionsloggen.</p>
      <ul className="nobullet-list front-card-links">
        {links.map((l) => (
          <li key={l.to}>
            <Link to={l.to}>{l.label}</Link>
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * The front page fits the role: a caseworker (or manager) starts with the worklist, finance
 * with payments and price updates, the administrator with users, settings and audit, read-only
 * access with the kommune's overview. Several roles: each part, in that order.
 */
export function Forside({ session }: { session: SessionRead }) {
  const worker = can(session, 'case.write');
  const finance = can(session, 'finance.manage');
  const admin = can(session, 'users.manage');
  const reader = can(session, 'case.read') && !worker && !finance;
  const manager = can(session, 'team.overview');
  const none = !can(session, 'case.read') && !admin && !can(session, 'audit.read');
  // What is pressed must not move under the press (components/Settle.tsx): the worklist shows
  // once the team overview and "Indgået post" above it are in (it loads meanwhile, hidden), and
  // the offline panel at its bottom once the worklist's lists are in. The sections below the
  // worklist hold a scope of their own (nothing above waits for them).
  return (
    <SettleScope>
      <PageHeading>Forside</PageHeading>
      {manager ? <TeamOverview /> : null}
      {worker ? <IndgaaetPost canWrite /> : null}
      {worker ? (
        <SettleGate
          placeholder={
            <div aria-busy="true">
              <Loading text="Henter arbejdslisten …" hold={false} />
            </div>
          }
        >
          <Worklist canWrite />
        </SettleGate>
      ) : null}
      <SettleScope>
        {finance ? <FinanceFront /> : null}
        {reader ? <ReaderFront session={session} /> : null}
        {manager || reader ? <Overview /> : null}
        {admin ? <AdminFront session={session} /> : null}
        {none ? (
          <section aria-labelledby="welcome-heading" className="welcome">
            <h2 id="welcome-heading">Velkommen, {session.display_name}</h2>
            <p className="empty-state">
              Du har ingen roller i Trekant endnu. Bed din kommunes Trekant-administrator om adgang.
            </p>
          </section>
        ) : null}
      </SettleScope>
    </SettleScope>
  );
}
