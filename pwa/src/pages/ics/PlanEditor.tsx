// Barnets plan: goals (the investigation's unmet needs arrive as proposed goals), each with
// how it is measured, the measure(s) and who is responsible; the child's and parents' views.
import { Checkbox, RadioGroup, SelectField, TextArea, TextField } from '../../components/Form';
import { formatDate } from '../../format';
import { goalLabel, sectionLabel } from './flatten';
import { FieldError, type EditorProps } from './InvestigationEditor';
import { fieldId, newId, type Content, type DocumentRead, type FollowUp, type Goal, type MeasureItem, type Plan } from './types';

function focusLater(id: string) {
  requestAnimationFrame(() => document.getElementById(id)?.focus());
}

function measureChoices(doc: DocumentRead) {
  return (doc.measures ?? []).map((m) => ({
    value: m.id,
    label: `${m.label} (fra ${formatDate(m.starts_on)}${m.ends_on ? ` til ${formatDate(m.ends_on)}` : ''})`,
  }));
}

function emptyGoal(): Goal {
  return { id: newId(), need_id: null, need: '', goal: '', measurable: '', measures: [], responsible: '', due: null };
}

export function PlanEditor({
  content,
  edit,
  method,
  errors,
  clearError,
  doc,
}: EditorProps<Plan> & { doc: DocumentRead }) {
  const setGoal = (i: number, patch: Partial<Goal>, errorKey?: string) => {
    edit((c) => {
      const p = c as Plan;
      const goals = [...p.goals];
      goals[i] = { ...goals[i]!, ...patch };
      return { ...p, goals };
    });
    if (errorKey) clearError(errorKey);
  };
  const hint = (key: string) => method.goal_fields.find((f) => f.key === key)?.hint || undefined;
  const choices = measureChoices(doc);
  const covered = new Set(content.goals.map((g) => g.need_id).filter(Boolean));
  const uncovered = (doc.source_needs ?? []).filter((n) => n.text.trim() && !covered.has(n.id));
  const sectionHint = (key: string) => method.sections.plan?.find((f) => f.key === key)?.hint || undefined;

  const addGoal = (goal: Goal) => {
    const at = content.goals.length;
    edit((c) => ({ ...(c as Plan), goals: [...(c as Plan).goals, goal] }));
    clearError('goals');
    focusLater(fieldId(`goals.${at}.goal`));
  };

  return (
    <div className="ics-form">
      <section aria-labelledby="ics-goals-heading" className="ics-side">
        <h2 id="ics-goals-heading">{sectionLabel(method, 'plan', 'goals')}</h2>
        {sectionHint('goals') ? <p className="form-hint">{sectionHint('goals')}</p> : null}
        <div id={fieldId('goals')} tabIndex={-1} className={errors.goals ? 'form-error' : undefined}>
          <FieldError id={`${fieldId('goals')}-error`} message={errors.goals} />
          {content.goals.length === 0 ? <p className="empty-state">Planen har ingen mål endnu.</p> : null}
        </div>
        {content.goals.map((g, i) => {
          const base = `goals.${i}`;
          const headingId = `${fieldId(base)}-heading`;
          const measuresKey = `${base}.measures`;
          const rows: MeasureItem[] = [...g.measures, { text: '', indsats_id: null }];
          const setMeasure = (j: number, patch: Partial<MeasureItem>) => {
            const list = [...g.measures];
            if (j >= list.length) list.push({ text: '', indsats_id: null, ...patch });
            else list[j] = { ...list[j]!, ...patch };
            setGoal(i, { measures: list }, measuresKey);
          };
          return (
            <section key={g.id || i} aria-labelledby={headingId} className="ics-goal">
              <h3 id={headingId}>Mål {i + 1}</h3>
              {g.need ? (
                <p className="ics-need">
                  <span className="ics-need-label">Udækket behov fra undersøgelsen:</span> {g.need}
                </p>
              ) : null}
              <TextArea
                id={fieldId(`${base}.goal`)}
                label={goalLabel(method, 'goal')}
                hint={hint('goal')}
                value={g.goal}
                onChange={(v) => setGoal(i, { goal: v }, `${base}.goal`)}
                error={errors[`${base}.goal`]}
                rows={2}
              />
              <TextArea
                id={fieldId(`${base}.measurable`)}
                label={goalLabel(method, 'measurable')}
                hint={hint('measurable')}
                value={g.measurable}
                onChange={(v) => setGoal(i, { measurable: v }, `${base}.measurable`)}
                error={errors[`${base}.measurable`]}
                rows={2}
              />
              <fieldset
                id={fieldId(measuresKey)}
                tabIndex={-1}
                className={`ics-entries ${errors[measuresKey] ? 'form-error' : ''}`.trim()}
                aria-describedby={`${fieldId(measuresKey)}-hint`}
              >
                <legend className="form-label">{goalLabel(method, 'measures')}</legend>
                <span className="form-hint" id={`${fieldId(measuresKey)}-hint`}>
                  {hint('measures')}
                </span>
                <FieldError id={`${fieldId(measuresKey)}-error`} message={errors[measuresKey]} />
                <ol className="ics-statements no-max-width">
                  {rows.map((m, j) => {
                    const exists = j < g.measures.length;
                    const selId = fieldId(`${measuresKey}.${j}.indsats_id`);
                    const textId = fieldId(`${measuresKey}.${j}.text`);
                    return (
                      <li key={j} className={`ics-measure ${exists ? '' : 'ics-statement-new'}`.trim()}>
                        {choices.length > 0 ? (
                          <div className="form-group">
                            <label className="form-label" htmlFor={selId}>
                              Bevilget indsats<span className="sr-only"> {j + 1}</span>
                            </label>
                            <select
                              id={selId}
                              className="form-select"
                              value={m.indsats_id ?? ''}
                              onChange={(e) => setMeasure(j, { indsats_id: e.target.value || null })}
                            >
                              <option value="">Ingen valgt</option>
                              {choices.map((c) => (
                                <option key={c.value} value={c.value}>
                                  {c.label}
                                </option>
                              ))}
                            </select>
                          </div>
                        ) : null}
                        <div className="form-group ics-measure-text">
                          <label className="form-label" htmlFor={textId}>
                            Indsats {j + 1}
                            {choices.length > 0 ? ' (beskrivelse)' : ''}
                          </label>
                          <input
                            id={textId}
                            className="form-input"
                            autoComplete="off"
                            value={m.text}
                            onChange={(e) => setMeasure(j, { text: e.target.value })}
                          />
                        </div>
                        {exists ? (
                          <button
                            type="button"
                            className="button button-tertiary button-small ics-remove"
                            onClick={() => {
                              setGoal(i, { measures: g.measures.filter((_, k) => k !== j) });
                              focusLater(textId);
                            }}
                          >
                            Fjern<span className="sr-only"> indsats {j + 1} under mål {i + 1}</span>
                          </button>
                        ) : null}
                      </li>
                    );
                  })}
                </ol>
              </fieldset>
              <TextField
                id={fieldId(`${base}.responsible`)}
                label={goalLabel(method, 'responsible')}
                hint={hint('responsible')}
                value={g.responsible}
                onChange={(v) => setGoal(i, { responsible: v }, `${base}.responsible`)}
                error={errors[`${base}.responsible`]}
              />
              <TextField
                id={fieldId(`${base}.due`)}
                label={`${goalLabel(method, 'due')} (valgfrit)`}
                hint={hint('due')}
                type="date"
                value={g.due ?? ''}
                onChange={(v) => setGoal(i, { due: v || null })}
                width="input-width-s"
              />
              <button
                type="button"
                className="button button-tertiary ics-remove"
                onClick={() => {
                  edit((c) => ({ ...(c as Plan), goals: (c as Plan).goals.filter((_, k) => k !== i) }));
                  requestAnimationFrame(() => document.getElementById('ics-add-goal')?.focus());
                }}
              >
                Fjern mål {i + 1}
              </button>
            </section>
          );
        })}
        {uncovered.length > 0 ? (
          <div className="ics-uncovered">
            <h3 className="h4" id="ics-uncovered-heading">
              Udækkede behov fra undersøgelsen uden mål
            </h3>
            <ul className="nobullet-list" aria-labelledby="ics-uncovered-heading">
              {uncovered.map((n) => (
                <li key={n.id}>
                  {n.text}{' '}
                  <button
                    type="button"
                    className="button button-secondary button-small"
                    onClick={() => addGoal({ ...emptyGoal(), need_id: n.id, need: n.text })}
                  >
                    Tilføj som mål<span className="sr-only">: {n.text}</span>
                  </button>
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        <button type="button" id="ics-add-goal" className="button button-secondary" onClick={() => addGoal(emptyGoal())}>
          Tilføj mål
        </button>
      </section>

      <section aria-labelledby="ics-plan-views-heading" className="ics-side">
        <h2 id="ics-plan-views-heading">Synspunkter</h2>
        {(['child_view', 'parents_view'] as const).map((key) => (
          <TextArea
            key={key}
            id={fieldId(key)}
            label={sectionLabel(method, 'plan', key)}
            hint={sectionHint(key)}
            value={content[key]}
            onChange={(v) => {
              edit((c) => ({ ...(c as Plan), [key]: v }));
              clearError(key);
            }}
            error={errors[key]}
            rows={4}
          />
        ))}
      </section>
    </div>
  );
}

/** The § 95 follow-up: per plan goal opfyldt / delvist / ikke with evidence; the next follow-up. */
export function FollowUpEditor({
  content,
  edit,
  method,
  errors,
  clearError,
  doc,
}: EditorProps<FollowUp> & { doc: DocumentRead }) {
  const set = <K extends keyof FollowUp>(key: K, value: FollowUp[K]) => {
    edit((c) => ({ ...(c as FollowUp), [key]: value }));
    clearError(String(key));
  };
  const hint = (key: string) => method.sections.opfoelgning?.find((f) => f.key === key)?.hint || undefined;
  const label = (key: string) => sectionLabel(method, 'opfoelgning', key);
  const statuses = method.follow_up_statuses.map((s) => ({ value: s.key, label: s.label }));
  const goals = doc.plan_goals ?? [];
  const setGoal = (i: number, patch: Partial<FollowUp['goals'][number]>, errorKey: string) => {
    edit((c) => {
      const f = c as FollowUp;
      const list = [...f.goals];
      list[i] = { ...list[i]!, ...patch };
      return { ...f, goals: list };
    });
    clearError(errorKey);
  };
  return (
    <div className="ics-form">
      <section aria-labelledby="ics-fu-heading" className="ics-side">
        <h2 id="ics-fu-heading">Opfølgningen</h2>
        <SelectField
          id={fieldId('indsats_id')}
          label={label('indsats_id')}
          hint={hint('indsats_id')}
          value={content.indsats_id ?? ''}
          onChange={(v) => set('indsats_id', v || null)}
          choices={[{ value: '', label: 'Vælg indsats' }, ...measureChoices(doc)]}
          error={errors.indsats_id}
        />
        <TextField
          id={fieldId('happened_on')}
          label={label('happened_on')}
          type="date"
          value={content.happened_on ?? ''}
          onChange={(v) => set('happened_on', v || null)}
          error={errors.happened_on}
          width="input-width-s"
        />
      </section>
      <section aria-labelledby="ics-fu-goals-heading" className="ics-side">
        <h2 id="ics-fu-goals-heading">{label('goals')}</h2>
        {hint('goals') ? <p className="form-hint">{hint('goals')}</p> : null}
        <div id={fieldId('goals')} tabIndex={-1}>
          <FieldError id={`${fieldId('goals')}-error`} message={errors.goals} />
        </div>
        {content.goals.map((g, i) => {
          const ref = goals.find((p) => p.id === g.goal_id);
          const headingId = `${fieldId(`goals.${i}`)}-heading`;
          return (
            <section key={g.goal_id} aria-labelledby={headingId} className="ics-goal">
              <h3 id={headingId}>
                Mål {i + 1}
                {ref?.goal ? `: ${ref.goal}` : ''}
              </h3>
              {ref ? (
                <p className="ics-need">
                  {ref.measurable ? (
                    <>
                      <span className="ics-need-label">{goalLabel(method, 'measurable')}:</span> {ref.measurable}
                      <br />
                    </>
                  ) : null}
                  {ref.responsible ? (
                    <>
                      <span className="ics-need-label">{goalLabel(method, 'responsible')}:</span> {ref.responsible}
                    </>
                  ) : null}
                </p>
              ) : null}
              <RadioGroup
                id={fieldId(`goals.${i}.status`)}
                legend={`Er mål ${i + 1} nået?`}
                choices={statuses}
                value={g.status}
                onChange={(v) => setGoal(i, { status: v }, `goals.${i}.status`)}
                error={errors[`goals.${i}.status`]}
              />
              <TextArea
                id={fieldId(`goals.${i}.evidence`)}
                label="Hvad viser det?"
                value={g.evidence}
                onChange={(v) => setGoal(i, { evidence: v }, `goals.${i}.evidence`)}
                error={errors[`goals.${i}.evidence`]}
                rows={3}
              />
            </section>
          );
        })}
      </section>
      <section aria-labelledby="ics-fu-views-heading" className="ics-side">
        <h2 id="ics-fu-views-heading">Vurdering og synspunkter</h2>
        {(['summary', 'child_view', 'parents_view'] as const).map((key) => (
          <TextArea
            key={key}
            id={fieldId(key)}
            label={label(key)}
            hint={hint(key)}
            value={content[key]}
            onChange={(v) => set(key, v)}
            error={errors[key]}
            rows={4}
          />
        ))}
      </section>
      <section aria-labelledby="ics-fu-next-heading" className="ics-side">
        <h2 id="ics-fu-next-heading">Hvornår følges der op igen</h2>
        <TextField
          id={fieldId('next_due')}
          label={label('next_due')}
          hint={hint('next_due')}
          type="date"
          value={content.next_due ?? ''}
          onChange={(v) => set('next_due', v || null)}
          error={errors.next_due}
          width="input-width-s"
        />
        <TextArea
          id={fieldId('next_reason')}
          label={label('next_reason')}
          hint={hint('next_reason')}
          value={content.next_reason}
          onChange={(v) => set('next_reason', v)}
          error={errors.next_reason}
          rows={3}
        />
        <Checkbox
          id={fieldId('new_plan_version')}
          label="Start en ny version af barnets plan, når opfølgningen er godkendt"
          hint="Den nye version er en kopi af planen, så kun ændringerne skal skrives."
          checked={content.new_plan_version}
          onChange={(v) => set('new_plan_version', v)}
        />
      </section>
    </div>
  );
}

export type { Content };
