import { useEffect, useRef, useState } from 'react';
import { api, call, type ImportRead, type TeamRead, type UnitRead } from '../../api/client';
import { Alert } from '../../components/Alert';
import { Loading } from '../../components/Loading';
import { formatDateTime, plural } from '../../format';
import { useSubmit } from '../../mutation';
import { invalidate, useApiQuery } from '../../useApi';

/* Teams and users from FK Organisation (issue 20 item 3), on the administrator's Teams page:
   the latest import, "Hent nu", and which team each organisation unit feeds. */

function ImportSummary({ run }: { run: ImportRead }) {
  if (run.status === 'koerer') return <Loading text="Henter brugere og teams fra FK Organisation …" />;
  if (run.status === 'fejlet')
    return (
      <Alert variant="error" heading="Hentningen fra FK Organisation fejlede">
        <p>{run.error}</p>
        <p>
          Forsøgt <time dateTime={run.started_at}>{formatDateTime(run.started_at)}</time>. Intet blev ændret.
        </p>
      </Alert>
    );
  return (
    <p>
      Senest hentet{' '}
      <time dateTime={run.finished_at ?? run.started_at}>{formatDateTime(run.finished_at ?? run.started_at)}</time>:{' '}
      {plural(run.created, 'ny bruger', 'nye brugere')}, {plural(run.updated, 'opdateret', 'opdaterede')},{' '}
      {plural(run.deactivated, 'deaktiveret', 'deaktiverede')}.
    </p>
  );
}

function UnitRow({
  unit,
  freeTeams,
  busy,
  onCreate,
  onMap,
  onUnmap,
}: {
  unit: UnitRead;
  freeTeams: TeamRead[];
  busy: boolean;
  onCreate: () => void;
  onMap: (teamId: string) => void;
  onUnmap: (teamId: string) => void;
}) {
  const [team, setTeam] = useState('');
  const selectId = `unit-team-${unit.unit_uuid}`;
  return (
    <tr>
      <th scope="row" data-title="Organisationsenhed">
        <span style={{ paddingLeft: `${unit.depth * 1.25}rem` }}>{unit.name}</span>
      </th>
      <td data-title="Medarbejdere" className="num">
        {unit.users}
      </td>
      <td data-title="Team">
        {unit.team_id ? (
          <>
            {unit.team_name}{' '}
            <button
              type="button"
              className="button button-tertiary button-small"
              aria-disabled={busy || undefined}
              aria-label={`Fjern koblingen mellem ${unit.team_name ?? 'teamet'} og ${unit.name}`}
              onClick={() => onUnmap(unit.team_id as string)}
            >
              Fjern kobling
            </button>
          </>
        ) : (
          <div className="unit-actions">
            <label className="sr-only" htmlFor={selectId}>
              Team til {unit.name}
            </label>
            <select id={selectId} className="form-select input-width-s" value={team} onChange={(e) => setTeam(e.target.value)}>
              <option value="">Vælg team</option>
              {freeTeams.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
            <button
              type="button"
              className="button button-secondary button-small"
              aria-disabled={busy || !team || undefined}
              aria-label={`Knyt det valgte team til ${unit.name}`}
              onClick={() => team && onMap(team)}
            >
              Knyt
            </button>
            <button
              type="button"
              className="button button-tertiary button-small"
              aria-disabled={busy || undefined}
              aria-label={`Opret team fra ${unit.name}`}
              onClick={onCreate}
            >
              Opret team
            </button>
          </div>
        )}
      </td>
    </tr>
  );
}

function Units({ teams, onChanged }: { teams: TeamRead[]; onChanged: () => void }) {
  const [units, reload] = useApiQuery(['admin', 'fkorg', 'enheder'], (signal) => call(api.GET('/api/fkorg/enheder', { signal })));
  const { run, busy, general } = useSubmit();
  const mapped = new Set(units.state === 'ready' ? units.data.map((u) => u.team_id).filter(Boolean) : []);
  const freeTeams = teams.filter((t) => !t.closed_at && !mapped.has(t.id));
  const after = () => {
    reload();
    onChanged();
  };
  if (units.state === 'loading') return <Loading text="Henter organisationsenheder fra FK Organisation …" />;
  if (units.state === 'error')
    return (
      <Alert
        variant="error"
        heading="Organisationsenhederne kunne ikke hentes"
        action={
          <button type="button" className="button button-secondary" onClick={reload}>
            Prøv igen
          </button>
        }
      >
        <p>{units.message}</p>
      </Alert>
    );
  if (units.data.length === 0) return <p className="empty-state">FK Organisation har ingen enheder for kommunen.</p>;
  return (
    <>
      {general ? (
        <Alert variant="error" heading="Koblingen blev ikke gemt">
          <p>{general}</p>
        </Alert>
      ) : null}
      <table className="table table--compact table--responsive-headers units-table">
        <caption>Team ← organisationsenhed</caption>
        <thead>
          <tr>
            <th scope="col">Organisationsenhed</th>
            <th scope="col" className="num">
              Medarbejdere
            </th>
            <th scope="col">Team</th>
          </tr>
        </thead>
        <tbody>
          {units.data.map((u) => (
            <UnitRow
              key={u.unit_uuid}
              unit={u}
              freeTeams={freeTeams}
              busy={busy}
              onCreate={() =>
                void run(async () => {
                  await call(api.POST('/api/fkorg/teams', { body: { unit_uuid: u.unit_uuid } }));
                  after();
                })
              }
              onMap={(teamId) =>
                void run(async () => {
                  await call(api.PUT('/api/fkorg/teams/{team_id}', { params: { path: { team_id: teamId } }, body: { unit_uuid: u.unit_uuid } }));
                  after();
                })
              }
              onUnmap={(teamId) =>
                void run(async () => {
                  await call(api.PUT('/api/fkorg/teams/{team_id}', { params: { path: { team_id: teamId } }, body: { unit_uuid: null } }));
                  after();
                })
              }
            />
          ))}
        </tbody>
      </table>
    </>
  );
}

/** The FK Organisation panel on Administration › Teams. */
export function FkOrganisation({ teams }: { teams: TeamRead[] }) {
  const [overview, reload] = useApiQuery(['admin', 'fkorg'], (signal) => call(api.GET('/api/fkorg', { signal })), {
    refetchInterval: (data) => (data?.latest_import?.status === 'koerer' ? 1000 : false),
  });
  const { run, busy, general } = useSubmit();
  const running = overview.state === 'ready' && overview.data.latest_import?.status === 'koerer';
  const wasRunning = useRef(false);
  useEffect(() => {
    // A run that finishes changed users and teams: every admin list fetches again.
    if (wasRunning.current && !running) invalidate(['admin']);
    wasRunning.current = running;
  }, [running]);
  return (
    <section aria-labelledby="fkorg-heading" className="admin-section">
      <div className="admin-heading-row">
        <h3 id="fkorg-heading">Fra FK Organisation</h3>
        {overview.state === 'ready' && overview.data.configured ? (
          <button
            type="button"
            className={`button button-secondary ${busy || running ? 'spinner-active' : ''}`.trim()}
            aria-disabled={busy || running || undefined}
            onClick={() =>
              void run(async () => {
                await call(api.POST('/api/fkorg/hentninger'));
                reload();
              })
            }
          >
            Hent nu
          </button>
        ) : null}
      </div>
      {overview.state === 'loading' ? <Loading text="Henter status for FK Organisation …" /> : null}
      {overview.state === 'error' ? (
        <Alert variant="error" heading="Status for FK Organisation kunne ikke hentes">
          <p>{overview.message}</p>
        </Alert>
      ) : null}
      {general ? (
        <Alert variant="error" heading="Hentningen blev ikke startet">
          <p>{general}</p>
        </Alert>
      ) : null}
      {overview.state === 'ready' && !overview.data.configured ? (
        <p className="empty-state">
          FK Organisation er ikke sat op for kommunen. Driften sætter tjenesten op; indtil da oprettes brugere og teams
          her i Trekant.
        </p>
      ) : null}
      {overview.state === 'ready' && overview.data.configured ? (
        <>
          <p>
            Brugere i de organisationsenheder, der er knyttet til et team, hentes hver nat og med «Hent nu». Navn, e-mail
            og stilling kommer fra FK Organisation; roller tildeles her. Brugere, der forsvinder fra FK Organisation,
            deaktiveres.
          </p>
          {overview.data.latest_import ? (
            <ImportSummary run={overview.data.latest_import} />
          ) : (
            <p>Der er ikke hentet fra FK Organisation endnu.</p>
          )}
          <Units teams={teams} onChanged={() => invalidate(['admin'])} />
        </>
      ) : null}
    </section>
  );
}
