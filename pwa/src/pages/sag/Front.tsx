// The front of the process (issue 17 item 1): "Start afdækning" on the Overblik (a dialog:
// what is to be clarified; the afdækning's own activity, with the rule's form, records what
// was clarified, the conclusion and what follows) and, on Forløb, "Foreløbig vurdering" for
// an investigation that cannot be finished within 4 months (§ 20, stk. 3).
import { useState, type FormEvent } from 'react';
import { api, call, type ActivityRead } from '../../api/client';
import { Alert } from '../../components/Alert';
import { ErrorSummary, TextArea, TextField, withoutKey } from '../../components/Form';
import { DialogButtons, FormDialog } from '../../components/FormDialog';
import { formatDate, formatDeadlineDate, todayInCopenhagen } from '../../format';
import { useSubmit } from '../../mutation';
import { isDate, processErrors, type Done } from './process';
import { FailureAlert, FormButtons, ProcessForm, type Outcome } from './shared';

const A_FIELDS: Record<string, [string, string]> = { purpose: ['afd-purpose', 'Hvad skal afdækkes?'] };

function started(activities: ActivityRead[]): Outcome {
  const a = activities.find((x) => x.rule_id === 'afdaekning');
  return {
    heading: 'Afdækningen er startet',
    body: a?.due_at ? (
      <p>
        Frist: <time dateTime={a.due_at}>{formatDeadlineDate(a.due_at)}</time>. Registrér afdækningen under „Det skal
        gøres“, når den er afsluttet.
      </p>
    ) : null,
  };
}

export function AfdaekningForm({
  caseId,
  childName,
  onStarted,
  onClose,
}: {
  caseId: string;
  childName: string;
  onStarted: (outcome: Outcome) => void;
  onClose: () => void;
}) {
  const [purpose, setPurpose] = useState('');
  const { run, busy, errors, setErrors, failure, setFailure } = useSubmit();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setFailure(undefined);
    setErrors({});
    void run(async () => {
      const result = await call(
        api.POST('/api/cases/{case_id}/afdaekning', {
          params: { path: { case_id: caseId } },
          body: { purpose: purpose.trim() },
        }),
      );
      onStarted(started(result.activities));
    });
  };
  return (
    <FormDialog title="Start afdækning" subtitle={childName} busy={busy} onClose={onClose}>
      <form onSubmit={submit} noValidate className="admin-form case-form">
        <p className="form-hint">
          En kort afklaring af et eller flere forhold (Barnets Lov § 19), før eller i stedet for en børnefaglig
          undersøgelse.
        </p>
        <ErrorSummary errors={errors} fields={A_FIELDS} />
        {failure && !errors.purpose ? (
          <Alert variant="error" heading="Afdækningen blev ikke startet">
            <p>{failure.message}</p>
          </Alert>
        ) : null}
        <TextArea
          id="afd-purpose"
          label="Hvad skal afdækkes? (valgfri)"
          hint="Skrives i journalen."
          rows={3}
          value={purpose}
          onChange={(v) => {
            setPurpose(v);
            setErrors(withoutKey('purpose'));
          }}
          error={errors.purpose}
        />
        <DialogButtons label="Start afdækning" busy={busy} onCancel={onClose} />
      </form>
    </FormDialog>
  );
}

const P_LABELS = {
  assessed_on: 'Dato for den foreløbige vurdering',
  assessment: 'Foreløbig vurdering',
  expected_on: 'Undersøgelsen forventes afsluttet',
};

/** Forløb's "Foreløbig vurdering": the assessment, its date and the expected finish. */
export function ForeloebigForm({
  caseId,
  onDone,
  onCancel,
  onReload,
}: {
  caseId: string;
  onDone: (done: Done) => void;
  onCancel: () => void;
  onReload: () => void;
}) {
  const [assessedOn, setAssessedOn] = useState(() => todayInCopenhagen());
  const [assessment, setAssessment] = useState('');
  const [expectedOn, setExpectedOn] = useState('');
  const { run, busy, errors, setErrors, failure, setFailure } = useSubmit({ fields: processErrors });
  const fields: Record<string, [string, string]> = {
    assessed_on: ['fv-date', P_LABELS.assessed_on],
    assessment: ['fv-text', P_LABELS.assessment],
    expected_on: ['fv-expected', P_LABELS.expected_on],
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setFailure(undefined);
    const found: Record<string, string> = {};
    if (!isDate(assessedOn)) found.assessed_on = 'Angiv datoen for den foreløbige vurdering';
    if (!assessment.trim()) found.assessment = 'Skriv den foreløbige vurdering';
    if (!isDate(expectedOn)) found.expected_on = 'Angiv hvornår undersøgelsen forventes afsluttet';
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    await run(async () => {
      await call(
        api.POST('/api/cases/{case_id}/undersoegelse/foreloebig', {
          params: { path: { case_id: caseId } },
          body: { assessed_on: assessedOn, assessment: assessment.trim(), expected_on: expectedOn },
        }),
      );
      onDone({
        heading: 'Den foreløbige vurdering er registreret',
        lines: [`Ny frist: Afslut den børnefaglige undersøgelse senest ${formatDate(expectedOn)}`],
      });
    });
  };
  return (
    <ProcessForm id="foreloebig" title="Foreløbig vurdering (§ 20, stk. 3)" onSubmit={submit}>
      <p className="form-hint process-note">
        Når undersøgelsen undtagelsesvis ikke kan afsluttes inden 4 måneder: fristen på 4 måneder markeres som udført
        med vurderingen, og en ny aktivitet „Afslut den børnefaglige undersøgelse“ får den forventede dato.
      </p>
      <ErrorSummary errors={errors} fields={fields} />
      <FailureAlert
        failure={failure}
        heading="Den foreløbige vurdering blev ikke registreret"
        onReload={() => {
          setFailure(undefined);
          onReload();
        }}
      />
      <TextField
        id="fv-date"
        label={P_LABELS.assessed_on}
        type="date"
        value={assessedOn}
        onChange={(v) => {
          setAssessedOn(v);
          setErrors(withoutKey('assessed_on'));
        }}
        error={errors.assessed_on}
        width="input-width-s"
      />
      <TextArea
        id="fv-text"
        label={P_LABELS.assessment}
        rows={5}
        value={assessment}
        onChange={(v) => {
          setAssessment(v);
          setErrors(withoutKey('assessment'));
        }}
        error={errors.assessment}
      />
      <TextField
        id="fv-expected"
        label={P_LABELS.expected_on}
        type="date"
        hint="Giver aktiviteten „Afslut den børnefaglige undersøgelse“ med denne frist"
        value={expectedOn}
        onChange={(v) => {
          setExpectedOn(v);
          setErrors(withoutKey('expected_on'));
        }}
        error={errors.expected_on}
        width="input-width-s"
      />
      <FormButtons busy={busy} label="Gem foreløbig vurdering" onCancel={onCancel} />
    </ProcessForm>
  );
}
