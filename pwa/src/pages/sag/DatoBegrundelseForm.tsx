// The Forløb's small corrections all have the same shape: a date (or a time) and a reason.
// One form built from the shared fields serves them all (Afslut indsats, Ret startdato,
// Ret modtagelsestidspunkt, Ret opmærksomhedsdato, Afslut undersøgelse, Luk sagen).
import { useState, type FormEvent, type ReactNode } from 'react';
import { useSubmit } from '../../mutation';
import { ErrorSummary, TextArea, TextField } from '../../components/Form';
import { localInputToIso } from '../../format';
import { isDate, processErrors, withoutKey, type Done } from './process';
import { FailureAlert, FormButtons, ProcessForm } from './shared';

export type DateSpec = {
  /** the request body's field name (error key), e.g. "ends_on" */
  key: string;
  label: string;
  hint?: string;
  type: 'date' | 'datetime-local';
  initial: string;
  /** the message when the date is missing */
  required: string;
};

export type ReasonSpec = { key: string; label: string; hint?: string; required: string };

export function DatoBegrundelseForm({
  id,
  title,
  level = 3,
  date,
  reason,
  submitLabel,
  failureHeading,
  intro,
  send,
  onDone,
  onCancel,
  onReload,
}: {
  id: string;
  title: string;
  level?: 3 | 4;
  date?: DateSpec;
  reason: ReasonSpec;
  submitLabel: string;
  failureHeading: string;
  intro?: ReactNode;
  /** Call the API with the date (ISO; with time zone for a time) and the trimmed reason. */
  send: (date: string, reason: string) => Promise<Done>;
  onDone: (done: Done) => void;
  onCancel: () => void;
  onReload: () => void;
}) {
  const [value, setValue] = useState(date?.initial ?? '');
  const [text, setText] = useState('');
  const { run, busy, errors, setErrors, failure, setFailure } = useSubmit({ fields: processErrors });
  const dateId = `${id}-date`;
  const reasonId = `${id}-reason`;
  // The error summary's fields in screen order: the date, then the reason.
  const fields: Record<string, [string, string]> = {
    ...(date ? { [date.key]: [dateId, date.label] as [string, string] } : {}),
    [reason.key]: [reasonId, reason.label],
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setFailure(undefined);
    const found: Record<string, string> = {};
    let sent = '';
    if (date) {
      sent = date.type === 'date' ? (isDate(value) ? value : '') : (localInputToIso(value) ?? '');
      if (!sent) found[date.key] = date.required;
    }
    if (!text.trim()) found[reason.key] = reason.required;
    if (Object.keys(found).length > 0) {
      setErrors(found);
      return;
    }
    setErrors({});
    await run(async () => {
      const done = await send(sent, text.trim());
      onDone(done);
    });
  };

  return (
    <ProcessForm id={id} title={title} level={level} onSubmit={submit}>
      <ErrorSummary errors={errors} fields={fields} />
      <FailureAlert
        failure={failure}
        heading={failureHeading}
        onReload={() => {
          setFailure(undefined);
          onReload();
        }}
      />
      {intro}
      {date ? (
        <TextField
          id={dateId}
          label={date.label}
          hint={date.hint}
          type={date.type}
          value={value}
          onChange={(v) => {
            setValue(v);
            setErrors(withoutKey(date.key));
          }}
          error={errors[date.key]}
          width="input-width-m"
        />
      ) : null}
      <TextArea
        id={reasonId}
        label={reason.label}
        hint={reason.hint}
        rows={3}
        value={text}
        onChange={(v) => {
          setText(v);
          setErrors(withoutKey(reason.key));
        }}
        error={errors[reason.key]}
      />
      <FormButtons busy={busy} label={submitLabel} onCancel={onCancel} />
    </ProcessForm>
  );
}
