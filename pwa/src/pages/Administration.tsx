import { Brevskabeloner } from './admin/Brevskabeloner';
import { useEffect, useId, useState, type FormEvent } from 'react';
import {
  api,
  ApiError,
  call,
  fieldErrors,
  type RoleRead,
  type SettingsRead,
  type TeamRead,
  type UserRead,
} from '../api/client';
import type { components } from '../api/schema';
import { Alert } from '../components/Alert';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { FormDialog } from '../components/FormDialog';
import { Pager } from '../components/Pager';
import { CheckboxGroup, ErrorSummary, SelectField, TextField } from '../components/Form';
import { Loading } from '../components/Loading';
import { PageHeading } from '../components/PageHeading';
import { formatDate, formatDateTime, plural } from '../format';
import { useSubmit } from '../mutation';
import { Link, navigate, useSearch } from '../router';
import { Udskrivning } from './admin/Udskrivning';
import { Ankestyrelsen } from './admin/Ankestyrelsen';
import { Statistik } from './admin/Statistik';
import { Arkivering } from './admin/Arkivering';
import { Sletning } from './admin/Sletning';
import { Dataudtraek } from './admin/Dataudtraek';
import { invalidate, useApiQuery } from '../useApi';
import { NotFound } from './NotFound';
import { OfflineAdmin } from '../offline/OfflineAdmin';
import { SecurityAlerts } from './SecurityAlerts';
import { MoneyAdmin } from './okonomi/MoneyAdmin';
import { DeadlineAdmin } from './DeadlineAdmin';
import { FkOrganisation } from './admin/FkOrganisation';

export type AdminData = { users: UserRead[]; roles: RoleRead[]; teams: TeamRead[] };

export async function loadAdminData(signal: AbortSignal): Promise<AdminData> {
  const [users, roles, teams] = await Promise.all([
    call(api.GET('/api/admin/users', { signal })),
    call(api.GET('/api/admin/roles', { signal })),
    call(api.GET('/api/admin/teams', { signal })),
  ]);
  return { users, roles, teams };
}

export function roleLabels(roles: RoleRead[], keys: string[]): string {
  if (keys.length === 0) return 'Ingen';
  return keys.map((k) => roles.find((r) => r.role === k)?.label ?? k).join(', ');
}

export function teamNames(teams: TeamRead[], ids: string[]): string {
  if (ids.length === 0) return 'Ingen';
  return ids
    .map((id) => teams.find((t) => t.id === id)?.name ?? 'Ukendt team')
    .sort((a, b) => a.localeCompare(b, 'da'))
    .join(', ');
}

/* ---------------------------------------------------------------- users: search and table */

type UserPage = components['schemas']['UserPage'];
type TeamDetail = components['schemas']['TeamDetail'];

const PAGE_SIZE = 25;

/** The search as the URL keeps it: ?q=…&rolle=…&team=…&side=… */
type UserQuery = { q: string; role: string; team: string; page: number };

function readQuery(search: URLSearchParams): UserQuery {
  const page = Number(search.get('side') ?? '1');
  return {
    q: search.get('q') ?? '',
    role: search.get('rolle') ?? '',
    team: search.get('team') ?? '',
    page: Number.isSafeInteger(page) && page >= 1 ? page : 1,
  };
}

function queryPath(q: UserQuery): string {
  const params = new URLSearchParams();
  if (q.q.trim()) params.set('q', q.q.trim());
  if (q.role) params.set('rolle', q.role);
  if (q.team) params.set('team', q.team);
  if (q.page > 1) params.set('side', String(q.page));
  const text = params.toString();
  return text ? `/administration?${text}` : '/administration';
}

/** Roles and teams (for the filters, the forms and the table's team names). */
function useAdminMeta() {
  return useApiQuery(['admin', 'meta'], async (signal) => {
    const [roles, teams] = await Promise.all([
      call(api.GET('/api/admin/roles', { signal })),
      call(api.GET('/api/admin/teams', { signal })),
    ]);
    return { roles, teams };
  });
}

type AdminMeta = { roles: RoleRead[]; teams: TeamRead[] };

const byTeamName = (a: TeamRead, b: TeamRead) => a.name.localeCompare(b.name, 'da');

function UserSearch({ meta }: { meta: AdminMeta }) {
  const query = readQuery(useSearch());
  const [text, setText] = useState(query.q);
  // Typing searches as it goes (the URL follows, replaced, so Back leaves the page).
  useEffect(() => {
    if (text.trim() === query.q.trim()) return;
    const timer = window.setTimeout(() => navigate(queryPath({ ...query, q: text, page: 1 }), true), 250);
    return () => window.clearTimeout(timer);
  }, [text, query]);
  const [result, reload] = useApiQuery(
    ['admin', 'users', 'search', query.q, query.role, query.team, query.page],
    (signal) =>
      call(
        api.GET('/api/admin/users/search', {
          signal,
          params: {
            query: {
              q: query.q,
              role: query.role || undefined,
              team_id: query.team || undefined,
              page: query.page,
              page_size: PAGE_SIZE,
            },
          },
        }),
      ),
    { keepPrevious: true },
  );
  const filtered = Boolean(query.q || query.role || query.team);
  const teams = [...meta.teams].sort(byTeamName);

  return (
    <>
      <form className="user-search" role="search" aria-label="Find brugere" onSubmit={(e) => e.preventDefault()}>
        <div className="form-group">
          <label className="form-label" htmlFor="user-search">
            Søg bruger
          </label>
          <span className="form-hint" id="user-search-hint">
            Navn, brugernavn eller e-mail
          </span>
          <input
            id="user-search"
            className="form-input input-width-l"
            type="search"
            autoComplete="off"
            spellCheck={false}
            aria-describedby="user-search-hint"
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        </div>
        <div className="form-group">
          <label className="form-label" htmlFor="user-role">
            Rolle
          </label>
          <select
            id="user-role"
            className="form-select"
            value={query.role}
            onChange={(e) => navigate(queryPath({ ...query, q: text, role: e.target.value, page: 1 }), true)}
          >
            <option value="">Alle roller</option>
            {meta.roles.map((r) => (
              <option key={r.role} value={r.role}>
                {r.label}
              </option>
            ))}
          </select>
        </div>
        <div className="form-group">
          <label className="form-label" htmlFor="user-team">
            Team
          </label>
          <select
            id="user-team"
            className="form-select"
            value={query.team}
            onChange={(e) => navigate(queryPath({ ...query, q: text, team: e.target.value, page: 1 }), true)}
          >
            <option value="">Alle teams</option>
            {teams.map((t) => (
              <option key={t.id} value={t.id}>
                {t.closed_at ? `${t.name} (lukket)` : t.name}
              </option>
            ))}
          </select>
        </div>
      </form>
      {result.state === 'loading' ? <Loading text="Henter brugere …" /> : null}
      {result.state === 'error' ? (
        <Alert
          variant="error"
          heading="Brugerne kunne ikke hentes"
          action={
            <button type="button" className="button button-secondary" onClick={reload}>
              Prøv igen
            </button>
          }
        >
          <p>{result.message}</p>
        </Alert>
      ) : null}
      {result.state === 'ready' ? (
        <UsersTable page={result.data} meta={meta} filtered={filtered} onGo={(page) => navigate(queryPath({ ...query, page }))} />
      ) : null}
    </>
  );
}

function UsersTable({
  page,
  meta,
  filtered,
  onGo,
}: {
  page: UserPage;
  meta: AdminMeta;
  filtered: boolean;
  onGo: (page: number) => void;
}) {
  const pages = Math.max(1, Math.ceil(page.total / page.page_size));
  const count = plural(page.total, 'bruger', 'brugere');
  return (
    <>
      <p role="status" className="user-count">
        {filtered ? `${count} passer til søgningen` : count}
      </p>
      {page.items.length === 0 ? (
        <p className="empty-state">{filtered ? 'Ingen brugere passer til søgningen.' : 'Der er ingen brugere endnu.'}</p>
      ) : (
        <table className="table table--compact table-md-responsive-headers admin-table users-table">
          <caption className="sr-only">Brugere</caption>
          <thead>
            <tr>
              <th scope="col">Navn</th>
              <th scope="col">Brugernavn</th>
              <th scope="col">Roller</th>
              <th scope="col">Teams</th>
              <th scope="col">Status</th>
              <th scope="col">Sidst logget ind</th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((u) => (
              <tr key={u.id}>
                <th scope="row" data-title="Navn">
                  <Link to={`/administration/brugere/${u.id}`} aria-label={`Ret ${u.display_name}`}>
                    {u.display_name}
                  </Link>
                </th>
                <td data-title="Brugernavn" className="break">
                  {u.username}
                </td>
                <td data-title="Roller">{roleLabels(meta.roles, u.roles)}</td>
                <td data-title="Teams">{teamNames(meta.teams, u.team_ids)}</td>
                <td data-title="Status">
                  <StatusBadge active={u.active} />
                </td>
                <td data-title="Sidst logget ind">
                  {u.last_login_at ? (
                    <time dateTime={u.last_login_at}>{formatDateTime(u.last_login_at)}</time>
                  ) : (
                    'Aldrig'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {pages > 1 ? <Pager label="Sider i brugerlisten" page={page.page} pages={pages} onGo={onGo} /> : null}
    </>
  );
}

export function StatusBadge({ active }: { active: boolean }) {
  return (
    <span className={`badge ${active ? 'badge-success' : 'badge-error'}`}>
      {active ? 'Aktiv' : 'Deaktiveret'}
    </span>
  );
}

/* ---------------------------------------------------------------- create user */

const USER_FIELDS: Record<string, [string, string]> = {
  display_name: ['user-name', 'Navn'],
  username: ['user-username', 'Brugernavn (e-mail/UPN)'],
  email: ['user-email', 'E-mail'],
  roles: ['user-roles', 'Roller'],
  team_ids: ['user-teams', 'Teams'],
};

function CreateUser({ data, onCreated }: { data: AdminMeta; onCreated: (user: UserRead) => void }) {
  const [name, setName] = useState('');
  const [username, setUsername] = useState('');
  const [email, setEmail] = useState('');
  const [roles, setRoles] = useState<string[]>([]);
  const [teams, setTeams] = useState<string[]>([]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  // A taken username (409) is the username field's error.
  const { run, busy, general: failure, setGeneral: setFailure } = useSubmit({
    setErrors,
    fields: (err) => (err instanceof ApiError && err.status === 409 ? { username: err.detail } : fieldErrors(err)),
  });

  const clear = (key: string) =>
    setErrors((e) => {
      const next = { ...e };
      delete next[key];
      return next;
    });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setErrors({});
    setFailure(undefined);
    await run(async () => {
      const user = await call(
        api.POST('/api/admin/users', {
          body: {
            display_name: name,
            username,
            email: email.trim() ? email.trim() : null,
            roles,
            team_ids: teams,
          },
        }),
      );
      setName('');
      setUsername('');
      setEmail('');
      setRoles([]);
      setTeams([]);
      onCreated(user);
    });
  };

  return (
    <form onSubmit={submit} noValidate className="admin-form">
      <p>
        Brugeren kan logge ind, så snart kommunens log-in kender brugernavnet. Brugernavnet skal
        være det, kommunens log-in viser (e-mail eller UPN).
      </p>
      <ErrorSummary errors={errors} fields={USER_FIELDS} />
      {failure ? (
        <Alert variant="error" heading="Brugeren blev ikke oprettet">
          <p>{failure}</p>
        </Alert>
      ) : null}
      <TextField
        id="user-name"
        label="Navn"
        value={name}
        autoComplete="off"
        onChange={(v) => {
          setName(v);
          clear('display_name');
        }}
        error={errors.display_name}
      />
      <TextField
        id="user-username"
        label="Brugernavn (e-mail/UPN)"
        hint="Fx navn@kommune.dk"
        value={username}
        onChange={(v) => {
          setUsername(v);
          clear('username');
        }}
        error={errors.username}
      />
      <TextField
        id="user-email"
        label="E-mail"
        hint="Valgfri"
        type="email"
        value={email}
        onChange={(v) => {
          setEmail(v);
          clear('email');
        }}
        error={errors.email}
      />
      <CheckboxGroup
        id="user-roles"
        legend="Roller"
        choices={data.roles.map((r) => ({ value: r.role, label: r.label }))}
        value={roles}
        onChange={(v) => {
          setRoles(v);
          clear('roles');
        }}
        error={errors.roles}
      />
      <CheckboxGroup
        id="user-teams"
        legend="Teams"
        choices={data.teams
          .filter((t) => !t.closed_at)
          .sort(byTeamName)
          .map((t) => ({ value: t.id, label: t.name }))}
        value={teams}
        onChange={(v) => {
          setTeams(v);
          clear('team_ids');
        }}
        error={errors.team_ids}
        empty="Der er ingen åbne teams. Opret dem under Teams."
      />
      <button
        type="submit"
        className={`button button-primary ${busy ? 'spinner-active' : ''}`.trim()}
        aria-disabled={busy || undefined}
      >
        Opret bruger
      </button>
    </form>
  );
}

/* ---------------------------------------------------------------- teams */

function TeamStatus({ closedAt }: { closedAt: string | null | undefined }) {
  return closedAt ? (
    <span className="badge badge-error">Lukket {formatDate(closedAt)}</span>
  ) : (
    <span className="badge badge-success">Åbent</span>
  );
}

function CreateTeam({ onCreated }: { onCreated: (team: TeamRead) => void }) {
  const [name, setName] = useState('');
  const [error, setError] = useState<string | undefined>();
  const { run, busy, general: failure } = useSubmit({
    // A taken name (409) is the name field's error.
    fields: (err) => (err instanceof ApiError && err.status === 409 ? { name: err.detail } : fieldErrors(err)),
    setErrors: (e) => {
      const next = typeof e === 'function' ? e({}) : e;
      setError(next.name);
    },
  });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setError(undefined);
    await run(async () => {
      const team = await call(api.POST('/api/admin/teams', { body: { name } }));
      onCreated(team);
    });
  };

  return (
    <form onSubmit={submit} noValidate className="admin-form">
      <ErrorSummary errors={error ? { name: error } : {}} fields={{ name: ['team-name', 'Teamnavn'] }} />
      {failure ? (
        <Alert variant="error" heading="Teamet blev ikke oprettet">
          <p>{failure}</p>
        </Alert>
      ) : null}
      <TextField
        id="team-name"
        label="Teamnavn"
        value={name}
        autoComplete="off"
        onChange={(v) => {
          setName(v);
          setError(undefined);
        }}
        error={error}
      />
      <button
        type="submit"
        className={`button button-primary ${busy ? 'spinner-active' : ''}`.trim()}
        aria-disabled={busy || undefined}
      >
        Opret team
      </button>
    </form>
  );
}

function TeamsPage() {
  const [meta, reload] = useAdminMeta();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<string | undefined>();
  return (
    <section aria-labelledby="teams-heading" className="admin-section" aria-busy={meta.state === 'loading'}>
      <div className="admin-heading-row">
        <h2 id="teams-heading">Teams</h2>
        <button type="button" className="button button-secondary" onClick={() => setCreating(true)}>
          Opret team
        </button>
      </div>
      {created ? (
        <Alert variant="success" heading="Teamet er oprettet">
          <p>{created} kan nu vælges for brugerne.</p>
        </Alert>
      ) : null}
      {creating ? (
        <FormDialog title="Opret team" onClose={() => setCreating(false)}>
          <CreateTeam
            onCreated={(team) => {
              setCreating(false);
              setCreated(team.name);
              invalidate(['admin']);
            }}
          />
        </FormDialog>
      ) : null}
      {meta.state === 'loading' ? <Loading text="Henter teams …" /> : null}
      {meta.state === 'error' ? (
        <Alert
          variant="error"
          heading="Teams kunne ikke hentes"
          action={
            <button type="button" className="button button-secondary" onClick={reload}>
              Prøv igen
            </button>
          }
        >
          <p>{meta.message}</p>
        </Alert>
      ) : null}
      {meta.state === 'ready' && meta.data.teams.length === 0 ? (
        <p className="empty-state">Der er ingen teams endnu.</p>
      ) : null}
      {meta.state === 'ready' && meta.data.teams.length > 0 ? (
        <table className="table table--compact table--responsive-headers teams-table">
          <caption className="sr-only">Teams</caption>
          <thead>
            <tr>
              <th scope="col">Team</th>
              <th scope="col" className="num">
                Medlemmer
              </th>
              <th scope="col" className="num">
                Åbne sager
              </th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {meta.data.teams.map((t) => (
              <tr key={t.id}>
                <th scope="row" data-title="Team">
                  <Link to={`/administration/teams/${t.id}`}>{t.name}</Link>
                </th>
                <td data-title="Medlemmer" className="num">
                  {t.members}
                </td>
                <td data-title="Åbne sager" className="num">
                  {t.open_cases ?? 0}
                </td>
                <td data-title="Status">
                  <TeamStatus closedAt={t.closed_at} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {meta.state === 'ready' ? <FkOrganisation teams={meta.data.teams} /> : null}
    </section>
  );
}

function RenameTeam({ team, onSaved }: { team: TeamDetail; onSaved: (team: TeamDetail) => void }) {
  const [name, setName] = useState(team.name);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const { run, busy, general: failure } = useSubmit({ setErrors });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setErrors({});
    await run(async () => {
      const saved = await call(
        api.PATCH('/api/admin/teams/{team_id}', {
          params: { path: { team_id: team.id } },
          body: { version: team.version, name },
        }),
      );
      onSaved(saved);
    });
  };
  return (
    <form onSubmit={submit} noValidate className="admin-form">
      <ErrorSummary errors={errors} fields={{ name: ['team-new-name', 'Nyt navn'] }} />
      {failure ? (
        <Alert variant="error" heading="Teamet blev ikke omdøbt">
          <p>{failure}</p>
        </Alert>
      ) : null}
      <TextField
        id="team-new-name"
        label="Nyt navn"
        value={name}
        autoComplete="off"
        onChange={(v) => {
          setName(v);
          setErrors({});
        }}
        error={errors.name}
      />
      <button
        type="submit"
        className={`button button-primary ${busy ? 'spinner-active' : ''}`.trim()}
        aria-disabled={busy || undefined}
      >
        Gem navn
      </button>
    </form>
  );
}

function TeamPage({ teamId }: { teamId: string }) {
  const [team, reload, update] = useApiQuery(['admin', 'team', teamId], (signal) =>
    call(api.GET('/api/admin/teams/{team_id}', { signal, params: { path: { team_id: teamId } } })),
  );
  const [roles] = useAdminMeta();
  const [dialog, setDialog] = useState<'rename' | 'close' | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const closing = useSubmit();

  if (team.state === 'loading') return <Loading text="Henter teamet …" />;
  if (team.state === 'error') {
    return (
      <Alert
        variant="error"
        heading={team.status === 404 ? 'Teamet findes ikke' : 'Teamet kunne ikke hentes'}
        action={
          team.status === 404 ? (
            <Link to="/administration/teams">Tilbage til teams</Link>
          ) : (
            <button type="button" className="button button-secondary" onClick={reload}>
              Prøv igen
            </button>
          )
        }
      >
        <p>{team.message}</p>
      </Alert>
    );
  }
  const t = team.data;
  const saved = (next: TeamDetail, message: string) => {
    update(() => next);
    invalidate(['admin', 'meta']);
    setDialog(undefined);
    setNotice(message);
  };
  const close = () =>
    closing.run(async () => {
      const next = await call(
        api.POST('/api/admin/teams/{team_id}/close', {
          params: { path: { team_id: t.id } },
          body: { version: t.version },
        }),
      );
      saved(next, `${next.name} er lukket.`);
    });

  return (
    <section aria-labelledby="team-heading" className="admin-section">
      <p className="admin-back">
        <Link to="/administration/teams">Alle teams</Link>
      </p>
      <div className="admin-heading-row">
        <h2 id="team-heading">{t.name}</h2>
        <TeamStatus closedAt={t.closed_at} />
      </div>
      {notice ? <Alert variant="success" heading={notice} /> : null}
      <dl className="team-facts">
        <div>
          <dt>Medlemmer</dt>
          <dd>{t.members.length}</dd>
        </div>
        <div>
          <dt>Åbne sager</dt>
          <dd>{t.open_cases}</dd>
        </div>
      </dl>
      <div className="admin-actions">
        <button type="button" className="button button-secondary" onClick={() => setDialog('rename')}>
          Omdøb team
        </button>
        {t.closed_at ? null : t.open_cases > 0 ? (
          <p className="form-hint">
            Teamet kan lukkes, når dets {plural(t.open_cases, 'åbne sag', 'åbne sager')} er flyttet til et andet team.
          </p>
        ) : (
          <button
            type="button"
            className="button button-secondary"
            onClick={() => {
              closing.setGeneral(undefined);
              setDialog('close');
            }}
          >
            Luk team
          </button>
        )}
      </div>
      {dialog === 'rename' ? (
        <FormDialog title="Omdøb team" subtitle={t.name} onClose={() => setDialog(undefined)}>
          <RenameTeam team={t} onSaved={(next) => saved(next, `Teamet hedder nu ${next.name}.`)} />
        </FormDialog>
      ) : null}
      {dialog === 'close' ? (
        <ConfirmDialog
          title={`Luk ${t.name}?`}
          confirmLabel="Luk team"
          busy={closing.busy}
          error={closing.general}
          onConfirm={() => void close()}
          onCancel={() => setDialog(undefined)}
        >
          <p>
            Teamet kan derefter ikke få nye medlemmer eller sager.{' '}
            {t.members.length > 0
              ? `${plural(t.members.length, 'medlem', 'medlemmer')} tages ud af teamet.`
              : 'Teamet har ingen medlemmer.'}
          </p>
        </ConfirmDialog>
      ) : null}
      <h3 id="members-heading">Medlemmer</h3>
      {t.members.length === 0 ? (
        <p className="empty-state">{t.closed_at ? 'Et lukket team har ingen medlemmer.' : 'Teamet har ingen medlemmer endnu.'}</p>
      ) : (
        <table className="table table--compact table--responsive-headers admin-table" aria-labelledby="members-heading">
          <thead>
            <tr>
              <th scope="col">Navn</th>
              <th scope="col">Brugernavn</th>
              <th scope="col">Roller</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {t.members.map((m) => (
              <tr key={m.id}>
                <th scope="row" data-title="Navn">
                  <Link to={`/administration/brugere/${m.id}`}>{m.display_name}</Link>
                </th>
                <td data-title="Brugernavn" className="break">
                  {m.username}
                </td>
                <td data-title="Roller">{roles.state === 'ready' ? roleLabels(roles.data.roles, m.roles) : ''}</td>
                <td data-title="Status">
                  <StatusBadge active={m.active} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/* ---------------------------------------------------------------- settings (log-in, deadlines) */

function SettingsForm({ roles, initial }: { roles: RoleRead[]; initial: SettingsRead }) {
  const [jit, setJit] = useState(initial.jit_provisioning);
  const [role, setRole] = useState(initial.jit_default_role);
  const [days, setDays] = useState(String(initial.application_days ?? 28));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const { run, busy, general: failure, setGeneral: setFailure } = useSubmit({ setErrors });
  const [saved, setSaved] = useState(false);
  const hintId = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setErrors({});
    setFailure(undefined);
    setSaved(false);
    // A whole number is checked here (the API would answer a non-number in English);
    // the allowed range (1–365) is the API's to say.
    const text = days.trim();
    const applicationDays = Number(text);
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(applicationDays)) {
      setErrors({ application_days: 'Skriv fristen som et helt antal dage, fx 28' });
      return;
    }
    await run(async () => {
      const s = await call(
        api.PUT('/api/admin/settings', {
          body: { jit_provisioning: jit, jit_default_role: role, application_days: applicationDays },
        }),
      );
      setJit(s.jit_provisioning);
      setRole(s.jit_default_role);
      setDays(String(s.application_days ?? applicationDays));
      setSaved(true);
    });
  };

  return (
    <form onSubmit={submit} noValidate className="admin-form">
      <ErrorSummary
        errors={errors}
        fields={{
          jit_provisioning: ['settings-jit', 'Opret automatisk brugere ved første log-in'],
          jit_default_role: ['settings-role', 'Standardrolle'],
          roles: ['settings-role', 'Standardrolle'],
          application_days: ['settings-application-days', 'Sagsbehandlingsfrist for ansøgninger (dage)'],
        }}
      />
      {failure ? (
        <Alert variant="error" heading="Indstillingerne blev ikke gemt">
          <p>{failure}</p>
        </Alert>
      ) : null}
      {saved ? <Alert variant="success" heading="Indstillingerne er gemt" /> : null}
      <div className="form-group">
        <div className="form-group-checkbox">
          <input
            id="settings-jit"
            type="checkbox"
            className="form-checkbox"
            checked={jit}
            aria-describedby={hintId}
            onChange={(e) => {
              setJit(e.target.checked);
              setSaved(false);
            }}
          />
          <label className="form-label" htmlFor="settings-jit">
            Opret automatisk brugere ved første log-in
          </label>
        </div>
        <span className="form-hint checkbox-hint" id={hintId}>
          Alle, som kommunens log-in godkender, får adgang med standardrollen. Ellers skal
          brugerne oprettes her først.
        </span>
      </div>
      <SelectField
        id="settings-role"
        label="Standardrolle"
        hint="Den rolle, automatisk oprettede brugere får."
        value={role}
        onChange={(v) => {
          setRole(v);
          setSaved(false);
        }}
        choices={roles.map((r) => ({ value: r.role, label: r.label }))}
        error={errors.jit_default_role ?? errors.roles}
      />
      <TextField
        id="settings-application-days"
        label="Sagsbehandlingsfrist for ansøgninger (dage)"
        hint="Kommunens egen frist efter retssikkerhedslovens § 3, stk. 2. Ansøgninger får en aktivitet med denne frist."
        value={days}
        onChange={(v) => {
          setDays(v);
          setSaved(false);
          setErrors((e) => {
            const next = { ...e };
            delete next.application_days;
            return next;
          });
        }}
        error={errors.application_days}
        inputMode="numeric"
        width="input-width-xs"
      />
      <button
        type="submit"
        className={`button button-primary ${busy ? 'spinner-active' : ''}`.trim()}
        aria-disabled={busy || undefined}
      >
        Gem indstillinger
      </button>
    </form>
  );
}

function Settings({ roles }: { roles: RoleRead[] }) {
  const [settings, reload] = useApiQuery(['admin', 'settings'], (signal) => call(api.GET('/api/admin/settings', { signal })));
  return (
    <section
      aria-labelledby="settings-heading"
      className="admin-section"
      aria-busy={settings.state === 'loading'}
    >
      <h2 id="settings-heading">Indstillinger</h2>
      {settings.state === 'loading' ? <Loading text="Henter indstillinger …" /> : null}
      {settings.state === 'error' ? (
        <Alert
          variant="error"
          heading="Indstillingerne kunne ikke hentes"
          action={
            <button type="button" className="button button-secondary" onClick={reload}>
              Prøv igen
            </button>
          }
        >
          <p>{settings.message}</p>
        </Alert>
      ) : null}
      {settings.state === 'ready' ? <SettingsForm roles={roles} initial={settings.data} /> : null}
    </section>
  );
}

/* ---------------------------------------------------------------- page */

/** The administrator's places in two groups: running the kommune's Trekant, and what the
 * kommune reports, archives, deletes and extracts (issue 18). */
const TAB_GROUPS = [
  {
    label: 'Kommunen',
    tabs: [
      { to: '/administration', label: 'Brugere' },
      { to: '/administration/teams', label: 'Teams' },
      { to: '/administration/indstillinger', label: 'Indstillinger' },
      { to: '/administration/brevskabeloner', label: 'Brevskabeloner' },
      { to: '/administration/udskrivning', label: 'Udskrivning' },
    ],
  },
  {
    label: 'Indberetning og arkiv',
    tabs: [
      { to: '/administration/statistik', label: 'Statistik' },
      { to: '/administration/ankestyrelsen', label: 'Ankestyrelsen' },
      { to: '/administration/arkivering', label: 'Arkivering' },
      { to: '/administration/sletning', label: 'Sletning' },
      { to: '/administration/dataudtraek', label: 'Dataudtræk' },
    ],
  },
];

function SubNav({ path }: { path: string }) {
  const current = (to: string) =>
    to === '/administration' ? path === '/administration' || path === '/administration/' : path.startsWith(to);
  return (
    <nav aria-label="Administration" className="admin-subnav">
      {TAB_GROUPS.map((group, i) => (
        <div key={group.label} className="admin-subnav-group">
          <p className="admin-subnav-label" id={`admin-nav-${i}`}>
            {group.label}
          </p>
          <ul aria-labelledby={`admin-nav-${i}`}>
            {group.tabs.map((t) => (
              <li key={t.to}>
                <Link to={t.to} aria-current={current(t.to) ? 'page' : undefined}>
                  {t.label}
                </Link>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </nav>
  );
}

function UsersPage() {
  const [meta, reload] = useAdminMeta();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<UserRead | null>(null);
  return (
    <>
      <SecurityAlerts />
      <section aria-labelledby="users-heading" className="admin-section" aria-busy={meta.state === 'loading'}>
        <div className="admin-heading-row">
          <h2 id="users-heading">Brugere</h2>
          <button type="button" className="button button-secondary" onClick={() => setCreating(true)}>
            Opret bruger
          </button>
        </div>
        {created ? (
          <Alert variant="success" heading="Brugeren er oprettet">
            <p>
              {created.display_name} ({created.username}) kan nu logge ind i Trekant.
            </p>
          </Alert>
        ) : null}
        {meta.state === 'loading' ? <Loading text="Henter roller og teams …" /> : null}
        {meta.state === 'error' ? (
          <Alert
            variant="error"
            heading="Administrationen kunne ikke hentes"
            action={
              <button type="button" className="button button-secondary" onClick={reload}>
                Prøv igen
              </button>
            }
          >
            <p>{meta.message}</p>
          </Alert>
        ) : null}
        {meta.state === 'ready' ? <UserSearch meta={meta.data} /> : null}
        {creating && meta.state === 'ready' ? (
          <FormDialog title="Opret bruger" onClose={() => setCreating(false)} size="wide">
            <CreateUser
              data={meta.data}
              onCreated={(user) => {
                setCreating(false);
                setCreated(user);
                invalidate(['admin']);
              }}
            />
          </FormDialog>
        ) : null}
      </section>
    </>
  );
}

function SettingsPage() {
  const [meta, reload] = useAdminMeta();
  return (
    <>
      {meta.state === 'loading' ? <Loading text="Henter indstillinger …" /> : null}
      {meta.state === 'error' ? (
        <Alert
          variant="error"
          heading="Indstillingerne kunne ikke hentes"
          action={
            <button type="button" className="button button-secondary" onClick={reload}>
              Prøv igen
            </button>
          }
        >
          <p>{meta.message}</p>
        </Alert>
      ) : null}
      {meta.state === 'ready' ? <Settings roles={meta.data.roles} /> : null}
      <DeadlineAdmin />
      <MoneyAdmin />
      <OfflineAdmin />
    </>
  );
}

const TEAM = /^\/administration\/teams\/([0-9a-f-]{36})\/?$/i;

/** The administrator's places: users (search), teams (and one team), settings. */
export function Administration({ path }: { path: string }) {
  const team = TEAM.exec(path);
  let content;
  if (team) content = <TeamPage key={team[1]} teamId={team[1] ?? ''} />;
  else if (path.startsWith('/administration/teams')) content = <TeamsPage />;
  else if (path.startsWith('/administration/indstillinger')) content = <SettingsPage />;
  else if (path.startsWith('/administration/udskrivning')) content = <Udskrivning />;
  else if (path.startsWith('/administration/brevskabeloner')) content = <Brevskabeloner path={path} />;
  else if (path.startsWith('/administration/ankestyrelsen')) content = <Ankestyrelsen />;
  else if (path.startsWith('/administration/statistik')) content = <Statistik />;
  else if (path.startsWith('/administration/arkivering')) content = <Arkivering />;
  else if (path.startsWith('/administration/sletning')) content = <Sletning />;
  else if (path.startsWith('/administration/dataudtraek')) content = <Dataudtraek />;
  else if (path === '/administration' || path === '/administration/') content = <UsersPage />;
  else content = <NotFound />;
  return (
    <>
      <PageHeading>Administration</PageHeading>
      <SubNav path={path} />
      {content}
    </>
  );
}
