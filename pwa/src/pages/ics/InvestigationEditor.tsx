// The børnefaglig undersøgelse as a form generated from the method: three sides, ten
// dimensions, per dimension observations, resources and concerns, each statement with its
// source from the method's list; then the child's and parents' views, analysis, conclusion
// and unmet needs. Every list ends with an empty row: typing in it adds the statement, so
// no "add" click is needed.
import type { ReactNode } from 'react';
import { TextArea } from '../../components/Form';
import { sectionLabel } from './flatten';
import { ENTRY_KINDS, fieldId, newId, type Content, type EntryKind, type Investigation, type Method, type Statement } from './types';

export type EditorProps<C extends Content> = {
  content: C;
  edit: (change: (c: Content) => Content) => void;
  method: Method;
  errors: Record<string, string>;
  clearError: (key: string) => void;
};

const SINGULAR: Record<EntryKind, string> = {
  observations: 'Observation',
  resources: 'Ressource',
  concerns: 'Bekymring',
};

export function FieldError({ id, message }: { id: string; message?: string }) {
  if (!message) return null;
  return (
    <span className="form-error-message" id={id}>
      <span className="sr-only">Fejl: </span>
      {message}
    </span>
  );
}

function focusLater(id: string) {
  requestAnimationFrame(() => document.getElementById(id)?.focus());
}

function statementCount(c: Investigation, key: string): number {
  const e = c.dimensions[key];
  if (!e) return 0;
  return ENTRY_KINDS.reduce((n, k) => n + e[k].filter((s) => s.text.trim() || s.source).length, 0);
}

function StatementRow({
  base,
  index,
  noun,
  statement,
  exists,
  method,
  errors,
  onChange,
  onRemove,
}: {
  base: string;
  index: number;
  noun: string;
  statement: Statement;
  exists: boolean;
  method: Method;
  errors: Record<string, string>;
  onChange: (patch: Partial<Statement>, errorKey: string) => void;
  onRemove: () => void;
}) {
  const key = `${base}.${index}`;
  const name = `${noun} ${index + 1}`;
  const textKey = `${key}.text`;
  const sourceKey = `${key}.source`;
  const noteKey = `${key}.source_note`;
  const textId = fieldId(textKey);
  const sourceId = fieldId(sourceKey);
  const noteId = fieldId(noteKey);
  const textError = errors[textKey];
  const sourceError = errors[sourceKey];
  const noteError = errors[noteKey];
  return (
    <li className={`ics-statement ${exists ? '' : 'ics-statement-new'}`.trim()}>
      <div className={`form-group ics-statement-text ${textError ? 'form-error' : ''}`.trim()}>
        <label className="form-label" htmlFor={textId}>
          {name}
        </label>
        <FieldError id={`${textId}-error`} message={textError} />
        <textarea
          id={textId}
          className="form-input ics-textarea"
          rows={2}
          value={statement.text}
          aria-invalid={textError ? true : undefined}
          aria-describedby={textError ? `${textId}-error` : undefined}
          onChange={(e) => onChange({ text: e.target.value }, textKey)}
        />
      </div>
      <div className="ics-statement-source">
        <div className={`form-group ${sourceError ? 'form-error' : ''}`.trim()}>
          <label className="form-label" htmlFor={sourceId}>
            Kilde<span className="sr-only"> til {name.toLowerCase()}</span>
          </label>
          <FieldError id={`${sourceId}-error`} message={sourceError} />
          <select
            id={sourceId}
            className="form-select"
            value={statement.source}
            aria-invalid={sourceError ? true : undefined}
            aria-describedby={sourceError ? `${sourceId}-error` : undefined}
            onChange={(e) => onChange({ source: e.target.value }, sourceKey)}
          >
            <option value="">Vælg kilde</option>
            {method.sources.map((s) => (
              <option key={s.key} value={s.key}>
                {s.label}
              </option>
            ))}
          </select>
        </div>
        {statement.source || statement.source_note || noteError ? (
          <div className={`form-group ${noteError ? 'form-error' : ''}`.trim()}>
            <label className="form-label" htmlFor={noteId}>
              {statement.source === 'andet' ? 'Hvem er kilden' : 'Hvem præcist (valgfrit)'}
              <span className="sr-only"> – {name.toLowerCase()}</span>
            </label>
            <FieldError id={`${noteId}-error`} message={noteError} />
            <input
              id={noteId}
              className="form-input"
              value={statement.source_note}
              autoComplete="off"
              aria-invalid={noteError ? true : undefined}
              aria-describedby={noteError ? `${noteId}-error` : undefined}
              onChange={(e) => onChange({ source_note: e.target.value }, noteKey)}
            />
          </div>
        ) : null}
      </div>
      {exists ? (
        <button type="button" className="button button-tertiary button-small ics-remove" onClick={onRemove}>
          Fjern<span className="sr-only"> {name.toLowerCase()}</span>
        </button>
      ) : null}
    </li>
  );
}

export function InvestigationEditor({ content, edit, method, errors, clearError }: EditorProps<Investigation>) {
  const setEntry = (dim: string, entry: EntryKind, change: (list: Statement[]) => Statement[]) =>
    edit((c) => {
      const inv = c as Investigation;
      const entries = inv.dimensions[dim] ?? { observations: [], resources: [], concerns: [] };
      return { ...inv, dimensions: { ...inv.dimensions, [dim]: { ...entries, [entry]: change(entries[entry]) } } };
    });
  const setText = (key: 'child_view' | 'parents_view' | 'analysis' | 'conclusion') => (value: string) => {
    edit((c) => ({ ...(c as Investigation), [key]: value }));
    clearError(key);
  };
  const field = (key: string) => method.sections.undersoegelse?.find((f) => f.key === key);
  const dimensionOptions = method.sides.flatMap((s) => s.dimensions.map((d) => ({ value: d.key, label: d.label })));

  const sectionBlock = (key: 'child_view' | 'parents_view' | 'analysis' | 'conclusion', rows = 5): ReactNode => (
    <TextArea
      id={fieldId(key)}
      label={sectionLabel(method, 'undersoegelse', key)}
      hint={field(key)?.hint || undefined}
      value={content[key]}
      onChange={setText(key)}
      error={errors[key]}
      rows={rows}
    />
  );

  const needs = content.unmet_needs;
  const needRows = [...needs, { id: '', text: '', dimension: null }];
  const setNeed = (i: number, patch: Partial<(typeof needs)[number]>, errorKey: string) => {
    edit((c) => {
      const inv = c as Investigation;
      const list = [...inv.unmet_needs];
      if (i >= list.length) list.push({ id: newId(), text: '', dimension: null, ...patch });
      else list[i] = { ...list[i]!, ...patch };
      return { ...inv, unmet_needs: list };
    });
    clearError(errorKey);
  };

  return (
    <div className="ics-form">
      <nav aria-labelledby="ics-toc-heading" className="ics-toc">
        <h2 id="ics-toc-heading" className="h4">
          Indhold
        </h2>
        <ol>
          {method.sides.map((side) => (
            <li key={side.key}>
              {side.label}
              <ol>
                {side.dimensions.map((d) => {
                  const n = statementCount(content, d.key);
                  const missing = !!errors[`dimensions.${d.key}`];
                  return (
                    <li key={d.key}>
                      <a
                        href={`#${fieldId(`dimensions.${d.key}`)}`}
                        onClick={(e) => {
                          e.preventDefault();
                          const el = document.getElementById(fieldId(`dimensions.${d.key}`));
                          el?.scrollIntoView({ block: 'start' });
                          el?.focus({ preventScroll: true });
                        }}
                      >
                        {d.label}
                      </a>{' '}
                      <span className="ics-toc-count">
                        ({n === 0 ? 'intet skrevet' : n === 1 ? '1 udsagn' : `${n} udsagn`})
                        {missing ? <span className="badge badge-error ics-toc-badge">Mangler</span> : null}
                      </span>
                    </li>
                  );
                })}
              </ol>
            </li>
          ))}
          <li>
            <a
              href={`#${fieldId('child_view')}`}
              onClick={(e) => {
                e.preventDefault();
                focusLater(fieldId('child_view'));
              }}
            >
              Synspunkter, analyse og konklusion
            </a>
          </li>
          <li>
            <a
              href="#ics-needs"
              onClick={(e) => {
                e.preventDefault();
                focusLater(fieldId(`unmet_needs.${needs.length}.text`));
              }}
            >
              Udækkede behov
            </a>{' '}
            <span className="ics-toc-count">({needs.filter((n) => n.text.trim()).length})</span>
          </li>
        </ol>
      </nav>

      {method.sides.map((side) => (
        <section key={side.key} aria-labelledby={`ics-side-${side.key}`} className="ics-side">
          <h2 id={`ics-side-${side.key}`}>{side.label}</h2>
          {side.dimensions.map((dim) => {
            const dimKey = `dimensions.${dim.key}`;
            const id = fieldId(dimKey);
            const entries = content.dimensions[dim.key] ?? { observations: [], resources: [], concerns: [] };
            return (
              <section
                key={dim.key}
                id={id}
                tabIndex={-1}
                aria-labelledby={`${id}-heading`}
                className={`ics-dimension ${errors[dimKey] ? 'ics-dimension-error' : ''}`.trim()}
              >
                <h3 id={`${id}-heading`}>{dim.label}</h3>
                <p className="form-hint ics-dimension-hint">{dim.hint}</p>
                <FieldError id={`${id}-error`} message={errors[dimKey]} />
                {ENTRY_KINDS.map((entry) => {
                  const base = `${dimKey}.${entry}`;
                  const list = entries[entry];
                  const rows = [...list, { text: '', source: '', source_note: '' }];
                  const kind = method.entry_kinds.find((k) => k.key === entry);
                  const legendId = `${fieldId(base)}-legend`;
                  return (
                    <fieldset key={entry} className="ics-entries" aria-describedby={kind?.hint ? `${fieldId(base)}-hint` : undefined}>
                      <legend id={legendId} className="form-label">
                        {kind?.label ?? entry}
                      </legend>
                      {kind?.hint ? (
                        <span className="form-hint" id={`${fieldId(base)}-hint`}>
                          {kind.hint}
                        </span>
                      ) : null}
                      <ol className="ics-statements no-max-width">
                        {rows.map((s, i) => (
                          <StatementRow
                            key={i}
                            base={base}
                            index={i}
                            noun={SINGULAR[entry]}
                            statement={s}
                            exists={i < list.length}
                            method={method}
                            errors={errors}
                            onChange={(patch, errorKey) => {
                              setEntry(dim.key, entry, (l) => {
                                const next = [...l];
                                if (i >= next.length) next.push({ text: '', source: '', source_note: '', ...patch });
                                else next[i] = { ...next[i]!, ...patch };
                                return next;
                              });
                              clearError(errorKey);
                              clearError(dimKey);
                            }}
                            onRemove={() => {
                              setEntry(dim.key, entry, (l) => l.filter((_, j) => j !== i));
                              focusLater(fieldId(`${base}.${i}.text`));
                            }}
                          />
                        ))}
                      </ol>
                    </fieldset>
                  );
                })}
              </section>
            );
          })}
        </section>
      ))}

      <section aria-labelledby="ics-views-heading" className="ics-side">
        <h2 id="ics-views-heading">Synspunkter, analyse og konklusion</h2>
        {sectionBlock('child_view')}
        {sectionBlock('parents_view')}
        {sectionBlock('analysis', 6)}
        {sectionBlock('conclusion', 4)}
      </section>

      <section aria-labelledby="ics-needs-heading" className="ics-side" id="ics-needs">
        <h2 id="ics-needs-heading">{sectionLabel(method, 'undersoegelse', 'unmet_needs')}</h2>
        {field('unmet_needs')?.hint ? <p className="form-hint">{field('unmet_needs')?.hint}</p> : null}
        <ol className="ics-statements no-max-width">
          {needRows.map((n, i) => {
            const exists = i < needs.length;
            const textKey = `unmet_needs.${i}.text`;
            const dimId = fieldId(`unmet_needs.${i}.dimension`);
            return (
              <li key={i} className={`ics-statement ${exists ? '' : 'ics-statement-new'}`.trim()}>
                <div className={`form-group ics-statement-text ${errors[textKey] ? 'form-error' : ''}`.trim()}>
                  <label className="form-label" htmlFor={fieldId(textKey)}>
                    Udækket behov {i + 1}
                  </label>
                  <FieldError id={`${fieldId(textKey)}-error`} message={errors[textKey]} />
                  <textarea
                    id={fieldId(textKey)}
                    className="form-input ics-textarea"
                    rows={2}
                    value={n.text}
                    aria-invalid={errors[textKey] ? true : undefined}
                    aria-describedby={errors[textKey] ? `${fieldId(textKey)}-error` : undefined}
                    onChange={(e) => setNeed(i, { text: e.target.value }, textKey)}
                  />
                </div>
                <div className="ics-statement-source">
                  <div className="form-group">
                    <label className="form-label" htmlFor={dimId}>
                      Dimension (valgfrit)<span className="sr-only"> – udækket behov {i + 1}</span>
                    </label>
                    <select
                      id={dimId}
                      className="form-select"
                      value={n.dimension ?? ''}
                      onChange={(e) => setNeed(i, { dimension: e.target.value || null }, textKey)}
                    >
                      <option value="">Ingen bestemt dimension</option>
                      {dimensionOptions.map((d) => (
                        <option key={d.value} value={d.value}>
                          {d.label}
                        </option>
                      ))}
                    </select>
                  </div>
                </div>
                {exists ? (
                  <button
                    type="button"
                    className="button button-tertiary button-small ics-remove"
                    onClick={() => {
                      edit((c) => ({ ...(c as Investigation), unmet_needs: (c as Investigation).unmet_needs.filter((_, j) => j !== i) }));
                      focusLater(fieldId(`unmet_needs.${i}.text`));
                    }}
                  >
                    Fjern<span className="sr-only"> udækket behov {i + 1}</span>
                  </button>
                ) : null}
              </li>
            );
          })}
        </ol>
      </section>
    </div>
  );
}
