import { useEffect, useRef, type ReactNode } from 'react';
import { Alert } from './Alert';

/** The DKFDS error text under a label; `id` is what the control's aria-describedby names. */
function ErrorMessage({ id, message }: { id: string; message?: string }) {
  if (!message) return null;
  return (
    <span className="form-error-message" id={id}>
      <span className="sr-only">Fejl: </span>
      {message}
    </span>
  );
}

function describedBy(...ids: (string | false | undefined)[]): string | undefined {
  const list = ids.filter(Boolean).join(' ');
  return list || undefined;
}

/** A labelled DKFDS text input with hint and the form-error pattern. */
export function TextField({
  id,
  label,
  value,
  onChange,
  error,
  hint,
  type = 'text',
  autoComplete,
  inputMode,
  width = 'input-width-l',
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string;
  hint?: string;
  type?: 'text' | 'email' | 'tel' | 'date' | 'datetime-local' | 'search' | 'url' | 'number' | 'password';
  autoComplete?: string;
  inputMode?: 'text' | 'numeric';
  width?: string;
}) {
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  return (
    <div className={`form-group ${error ? 'form-error' : ''}`.trim()}>
      <label className="form-label" htmlFor={id}>
        {label}
      </label>
      {hint ? (
        <span className="form-hint" id={hintId}>
          {hint}
        </span>
      ) : null}
      <ErrorMessage id={errorId} message={error} />
      <input
        id={id}
        className={`form-input ${width}`.trim()}
        type={type}
        inputMode={inputMode}
        value={value}
        autoComplete={autoComplete ?? 'off'}
        spellCheck={false}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(hint && hintId, error && errorId)}
        onChange={(e) => onChange(e.target.value)}
      />
    </div>
  );
}

/** A labelled DKFDS textarea with hint and the form-error pattern. */
export function TextArea({
  id,
  label,
  value,
  onChange,
  error,
  hint,
  rows = 5,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string;
  hint?: string;
  rows?: number;
}) {
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  return (
    <div className={`form-group ${error ? 'form-error' : ''}`.trim()}>
      <label className="form-label" htmlFor={id}>
        {label}
      </label>
      {hint ? (
        <span className="form-hint" id={hintId}>
          {hint}
        </span>
      ) : null}
      <ErrorMessage id={errorId} message={error} />
      <textarea
        id={id}
        className="form-input input-width-xl"
        rows={rows}
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(hint && hintId, error && errorId)}
        onChange={(e) => onChange(e.target.value)}
      />
    </div>
  );
}

/** A single DKFDS checkbox (a yes/no choice) with an optional hint. */
export function Checkbox({
  id,
  label,
  checked,
  onChange,
  hint,
}: {
  id: string;
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  hint?: string;
}) {
  const hintId = `${id}-hint`;
  return (
    <div className="form-group">
      <div className="form-group-checkbox">
        <input
          id={id}
          type="checkbox"
          className="form-checkbox"
          checked={checked}
          aria-describedby={hint ? hintId : undefined}
          onChange={(e) => onChange(e.target.checked)}
        />
        <label className="form-label" htmlFor={id}>
          {label}
        </label>
        {hint ? (
          <span className="form-hint checkbox-hint" id={hintId}>
            {hint}
          </span>
        ) : null}
      </div>
    </div>
  );
}

export type Choice = { value: string; label: string };

/** A fieldset of DKFDS radio buttons (one choice) with the form-error pattern. */
export function RadioGroup({
  id,
  legend,
  choices,
  value,
  onChange,
  error,
  hint,
}: {
  id: string;
  legend: string;
  choices: Choice[];
  value: string;
  onChange: (value: string) => void;
  error?: string;
  hint?: string;
}) {
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  return (
    <div className={`form-group ${error ? 'form-error' : ''}`.trim()} id={id} tabIndex={-1}>
      <fieldset aria-describedby={describedBy(hint && hintId, error && errorId)}>
        <legend className="form-label">{legend}</legend>
        {hint ? (
          <span className="form-hint" id={hintId}>
            {hint}
          </span>
        ) : null}
        <ErrorMessage id={errorId} message={error} />
        {choices.map((c) => {
          const cid = `${id}-${c.value}`;
          return (
            <div className="form-group-radio" key={c.value}>
              <input
                id={cid}
                type="radio"
                name={id}
                value={c.value}
                className="form-radio"
                checked={value === c.value}
                onChange={() => onChange(c.value)}
              />
              <label className="form-label" htmlFor={cid}>
                {c.label}
              </label>
            </div>
          );
        })}
      </fieldset>
    </div>
  );
}

/** A fieldset of DKFDS checkboxes (e.g. roles or teams) with the form-error pattern. */
export function CheckboxGroup({
  id,
  legend,
  choices,
  value,
  onChange,
  error,
  hint,
  empty,
}: {
  id: string;
  legend: string;
  choices: Choice[];
  value: string[];
  onChange: (value: string[]) => void;
  error?: string;
  hint?: string;
  empty?: ReactNode;
}) {
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const toggle = (v: string, on: boolean) =>
    onChange(on ? [...value.filter((x) => x !== v), v] : value.filter((x) => x !== v));
  return (
    <div className={`form-group ${error ? 'form-error' : ''}`.trim()} id={id} tabIndex={-1}>
      <fieldset aria-describedby={describedBy(hint && hintId, error && errorId)}>
        <legend className="form-label">{legend}</legend>
        {hint ? (
          <span className="form-hint" id={hintId}>
            {hint}
          </span>
        ) : null}
        <ErrorMessage id={errorId} message={error} />
        {choices.length === 0 && empty ? <p className="form-hint">{empty}</p> : null}
        {choices.map((c) => {
          const cid = `${id}-${c.value}`;
          return (
            <div className="form-group-checkbox" key={c.value}>
              <input
                id={cid}
                type="checkbox"
                className="form-checkbox"
                checked={value.includes(c.value)}
                onChange={(e) => toggle(c.value, e.target.checked)}
              />
              <label className="form-label" htmlFor={cid}>
                {c.label}
              </label>
            </div>
          );
        })}
      </fieldset>
    </div>
  );
}

/** A labelled DKFDS select. */
export function SelectField({
  id,
  label,
  value,
  onChange,
  choices,
  error,
  hint,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  choices: Choice[];
  error?: string;
  hint?: string;
}) {
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  return (
    <div className={`form-group ${error ? 'form-error' : ''}`.trim()}>
      <label className="form-label" htmlFor={id}>
        {label}
      </label>
      {hint ? (
        <span className="form-hint" id={hintId}>
          {hint}
        </span>
      ) : null}
      <ErrorMessage id={errorId} message={error} />
      <select
        id={id}
        className="form-select"
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(hint && hintId, error && errorId)}
        onChange={(e) => onChange(e.target.value)}
      >
        {choices.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/**
 * "Der er fejl i formularen": a DKFDS error alert listing every field error as a link to
 * the field. It takes focus when it appears so keyboard and screen-reader users land on it.
 */
export function ErrorSummary({
  errors,
  fields,
  general,
  heading = 'Handlingen kunne ikke gennemføres',
}: {
  /** field key -> message */
  errors: Record<string, string>;
  /** field key -> [element id, label] in form order */
  fields: Record<string, [string, string]>;
  /** a message that belongs to no field (e.g. a refusal because of the case's state) */
  general?: string;
  /** the heading when there is only such a message */
  heading?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const keys = Object.keys(fields).filter((k) => errors[k]);
  const unknown = Object.keys(errors).filter((k) => !fields[k]);
  const show = keys.length > 0 || unknown.length > 0 || !!general;
  const signature = [...keys, ...unknown].join('|') + (general ?? '');
  useEffect(() => {
    if (show) ref.current?.focus();
  }, [show, signature]);
  if (!show) return null;
  return (
    <div className="error-summary" ref={ref} tabIndex={-1}>
      <Alert variant="error" heading={keys.length > 0 || unknown.length > 0 ? 'Der er fejl i formularen' : heading}>
        {general ? <p>{general}</p> : null}
        <ul className="nobullet-list">
          {keys.map((k) => {
            const [id, label] = fields[k] ?? [k, k];
            return (
              <li key={k}>
                <a
                  href={`#${id}`}
                  onClick={(e) => {
                    e.preventDefault();
                    focusField(id);
                  }}
                >
                  {label}: {errors[k]}
                </a>
              </li>
            );
          })}
          {unknown.map((k) => (
            <li key={k}>{errors[k]}</li>
          ))}
        </ul>
      </Alert>
    </div>
  );
}

/** Focus a field by id; for a checkbox group (a wrapper), its first checkbox. */
function focusField(id: string): void {
  const el = document.getElementById(id);
  if (!el) return;
  const target = el.matches('input, select, textarea') ? el : el.querySelector<HTMLElement>('input, select, textarea');
  (target ?? el).focus();
}

/** Drop one key from an errors object (for a field the user just changed). */
export function withoutKey(key: string) {
  return (e: Record<string, string>) => {
    if (!(key in e)) return e;
    const next = { ...e };
    delete next[key];
    return next;
  };
}
