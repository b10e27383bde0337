// The record a statutory activity's completion needs (the rule's completion form from
// GET /api/activities/completion-forms, or shipped with the offline package): its fields as
// DKFDS radio groups, text areas and date fields, checked here as the server checks them,
// and the record as the journal will read it. Used online (CompleteActivity) and offline
// (the offline case view's "Markér som udført").
import { useState, type FormEvent, type ReactNode } from 'react';
import type { components } from '../../api/schema';
import { Alert } from '../../components/Alert';
import { ErrorSummary, RadioGroup, SelectField, TextArea, TextField, withoutKey } from '../../components/Form';
import { formatDate, todayInCopenhagen } from '../../format';
import { useAssignable } from './queries';

export type CompletionForm = components['schemas']['CompletionFormRead'];
export type RecordField = components['schemas']['RecordFieldRead'];
/** A record as sent: yes/no as true/false, a date as YYYY-MM-DD, a choice's value, a text. */
export type CompletionRecord = Record<string, string | boolean>;
/** The form's values while it is filled in: yes/no as "ja"/"nej", everything as text. */
export type RecordValues = Record<string, string>;

const YES_NO = [
  { value: 'ja', label: 'Ja' },
  { value: 'nej', label: 'Nej' },
];

function asValue(f: RecordField, raw: string): string | boolean {
  return f.kind === 'bool' ? raw === 'ja' : raw;
}

function applies(f: RecordField, values: RecordValues, form: CompletionForm): boolean {
  if (!f.when) return true;
  const other = form.fields.find((x) => x.key === f.when?.key);
  const raw = values[f.when.key] ?? '';
  if (!other || raw === '') return false;
  return asValue(other, raw) === f.when.value;
}

/** The starting values: a required date field is today (the usual answer), the rest empty (an optional date plans something, e.g. a follow-up). */
export function initialValues(form: CompletionForm): RecordValues {
  const out: RecordValues = {};
  for (const f of form.fields) out[f.key] = f.kind === 'date' && f.required ? todayInCopenhagen() : '';
  return out;
}

/** The fields that are required and empty, with the server's Danish messages. */
export function checkRecord(form: CompletionForm, values: RecordValues): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const f of form.fields) {
    if (!applies(f, values, form)) continue;
    if (f.required && !(values[f.key] ?? '').trim()) errors[f.key] = f.missing;
  }
  return errors;
}

/** The record to send: only the fields that apply and are filled in. */
export function recordOf(form: CompletionForm, values: RecordValues): CompletionRecord {
  const out: CompletionRecord = {};
  for (const f of form.fields) {
    const raw = (values[f.key] ?? '').trim();
    if (!raw || !applies(f, values, form)) continue;
    out[f.key] = asValue(f, raw);
  }
  return out;
}

/** The record as the journal reads it (backend/casework/records.py writes the same). */
export function recordText(form: CompletionForm, record: CompletionRecord): string {
  const parts: string[] = [];
  for (const f of form.fields) {
    const v = record[f.key];
    if (v === undefined) continue;
    const text =
      f.kind === 'bool'
        ? v === true
          ? 'Ja'
          : 'Nej'
        : f.kind === 'choice'
          ? ((f.choices ?? []).find((c) => c.value === v)?.label ?? String(v))
          : f.kind === 'date'
            ? formatDate(String(v))
            : String(v);
    if (f.kind === 'text' && (text.includes('\n') || text.length > 60)) parts.push(`${f.label}:\n${text}`);
    else if (f.label.endsWith('?')) parts.push(`${f.label} ${text}`);
    else parts.push(`${f.label}: ${text}`);
  }
  return parts.join('\n\n');
}

/**
 * A user field (the § 137 re-assessor): the kommune's active caseworkers and managers, the
 * case's team first. The server refuses anyone who has taken part in the case.
 */
function UserField({
  id,
  field: f,
  caseId,
  value,
  onChange,
  error,
}: {
  id: string;
  field: RecordField;
  caseId: string;
  value: string;
  onChange: (value: string) => void;
  error?: string;
}) {
  const users = useAssignable(caseId);
  const choices = [
    { value: '', label: users.isPending ? 'Henter medarbejdere …' : 'Vælg medarbejder' },
    ...(users.data ?? []).map((u) => ({
      value: u.user_id,
      label: u.team ? `${u.display_name} (${u.team})` : u.display_name,
    })),
  ];
  const failed = users.isError ? 'Medarbejderne kunne ikke hentes. Luk og prøv igen.' : undefined;
  return (
    <SelectField
      id={id}
      label={f.label}
      value={value}
      onChange={onChange}
      choices={choices}
      error={error ?? failed}
      hint={f.help ?? undefined}
    />
  );
}

/** The form's fields; one that applies only after another answer appears when it applies. */
export function RecordFields({
  form,
  values,
  errors,
  onChange,
  idPrefix,
  caseId,
}: {
  form: CompletionForm;
  values: RecordValues;
  errors: Record<string, string>;
  onChange: (key: string, value: string) => void;
  idPrefix: string;
  /** The activity's case: a user field lists who may be chosen for it (online only). */
  caseId?: string;
}) {
  return (
    <>
      {form.fields
        .filter((f) => applies(f, values, form))
        .map((f) => {
          const id = `${idPrefix}-${f.key}`;
          const value = values[f.key] ?? '';
          const set = (v: string) => onChange(f.key, v);
          const hint = f.help ?? undefined;
          if (f.kind === 'user') {
            if (!caseId) {
              return (
                <p key={f.key} className="form-hint">
                  {f.label} Vælges, når du er online igen.
                </p>
              );
            }
            return (
              <UserField key={f.key} id={id} field={f} caseId={caseId} value={value} onChange={set} error={errors[f.key]} />
            );
          }
          if (f.kind === 'bool' || f.kind === 'choice') {
            return (
              <RadioGroup
                key={f.key}
                id={id}
                legend={f.label}
                choices={f.kind === 'bool' ? YES_NO : (f.choices ?? [])}
                value={value}
                onChange={set}
                error={errors[f.key]}
                hint={hint}
              />
            );
          }
          if (f.kind === 'date') {
            return (
              <TextField
                key={f.key}
                id={id}
                label={f.label}
                type="date"
                value={value}
                onChange={set}
                error={errors[f.key]}
                hint={hint}
                width="input-width-s"
              />
            );
          }
          return (
            <TextArea
              key={f.key}
              id={id}
              label={f.label}
              value={value}
              onChange={set}
              error={errors[f.key]}
              hint={hint}
              rows={f.key === 'vurdering' || f.key === 'konklusion' || f.key === 'svar' ? 5 : 3}
            />
          );
        })}
    </>
  );
}

/**
 * The whole form inside a FormDialog: the fields, the error summary, a general failure and
 * the buttons. `save` gets the checked record; it returns nothing (the caller closes the
 * dialog) or throws after setting field errors through `setErrors`.
 */
export function RecordForm({
  form,
  idPrefix,
  busy,
  general,
  errors,
  setErrors,
  onSave,
  onCancel,
  saveLabel = 'Gem og markér som udført',
  note,
  generalHeading = 'Aktiviteten blev ikke markeret som udført',
  generalAction,
  caseId,
}: {
  form: CompletionForm;
  idPrefix: string;
  busy: boolean;
  general?: ReactNode;
  errors: Record<string, string>;
  setErrors: (update: (e: Record<string, string>) => Record<string, string>) => void;
  onSave: (record: CompletionRecord) => void;
  onCancel: () => void;
  saveLabel?: string;
  note?: ReactNode;
  /** The general failure's heading, and a button beside it (a 409's "Hent igen"). */
  generalHeading?: string;
  generalAction?: ReactNode;
  /** The activity's case (online): a user field lists the kommune's staff. */
  caseId?: string;
}) {
  const [values, setValues] = useState<RecordValues>(() => initialValues(form));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const missing = checkRecord(form, values);
    setErrors(() => missing);
    if (Object.keys(missing).length > 0) return;
    onSave(recordOf(form, values));
  };
  const labels: Record<string, [string, string]> = {};
  for (const f of form.fields) labels[f.key] = [`${idPrefix}-${f.key}`, f.label];
  return (
    <form noValidate onSubmit={submit} className="record-form">
      <ErrorSummary errors={errors} fields={labels} />
      {general ? (
        <Alert variant="error" heading={generalHeading} action={generalAction}>
          <p>{general}</p>
        </Alert>
      ) : null}
      <RecordFields
        form={form}
        values={values}
        errors={errors}
        idPrefix={idPrefix}
        caseId={caseId}
        onChange={(key, value) => {
          setValues((v) => ({ ...v, [key]: value }));
          setErrors(withoutKey(key));
        }}
      />
      {note}
      <div className="process-buttons">
        <button type="submit" className={`button button-primary ${busy ? 'spinner-active' : ''}`.trim()} aria-disabled={busy || undefined}>
          {saveLabel}
        </button>
        <button type="button" className="button button-secondary" onClick={onCancel} disabled={busy}>
          Fortryd
        </button>
      </div>
    </form>
  );
}
