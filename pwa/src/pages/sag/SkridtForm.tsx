// "Registrér skridt": a step the caseworker carried out (børnesamtale, partshøring, barnets
// plan, opfølgning ...). It completes the activities it answers; a follow-up on a running
// measure sets the next one, with a reason for the interval.
import { useState, type FormEvent } from 'react';
import { useSubmit } from '../../mutation';
import { api, call, type CaseRead } from '../../api/client';
import { ErrorSummary, RadioGroup, SelectField, TextArea, TextField } from '../../components/Form';
import { formatDate, todayInCopenhagen } from '../../format';
import {
  dueText,
  isDate,
  outcomeLabel,
  processErrors,
  withoutKey,
  YOUTH_PARAGRAPH,
  type Done,
  type ProcessOptions,
} from './process';
import { FailureAlert, FormButtons, ProcessForm } from './shared';

const FIELDS: Record<string, [string, string]> = {
  kind: ['step-kind', 'Hvad er gennemført'],
  happened_on: ['step-date', 'Gennemført den'],
  note: ['step-note', 'Kort beskrivelse'],
  indsats_id: ['step-indsats', 'Indsats, der er fulgt op på'],
  next_due: ['step-next', 'Næste opfølgning senest'],
  next_reason: ['step-next-reason', 'Begrundelse for tidspunktet for næste opfølgning'],
};

type Draft = {
  kind: string;
  happenedOn: string;
  note: string;
  indsatsId: string;
  nextDue: string;
  nextReason: string;
  /** The transition (§ 111): "ja" (a § 114 decision) or why not (no_support's value). */
  support: string;
  afgoerelseId: string;
};

const DECIDED = 'ja';

export function SkridtForm({
  hovedsag,
  options,
  onDone,
  onCancel,
  onReload,
  initialKind = null,
  onDecideSupport,
  initialSupport = '',
}: {
  hovedsag: CaseRead;
  options: ProcessOptions;
  /** The kind to start with ("Udfør" on an activity this step completes). */
  initialKind?: string | null;
  /** The transition has no § 114 decision to point to: open the decision form for one. */
  onDecideSupport?: () => void;
  /** Back from that decision: the answer "Ja" is chosen already. */
  initialSupport?: string;
  onDone: (done: Done) => void;
  onCancel: () => void;
  onReload: () => void;
}) {
  const indsatser = hovedsag.indsatser ?? [];
  const running = indsatser.filter((i) => !i.ends_on);
  const supportDecisions = (hovedsag.afgoerelser ?? []).filter((a) => a.paragraph === YOUTH_PARAGRAPH);
  const [draft, setDraft] = useState<Draft>(() => ({
    kind: initialKind && options.steps.some((s) => s.value === initialKind) ? initialKind : '',
    happenedOn: todayInCopenhagen(),
    note: '',
    indsatsId: running.length === 1 ? (running[0]?.id ?? '') : '',
    nextDue: '',
    nextReason: '',
    support: initialSupport,
    afgoerelseId: supportDecisions.length === 1 ? (supportDecisions[0]?.id ?? '') : '',
  }));
  const { run, busy, errors, setErrors, failure, setFailure } = useSubmit({ fields: processErrors });

  const followUp = draft.kind === 'opfoelgning';
  const chosen = indsatser.find((i) => i.id === draft.indsatsId);
  const planNext = followUp && !!chosen && !chosen.ends_on;
  const transition = draft.kind === 'overgang';
  const decided = transition && draft.support === DECIDED;
  const noSupport = transition && !!draft.support && draft.support !== DECIDED;
  const fields: Record<string, [string, string]> = {
    ...FIELDS,
    afgoerelse_id: decided && supportDecisions.length > 0
      ? ['step-afgoerelse', 'Afgørelse om støtte efter det 18. år']
      : ['step-support', 'Er der truffet afgørelse om støtte efter det 18. år?'],
    no_support: ['step-support', 'Er der truffet afgørelse om støtte efter det 18. år?'],
    note: ['step-note', noSupport ? 'Begrundelse' : 'Kort beskrivelse'],
  };

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
    if (transition) {
      if (!draft.support) e.afgoerelse_id = 'Svar på, om der er truffet afgørelse om støtte efter det 18. år';
      else if (decided && !draft.afgoerelseId)
        e.afgoerelse_id =
          supportDecisions.length === 0
            ? 'Træf afgørelsen efter § 114 først, eller svar nej'
            : 'Vælg afgørelsen om støtte efter det 18. år';
      else if (noSupport && !draft.note.trim())
        e.note = 'Begrund, hvorfor der ikke er truffet afgørelse om støtte efter det 18. år';
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
            afgoerelse_id: decided ? draft.afgoerelseId : null,
            no_support: noSupport ? draft.support : null,
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
      <ErrorSummary errors={errors} fields={fields} />
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
      {transition ? (
        <>
          <RadioGroup
            id="step-support"
            legend="Er der truffet afgørelse om støtte efter det 18. år?"
            hint="Senest 6 måneder før det 18. år: Barnets Lov § 111 (henvisning ikke bekræftet); ungestøtte efter §§ 113-116"
            choices={[
              { value: DECIDED, label: 'Ja, afgørelse efter § 114' },
              ...(options.no_support ?? []).map((o) => ({ value: o.value, label: `Nej: ${o.label.toLowerCase()}` })),
            ]}
            value={draft.support}
            onChange={(v) => {
              set('support', 'afgoerelse_id')(v);
              setErrors(withoutKey('no_support'));
            }}
            error={errors.afgoerelse_id && !(decided && supportDecisions.length > 0) ? errors.afgoerelse_id : errors.no_support}
          />
          {decided && supportDecisions.length > 0 ? (
            <SelectField
              id="step-afgoerelse"
              label="Afgørelse om støtte efter det 18. år"
              value={draft.afgoerelseId}
              onChange={set('afgoerelseId', 'afgoerelse_id')}
              choices={[
                ...(supportDecisions.length === 1 ? [] : [{ value: '', label: 'Vælg afgørelse' }]),
                ...supportDecisions.map((a) => ({
                  value: a.id,
                  label: `§ ${a.paragraph}: ${outcomeLabel(a.outcome).toLowerCase()} ${formatDate(a.decided_on)}`,
                })),
              ]}
              error={errors.afgoerelse_id}
            />
          ) : null}
          {decided && supportDecisions.length === 0 ? (
            <div className="process-note">
              <p>Der er endnu ikke truffet afgørelse efter § 114 på sagen.</p>
              {onDecideSupport ? (
                <button type="button" className="button button-secondary" onClick={onDecideSupport}>
                  Træf afgørelse efter § 114
                </button>
              ) : null}
            </div>
          ) : null}
        </>
      ) : null}
      <TextArea
        id="step-note"
        label={noSupport ? 'Begrundelse' : 'Kort beskrivelse'}
        hint={
          noSupport
            ? 'Hvorfor der ikke er truffet afgørelse. Skrives i journalen sammen med skridtet.'
            : 'Valgfri. Skrives i journalen sammen med skridtet.'
        }
        rows={3}
        value={draft.note}
        onChange={set('note', 'note')}
        error={errors.note}
      />
      <FormButtons busy={busy} label="Gem skridt" onCancel={onCancel} />
    </ProcessForm>
  );
}
