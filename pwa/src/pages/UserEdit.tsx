import { useState, type FormEvent } from 'react';
import { api, ApiError, call, fieldErrors, messageOf, type UserRead } from '../api/client';
import { Alert } from '../components/Alert';
import { CheckboxGroup, ErrorSummary, TextField } from '../components/Form';
import { Loading } from '../components/Loading';
import { PageHeading } from '../components/PageHeading';
import { formatDateTime } from '../format';
import { restrictionText } from '../restrictions';
import { loginClaimLabel } from '../loginClaims';
import { useSubmit } from '../mutation';
import { Link } from '../router';
import { useKommuneSession } from '../routes';
import { useApiQuery } from '../useApi';
import { loadAdminData, roleLabels, StatusBadge, type AdminData } from './Administration';

const FIELDS: Record<string, [string, string]> = {
  display_name: ['edit-name', 'Navn'],
  roles: ['edit-roles', 'Roller'],
  team_ids: ['edit-teams', 'Teams'],
};

const sameSet = (a: string[], b: string[]) =>
  a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');

function EditForm({
  user,
  data,
  onSaved,
  onReload,
}: {
  user: UserRead;
  data: AdminData;
  onSaved: (user: UserRead) => void;
  onReload: () => void;
}) {
  // With Fælleskommunal Adgangsstyring the roles come from the login's assertion: shown, not edited.
  const rolesFromFk = useKommuneSession().roles_from_context_handler;
  const [name, setName] = useState(user.display_name);
  const [roles, setRoles] = useState<string[]>(user.roles);
  const [teams, setTeams] = useState<string[]>(user.team_ids);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<{ message: string; conflict: boolean } | undefined>();
  const [notice, setNotice] = useState<'saved' | 'unchanged' | undefined>();
  const { run, busy } = useSubmit({ setErrors });

  const clear = (key: string) => {
    setNotice(undefined);
    setErrors((e) => {
      const next = { ...e };
      delete next[key];
      return next;
    });
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const body: { version: number; display_name?: string; roles?: string[]; team_ids?: string[] } = {
      version: user.version,
    };
    if (name !== user.display_name) body.display_name = name;
    if (!sameSet(roles, user.roles)) body.roles = roles;
    if (!sameSet(teams, user.team_ids)) body.team_ids = teams;
    setErrors({});
    setFailure(undefined);
    if (Object.keys(body).length === 1) {
      setNotice('unchanged');
      return;
    }
    setNotice(undefined);
    await run(
      async () => {
        const saved = await call(
          api.PATCH('/api/admin/users/{user_id}', { params: { path: { user_id: user.id } }, body }),
        );
        setNotice('saved');
        onSaved(saved);
      },
      (err) => {
        const fields = fieldErrors(err);
        if (Object.keys(fields).length > 0) setErrors(fields);
        else
          setFailure({
            message: messageOf(err),
            conflict: err instanceof ApiError && err.status === 409,
          });
      },
    );
  };

  return (
    <form onSubmit={submit} noValidate className="admin-form">
      <h2 id="edit-heading">Navn, roller og teams</h2>
      <ErrorSummary errors={errors} fields={FIELDS} />
      {failure ? (
        <Alert
          variant="error"
          heading={failure.conflict ? 'Brugeren er ændret af en anden' : 'Ændringerne blev ikke gemt'}
          action={
            failure.conflict ? (
              <button type="button" className="button button-secondary" onClick={onReload}>
                Hent igen
              </button>
            ) : null
          }
        >
          <p>{failure.message}</p>
        </Alert>
      ) : null}
      {notice === 'saved' ? <Alert variant="success" heading="Ændringerne er gemt" /> : null}
      {notice === 'unchanged' ? (
        <Alert variant="info" heading="Der er ingen ændringer at gemme" />
      ) : null}
      <TextField
        id="edit-name"
        label="Navn"
        value={name}
        onChange={(v) => {
          setName(v);
          clear('display_name');
        }}
        error={errors.display_name}
      />
      {rolesFromFk ? (
        <div className="form-group" id="edit-roles">
          <p className="form-label">Roller</p>
          <p>{user.roles.length > 0 ? roleLabels(data.roles, user.roles) : 'Ingen roller'}</p>
          {user.restrictions && user.restrictions.length > 0 ? (
            <>
              <p className="form-label" id="edit-restrictions">
                Dataafgrænsninger
              </p>
              <ul className="nobullet-list" aria-labelledby="edit-restrictions">
                {user.restrictions.map((r) => (
                  <li key={r.role}>{restrictionText(roleLabels(data.roles, [r.role]), r)}</li>
                ))}
              </ul>
            </>
          ) : null}
          <p className="form-hint">
            Roller og dataafgrænsninger tildeles i Fælleskommunalt Administrationsmodul
          </p>
        </div>
      ) : (
        <CheckboxGroup
          id="edit-roles"
          legend="Roller"
          choices={data.roles.map((r) => ({ value: r.role, label: r.label }))}
          value={roles}
          onChange={(v) => {
            setRoles(v);
            clear('roles');
          }}
          error={errors.roles}
        />
      )}
      <CheckboxGroup
        id="edit-teams"
        legend="Teams"
        // A closed team takes no new members (a user is never left in one: closing releases them).
        choices={data.teams
          .filter((t) => !t.closed_at || user.team_ids.includes(t.id))
          .sort((a, b) => a.name.localeCompare(b.name, 'da'))
          .map((t) => ({ value: t.id, label: t.name }))}
        value={teams}
        onChange={(v) => {
          setTeams(v);
          clear('team_ids');
        }}
        error={errors.team_ids}
        empty="Der er ingen teams endnu."
      />
      <button
        type="submit"
        className={`button button-primary ${busy ? 'spinner-active' : ''}`.trim()}
        aria-disabled={busy || undefined}
      >
        Gem ændringer
      </button>
    </form>
  );
}

function StatusPanel({ user, onChanged }: { user: UserRead; onChanged: (user: UserRead) => void }) {
  const [confirming, setConfirming] = useState(false);
  const { run, busy, general: failure, setGeneral: setFailure } = useSubmit();
  const [done, setDone] = useState<string | undefined>();

  const change = async (action: 'deactivate' | 'reactivate') => {
    if (busy) return;
    setFailure(undefined);
    setDone(undefined);
    await run(
      async () => {
        const path =
          action === 'deactivate'
            ? api.POST('/api/admin/users/{user_id}/deactivate', { params: { path: { user_id: user.id } } })
            : api.POST('/api/admin/users/{user_id}/reactivate', { params: { path: { user_id: user.id } } });
        const updated = await call(path);
        setConfirming(false);
        setDone(action === 'deactivate' ? 'Brugeren er deaktiveret' : 'Brugeren er genaktiveret');
        onChanged(updated);
      },
      (err) => {
        setConfirming(false);
        setFailure(messageOf(err));
      },
    );
  };

  return (
    <section className="admin-section">
      <h2 id="status-heading">Status</h2>
      <p>
        Nuværende status: <StatusBadge active={user.active} />
      </p>
      {failure ? (
        <Alert
          variant="error"
          heading={user.active ? 'Brugeren blev ikke deaktiveret' : 'Brugeren blev ikke genaktiveret'}
        >
          <p>{failure}</p>
        </Alert>
      ) : null}
      {done ? <Alert variant="success" heading={done} /> : null}
      {user.active && !confirming ? (
        <>
          <p>Deaktivér brugeren, når vedkommende er fratrådt. Brugeren logges ud med det samme.</p>
          <button
            type="button"
            className="button button-secondary"
            onClick={() => {
              setConfirming(true);
              setDone(undefined);
              setFailure(undefined);
            }}
          >
            Deaktivér
          </button>
        </>
      ) : null}
      {user.active && confirming ? (
        <div className="confirm-panel">
          <Alert variant="warning" heading={`Vil du deaktivere ${user.display_name}?`} role="note">
            <p>Brugeren logges ud med det samme og kan ikke logge ind, før du genaktiverer.</p>
          </Alert>
          <div className="button-row">
            <button
              type="button"
              className={`button button-primary ${busy ? 'spinner-active' : ''}`.trim()}
              aria-disabled={busy || undefined}
              autoFocus
              onClick={() => void change('deactivate')}
            >
              Bekræft deaktivering
            </button>
            <button type="button" className="button button-tertiary" onClick={() => setConfirming(false)}>
              Annullér
            </button>
          </div>
        </div>
      ) : null}
      {!user.active ? (
        <button
          type="button"
          className={`button button-secondary ${busy ? 'spinner-active' : ''}`.trim()}
          aria-disabled={busy || undefined}
          onClick={() => void change('reactivate')}
        >
          Genaktivér
        </button>
      ) : null}
    </section>
  );
}

/** Which identity at the kommune's log-in service the account is bound to, and resetting it
 * (for an account bound to the wrong person: the next log-in binds again). */
function BindingPanel({ user, onChanged }: { user: UserRead; onChanged: (user: UserRead) => void }) {
  const [confirming, setConfirming] = useState(false);
  const { run, busy, general: failure, setGeneral: setFailure } = useSubmit();
  const [done, setDone] = useState(false);

  const reset = async () => {
    if (busy) return;
    setFailure(undefined);
    await run(
      async () => {
        const updated = await call(
          api.POST('/api/admin/users/{user_id}/reset-binding', { params: { path: { user_id: user.id } } }),
        );
        setConfirming(false);
        setDone(true);
        onChanged(updated);
      },
      (err) => {
        setConfirming(false);
        setFailure(messageOf(err));
      },
    );
  };

  let state;
  if (!user.bound) state = 'Ikke bundet. Brugeren bindes, første gang vedkommende logger ind.';
  else if (user.bound_at)
    state = (
      <>
        Bundet <time dateTime={user.bound_at}>{formatDateTime(user.bound_at)}</time>. Felt i log-in-svaret:{' '}
        {loginClaimLabel(user.bound_claim)}.
      </>
    );
  else state = 'Bundet (før binding blev registreret med tidspunkt).';

  return (
    <section className="admin-section" aria-labelledby="binding-heading">
      <h2 id="binding-heading">Log-in-binding</h2>
      <p>{state}</p>
      {failure ? (
        <Alert variant="error" heading="Bindingen blev ikke nulstillet">
          <p>{failure}</p>
        </Alert>
      ) : null}
      {done ? (
        <Alert variant="success" heading="Bindingen er nulstillet">
          <p>Brugeren er logget ud. Næste log-ind binder kontoen igen.</p>
        </Alert>
      ) : null}
      {user.bound && !confirming ? (
        <>
          <p>
            Nulstil bindingen, hvis kontoen er bundet til en forkert person hos kommunens log-in-tjeneste.
          </p>
          <button
            type="button"
            className="button button-secondary"
            onClick={() => {
              setConfirming(true);
              setDone(false);
              setFailure(undefined);
            }}
          >
            Nulstil log-in-binding
          </button>
        </>
      ) : null}
      {user.bound && confirming ? (
        <div className="confirm-panel">
          <Alert variant="warning" heading={`Vil du nulstille bindingen for ${user.display_name}?`} role="note">
            <p>Brugeren logges ud med det samme. Den, der først logger ind med brugernavnet, bindes til kontoen.</p>
          </Alert>
          <div className="button-row">
            <button
              type="button"
              className={`button button-primary ${busy ? 'spinner-active' : ''}`.trim()}
              aria-disabled={busy || undefined}
              autoFocus
              onClick={() => void reset()}
            >
              Bekræft nulstilling
            </button>
            <button type="button" className="button button-tertiary" onClick={() => setConfirming(false)}>
              Annullér
            </button>
          </div>
        </div>
      ) : null}
    </section>
  );
}

export function UserEdit({ userId }: { userId: string }) {
  const [data, reload, update] = useApiQuery(['admin', 'users'], loadAdminData);
  const user =
    data.state === 'ready' ? data.data.users.find((u) => u.id.toLowerCase() === userId.toLowerCase()) : undefined;
  const replace = (u: UserRead) =>
    update((d) => ({ ...d, users: d.users.map((x) => (x.id === u.id ? u : x)) }));

  let body;
  if (data.state === 'loading') {
    body = (
      <div aria-busy="true">
        <Loading text="Henter brugeren …" />
      </div>
    );
  } else if (data.state === 'error') {
    body = (
      <Alert
        variant="error"
        heading="Brugeren kunne ikke hentes"
        action={
          <button type="button" className="button button-secondary" onClick={reload}>
            Prøv igen
          </button>
        }
      >
        <p>{data.message}</p>
      </Alert>
    );
  } else if (!user) {
    body = (
      <Alert variant="error" heading="Brugeren findes ikke">
        <p>Der er ingen bruger med denne adresse i kommunen.</p>
      </Alert>
    );
  } else {
    body = (
      <>
        <dl className="user-facts">
          <dt>Brugernavn</dt>
          <dd>{user.username}</dd>
          <dt>E-mail</dt>
          <dd>{user.email ?? 'Ikke angivet'}</dd>
          <dt>Sidst logget ind</dt>
          <dd>
            {user.last_login_at ? (
              <time dateTime={user.last_login_at}>{formatDateTime(user.last_login_at)}</time>
            ) : (
              'Aldrig'
            )}
          </dd>
        </dl>
        <EditForm
          // "Hent igen" reloads (and so remounts) the form with the stored values.
          key={user.id}
          user={user}
          data={data.data}
          onSaved={replace}
          onReload={reload}
        />
        <StatusPanel user={user} onChanged={replace} />
        <BindingPanel user={user} onChanged={replace} />
      </>
    );
  }

  return (
    <>
      <p className="back-link">
        <Link to="/administration">Tilbage til administration</Link>
      </p>
      <PageHeading title={user ? `Ret ${user.display_name}` : 'Ret bruger'}>
        {user ? `Ret ${user.display_name}` : 'Ret bruger'}
      </PageHeading>
      {body}
    </>
  );
}
