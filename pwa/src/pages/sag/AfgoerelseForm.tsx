// "Forbered afgørelse" (visitation) and "Træf afgørelse" with the required steps warned
// about before submitting, each with its own reason field (exceptions.<rule_id>).
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, call, type ActivityRead, type CaseRead } from '../../api/client';
import { Alert } from '../../components/Alert';
import { ErrorSummary, RadioGroup, SelectField, TextArea, TextField } from '../../components/Form';
import { formatDate, todayInCopenhagen } from '../../format';
import { failureOf, useSubmit } from '../../mutation';
import {
  dueText,
  isDate,
  missingStepMessage,
  OUTCOMES,
  outcomeLabel,
  paragraphShort,
  processErrors,
  stepsFromErrors,
  withoutKey,
  YOUTH_PARAGRAPH,
  youthLimits,
  type Done,
  type MissingStepRead,
  type ProcessOptions,
} from './process';
import { FailureAlert, FormButtons, ProcessForm } from './shared';
import { DraftChoice, useApprovedDraft } from '../okonomi/DraftChoice';
import { IndstillingButton } from './Udvalg';

type Actions = { onDone: (done: Done) => void; onCancel: () => void; onReload: () => void };

function activityLines(activities: ActivityRead[]): string[] {
  return activities.map((a) => `${a.title} – ${dueText(a)}`);
}

// ---------------------------------------------------------------- visitation

export function VisitationForm({
  caseId,
  options,
  onDone,
  onCancel,
  onReload,
}: { caseId: string; options: ProcessOptions } & Actions) {
  const [paragraph, setParagraph] = useState('');
  const { run, busy, errors, setErrors, failure, setFailure } = useSubmit({ fields: processErrors });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setFailure(undefined);
    if (!paragraph) {
      setErrors({ paragraph: 'Vælg hvilken paragraf afgørelsen skal træffes efter' });
      return;
    }
    setErrors({});
    await run(async () => {
      const result = await call(
        api.POST('/api/cases/{case_id}/visitation', {
          params: { path: { case_id: caseId } },
          body: { paragraph },
        }),
      );
      onDone({
        heading: `Afgørelsen efter ${paragraphShort(paragraph)} forberedes`,
        lines: result.activities.length
          ? ['Før afgørelsen:', ...activityLines(result.activities)]
          : ['Der er ikke oprettet nye aktiviteter.'],
      });
    });
  };

  return (
    <ProcessForm id="visitation-form" title="Forbered afgørelse" onSubmit={submit}>
      <ErrorSummary errors={errors} fields={{ paragraph: ['visitation-paragraph', 'Paragraf'] }} />
      <FailureAlert failure={failure} heading="Afgørelsen blev ikke forberedt" onReload={onReload} />
      <RadioGroup
        id="visitation-paragraph"
        legend="Afgørelsen skal træffes efter"
        hint="Børnesamtale og partshøring oprettes som aktiviteter; ved § 47 også barnets plan"
        choices={options.paragraphs.map((p) => ({ value: p.value, label: p.label }))}
        value={paragraph}
        onChange={(v) => {
          setParagraph(v);
          setErrors({});
        }}
        error={errors.paragraph}
      />
      <FormButtons busy={busy} label="Start forberedelsen" onCancel={onCancel} />
    </ProcessForm>
  );
}

// ---------------------------------------------------------------- afgørelse

type Draft = {
  paragraph: string;
  outcome: string;
  decidedOn: string;
  summary: string;
  measure: string;
  startsOn: string;
  endsOn: string;
};

const REASON_PREFIX = 'exceptions.';

export function AfgoerelseForm({
  hovedsag,
  options,
  onDone,
  onCancel,
  onReload,
  initialParagraph = null,
}: {
  hovedsag: CaseRead;
  options: ProcessOptions;
  /** Opened from the § 111 transition: support after 18 (§ 114) is chosen already. */
  initialParagraph?: string | null;
} & Actions) {
  const pending = hovedsag.enkeltsager.find((e) => e.kind === 'afgoerelse' && !e.closed_at);
  // Support after 18 runs from the 18th birthday (or today, if later) to the 23rd's eve.
  const limits = hovedsag.birth_date ? youthLimits(hovedsag.birth_date) : null;
  const youthStart = limits && limits.first > todayInCopenhagen() ? limits.first : todayInCopenhagen();
  const [draft, setDraft] = useState<Draft>(() => {
    const paragraph = initialParagraph ?? pending?.paragraph ?? '';
    return {
      paragraph,
      outcome: '',
      decidedOn: todayInCopenhagen(),
      summary: '',
      measure: '',
      startsOn: paragraph === YOUTH_PARAGRAPH ? youthStart : todayInCopenhagen(),
      endsOn: paragraph === YOUTH_PARAGRAPH && limits ? limits.last : '',
    };
  });
  // The prepared paragraph, when the case is fetched again after the form opened (the form
  // can open before the answer that started the preparation is in): chosen unless the
  // caseworker has chosen one.
  const preparedParagraph = pending?.paragraph ?? '';
  useEffect(() => {
    if (preparedParagraph) setDraft((d) => (d.paragraph ? d : { ...d, paragraph: preparedParagraph }));
  }, [preparedParagraph]);
  const [reasons, setReasons] = useState<Record<string, string>>({});
  // The summary's general line: a reason the API missed (a failure of no field is `failure`).
  const [general, setGeneral] = useState<string | undefined>();
  // Required steps the API named that the loaded case did not list.
  const [named, setNamed] = useState<MissingStepRead[]>([]);
  const { run, busy, errors, setErrors, failure, setFailure } = useSubmit();

  const known = hovedsag.missing_before_decision ?? [];
  const missing = [...known, ...named.filter((n) => !known.some((k) => k.rule_id === n.rule_id))];

  // A step was recorded (or the case changed) while the form was open: its warning goes,
  // and the messages from the last attempt are stale, so they go too (without taking focus).
  const knownKey = known.map((m) => m.rule_id).join('|');
  const lastKnown = useRef(knownKey);
  useEffect(() => {
    if (lastKnown.current === knownKey) return;
    lastKnown.current = knownKey;
    setErrors({});
    setGeneral(undefined);
    setNamed([]);
  }, [knownKey, setErrors]);

  const placement = draft.paragraph === '46' || draft.paragraph === '47';
  const youth = draft.paragraph === YOUTH_PARAGRAPH;
  const measures = options.measures.filter((m) => (youth ? !!m.youth : !m.youth && !!m.placement === placement));
  const granted = draft.outcome === 'bevilget';
  // An approved visitation with costs (issue 8): the decision grants its measures (draft_id).
  const approved = useApprovedDraft(hovedsag.id);
  const [useDraft, setUseDraft] = useState(true);
  const draftId = granted && approved && useDraft && approved.paragraph === draft.paragraph ? approved.id : null;
  const withMeasure = granted && !draftId && !!draft.measure;

  const set =
    <K extends keyof Draft>(key: K, errorKey: string) =>
    (value: Draft[K]) => {
      setDraft((d) => {
        const next = { ...d, [key]: value };
        // A measure that may not be given under the new paragraph is dropped.
        if (key === 'paragraph' && next.measure) {
          const place = value === '46' || value === '47';
          const m = options.measures.find((o) => o.value === next.measure);
          if (!m || !!m.youth !== (value === YOUTH_PARAGRAPH) || (!m.youth && !!m.placement !== place)) next.measure = '';
        }
        // Support after 18: from the 18th birthday to the 23rd's eve unless chosen otherwise.
        if (key === 'paragraph' && value === YOUTH_PARAGRAPH && d.paragraph !== YOUTH_PARAGRAPH) {
          next.startsOn = youthStart;
          next.endsOn = limits?.last ?? '';
        }
        return next;
      });
      setErrors(withoutKey(errorKey));
    };

  const fields: Record<string, [string, string]> = {
    paragraph: ['afg-paragraph', 'Paragraf'],
    outcome: ['afg-outcome', 'Udfald'],
    decided_on: ['afg-date', 'Afgørelsesdato'],
    summary: ['afg-summary', 'Afgørelsens indhold og begrundelse'],
    measure: ['afg-measure', 'Indsats'],
    starts_on: ['afg-start', 'Indsatsen starter'],
    ends_on: ['afg-end', 'Støtten ophører senest'],
    draft_id: ['afg-draft', 'Visitation'],
    lines: ['afg-draft', 'Visitation'],
    ...Object.fromEntries(
      missing.map((m): [string, [string, string]] => [REASON_PREFIX + m.rule_id, [REASON_PREFIX + m.rule_id, 'Begrundelse']]),
    ),
  };

  const check = (): Record<string, string> => {
    const e: Record<string, string> = {};
    if (!draft.paragraph) e.paragraph = 'Vælg hvilken paragraf afgørelsen træffes efter';
    if (!draft.outcome) e.outcome = 'Vælg om der gives bevilling eller afslag';
    if (!isDate(draft.decidedOn)) e.decided_on = 'Angiv datoen for afgørelsen';
    if (!draft.summary.trim()) e.summary = 'Skriv afgørelsens indhold og begrundelse';
    if (withMeasure) {
      if (!isDate(draft.startsOn)) e.starts_on = 'Angiv hvornår indsatsen starter';
      else if (isDate(draft.decidedOn) && draft.startsOn < draft.decidedOn)
        e.starts_on = 'Indsatsen kan ikke starte før afgørelsen';
      if (youth && !isDate(draft.endsOn))
        e.ends_on = `Angiv hvornår støtten ophører${limits ? ` (senest ${formatDate(limits.last)})` : ''}`;
      else if (youth && limits && draft.endsOn > limits.last)
        e.ends_on = `Ungestøtte kan højst gives til og med dagen før det fyldte 23. år (${formatDate(limits.last)})`;
    }
    // With other errors to fix anyway, say at once which reasons are missing too. Otherwise
    // the API decides: it knows which steps are still open right now.
    if (Object.keys(e).length > 0) {
      for (const m of missing) {
        if (!(reasons[m.rule_id] ?? '').trim()) e[REASON_PREFIX + m.rule_id] = missingStepMessage(m);
      }
    }
    return e;
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setFailure(undefined);
    setGeneral(undefined);
    const found = check();
    if (Object.keys(found).length > 0) {
      setErrors(found);
      return;
    }
    setErrors({});
    const exceptions: Record<string, string> = {};
    for (const m of missing) {
      const reason = (reasons[m.rule_id] ?? '').trim();
      if (reason) exceptions[m.rule_id] = reason;
    }
    await run(
      async () => {
        const result = await call(
          api.POST('/api/cases/{case_id}/afgoerelser', {
            params: { path: { case_id: hovedsag.id } },
            body: {
              paragraph: draft.paragraph,
              outcome: draft.outcome,
              decided_on: draft.decidedOn,
              summary: draft.summary.trim(),
              exceptions,
              measure: withMeasure ? draft.measure : null,
              starts_on: withMeasure ? draft.startsOn : null,
              ...(withMeasure && youth ? { ends_on: draft.endsOn } : {}),
              ...(draftId ? { draft_id: draftId } : {}),
            },
          }),
        );
        const measure = options.measures.find((m) => m.value === draft.measure);
        const lines: string[] = [];
        if (withMeasure && measure)
          lines.push(
            `Indsats: ${measure.label} fra ${formatDate(draft.startsOn)}${youth ? ` til ${formatDate(draft.endsOn)}` : ''}`,
          );
        if (draftId && approved)
          for (const l of approved.lines) lines.push(`Indsats med bevilling: ${l.measure_label} (${l.supplier_name}) fra ${formatDate(l.starts_on)}`);
        if (result.activities.length > 0) lines.push(...activityLines(result.activities));
        onDone({
          heading: `Afgørelsen er truffet: ${outcomeLabel(draft.outcome).toLowerCase()} efter ${paragraphShort(draft.paragraph)}`,
          lines,
        });
      },
      (err) => {
        const fieldsFound = processErrors(err);
        if (Object.keys(fieldsFound).length > 0) {
          setNamed((n) => [...n, ...stepsFromErrors(fieldsFound, [...known, ...n])]);
          setErrors(fieldsFound);
          if (Object.keys(fieldsFound).some((k) => k.startsWith(REASON_PREFIX))) setGeneral(failureOf(err).message);
        } else setFailure(failureOf(err));
      },
    );
  };

  if (draft.paragraph === '47') {
    // § 47 is the committee's decision (issue 17 item 2): the form leads to the indstilling
    // (no <form> here: the indstilling's dialog holds its own).
    return (
      <div id="afgoerelse-form" className="admin-form case-form process-form" role="group" aria-labelledby="afgoerelse-form-heading">
        <h3 id="afgoerelse-form-heading" className="h4 process-form-heading">
          Træf afgørelse
        </h3>
        <RadioGroup
          id="afg-paragraph"
          legend="Afgørelsen træffes efter"
          choices={options.paragraphs.map((p) => ({ value: p.value, label: p.label }))}
          value={draft.paragraph}
          onChange={set('paragraph', 'paragraph')}
        />
        <Alert variant="info" role="note" heading="Børne- og ungeudvalget træffer afgørelsen">
          <p>
            En anbringelse uden samtykke (§ 47) træffes af børne- og ungeudvalget på et møde, ikke af sagsbehandleren.
            Skriv en indstilling til udvalget; udvalgets afgørelse registreres derefter under Børne- og ungeudvalget.
          </p>
        </Alert>
        <div className="process-buttons">
          <IndstillingButton
            caseId={hovedsag.id}
            childName={hovedsag.child_name.trim() || 'Ufødt barn'}
            variant="primary"
            onDone={(o) => onDone({ heading: o?.heading ?? '', lines: [] })}
          />
          <button type="button" className="button button-tertiary" onClick={onCancel}>
            Fortryd
          </button>
        </div>
      </div>
    );
  }

  return (
    <ProcessForm id="afgoerelse-form" title="Træf afgørelse" onSubmit={submit}>
      <ErrorSummary errors={errors} fields={fields} general={general} />
      <FailureAlert failure={failure} heading="Afgørelsen blev ikke gemt" onReload={onReload} />
      {missing.length > 0 ? (
        <div className="process-missing">
          <p>
            Disse lovpligtige skridt er ikke gennemført. Registrér dem først, eller begrund for hvert skridt, hvorfor
            afgørelsen træffes uden.
          </p>
          {missing.map((m) => {
            const key = REASON_PREFIX + m.rule_id;
            return (
              <div key={m.rule_id} className="process-missing-step">
                <Alert variant="warning" role="note" heading={`Ikke gennemført: ${m.title}`}>
                  {m.basis ? <p>{m.basis}</p> : null}
                </Alert>
                <TextArea
                  id={key}
                  label={`Begrundelse for at træffe afgørelsen uden: ${m.title}`}
                  rows={3}
                  value={reasons[m.rule_id] ?? ''}
                  onChange={(v) => {
                    setReasons((r) => ({ ...r, [m.rule_id]: v }));
                    setErrors(withoutKey(key));
                  }}
                  error={errors[key]}
                />
              </div>
            );
          })}
        </div>
      ) : null}
      <RadioGroup
        id="afg-paragraph"
        legend="Afgørelsen træffes efter"
        choices={options.paragraphs.map((p) => ({ value: p.value, label: p.label }))}
        value={draft.paragraph}
        onChange={set('paragraph', 'paragraph')}
        error={errors.paragraph}
      />
      <RadioGroup
        id="afg-outcome"
        legend="Udfald"
        choices={OUTCOMES}
        value={draft.outcome}
        onChange={set('outcome', 'outcome')}
        error={errors.outcome}
      />
      <TextField
        id="afg-date"
        label="Afgørelsesdato"
        type="date"
        value={draft.decidedOn}
        onChange={set('decidedOn', 'decided_on')}
        error={errors.decided_on}
        width="input-width-s"
      />
      <TextArea
        id="afg-summary"
        label="Afgørelsens indhold og begrundelse"
        rows={4}
        value={draft.summary}
        onChange={set('summary', 'summary')}
        error={errors.summary}
      />
      {granted && approved && approved.paragraph === draft.paragraph ? (
        <DraftChoice draft={approved} checked={useDraft} onChange={setUseDraft} error={errors.draft_id ?? errors.lines} />
      ) : null}
      {granted && draft.paragraph && !draftId ? (
        <SelectField
          id="afg-measure"
          label="Indsats"
          hint={
            youth
              ? 'Efter § 114 kan kun ungestøtte efter det 18. år vælges. Lad feltet stå tomt, hvis støtten ikke startes nu.'
              : placement
              ? 'Efter § 46 og § 47 kan kun en anbringelse vælges. Lad feltet stå tomt, hvis indsatsen ikke startes nu.'
              : 'Efter § 32 kan kun støtte uden anbringelse vælges. Lad feltet stå tomt, hvis indsatsen ikke startes nu.'
          }
          value={draft.measure}
          onChange={set('measure', 'measure')}
          choices={[{ value: '', label: 'Ingen indsats startes nu' }, ...measures.map((m) => ({ value: m.value, label: m.label }))]}
          error={errors.measure}
        />
      ) : null}
      {withMeasure ? (
        <TextField
          id="afg-start"
          label="Indsatsen starter"
          type="date"
          hint="Fristen for første opfølgning regnes fra denne dato"
          value={draft.startsOn}
          onChange={set('startsOn', 'starts_on')}
          error={errors.starts_on}
          width="input-width-s"
        />
      ) : null}
      {withMeasure && youth ? (
        <TextField
          id="afg-end"
          label="Støtten ophører senest"
          type="date"
          hint={
            limits
              ? `Ungestøtte gives fra 18-årsdagen (${formatDate(limits.first)}) og højst til og med dagen før 23-årsdagen (${formatDate(limits.last)})`
              : 'Ungestøtte gives højst til og med dagen før 23-årsdagen'
          }
          value={draft.endsOn}
          onChange={set('endsOn', 'ends_on')}
          error={errors.ends_on}
          width="input-width-s"
        />
      ) : null}
      <FormButtons busy={busy} label="Gem afgørelsen" onCancel={onCancel} />
    </ProcessForm>
  );
}
