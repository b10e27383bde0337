// The caseworker's own activities on a case (issue 17 item 7), each in a dialog:
// "Tilføj aktivitet" (what, by when, optionally a description, the enkeltsag and who does it:
// POST /api/cases/{id}/activities) and "Anvend aktivitetsplan" (one of the team's plans,
// previewed with its dates from a start day, then created all at once:
// …/activity-plans/{plan}/preview and …/apply). Both are on the Overblik's "Det skal gøres"
// and on Forløb; what they create is on the worklist like every other activity.
import { useState, type FormEvent } from 'react';
import { api, call, type EnkeltsagRead } from '../../api/client';
import { Alert } from '../../components/Alert';
import { ErrorSummary, SelectField, TextArea, TextField, withoutKey } from '../../components/Form';
import { FormDialog } from '../../components/FormDialog';
import { formatDate, plural, todayInCopenhagen } from '../../format';
import { useSubmit } from '../../mutation';
import { useApiQuery } from '../../useApi';
import { DialogButton, type Outcome } from './shared';

const KIND_LABELS: Record<EnkeltsagRead['kind'], string> = {
  afklaring: 'Afklaring',
  afdaekning: 'Afdækning',
  undersoegelse: 'Børnefaglig undersøgelse',
  afgoerelse: 'Visitation og afgørelse',
  indsats: 'Indsats',
};

const A_FIELDS: Record<string, [string, string]> = {
  title: ['ea-title', 'Hvad skal gøres'],
  due_on: ['ea-due', 'Frist'],
  description: ['ea-description', 'Beskrivelse'],
  enkeltsag_id: ['ea-enkeltsag', 'Enkeltsag'],
  owner_id: ['ea-owner', 'Hvem gør det'],
};

const isDate = (v: string) => /^\d{4}-\d{2}-\d{2}$/.test(v);

export function TilfoejAktivitetForm({
  caseId,
  childName,
  enkeltsager,
  onAdded,
  onClose,
}: {
  caseId: string;
  childName: string;
  enkeltsager: EnkeltsagRead[];
  onAdded: (outcome: Outcome) => void;
  onClose: () => void;
}) {
  const open = enkeltsager.filter((e) => !e.closed_at);
  // The enkeltsag in view: the newest open one.
  const [enkeltsag, setEnkeltsag] = useState(() => open[open.length - 1]?.id ?? '');
  const [title, setTitle] = useState('');
  const [due, setDue] = useState('');
  const [description, setDescription] = useState('');
  const [owner, setOwner] = useState('');
  const { run, busy, errors, setErrors, general } = useSubmit({ invalidates: [['worklist']] });
  const [owners] = useApiQuery(['activity-owners', caseId], (signal) =>
    call(api.GET('/api/cases/{case_id}/activity-owners', { signal, params: { path: { case_id: caseId } } })),
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const missing: Record<string, string> = {};
    if (!title.trim()) missing.title = 'Skriv hvad der skal gøres';
    if (!isDate(due)) missing.due_on = 'Vælg en frist';
    else if (due < todayInCopenhagen()) missing.due_on = 'Fristen ligger i fortiden. Vælg i dag eller senere.';
    if (Object.keys(missing).length > 0) {
      setErrors(missing);
      return;
    }
    setErrors({});
    void run(async () => {
      const saved = await call(
        api.POST('/api/cases/{case_id}/activities', {
          params: { path: { case_id: caseId } },
          body: {
            title,
            due_on: due,
            description: description.trim() || null,
            enkeltsag_id: enkeltsag || null,
            owner_id: owner || null,
          },
        }),
      );
      onAdded({ heading: `Aktiviteten er oprettet: ${saved.title}`, body: <p>Frist {formatDate(due)}.</p> });
    });
  };

  const change = (key: string, set: (v: string) => void) => (v: string) => {
    set(v);
    setErrors(withoutKey(key));
  };

  return (
    <FormDialog title="Tilføj aktivitet" subtitle={childName} busy={busy} onClose={onClose}>
      <form onSubmit={submit} noValidate className="admin-form case-form">
        <ErrorSummary errors={errors} fields={A_FIELDS} general={general} />
        <TextField id="ea-title" label="Hvad skal gøres" value={title} onChange={change('title', setTitle)} error={errors.title} />
        <TextField
          id="ea-due"
          label="Frist"
          type="date"
          value={due}
          onChange={change('due_on', setDue)}
          error={errors.due_on}
          width="input-width-s"
        />
        <TextArea
          id="ea-description"
          label="Beskrivelse (valgfri)"
          rows={3}
          value={description}
          onChange={change('description', setDescription)}
          error={errors.description}
        />
        {open.length > 0 ? (
          <SelectField
            id="ea-enkeltsag"
            label="Enkeltsag"
            value={enkeltsag}
            onChange={change('enkeltsag_id', setEnkeltsag)}
            error={errors.enkeltsag_id}
            choices={[
              { value: '', label: 'Hele sagen' },
              ...open.map((e) => ({ value: e.id, label: `${KIND_LABELS[e.kind]} (fra ${formatDate(e.opened_at)})` })),
            ]}
          />
        ) : null}
        {owners.state === 'ready' ? (
          <SelectField
            id="ea-owner"
            label="Hvem gør det"
            value={owner}
            onChange={change('owner_id', setOwner)}
            error={errors.owner_id}
            choices={owners.data.map((o, n) => ({ value: n === 0 ? '' : o.user_id, label: n === 0 ? `Mig (${o.name})` : o.name }))}
          />
        ) : null}
        <div className="process-buttons">
          <button
            type="submit"
            className={`button button-primary ${busy ? 'spinner-active' : ''}`.trim()}
            aria-disabled={busy || undefined}
          >
            Opret aktivitet
          </button>
          <button type="button" className="button button-tertiary" onClick={onClose} disabled={busy}>
            Fortryd
          </button>
        </div>
      </form>
    </FormDialog>
  );
}

function howCounted(days: number, kind: 'kalenderdage' | 'arbejdsdage'): string {
  if (days === 0) return kind === 'arbejdsdage' ? 'Startdagen (eller næste arbejdsdag)' : 'Startdagen';
  return `${plural(days, kind === 'arbejdsdage' ? 'arbejdsdag' : 'dag', kind === 'arbejdsdage' ? 'arbejdsdage' : 'dage')} efter start`;
}

const P_FIELDS: Record<string, [string, string]> = {
  plan: ['ap-plan', 'Aktivitetsplan'],
  start_on: ['ap-start', 'Startdato'],
};

export function AnvendPlanForm({
  caseId,
  childName,
  onApplied,
  onClose,
}: {
  caseId: string;
  childName: string;
  onApplied: (outcome: Outcome) => void;
  onClose: () => void;
}) {
  const [plans] = useApiQuery(['activity-plans'], (signal) => call(api.GET('/api/activity-plans', { signal })));
  const [chosen, setChosen] = useState('');
  const [start, setStart] = useState(() => todayInCopenhagen());
  const list = plans.state === 'ready' ? plans.data.plans : [];
  const planId = chosen || list[0]?.id || '';
  const plan = list.find((p) => p.id === planId);
  const manyTeams = new Set(list.map((p) => p.team_id)).size > 1;
  const [preview] = useApiQuery(
    ['plan-preview', caseId, planId, start],
    (signal) =>
      call(
        api.GET('/api/cases/{case_id}/activity-plans/{plan_id}/preview', {
          signal,
          params: { path: { case_id: caseId, plan_id: planId }, query: { start } },
        }),
      ),
    { enabled: !!planId && isDate(start), keepPrevious: true },
  );
  const { run, busy, errors, setErrors, general } = useSubmit({ invalidates: [['worklist']] });
  const ready =
    preview.state === 'ready' && preview.data.plan_id === planId && preview.data.start_on === start ? preview.data : null;
  const again = !!ready && ready.applied_on.length > 0;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (busy || !ready) return;
    if (!isDate(start)) {
      setErrors({ start_on: 'Vælg en startdato' });
      return;
    }
    void run(async () => {
      const done = await call(
        api.POST('/api/cases/{case_id}/activity-plans/{plan_id}/apply', {
          params: { path: { case_id: caseId, plan_id: planId } },
          body: { version: ready.version, start_on: start, again },
        }),
      );
      onApplied({
        heading: `Aktivitetsplanen ${ready.name} er anvendt`,
        body: <p>{plural(done.count, 'aktivitet er oprettet', 'aktiviteter er oprettet')} på sagen.</p>,
      });
    });
  };

  let body;
  if (plans.state === 'loading') body = <p>Henter teamets aktivitetsplaner …</p>;
  else if (plans.state === 'error')
    body = (
      <Alert variant="error" heading="Aktivitetsplanerne kunne ikke hentes">
        <p>{plans.message}</p>
      </Alert>
    );
  else if (list.length === 0)
    body = (
      <p className="empty-state">
        Dine teams har ingen aktivitetsplaner endnu. Teamets leder opretter dem under »Aktivitetsplaner« på sin forside.
      </p>
    );
  else
    body = (
      <form onSubmit={submit} noValidate className="admin-form case-form">
        <ErrorSummary errors={errors} fields={P_FIELDS} general={general} />
        <SelectField
          id="ap-plan"
          label="Aktivitetsplan"
          value={planId}
          onChange={(v) => {
            setChosen(v);
            setErrors({});
          }}
          hint={plan?.note ?? undefined}
          choices={list.map((p) => ({ value: p.id, label: manyTeams ? `${p.name} (${p.team})` : p.name }))}
        />
        <TextField
          id="ap-start"
          label="Startdato"
          type="date"
          hint="Fristerne regnes fra denne dag"
          value={start}
          onChange={(v) => {
            setStart(v);
            setErrors(withoutKey('start_on'));
          }}
          error={errors.start_on}
          width="input-width-s"
        />
        {preview.state === 'error' ? (
          <Alert variant="error" heading="Forhåndsvisningen kunne ikke hentes">
            <p>{preview.message}</p>
          </Alert>
        ) : null}
        {ready ? (
          <>
            <table className="table table--compact table--responsive-headers plan-preview">
              <caption>Aktiviteterne, der oprettes ({plural(ready.items.length, 'aktivitet', 'aktiviteter')})</caption>
              <thead>
                <tr>
                  <th scope="col">Aktivitet</th>
                  <th scope="col">Frist</th>
                  <th scope="col">Regnet som</th>
                </tr>
              </thead>
              <tbody>
                {ready.items.map((i, n) => (
                  <tr key={n}>
                    <td data-title="Aktivitet">
                      {i.title}
                      {i.description ? <span className="cell-note">{i.description}</span> : null}
                    </td>
                    <td data-title="Frist">
                      <time dateTime={i.due_on}>{formatDate(i.due_on)}</time>
                    </td>
                    <td data-title="Regnet som">{howCounted(i.days, i.day_kind)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {again ? (
              <Alert variant="warning" heading="Planen er allerede anvendt på sagen">
                <p>
                  Den blev anvendt {ready.applied_on.map(formatDate).join(', ')}. Anvender du den igen, oprettes
                  aktiviteterne en gang til.
                </p>
              </Alert>
            ) : null}
          </>
        ) : preview.state === 'loading' ? (
          <p>Beregner fristerne …</p>
        ) : null}
        <div className="process-buttons">
          <button
            type="submit"
            className={`button button-primary ${busy ? 'spinner-active' : ''}`.trim()}
            aria-disabled={busy || !ready || undefined}
          >
            {again ? 'Anvend planen igen' : 'Opret aktiviteterne'}
          </button>
          <button type="button" className="button button-tertiary" onClick={onClose} disabled={busy}>
            Fortryd
          </button>
        </div>
      </form>
    );

  return (
    <FormDialog title="Anvend aktivitetsplan" subtitle={childName} busy={busy} onClose={onClose} size="wide">
      {body}
    </FormDialog>
  );
}

/** "Tilføj aktivitet" and "Anvend aktivitetsplan", each opening its dialog. */
export function OwnActivityButtons({
  caseId,
  childName,
  enkeltsager,
  onDone,
}: {
  caseId: string;
  childName: string;
  enkeltsager: EnkeltsagRead[];
  onDone: (outcome: Outcome) => void;
}) {
  const done = (close: () => void) => (o: Outcome) => {
    close();
    onDone(o);
  };
  return (
    <>
      <DialogButton label="Tilføj aktivitet">
        {(close) => (
          <TilfoejAktivitetForm
            caseId={caseId}
            childName={childName}
            enkeltsager={enkeltsager}
            onAdded={done(close)}
            onClose={close}
          />
        )}
      </DialogButton>
      <DialogButton label="Anvend aktivitetsplan">
        {(close) => <AnvendPlanForm caseId={caseId} childName={childName} onApplied={done(close)} onClose={close} />}
      </DialogButton>
    </>
  );
}
