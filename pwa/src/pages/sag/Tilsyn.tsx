// The case's "Tilsyn og samvær" place (issue 17 items 5-6), for a placed child:
// - the supervision visits (personrettet tilsyn, Barnets Lov § 156, stk. 5): the next visit
//   with its deadline and "Registrér tilsynsbesøg" (the activity's own record form, the same
//   dialog as on the worklist), and the visits held, newest first;
// - the decisions on contact with parents and network (§§ 103-105): those in force, each
//   with its review date (an activity on the worklist), "Registrér afgørelse om samvær" and
//   "Ændr" in a dialog (a change replaces the decision; the old is kept under "Tidligere
//   afgørelser").
// Everything comes from GET /api/cases/{id}/placement under the case's query key, so a save
// anywhere on the case fetches it again.
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { api, call, type ActivityRead } from '../../api/client';
import type { components } from '../../api/schema';
import { Alert } from '../../components/Alert';
import { Basis } from '../../components/Basis';
import { ErrorSummary, SelectField, TextArea, TextField, withoutKey } from '../../components/Form';
import { FormDialog } from '../../components/FormDialog';
import { Loading } from '../../components/Loading';
import { formatDate, formatDeadlineDate, plural, todayInCopenhagen } from '../../format';
import { useSubmit } from '../../mutation';
import { ActivityAction } from './ActivityAction';
import { useCaseContext } from './places';
import { caseKeys } from './queries';
import { OutcomeAlert, type Outcome } from './shared';
import './tilsyn.css';

type PlacementRead = components['schemas']['PlacementRead'];
type VisitRead = components['schemas']['VisitRead'];
type Decision = components['schemas']['ContactDecisionRead'];

function usePlacement(caseId: string) {
  return useQuery({
    queryKey: [...caseKeys.case(caseId), 'placement'],
    queryFn: ({ signal }) =>
      call(api.GET('/api/cases/{case_id}/placement', { signal, params: { path: { case_id: caseId } } })),
    refetchOnMount: 'always',
  });
}

/** ISO day ``months`` after ``day`` (the last day of the month when it has fewer days). */
function addMonths(day: string, months: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const first = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(d, last));
  return first.toISOString().slice(0, 10);
}

export function TilsynPlace() {
  const { hovedsag, canWrite } = useCaseContext();
  const query = usePlacement(hovedsag.id);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const writable = canWrite && !hovedsag.closed_at;
  return (
    <section aria-labelledby="tilsyn-heading" className="case-section tilsyn">
      <h2 id="tilsyn-heading">Tilsyn og samvær</h2>
      <OutcomeAlert outcome={outcome} />
      {query.status === 'pending' ? (
        <Loading text="Henter tilsyn og samvær" />
      ) : query.status === 'error' ? (
        <Alert variant="error" heading="Tilsyn og samvær kunne ikke hentes">
          <p>{query.error instanceof Error ? query.error.message : 'Prøv igen.'}</p>
        </Alert>
      ) : (
        <PlacementBody
          data={query.data}
          activities={hovedsag.activities}
          caseId={hovedsag.id}
          childName={hovedsag.child_name.trim() || 'Ufødt barn'}
          writable={writable}
          onDone={setOutcome}
        />
      )}
    </section>
  );
}

function PlacementBody({
  data,
  activities,
  caseId,
  childName,
  writable,
  onDone,
}: {
  data: PlacementRead;
  activities: ActivityRead[];
  caseId: string;
  childName: string;
  writable: boolean;
  onDone: (o: Outcome) => void;
}) {
  if (data.placements.length === 0) {
    return (
      <Alert variant="info" heading="Barnet er ikke anbragt">
        <p>
          Tilsynsbesøg planlægges, når en anbringelse starter (afgørelse efter § 46 eller § 47 under Forløb). Afgørelser
          om samvær og kontakt registreres under anbringelsen.
        </p>
      </Alert>
    );
  }
  return (
    <>
      <ul className="nobullet-list tilsyn-placements">
        {data.placements.map((p) => (
          <li key={p.id}>
            <strong>{p.label}</strong> fra {formatDate(p.starts_on)}
            {p.ends_on ? ` til ${formatDate(p.ends_on)}` : ''}
          </li>
        ))}
      </ul>
      <Visits data={data} activities={activities} writable={writable} onDone={onDone} />
      <Contact data={data} caseId={caseId} childName={childName} writable={writable} onDone={onDone} />
    </>
  );
}

function Visits({
  data,
  activities,
  writable,
  onDone,
}: {
  data: PlacementRead;
  activities: ActivityRead[];
  writable: boolean;
  onDone: (o: Outcome) => void;
}) {
  const planned = data.visits.filter((v) => v.status === 'open');
  const held = data.visits.filter((v) => v.status === 'done');
  return (
    <section aria-labelledby="tilsyn-visits" className="tilsyn-part">
      <h3 id="tilsyn-visits">Tilsynsbesøg</h3>
      <Basis text={data.supervision_basis} as="p" className="form-hint" />
      {planned.length === 0 ? (
        <p>Der er intet planlagt tilsynsbesøg{data.placed ? '' : ': anbringelsen er afsluttet'}.</p>
      ) : (
        planned.map((v) => {
          const activity = activities.find((a) => a.id === v.activity_id);
          return (
            <div key={v.activity_id} className={`tilsyn-next ${v.overdue ? 'tilsyn-overdue' : ''}`.trim()}>
              <p>
                <strong>Næste tilsynsbesøg:</strong>{' '}
                {v.due_at ? `senest ${formatDeadlineDate(v.due_at)}` : 'uden frist'}
                {v.overdue ? <span className="badge badge-error tilsyn-badge">Overskredet</span> : null}
              </p>
              {writable && activity ? (
                <ActivityAction activity={activity} onDone={(heading) => onDone({ heading })} />
              ) : null}
            </div>
          );
        })
      )}
      {held.length > 0 ? (
        <>
          <h4 className="h5">Holdte besøg ({plural(held.length, 'besøg', 'besøg')})</h4>
          <ul className="nobullet-list tilsyn-held">
            {held.map((v, n) => (
              <li key={v.activity_id}>
                <details open={n === 0}>
                  <summary>
                    Tilsynsbesøg {v.visited_on ? formatDate(v.visited_on) : ''} – samtale alene:{' '}
                    {v.alone ? 'ja' : 'nej'}
                  </summary>
                  <VisitDetails v={v} />
                </details>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}

function VisitDetails({ v }: { v: VisitRead }) {
  const rows: [string, string | null | undefined][] = [
    ['Sted', v.place],
    ['Besøgt af', v.visited_by],
    ['Samtale med barnet alene', v.alone === null || v.alone === undefined ? null : v.alone ? 'Ja' : 'Nej'],
    ['Hvorfor ikke alene', v.not_alone_reason],
    ['Barnet fortalte', v.child_said],
    ['Iagttagelser', v.observations],
    ['Opfølgning', v.follow_up],
    ['Frist for opfølgningen', v.follow_up_on ? formatDate(v.follow_up_on) : null],
    ['Registreret af', v.recorded_by],
  ];
  return (
    <dl className="tilsyn-dl">
      {rows
        .filter(([, value]) => value)
        .map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
    </dl>
  );
}

function DecisionTable({ rows, caption, actions }: { rows: Decision[]; caption: string; actions?: (d: Decision) => ReactNode }) {
  return (
    <table className="table table--compact table--responsive-headers tilsyn-table">
      <caption className="sr-only">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Med</th>
          <th scope="col">Form</th>
          <th scope="col">Hyppighed</th>
          <th scope="col">Afgjort</th>
          <th scope="col">{actions ? 'Revurderes senest' : 'Ændret'}</th>
          {actions ? (
            <th scope="col">
              <span className="sr-only">Handling</span>
            </th>
          ) : null}
        </tr>
      </thead>
      <tbody>
        {rows.map((d) => (
          <tr key={d.id}>
            <td data-title="Med">
              {d.person_name} <span className="cell-note">{d.person_relation}</span>
            </td>
            <td data-title="Form">
              {d.form_label}
              {d.restrictions ? <span className="cell-note">Vilkår: {d.restrictions}</span> : null}
            </td>
            <td data-title="Hyppighed">{d.frequency}</td>
            <td data-title="Afgjort">{formatDate(d.decided_on)}</td>
            <td data-title={actions ? 'Revurderes senest' : 'Ændret'}>
              {actions ? formatDate(d.review_on) : d.replaced_at ? formatDeadlineDate(d.replaced_at) : ''}
            </td>
            {actions ? <td data-title="Handling">{actions(d)}</td> : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Contact({
  data,
  caseId,
  childName,
  writable,
  onDone,
}: {
  data: PlacementRead;
  caseId: string;
  childName: string;
  writable: boolean;
  onDone: (o: Outcome) => void;
}) {
  const [editing, setEditing] = useState<Decision | 'new' | null>(null);
  return (
    <section aria-labelledby="tilsyn-contact" className="tilsyn-part">
      <h3 id="tilsyn-contact">Samvær og kontakt</h3>
      <Basis text={data.contact_basis} as="p" className="form-hint" />
      {data.contact.length === 0 ? (
        <p>Der er ingen afgørelser om samvær og kontakt på sagen.</p>
      ) : (
        <DecisionTable
          rows={data.contact}
          caption="Gældende afgørelser om samvær og kontakt"
          actions={
            writable && data.placed
              ? (d) => (
                  <button
                    type="button"
                    className="button button-tertiary"
                    aria-haspopup="dialog"
                    aria-label={`Ændr afgørelsen om samvær med ${d.person_name}`}
                    onClick={() => setEditing(d)}
                  >
                    Ændr
                  </button>
                )
              : undefined
          }
        />
      )}
      {writable && data.placed ? (
        <button type="button" className="button button-secondary case-action" aria-haspopup="dialog" onClick={() => setEditing('new')}>
          Registrér afgørelse om samvær
        </button>
      ) : null}
      {data.history.length > 0 ? (
        <details className="tilsyn-history">
          <summary>Tidligere afgørelser ({data.history.length})</summary>
          <DecisionTable rows={data.history} caption="Tidligere afgørelser om samvær og kontakt" />
        </details>
      ) : null}
      {editing ? (
        <ContactForm
          data={data}
          caseId={caseId}
          childName={childName}
          replaces={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={(o) => {
            setEditing(null);
            onDone(o);
          }}
        />
      ) : null}
    </section>
  );
}

const C_FIELDS: Record<string, [string, string]> = {
  network_member_id: ['sv-person', 'Med hvem'],
  form: ['sv-form', 'Form'],
  frequency: ['sv-frequency', 'Hyppighed'],
  restrictions: ['sv-restrictions', 'Begrænsninger og vilkår'],
  decided_on: ['sv-decided', 'Afgørelsens dato'],
  review_on: ['sv-review', 'Revurderes senest'],
};

function ContactForm({
  data,
  caseId,
  childName,
  replaces,
  onClose,
  onSaved,
}: {
  data: PlacementRead;
  caseId: string;
  childName: string;
  replaces: Decision | null;
  onClose: () => void;
  onSaved: (o: Outcome) => void;
}) {
  const today = todayInCopenhagen();
  const [person, setPerson] = useState(replaces?.network_member_id ?? '');
  const [form, setForm] = useState<string>(replaces?.form ?? '');
  const [frequency, setFrequency] = useState(replaces?.frequency ?? '');
  const [restrictions, setRestrictions] = useState(replaces?.restrictions ?? '');
  const [decided, setDecided] = useState(today);
  const [review, setReview] = useState(() => addMonths(today, data.review_months));
  const [reviewTouched, setReviewTouched] = useState(false);
  const { run, busy, errors, setErrors, general } = useSubmit({ invalidates: [caseKeys.case(caseId), ['worklist']] });

  const change = (key: string, set: (v: string) => void) => (v: string) => {
    set(v);
    setErrors(withoutKey(key));
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const missing: Record<string, string> = {};
    if (!person) missing.network_member_id = 'Vælg hvem samværet eller kontakten er med';
    if (!form) missing.form = 'Vælg formen for samværet eller kontakten';
    if (!frequency.trim()) missing.frequency = 'Skriv hvor ofte, fx „hver anden weekend“';
    if (!decided) missing.decided_on = 'Angiv afgørelsens dato';
    else if (decided > today) missing.decided_on = 'Afgørelsens dato ligger i fremtiden';
    if (Object.keys(missing).length > 0) {
      setErrors(missing);
      return;
    }
    setErrors({});
    const body = {
      network_member_id: person,
      form,
      frequency,
      restrictions: restrictions.trim() || null,
      decided_on: decided,
      review_on: review || null,
    };
    void run(async () => {
      if (replaces) {
        await call(
          api.POST('/api/cases/{case_id}/contact-decisions/{decision_id}/change', {
            params: { path: { case_id: caseId, decision_id: replaces.id } },
            body,
          }),
        );
      } else {
        await call(api.POST('/api/cases/{case_id}/contact-decisions', { params: { path: { case_id: caseId } }, body }));
      }
      const name = data.people.find((p) => p.id === person)?.name ?? '';
      onSaved({
        heading: replaces ? `Afgørelsen om samvær med ${name} er ændret` : `Afgørelsen om samvær med ${name} er registreret`,
        body: <p>Revurderes senest {formatDate(review)}. Revurderingen er lagt på arbejdslisten.</p>,
      });
    });
  };

  return (
    <FormDialog
      title={replaces ? 'Ændr afgørelse om samvær' : 'Registrér afgørelse om samvær'}
      subtitle={childName}
      busy={busy}
      onClose={onClose}
    >
      <form onSubmit={submit} noValidate className="admin-form case-form">
        <ErrorSummary errors={errors} fields={C_FIELDS} general={general} />
        {replaces ? (
          <p className="form-hint">Den nuværende afgørelse gemmes under „Tidligere afgørelser“.</p>
        ) : null}
        {data.people.length === 0 ? (
          <Alert variant="warning" heading="Barnets netværk er tomt">
            <p>Tilføj forældre eller netværk under Netværk først.</p>
          </Alert>
        ) : null}
        <SelectField
          id="sv-person"
          label="Med hvem"
          value={person}
          onChange={change('network_member_id', setPerson)}
          error={errors.network_member_id}
          choices={[{ value: '', label: 'Vælg en person' }, ...data.people.map((p) => ({ value: p.id, label: `${p.name} (${p.relation.toLowerCase()})` }))]}
        />
        <SelectField
          id="sv-form"
          label="Form"
          value={form}
          onChange={change('form', setForm)}
          error={errors.form}
          choices={[{ value: '', label: 'Vælg formen' }, ...data.forms]}
        />
        <TextField
          id="sv-frequency"
          label="Hyppighed"
          hint="Fx „hver anden weekend fredag-søndag“ eller „én time om ugen“."
          value={frequency}
          onChange={change('frequency', setFrequency)}
          error={errors.frequency}
        />
        <TextArea
          id="sv-restrictions"
          label="Begrænsninger og vilkår (valgfri)"
          rows={3}
          value={restrictions}
          onChange={change('restrictions', setRestrictions)}
          error={errors.restrictions}
        />
        <TextField
          id="sv-decided"
          label="Afgørelsens dato"
          type="date"
          value={decided}
          onChange={(v) => {
            change('decided_on', setDecided)(v);
            if (!reviewTouched && /^\d{4}-\d{2}-\d{2}$/.test(v)) setReview(addMonths(v, data.review_months));
          }}
          error={errors.decided_on}
          width="input-width-s"
        />
        <TextField
          id="sv-review"
          label="Revurderes senest"
          hint={`Loven fastsætter ingen fast frist; forslaget er ${plural(data.review_months, 'måned', 'måneder')} efter afgørelsen. Revurderingen bliver en aktivitet på arbejdslisten.`}
          type="date"
          value={review}
          onChange={(v) => {
            setReviewTouched(true);
            change('review_on', setReview)(v);
          }}
          error={errors.review_on}
          width="input-width-s"
        />
        <div className="process-buttons">
          <button
            type="submit"
            className={`button button-primary ${busy ? 'spinner-active' : ''}`.trim()}
            aria-disabled={busy || undefined}
          >
            {replaces ? 'Gem ændringen' : 'Registrér afgørelsen'}
          </button>
          <button type="button" className="button button-tertiary" onClick={onClose} disabled={busy}>
            Fortryd
          </button>
        </div>
      </form>
    </FormDialog>
  );
}
