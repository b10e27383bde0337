// "Registrér skridt": a step the caseworker carried out (børnesamtale, partshøring, barnets
// plan, opfølgning ...). It completes the activities it answers; a follow-up on a running
// measure sets the next one, with a reason for the interval.
import { useState, type FormEvent } from 'react';
import { useSubmit } from '../../mutation';
import { api, call, type CaseRead } from '../../api/client';
import { ErrorSummary, RadioGroup, SelectField, TextArea, TextField } from '../../components/Form';
import { formatDate, todayInCopenhagen } from '../../format';
import { dueText, isDate, processErrors, withoutKey, type Done, type ProcessOptions } from './process';
import { FailureAlert, FormButtons, ProcessForm } from './shared';

const FIELDS: Record<string, [string, string]> = {
  kind: ['step-kind', 'Hvad er gennemført'],
  happened_on: ['step-date', 'Gennemført den'],
  note: ['step-note', 'Kort beskrivelse'],
  indsats_id: ['step-indsats', 'Indsats, der er fulgt op på'],
  next_due: ['step-next', 'Næste opfølgning senest'],
  next_reason: ['step-next-reason', 'Begrundelse for tidspunktet for næste opfølgning'],
};

type Draft = { kind: string; happenedOn: string; note: string; indsatsId: string; nextDue: string; nextReason: string };

export function SkridtForm({
  hovedsag,
  options,
  onDone,
  onCancel,
  onReload,
  initialKind = null,
}: {
  hovedsag: CaseRead;
  options: ProcessOptions;
  /** The kind to start with ("Udfør" on an activity this step completes). */
  initialKind?: string | null;
  onDone: (done: Done) => void;
  onCancel: () => void;
  onReload: () => void;
}) {
  const indsatser = hovedsag.indsatser ?? [];
  const running = indsatser.filter((i) => !i.ends_on);
  const [draft, setDraft] = useState<Draft>(() => ({
    kind: initialKind && options.steps.some((s) => s.value === initialKind) ? initialKind : '',
    happenedOn: todayInCopenhagen(),
    note: '',
    indsatsId: running.length === 1 ? (running[0]?.id ?? '') : '',
    nextDue: '',
    nextReason: '',
  }));
  const { run, busy, errors, setErrors, failure, setFailure } = useSubmit({ fields: processErrors });

  const followUp = draft.kind === 'opfoelgning';
  const chosen = indsatser.find((i) => i.id === draft.indsatsId);
  const planNext = followUp && !!chosen && !chosen.ends_on;

  const set = (key: keyof Draft, errorKey: string) => (value: string) => {
    setDraft((d) => ({ ...d, [key]: value }));
    setErrors(withoutKey(errorKey));
  };

  const check = (): Record<string, string> => {
    const e: Record<string, string> = {};
    if (!draft.kind) e.kind = 'Vælg hvad der er gennemført';
    if (!isDate(draft.happenedOn)) e.happened_on = 'Angiv datoen, hvor skridtet blev gennemført';
    if (followUp && indsatser.length === 0) e.kind = 'Sagen har ingen indsatser at følge op på';
    else if (followUp) {
      if (!draft.indsatsId) e.indsats_id = 'Vælg hvilken indsats der er fulgt op på';
      if (planNext) {
        if (!isDate(draft.nextDue)) e.next_due = 'Angiv hvornår der næste gang skal følges op på indsatsen';
        else if (draft.nextDue <= todayInCopenhagen()) e.next_due = 'Næste opfølgning skal ligge efter i dag';
        if (!draft.nextReason.trim()) e.next_reason = 'Begrund hvorfor der følges op på det tidspunkt';
      }
    }
    return e;
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setFailure(undefined);
    const found = check();
    if (Object.keys(found).length > 0) {
      setErrors(found);
      return;
    }
    setErrors({});
    await run(async () => {
      const result = await call(
        api.POST('/api/cases/{case_id}/steps', {
          params: { path: { case_id: hovedsag.id } },
          body: {
            kind: draft.kind,
            happened_on: draft.happenedOn,
            note: draft.note.trim(),
            indsats_id: followUp ? draft.indsatsId || null : null,
            next_due: planNext ? draft.nextDue : null,
            next_reason: planNext ? draft.nextReason.trim() : null,
          },
        }),
      );
      const label = options.steps.find((s) => s.value === draft.kind)?.label ?? draft.kind;
      const lines = result.completed.length
        ? result.completed.map((title) => `Udført: ${title}`)
        : ['Skridtet har ikke afsluttet nogen åbne aktiviteter.'];
      lines.push(...result.activities.map((a) => `Ny aktivitet: ${a.title} – ${dueText(a)}`));
      onDone({ heading: `Skridtet er registreret: ${label} ${formatDate(draft.happenedOn)}`, lines });
    });
  };

  return (
    <ProcessForm id="skridt-form" title="Registrér gennemført skridt" onSubmit={submit}>
      <ErrorSummary errors={errors} fields={FIELDS} />
      <FailureAlert failure={failure} heading="Skridtet blev ikke registreret" onReload={onReload} />
      <RadioGroup
        id="step-kind"
        legend="Hvad er gennemført"
        choices={options.steps.map((s) => ({ value: s.value, label: s.label }))}
        value={draft.kind}
        onChange={set('kind', 'kind')}
        error={errors.kind}
      />
      <TextField
        id="step-date"
        label="Gennemført den"
        type="date"
        value={draft.happenedOn}
        onChange={set('happenedOn', 'happened_on')}
        error={errors.happened_on}
        width="input-width-s"
      />
      {followUp ? (
        indsatser.length === 0 ? (
          <p className="form-hint process-note">
            Sagen har ingen indsatser at følge op på.
          </p>
        ) : (
          <>
            <SelectField
              id="step-indsats"
              label="Indsats, der er fulgt op på"
              value={draft.indsatsId}
              onChange={set('indsatsId', 'indsats_id')}
              choices={[
                { value: '', label: 'Vælg indsats' },
                ...[...running, ...indsatser.filter((i) => i.ends_on)].map((i) => ({
                  value: i.id,
                  label: `${i.label} (§ ${i.paragraph}, fra ${formatDate(i.starts_on)}${i.ends_on ? `, ophørt ${formatDate(i.ends_on)}` : ''})`,
                })),
              ]}
              error={errors.indsats_id}
            />
            {planNext ? (
              <>
                <TextField
                  id="step-next"
                  label="Næste opfølgning senest"
                  type="date"
                  value={draft.nextDue}
                  onChange={set('nextDue', 'next_due')}
                  error={errors.next_due}
                  width="input-width-s"
                />
                <TextArea
                  id="step-next-reason"
                  label="Begrundelse for tidspunktet for næste opfølgning"
                  rows={3}
                  value={draft.nextReason}
                  onChange={set('nextReason', 'next_reason')}
                  error={errors.next_reason}
                />
              </>
            ) : null}
          </>
        )
      ) : null}
      <TextArea
        id="step-note"
        label="Kort beskrivelse"
        hint="Valgfri. Skrives i journalen sammen med skridtet."
        rows={3}
        value={draft.note}
        onChange={set('note', 'note')}
        error={errors.note}
      />
      <FormButtons busy={busy} label="Gem skridt" onCancel={onCancel} />
    </ProcessForm>
  );
}
