import { useId, useMemo, useState, type FormEvent } from 'react';
import {
  api,
  ApiError,
  call,
  fieldErrors,
  messageOf,
  type RoleRead,
  type SettingsRead,
  type TeamRead,
  type UserRead,
} from '../api/client';
import { Alert } from '../components/Alert';
import { CheckboxGroup, ErrorSummary, SelectField, TextField } from '../components/Form';
import { Loading } from '../components/Loading';
import { PageHeading } from '../components/PageHeading';
import { formatDateTime } from '../format';
import { useSubmit } from '../mutation';
import { Link } from '../router';
import { useApiQuery } from '../useApi';
import { OfflineAdmin } from '../offline/OfflineAdmin';
import { SecurityAlerts } from './SecurityAlerts';
import { MoneyAdmin } from './okonomi/MoneyAdmin';
import { DeadlineAdmin } from './DeadlineAdmin';

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

function normalise(text: string): string {
  return text.trim().toLocaleLowerCase('da-DK');
}

const byName = (a: UserRead, b: UserRead) => a.display_name.localeCompare(b.display_name, 'da');

/* ---------------------------------------------------------------- users table */

function UsersTable({ data }: { data: AdminData }) {
  const [query, setQuery] = useState('');
  const q = normalise(query);
  const users = useMemo(() => {
    const sorted = [...data.users].sort(byName);
    if (!q) return sorted;
    return sorted.filter(
      (u) =>
        normalise(u.display_name).includes(q) ||
        normalise(u.username).includes(q) ||
        normalise(u.email ?? '').includes(q),
    );
  }, [data.users, q]);

  return (
    <>
      <div className="form-group user-search">
        <label className="form-label" htmlFor="user-search">
          Søg bruger
        </label>
        <span className="form-hint" id="user-search-hint">
          Søg på navn, brugernavn eller e-mail.
        </span>
        <input
          id="user-search"
          className="form-input input-width-l"
          type="search"
          autoComplete="off"
          spellCheck={false}
          aria-describedby="user-search-hint"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
      </div>
      <p className="sr-only" role="status">
        {q ? `${users.length} af ${data.users.length} brugere passer til søgningen` : ''}
      </p>
      {data.users.length === 0 ? (
        <p className="empty-state">Der er ingen brugere endnu.</p>
      ) : users.length === 0 ? (
        <p className="empty-state">Ingen brugere passer til søgningen.</p>
      ) : (
        <div className="table--responsive-scroll" tabIndex={0} role="region" aria-label="Brugere">
          <table className="table table--compact admin-table">
            <caption>Brugere</caption>
            <thead>
              <tr>
                <th scope="col">Navn</th>
                <th scope="col">Brugernavn</th>
                <th scope="col">Roller</th>
                <th scope="col">Teams</th>
                <th scope="col">Status</th>
                <th scope="col">Sidst logget ind</th>
                <th scope="col">
                  <span className="sr-only">Handlinger</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => (
                <tr key={u.id}>
                  <th scope="row">{u.display_name}</th>
                  <td className="break">{u.username}</td>
                  <td>{roleLabels(data.roles, u.roles)}</td>
                  <td>{teamNames(data.teams, u.team_ids)}</td>
                  <td>
                    <StatusBadge active={u.active} />
                  </td>
                  <td>
                    {u.last_login_at ? (
                      <time dateTime={u.last_login_at}>{formatDateTime(u.last_login_at)}</time>
                    ) : (
                      'Aldrig'
                    )}
                  </td>
                  <td>
                    <Link
                      to={`/administration/brugere/${u.id}`}
                      className="row-action"
                      aria-label={`Ret ${u.display_name}`}
                    >
                      Ret
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
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

function CreateUser({ data, onCreated }: { data: AdminData; onCreated: (user: UserRead) => void }) {
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
      <h2 id="create-user-heading">Opret bruger</h2>
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
        choices={[...data.teams]
          .sort((a, b) => a.name.localeCompare(b.name, 'da'))
          .map((t) => ({ value: t.id, label: t.name }))}
        value={teams}
        onChange={(v) => {
          setTeams(v);
          clear('team_ids');
        }}
        error={errors.team_ids}
        empty="Der er ingen teams endnu. Opret dem under Teams."
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

function Teams({ data, onCreated }: { data: AdminData; onCreated: (team: TeamRead) => void }) {
  const [name, setName] = useState('');
  const [error, setError] = useState<string | undefined>();
  const { run, busy, general: failure, setGeneral: setFailure } = useSubmit();
  const [created, setCreated] = useState<string | undefined>();
  const teams = [...data.teams].sort((a, b) => a.name.localeCompare(b.name, 'da'));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setError(undefined);
    setFailure(undefined);
    setCreated(undefined);
    await run(
      async () => {
        const team = await call(api.POST('/api/admin/teams', { body: { name } }));
        setName('');
        setCreated(team.name);
        onCreated(team);
      },
      (err) => {
        const fields = fieldErrors(err);
        if (err instanceof ApiError && err.status === 409) setError(err.detail);
        else if (fields.name) setError(fields.name);
        else setFailure(messageOf(err));
      },
    );
  };

  return (
    <section className="admin-section">
      <h2 id="teams-heading">Teams</h2>
      {teams.length === 0 ? (
        <p className="empty-state">Der er ingen teams endnu.</p>
      ) : (
        <table className="table table--compact teams-table">
          <caption className="sr-only">Teams</caption>
          <thead>
            <tr>
              <th scope="col">Team</th>
              <th scope="col" className="num">
                Medlemmer
              </th>
            </tr>
          </thead>
          <tbody>
            {teams.map((t) => (
              <tr key={t.id}>
                <th scope="row">{t.name}</th>
                <td className="num">{t.members}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form onSubmit={submit} noValidate className="admin-form">
        <h3 id="create-team-heading">Opret team</h3>
        {error ? (
          <Alert variant="error" heading="Der er fejl i formularen">
            <p>
              <a href="#team-name">Teamnavn: {error}</a>
            </p>
          </Alert>
        ) : null}
        {failure ? (
          <Alert variant="error" heading="Teamet blev ikke oprettet">
            <p>{failure}</p>
          </Alert>
        ) : null}
        {created ? (
          <Alert variant="success" heading="Teamet er oprettet">
            <p>{created} kan nu vælges for brugerne.</p>
          </Alert>
        ) : null}
        <TextField
          id="team-name"
          label="Teamnavn"
          value={name}
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

export function Administration() {
  const [data, reload, update] = useApiQuery(['admin', 'users'], loadAdminData);
  const [created, setCreated] = useState<UserRead | null>(null);

  return (
    <>
      <PageHeading>Administration</PageHeading>
      {data.state === 'loading' ? (
        <div aria-busy="true">
          <Loading text="Henter brugere og teams …" />
        </div>
      ) : null}
      {data.state === 'error' ? (
        <Alert
          variant="error"
          heading="Administrationen kunne ikke hentes"
          action={
            <button type="button" className="button button-secondary" onClick={reload}>
              Prøv igen
            </button>
          }
        >
          <p>{data.message}</p>
        </Alert>
      ) : null}
      {data.state === 'ready' ? (
        <>
          <SecurityAlerts />
          <section className="admin-section">
            <h2 id="users-heading">Brugere</h2>
            {created ? (
              <Alert variant="success" heading="Brugeren er oprettet">
                <p>
                  {created.display_name} ({created.username}) kan nu logge ind i Trekant.
                </p>
              </Alert>
            ) : null}
            <UsersTable data={data.data} />
          </section>
          <section className="admin-section">
            <CreateUser
              data={data.data}
              onCreated={(user) => {
                setCreated(user);
                update((d) => ({
                  ...d,
                  users: [...d.users.filter((u) => u.id !== user.id), user],
                  teams: d.teams.map((t) =>
                    user.team_ids.includes(t.id) ? { ...t, members: t.members + 1 } : t,
                  ),
                }));
                document.getElementById('users-heading')?.scrollIntoView({ block: 'start' });
              }}
            />
          </section>
          <Teams
            data={data.data}
            onCreated={(team) => update((d) => ({ ...d, teams: [...d.teams, team] }))}
          />
          <Settings roles={data.data.roles} />
          <DeadlineAdmin />
          <MoneyAdmin />
          <OfflineAdmin />
        </>
      ) : null}
    </>
  );
}
