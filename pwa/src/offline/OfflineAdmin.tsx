// Administration: how long a device may be offline, and the devices that hold offline data
// (revoke one, or all of a user's: they wipe at their next contact).
import { useState, type FormEvent } from 'react';
import { api, call, fieldErrors, messageOf } from '../api/client';
import { Alert } from '../components/Alert';
import { CheckboxGroup, ErrorSummary, TextField } from '../components/Form';
import { Loading } from '../components/Loading';
import { formatDeadline } from '../format';
import { useSubmit } from '../mutation';
import { useApi } from '../useApi';

function MaxDays() {
  const [settings, , update] = useApi((signal) => call(api.GET('/api/admin/offline/settings', { signal })));
  const [value, setValue] = useState<string | null>(null);
  const [error, setError] = useState<string | undefined>();
  const [saved, setSaved] = useState(false);
  const { run, busy } = useSubmit();
  if (settings.state === 'loading') return <Loading small text="Henter offline-indstillinger …" />;
  if (settings.state === 'error')
    return (
      <Alert variant="error" heading="Offline-indstillingerne kunne ikke hentes">
        <p>{settings.message}</p>
      </Alert>
    );
  const shown = value ?? String(settings.data.max_offline_days);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const days = Number(shown);
    if (!Number.isInteger(days) || days < 1 || days > 90) {
      setError('Angiv mellem 1 og 90 dage');
      return;
    }
    setSaved(false);
    await run(
      async () => {
        const next = await call(api.PUT('/api/admin/offline/settings', { body: { max_offline_days: days } }));
        update(() => next);
        setValue(null);
        setSaved(true);
      },
      (err) => setError(fieldErrors(err).max_offline_days ?? messageOf(err)),
    );
  };
  return (
    <form onSubmit={(e) => void submit(e)} noValidate className="admin-form">
      {saved ? <Alert variant="success" heading="Offline-perioden er gemt" /> : null}
      <ErrorSummary errors={error ? { max_offline_days: error } : {}} fields={{ max_offline_days: ['offline-max-days', 'Længste tid uden forbindelse (dage)'] }} />
      <TextField
        id="offline-max-days"
        label="Længste tid uden forbindelse (dage)"
        hint="Når en enhed ikke har haft forbindelse til Trekant så længe, slettes sagerne på den. Usendte ændringer venter på næste log-ind."
        type="number"
        inputMode="numeric"
        value={shown}
        onChange={(v) => {
          setValue(v);
          setError(undefined);
          setSaved(false);
        }}
        error={error}
        width="input-width-xs"
      />
      <button type="submit" className="button button-secondary" aria-disabled={busy || undefined}>
        Gem offline-periode
      </button>
    </form>
  );
}

/** Roles that may save cases for home visits: only roles that can read cases are offered. */
const CASE_ROLES = ['sagsbehandler', 'leder', 'oekonomi', 'laeser'];

function OfflineRoles() {
  const [state, , update] = useApi(async (signal) => {
    const [chosen, roles] = await Promise.all([
      call(api.GET('/api/admin/offline/roles', { signal })),
      call(api.GET('/api/admin/roles', { signal })),
    ]);
    return { chosen: chosen.roles, roles: roles.filter((r) => CASE_ROLES.includes(r.role)) };
  });
  const [value, setValue] = useState<string[] | null>(null);
  const [error, setError] = useState<string | undefined>();
  const [saved, setSaved] = useState(false);
  const { run, busy } = useSubmit();
  if (state.state === 'loading') return <Loading small text="Henter roller til hjemmebesøg …" />;
  if (state.state === 'error')
    return (
      <Alert variant="error" heading="Rollerne til hjemmebesøg kunne ikke hentes">
        <p>{state.message}</p>
      </Alert>
    );
  const shown = value ?? state.data.chosen;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setSaved(false);
    await run(
      async () => {
        const next = await call(api.PUT('/api/admin/offline/roles', { body: { roles: shown } }));
        update((d) => ({ ...d, chosen: next.roles }));
        setValue(null);
        setSaved(true);
      },
      (err) => setError(fieldErrors(err).roles ?? messageOf(err)),
    );
  };
  return (
    <form onSubmit={(e) => void submit(e)} noValidate className="admin-form">
      {saved ? <Alert variant="success" heading="Rollerne til hjemmebesøg er gemt" /> : null}
      <ErrorSummary errors={error ? { roles: error } : {}} fields={{ roles: ['offline-roles', 'Roller, der må gemme sager til hjemmebesøg'] }} />
      <CheckboxGroup
        id="offline-roles"
        legend="Roller, der må gemme sager til hjemmebesøg"
        hint="Kun de valgte roller kan gemme sager på en enhed og åbne dem uden forbindelse. Vælg de roller, der tager på hjemmebesøg."
        choices={state.data.roles.map((r) => ({ value: r.role, label: r.label }))}
        value={shown}
        onChange={(v) => {
          setValue(v);
          setError(undefined);
          setSaved(false);
        }}
        error={error}
      />
      <button type="submit" className="button button-secondary" aria-disabled={busy || undefined}>
        Gem roller til hjemmebesøg
      </button>
    </form>
  );
}

function Devices() {
  const [devices, reload] = useApi((signal) => call(api.GET('/api/admin/offline/enheder', { signal })));
  const [message, setMessage] = useState<string | undefined>();
  const { run, busyKey } = useSubmit();
  if (devices.state === 'loading') return <Loading small text="Henter enheder …" />;
  if (devices.state === 'error')
    return (
      <Alert variant="error" heading="Enhederne kunne ikke hentes">
        <p>{devices.message}</p>
      </Alert>
    );
  const revoke = (path: 'device' | 'user', id: string) =>
    run(
      async () => {
        const r =
          path === 'device'
            ? await call(api.POST('/api/admin/offline/enheder/{unit_id}/revoke', { params: { path: { unit_id: id } }, body: { reason: 'Spærret af administrator' } }))
            : await call(api.POST('/api/admin/offline/users/{user_id}/revoke', { params: { path: { user_id: id } }, body: { reason: 'Spærret af administrator' } }));
        setMessage(r.revoked === 1 ? '1 enhed er spærret' : `${r.revoked} enheder er spærret`);
        reload();
      },
      (err) => setMessage(messageOf(err)),
      `${path}:${id}`,
    );
  const active = devices.data.filter((d) => !d.revoked_at);
  return (
    <>
      <div role="status">{message ? <Alert variant="info" heading={message} /> : null}</div>
      {active.length === 0 ? (
        <p className="empty-state">Ingen enheder har offline-data.</p>
      ) : (
        <div className="table--responsive-scroll" tabIndex={0} role="region" aria-labelledby="offline-devices-heading">
          <table className="table table--compact">
            <caption className="sr-only">Enheder med offline-data</caption>
            <thead>
              <tr>
                <th scope="col">Bruger</th>
                <th scope="col">Enhed</th>
                <th scope="col">Senest i kontakt</th>
                <th scope="col">
                  <span className="sr-only">Handlinger</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {active.map((d) => (
                <tr key={d.id}>
                  <th scope="row">{d.user_name}</th>
                  <td>{d.label || 'Ukendt enhed'}</td>
                  <td>{formatDeadline(d.last_seen_at)}</td>
                  <td>
                    <div className="button-row">
                      <button
                        type="button"
                        className={`button button-tertiary button-small ${busyKey === `device:${d.id}` ? 'spinner-active' : ''}`.trim()}
                        aria-disabled={busyKey !== null || undefined}
                        aria-label={`Spær enheden ${d.label || 'Ukendt enhed'} for ${d.user_name}`}
                        onClick={() => void revoke('device', d.id)}
                      >
                        Spær enheden
                      </button>
                      <button
                        type="button"
                        className={`button button-tertiary button-small ${busyKey === `user:${d.user_id}` ? 'spinner-active' : ''}`.trim()}
                        aria-disabled={busyKey !== null || undefined}
                        aria-label={`Spær alle enheder for ${d.user_name}`}
                        onClick={() => void revoke('user', d.user_id)}
                      >
                        Spær alle enheder
                      </button>
                    </div>
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

export function OfflineAdmin() {
  return (
    <section className="admin-section" aria-labelledby="offline-admin-heading">
      <h2 id="offline-admin-heading">Hjemmebesøg uden forbindelse</h2>
      <MaxDays />
      <OfflineRoles />
      <h3 id="offline-devices-heading">Enheder med offline-data</h3>
      <Devices />
    </section>
  );
}
