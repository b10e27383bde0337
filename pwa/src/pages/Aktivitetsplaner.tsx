// The team's activity plans (/team/aktivitetsplaner, issue 17 item 7): the manager's own
// place, one link from the team overview on the manager's front page. A plan is a name, a
// note on when to use it, and its activities, each some calendar or working days after the
// start the caseworker chooses when applying it (Anvend aktivitetsplan on a case). Changing
// or removing a plan never changes activities already made from it.
import { useState, type FormEvent } from 'react';
import { api, ApiError, call } from '../api/client';
import type { components } from '../api/schema';
import { Alert } from '../components/Alert';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ErrorSummary, SelectField, TextArea, TextField, withoutKey } from '../components/Form';
import { FormDialog } from '../components/FormDialog';
import { Loading } from '../components/Loading';
import { PageHeading } from '../components/PageHeading';
import { formatDateTime, plural } from '../format';
import { useSubmit } from '../mutation';
import { Link } from '../router';
import { useApiQuery } from '../useApi';

type PlanRead = components['schemas']['PlanRead'];
type TeamOption = components['schemas']['TeamOption'];
type Item = { title: string; days: string; day_kind: 'kalenderdage' | 'arbejdsdage'; description: string };

const KEY = ['activity-plans'];
const DAY_KINDS = [
  { value: 'kalenderdage', label: 'Kalenderdage' },
  { value: 'arbejdsdage', label: 'Arbejdsdage' },
];
const EMPTY_ITEM: Item = { title: '', days: '0', day_kind: 'arbejdsdage', description: '' };

/** A 400's field messages with their full keys ("items[2].title"). */
function allFieldErrors(err: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(err instanceof ApiError) || err.status !== 400) return out;
  const extra = (err.body as { extra?: unknown } | undefined)?.extra;
  if (!Array.isArray(extra)) return out;
  for (const e of extra as { key?: unknown; message?: unknown }[]) {
    if (typeof e.key === 'string' && typeof e.message === 'string') out[e.key] = e.message;
  }
  return out;
}

function itemsText(n: number): string {
  return plural(n, 'aktivitet', 'aktiviteter');
}

function PlanForm({
  plan,
  teams,
  onSaved,
  onClose,
}: {
  plan?: PlanRead;
  teams: TeamOption[];
  onSaved: (heading: string) => void;
  onClose: () => void;
}) {
  const [team, setTeam] = useState(plan?.team_id ?? teams[0]?.id ?? '');
  const [name, setName] = useState(plan?.name ?? '');
  const [note, setNote] = useState(plan?.note ?? '');
  const [items, setItems] = useState<Item[]>(() =>
    plan
      ? plan.items.map((i) => ({ title: i.title, days: String(i.days), day_kind: i.day_kind, description: i.description ?? '' }))
      : [{ ...EMPTY_ITEM }],
  );
  const { run, busy, errors, setErrors, general } = useSubmit({ fields: allFieldErrors, invalidates: [KEY] });

  const fields: Record<string, [string, string]> = {
    team_id: ['pl-team', 'Team'],
    name: ['pl-name', 'Navn'],
    note: ['pl-note', 'Hvornår bruges planen'],
    items: ['pl-add', 'Aktiviteter'],
  };
  items.forEach((_, n) => {
    fields[`items[${n}].title`] = [`pl-item-${n}-title`, `Aktivitet ${n + 1}, hvad skal gøres`];
    fields[`items[${n}].days`] = [`pl-item-${n}-days`, `Aktivitet ${n + 1}, antal dage`];
    fields[`items[${n}].day_kind`] = [`pl-item-${n}-kind`, `Aktivitet ${n + 1}, dage regnes som`];
    fields[`items[${n}].description`] = [`pl-item-${n}-description`, `Aktivitet ${n + 1}, beskrivelse`];
  });

  const setItem = (n: number, key: keyof Item) => (v: string) => {
    setItems((xs) => xs.map((x, i) => (i === n ? { ...x, [key]: v } : x)));
    setErrors(withoutKey(`items[${n}].${key}`));
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const missing: Record<string, string> = {};
    if (!name.trim()) missing.name = 'Giv planen et navn';
    if (items.length === 0) missing.items = 'Tilføj mindst én aktivitet til planen';
    items.forEach((i, n) => {
      if (!i.title.trim()) missing[`items[${n}].title`] = 'Skriv hvad der skal gøres';
      if (!/^\d{1,4}$/.test(i.days.trim())) missing[`items[${n}].days`] = 'Skriv et helt antal dage (0 eller flere)';
    });
    if (Object.keys(missing).length > 0) {
      setErrors(missing);
      return;
    }
    setErrors({});
    const body = {
      name,
      note: note.trim() || null,
      items: items.map((i) => ({
        title: i.title,
        days: Number(i.days.trim()),
        day_kind: i.day_kind,
        description: i.description.trim() || null,
      })),
    };
    void run(async () => {
      if (plan) {
        await call(
          api.PUT('/api/activity-plans/{plan_id}', {
            params: { path: { plan_id: plan.id } },
            body: { ...body, version: plan.version },
          }),
        );
        onSaved(`Aktivitetsplanen ${name.trim()} er gemt`);
      } else {
        await call(api.POST('/api/activity-plans', { body: { ...body, team_id: team } }));
        onSaved(`Aktivitetsplanen ${name.trim()} er oprettet`);
      }
    });
  };

  return (
    <FormDialog
      title={plan ? 'Ret aktivitetsplan' : 'Ny aktivitetsplan'}
      subtitle={plan ? `Aktiviteter, der allerede er oprettet fra planen, ændres ikke.` : undefined}
      busy={busy}
      onClose={onClose}
      size="wide"
    >
      <form onSubmit={submit} noValidate className="admin-form">
        <ErrorSummary errors={errors} fields={fields} general={general} />
        {!plan && teams.length > 1 ? (
          <SelectField
            id="pl-team"
            label="Team"
            value={team}
            onChange={(v) => {
              setTeam(v);
              setErrors(withoutKey('team_id'));
            }}
            error={errors.team_id}
            choices={teams.map((t) => ({ value: t.id, label: t.name }))}
          />
        ) : null}
        <TextField
          id="pl-name"
          label="Navn"
          hint="Fx »Underretning om vold«"
          value={name}
          onChange={(v) => {
            setName(v);
            setErrors(withoutKey('name'));
          }}
          error={errors.name}
        />
        <TextArea
          id="pl-note"
          label="Hvornår bruges planen (valgfri)"
          rows={2}
          value={note}
          onChange={(v) => {
            setNote(v);
            setErrors(withoutKey('note'));
          }}
          error={errors.note}
        />
        <fieldset className="plan-items">
          <legend className="h4">Aktiviteter</legend>
          <p className="form-hint">
            Fristen regnes fra den startdato, sagsbehandleren vælger. Arbejdsdage springer weekender og helligdage over.
          </p>
          {errors.items ? (
            <p className="form-error-message" id="pl-items-error">
              <span className="sr-only">Fejl: </span>
              {errors.items}
            </p>
          ) : null}
          <ol className="plan-item-list">
            {items.map((item, n) => (
              <li key={n} className="plan-item">
                <TextField
                  id={`pl-item-${n}-title`}
                  label={`Aktivitet ${n + 1}: hvad skal gøres`}
                  value={item.title}
                  onChange={setItem(n, 'title')}
                  error={errors[`items[${n}].title`]}
                />
                <div className="plan-item-days">
                  <TextField
                    id={`pl-item-${n}-days`}
                    label="Dage efter start"
                    inputMode="numeric"
                    value={item.days}
                    onChange={setItem(n, 'days')}
                    error={errors[`items[${n}].days`]}
                    width="input-width-xs"
                  />
                  <SelectField
                    id={`pl-item-${n}-kind`}
                    label="Regnes som"
                    value={item.day_kind}
                    onChange={setItem(n, 'day_kind')}
                    error={errors[`items[${n}].day_kind`]}
                    choices={DAY_KINDS}
                  />
                </div>
                <TextArea
                  id={`pl-item-${n}-description`}
                  label="Beskrivelse (valgfri)"
                  rows={2}
                  value={item.description}
                  onChange={setItem(n, 'description')}
                  error={errors[`items[${n}].description`]}
                />
                <button
                  type="button"
                  className="button button-tertiary button-small"
                  onClick={() => {
                    setItems((xs) => xs.filter((_, i) => i !== n));
                    setErrors({});
                  }}
                >
                  Fjern aktivitet {n + 1}
                </button>
              </li>
            ))}
          </ol>
          <button
            type="button"
            id="pl-add"
            className="button button-secondary"
            onClick={() => {
              setItems((xs) => [...xs, { ...EMPTY_ITEM }]);
              setErrors(withoutKey('items'));
            }}
          >
            Tilføj aktivitet til planen
          </button>
        </fieldset>
        <div className="process-buttons">
          <button
            type="submit"
            className={`button button-primary ${busy ? 'spinner-active' : ''}`.trim()}
            aria-disabled={busy || undefined}
          >
            Gem planen
          </button>
          <button type="button" className="button button-tertiary" onClick={onClose} disabled={busy}>
            Fortryd
          </button>
        </div>
      </form>
    </FormDialog>
  );
}

function RetirePlan({ plan, onDone }: { plan: PlanRead; onDone: (heading: string) => void }) {
  const [open, setOpen] = useState(false);
  const { run, busy, general, setGeneral } = useSubmit({ invalidates: [KEY] });
  return (
    <>
      <button type="button" className="button button-tertiary button-small" aria-haspopup="dialog" onClick={() => setOpen(true)}>
        Fjern<span className="sr-only"> {plan.name}</span>
      </button>
      {open ? (
        <ConfirmDialog
          title={`Fjern planen ${plan.name}?`}
          confirmLabel="Fjern planen"
          busy={busy}
          error={general}
          onCancel={() => {
            setOpen(false);
            setGeneral(undefined);
          }}
          onConfirm={() =>
            void run(async () => {
              await call(
                api.POST('/api/activity-plans/{plan_id}/retire', {
                  params: { path: { plan_id: plan.id } },
                  body: { version: plan.version },
                }),
              );
              setOpen(false);
              onDone(`Aktivitetsplanen ${plan.name} er fjernet`);
            })
          }
        >
          <p>Sagsbehandlerne kan ikke længere anvende planen. Aktiviteter, der allerede er oprettet fra den, bliver på sagerne.</p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}

export function Aktivitetsplaner() {
  const [state, reload] = useApiQuery(KEY, (signal) => call(api.GET('/api/activity-plans', { signal })));
  const [editing, setEditing] = useState<PlanRead | 'new' | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const done = (heading: string) => {
    setEditing(null);
    setSaved(heading);
  };

  let body;
  if (state.state === 'loading') body = <Loading text="Henter aktivitetsplanerne …" />;
  else if (state.state === 'error')
    body = (
      <Alert
        variant="error"
        heading="Aktivitetsplanerne kunne ikke hentes"
        action={
          <button type="button" className="button button-secondary" onClick={reload}>
            Prøv igen
          </button>
        }
      >
        <p>{state.message}</p>
      </Alert>
    );
  else {
    const { plans, manageable_teams: teams } = state.data;
    body = (
      <>
        {teams.length === 0 ? (
          <p className="empty-state">Du er ikke tilknyttet et team. Bed administratoren om at tilknytte dig.</p>
        ) : (
          <p>
            <button type="button" className="button button-primary" aria-haspopup="dialog" onClick={() => setEditing('new')}>
              Ny aktivitetsplan
            </button>
          </p>
        )}
        {plans.length === 0 ? (
          <p className="empty-state">Dine teams har ingen aktivitetsplaner endnu.</p>
        ) : (
          <table className="table table--compact table--responsive-headers plan-table">
            <caption className="sr-only">Aktivitetsplaner i dine teams</caption>
            <thead>
              <tr>
                <th scope="col">Plan</th>
                <th scope="col">Team</th>
                <th scope="col">Aktiviteter</th>
                <th scope="col">Sidst ændret</th>
                <th scope="col">
                  <span className="sr-only">Handlinger</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {plans.map((p) => (
                <tr key={p.id}>
                  <td data-title="Plan">
                    <strong>{p.name}</strong>
                    {p.note ? <span className="cell-note">{p.note}</span> : null}
                  </td>
                  <td data-title="Team">{p.team}</td>
                  <td data-title="Aktiviteter">
                    {itemsText(p.items.length)}
                    <span className="cell-note">{p.items.map((i) => i.title).join(' · ')}</span>
                  </td>
                  <td data-title="Sidst ændret">{formatDateTime(p.changed_at)}</td>
                  <td data-title="Handlinger">
                    {p.can_manage ? (
                      <span className="plan-actions">
                        <button
                          type="button"
                          className="button button-secondary button-small"
                          aria-haspopup="dialog"
                          onClick={() => setEditing(p)}
                        >
                          Ret<span className="sr-only"> {p.name}</span>
                        </button>
                        <RetirePlan plan={p} onDone={done} />
                      </span>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {editing ? (
          <PlanForm
            plan={editing === 'new' ? undefined : editing}
            teams={teams}
            onSaved={done}
            onClose={() => setEditing(null)}
          />
        ) : null}
      </>
    );
  }

  return (
    <div className="activity-plans">
      <p>
        <Link to="/">Forside</Link>
      </p>
      <PageHeading>Teamets aktivitetsplaner</PageHeading>
      <p>
        En aktivitetsplan er en fast række aktiviteter, som sagsbehandlerne i teamet kan oprette på en sag med ét klik
        (»Anvend aktivitetsplan« på sagen), fx efter en underretning om vold. Ændrer eller fjerner du en plan, ændres
        aktiviteter, der allerede er oprettet fra den, ikke.
      </p>
      {saved ? (
        <Alert variant="success" role="status" heading={saved} />
      ) : null}
      {body}
    </div>
  );
}
