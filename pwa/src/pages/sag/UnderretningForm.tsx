// "Registrér underretning, henvendelse eller ansøgning" on the case page, in a dialog: what was
// received, when, from whom; the page then lists the activities (with deadlines) it created.
import { useState, type FormEvent } from 'react';
import { api, call, type ActivityRead } from '../../api/client';
import { INTAKE_KINDS, NOTIFICATION_CAUSES, NOTIFIER_KINDS, SOURCES } from '../../casework';
import { Alert } from '../../components/Alert';
import {
  Checkbox,
  CheckboxGroup,
  ErrorSummary,
  RadioGroup,
  SelectField,
  TextArea,
  TextField,
  withoutKey,
} from '../../components/Form';
import { formatDeadline, localInputToIso, toLocalInput } from '../../format';
import { Basis } from '../../components/Basis';
import { FormDialog } from '../../components/FormDialog';
import { useSubmit } from '../../mutation';
import type { Outcome } from './shared';

const INTAKE_NOUN: Record<string, string> = {
  underretning: 'underretningen',
  henvendelse: 'henvendelsen',
  ansoegning: 'ansøgningen',
};

/** The fields that differ by what was received. Only an underretning can be about
 * suspected abuse; an ansøgning is never anonymous (the API refuses both). */
const INTAKE_FORM: Record<string, { who: string; name: string; nameHint?: string; anonymous: boolean; abuse: boolean }> = {
  underretning: {
    who: 'Hvem har underrettet',
    name: 'Underretterens navn',
    nameHint: 'Udfyldes ikke ved anonyme underretninger',
    anonymous: true,
    abuse: true,
  },
  henvendelse: {
    who: 'Hvem har henvendt sig',
    name: 'Navn på den, der har henvendt sig',
    nameHint: 'Udfyldes ikke ved anonyme henvendelser',
    anonymous: true,
    abuse: false,
  },
  ansoegning: { who: 'Hvem søger', name: 'Ansøgerens navn', anonymous: false, abuse: false },
};

const intakeForm = (kind: string) => INTAKE_FORM[kind] ?? INTAKE_FORM.underretning!;

const uFields = (kind: string): Record<string, [string, string]> => ({
  kind: ['u-intake', 'Hvad er modtaget'],
  received_at: ['u-received', 'Modtaget'],
  notifier_kind: ['u-kind', intakeForm(kind).who],
  source: ['u-source', 'Kilde'],
  notifier_name: ['u-name', intakeForm(kind).name],
  notifier_contact: ['u-contact', 'Kontaktoplysninger'],
  concerns: ['u-concerns', `Hvad handler ${INTAKE_NOUN[kind] ?? 'underretningen'} om`],
  causes: ['u-causes', 'Hvad underrettes der om'],
  suspected_abuse: ['u-abuse', 'Mistanke om overgreb'],
});

/** What POST /api/cases/{id}/underretninger takes. */
type Intake = {
  kind: string;
  received_at: string;
  notifier_kind: string;
  source: string;
  concerns: string;
  suspected_abuse: boolean;
  causes: string[];
  notifier_name: string | null;
  notifier_contact: string | null;
};

type UDraft = {
  intake: string;
  received: string;
  kind: string;
  source: string;
  name: string;
  contact: string;
  concerns: string;
  abuse: boolean;
  causes: string[];
};

const freshDraft = (): UDraft => ({
  intake: 'underretning',
  received: toLocalInput(new Date()),
  kind: '',
  source: '',
  name: '',
  contact: '',
  concerns: '',
  abuse: false,
  causes: [],
});

/** What the page says once the intake is registered: the activities it created. */
function registered(noun: string, created: ActivityRead[]): Outcome {
  return {
    heading: `${noun.charAt(0).toUpperCase() + noun.slice(1)} er registreret`,
    body:
      created.length === 0 ? (
        <p>Der er ikke oprettet nye aktiviteter.</p>
      ) : (
        <>
          <p>Der er oprettet {created.length === 1 ? 'denne aktivitet' : 'disse aktiviteter'}:</p>
          <ul>
            {created.map((a) => (
              <li key={a.id}>
                {a.title} –{' '}
                {a.due_at ? (
                  <>
                    frist <time dateTime={a.due_at}>{formatDeadline(a.due_at)}</time>
                  </>
                ) : (
                  'ingen frist'
                )}
                <Basis text={a.basis} confirmed={a.basis_confirmed} />
              </li>
            ))}
          </ul>
        </>
      ),
  };
}

export function UnderretningForm({
  caseId,
  childName,
  onRegistered,
  onClose,
}: {
  caseId: string;
  childName: string;
  onRegistered: (outcome: Outcome) => void;
  onClose: () => void;
}) {
  const [draft, setDraft] = useState<UDraft>(freshDraft);
  const intakeNoun = INTAKE_NOUN[draft.intake] ?? 'underretningen';
  const form = intakeForm(draft.intake);
  const { run, busy, errors, setErrors, failure, setFailure } = useSubmit();
  const register = ({ body, noun }: { body: Intake; noun: string }) => {
    setErrors({});
    void run(async () => {
      const result = await call(
        api.POST('/api/cases/{case_id}/underretninger', { params: { path: { case_id: caseId } }, body }),
      );
      onRegistered(registered(noun, result.activities));
    });
  };

  const set =
    <K extends keyof UDraft>(key: K, errorKey: string) =>
    (value: UDraft[K]) => {
      setDraft((d) => ({ ...d, [key]: value }));
      setErrors(withoutKey(errorKey));
    };

  // Another kind of intake: drop what does not apply to it (and the errors about it).
  const setIntake = (intake: string) => {
    const next = intakeForm(intake);
    setDraft((d) => ({
      ...d,
      intake,
      abuse: next.abuse ? d.abuse : false,
      causes: next.abuse ? d.causes : [],
      kind: !next.anonymous && d.kind === 'anonym' ? '' : d.kind,
      source: !next.anonymous && d.source === 'anonym' ? '' : d.source,
    }));
    setErrors({});
    setFailure(undefined);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setFailure(undefined);
    const receivedAt = localInputToIso(draft.received);
    if (!receivedAt) {
      setErrors({ received_at: `Angiv dato og klokkeslæt for, hvornår ${intakeNoun} blev modtaget` });
      return;
    }
    register({
      noun: intakeNoun,
      body: {
        kind: draft.intake,
        received_at: receivedAt,
        notifier_kind: draft.kind,
        source: draft.source,
        concerns: draft.concerns,
        suspected_abuse: form.abuse && draft.abuse,
        causes: form.abuse ? draft.causes : [],
        notifier_name: draft.name.trim() || null,
        notifier_contact: draft.contact.trim() || null,
      },
    });
  };

  return (
    <FormDialog title="Registrér underretning, henvendelse eller ansøgning" subtitle={childName} busy={busy} onClose={onClose}>
      <form onSubmit={submit} noValidate className="admin-form case-form">
        <ErrorSummary errors={errors} fields={uFields(draft.intake)} />
        {failure ? (
          <Alert variant="error" heading={`${intakeNoun.charAt(0).toUpperCase() + intakeNoun.slice(1)} blev ikke registreret`}>
            <p>{failure.message}</p>
          </Alert>
        ) : null}
        <RadioGroup
          id="u-intake"
          legend="Hvad er modtaget"
          choices={INTAKE_KINDS}
          value={draft.intake}
          onChange={setIntake}
          error={errors.kind}
        />
        <TextField
          id="u-received"
          label="Modtaget"
          type="datetime-local"
          hint={`Dato og klokkeslæt, hvor kommunen modtog ${intakeNoun}`}
          value={draft.received}
          onChange={set('received', 'received_at')}
          error={errors.received_at}
          width="input-width-m"
        />
        <RadioGroup
          id="u-kind"
          legend={form.who}
          choices={form.anonymous ? NOTIFIER_KINDS : NOTIFIER_KINDS.filter((k) => k.value !== 'anonym')}
          value={draft.kind}
          onChange={set('kind', 'notifier_kind')}
          error={errors.notifier_kind}
        />
        <SelectField
          id="u-source"
          label="Kilde"
          value={draft.source}
          onChange={set('source', 'source')}
          choices={[
            { value: '', label: 'Vælg kilde' },
            ...(form.anonymous ? SOURCES : SOURCES.filter((k) => k.value !== 'anonym')),
          ]}
          error={errors.source}
        />
        <TextField
          id="u-name"
          label={form.name}
          hint={form.nameHint}
          value={draft.name}
          onChange={set('name', 'notifier_name')}
          error={errors.notifier_name}
        />
        <TextField
          id="u-contact"
          label="Kontaktoplysninger"
          hint="Telefon, e-mail eller arbejdssted"
          value={draft.contact}
          onChange={set('contact', 'notifier_contact')}
          error={errors.notifier_contact}
        />
        <TextArea
          id="u-concerns"
          label={`Hvad handler ${intakeNoun} om`}
          value={draft.concerns}
          onChange={set('concerns', 'concerns')}
          error={errors.concerns}
        />
        {form.abuse ? (
          <div className="cause-grid">
            <CheckboxGroup
              id="u-causes"
              legend="Hvad underrettes der om"
              hint="Vælg en eller flere. Årsagerne indberettes til Danmarks Statistik; uden en årsag indberettes den som uoplyst."
              choices={NOTIFICATION_CAUSES}
              value={draft.causes}
              onChange={(causes) => {
                // Keep Danmarks Statistik's order, whatever order they were ticked in.
                set('causes', 'causes')(NOTIFICATION_CAUSES.map((c) => c.value).filter((v) => causes.includes(v)));
              }}
              error={errors.causes}
            />
          </div>
        ) : null}
        {form.abuse ? (
          <Checkbox
            id="u-abuse"
            label="Mistanke om overgreb"
            hint="Giver en kortere frist for at tale med barnet"
            checked={draft.abuse}
            onChange={(on) => {
              set('abuse', 'suspected_abuse')(on);
              // A suspicion of abuse is a notification about abuse.
              if (on && !draft.causes.includes('overgreb'))
                set('causes', 'causes')(['overgreb', ...draft.causes]);
            }}
          />
        ) : null}
        <div className="process-buttons">
          <button
            type="submit"
            className={`button button-primary ${busy ? 'spinner-active' : ''}`.trim()}
            aria-disabled={busy || undefined}
          >
            Registrér {INTAKE_KINDS.find((k) => k.value === draft.intake)?.label.toLowerCase() ?? 'underretning'}
          </button>
          <button type="button" className="button button-tertiary" onClick={onClose} disabled={busy}>
            Fortryd
          </button>
        </div>
      </form>
    </FormDialog>
  );
}
