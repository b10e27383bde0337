// "Indberet anbringelsen til Ankestyrelsen" (issue 18 item 2): the activity's own dialog. The
// report is prefilled from the case (child, decision, paragraph, place, who decided) and read
// only; the caseworker adds what only they know — the reasons for the placement, the child's
// own experience, whether the child has been told — and "Send til Ankestyrelsen" sends it once,
// completes the activity and writes the sending to the journal
// (GET/POST /api/activities/{id}/ankestyrelsen).
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, call, type ActivityRead } from '../../api/client';
import type { components } from '../../api/schema';
import { Alert } from '../../components/Alert';
import { CheckboxGroup, ErrorSummary, RadioGroup, TextArea, TextField, withoutKey } from '../../components/Form';
import { DialogButtons, FormDialog } from '../../components/FormDialog';
import { Loading } from '../../components/Loading';
import { formatAge, formatDate, formatDateTime } from '../../format';
import { useSubmit } from '../../mutation';
import { invalidate, useApiQuery } from '../../useApi';
import { caseKeys } from './queries';

type ReportForm = components['schemas']['AnkeReportForm'];
type ReportSent = components['schemas']['AnkeReportSent'];
type Reason = NonNullable<components['schemas']['AnkeReportCreate']['reasons']>[number];

const FIELDS: Record<string, [string, string]> = {
  reasons: ['anke-reasons', 'Årsager til anbringelsen'],
  reason_other: ['anke-reason-other', 'Anden årsag'],
  child_experience: ['anke-experience', 'Barnets oplevelse'],
  child_informed: ['anke-informed', 'Barnet orienteret'],
  note: ['anke-note', 'Bemærkning'],
};

function Facts({ form }: { form: ReportForm }) {
  return (
    <dl className="anke-facts">
      <dt>Barn</dt>
      <dd>
        {form.child_name}
        {form.age !== null && form.age !== undefined ? `, ${formatAge(form.age)}` : ''}
      </dd>
      <dt>Sag</dt>
      <dd>{form.case_number ?? '–'}</dd>
      <dt>Afgørelse</dt>
      <dd>
        {form.paragraph_label}
        {form.decided_on ? `, truffet ${formatDate(form.decided_on)}` : ''}
        {form.decided_by ? ` af ${form.decided_by}` : ''}
      </dd>
      <dt>Anbringelse</dt>
      <dd>
        {form.measure_label} fra {formatDate(form.starts_on)}
      </dd>
      <dt>Frist</dt>
      <dd>{form.due_at ? formatDateTime(form.due_at) : '–'}</dd>
    </dl>
  );
}

/** What was sent; `focus` moves focus to it (the form it replaces, and its button, are gone). */
export function SentReport({ sent, focus = false }: { sent: ReportSent; focus?: boolean }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (focus) ref.current?.focus();
  }, [focus]);
  return (
    <div ref={ref} tabIndex={-1} className="anke-sent">
      <Alert variant="success" heading="Indberetningen er sendt til Ankestyrelsen">
        <p>
          Sendt {formatDateTime(sent.sent_at)} af {sent.sent_by_name}. Kvittering: {sent.receipt}.
        </p>
        <p>Årsager: {sent.reasons.join(', ')}.</p>
      </Alert>
    </div>
  );
}

function ReportFields({
  form,
  activity,
  onSent,
  onCancel,
  setBusy,
}: {
  form: ReportForm;
  activity: ActivityRead;
  onSent: (sent: ReportSent) => void;
  onCancel: () => void;
  setBusy: (busy: boolean) => void;
}) {
  const [reasons, setReasons] = useState<string[]>([]);
  const [other, setOther] = useState('');
  const [experience, setExperience] = useState('');
  const [informed, setInformed] = useState('');
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  // The case and the worklist are fetched again when the dialog closes (the activity is gone
  // from the open ones then, and this dialog with it).
  const { run, busy, general, setGeneral } = useSubmit({ setErrors });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setGeneral(undefined);
    setErrors({});
    setBusy(true);
    void run(async () => {
      const sent = await call(
        api.POST('/api/activities/{activity_id}/ankestyrelsen', {
          params: { path: { activity_id: activity.id } },
          body: {
            reasons: reasons as Reason[],
            reason_other: reasons.includes('andet') ? other : null,
            child_experience: experience,
            child_informed: informed === '' ? null : informed === 'ja',
            note: note.trim() ? note : null,
          },
        }),
      );
      onSent(sent);
    }).finally(() => setBusy(false));
  };

  return (
    <form onSubmit={submit} noValidate>
      <Facts form={form} />
      <ErrorSummary errors={errors} fields={FIELDS} general={general} heading="Indberetningen blev ikke sendt" />
      <CheckboxGroup
        id="anke-reasons"
        legend="Årsager til anbringelsen"
        hint="Vælg alle, der gælder."
        choices={form.reasons}
        value={reasons}
        onChange={(v) => {
          setReasons(v);
          setErrors(withoutKey('reasons'));
        }}
        error={errors.reasons}
      />
      {reasons.includes('andet') ? (
        <TextField
          id="anke-reason-other"
          label="Anden årsag"
          value={other}
          onChange={(v) => {
            setOther(v);
            setErrors(withoutKey('reason_other'));
          }}
          error={errors.reason_other}
        />
      ) : null}
      <TextArea
        id="anke-experience"
        label="Barnets egen oplevelse af situationen"
        hint="Skal indgå i indberetningen. Tal med barnet, før du udfylder den."
        value={experience}
        onChange={(v) => {
          setExperience(v);
          setErrors(withoutKey('child_experience'));
        }}
        error={errors.child_experience}
      />
      <RadioGroup
        id="anke-informed"
        legend="Er barnet orienteret om indberetningen?"
        choices={[
          { value: 'ja', label: 'Ja' },
          { value: 'nej', label: 'Nej' },
        ]}
        value={informed}
        onChange={(v) => {
          setInformed(v);
          setErrors(withoutKey('child_informed'));
        }}
        error={errors.child_informed}
      />
      <TextArea
        id="anke-note"
        label="Bemærkning til Ankestyrelsen (valgfri)"
        rows={3}
        value={note}
        onChange={(v) => {
          setNote(v);
          setErrors(withoutKey('note'));
        }}
        error={errors.note}
      />
      <DialogButtons label="Send til Ankestyrelsen" busy={busy} onCancel={onCancel} />
    </form>
  );
}

/** The activity's button "Indberet" and its dialog. */
export function AnkeReportButton({
  activity: a,
  disabled = false,
  onSent,
}: {
  activity: ActivityRead;
  disabled?: boolean;
  onSent?: () => void;
}) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState<ReportSent | null>(null);
  const [form, reload] = useApiQuery(
    ['ankestyrelsen', a.id],
    (signal) =>
      call(api.GET('/api/activities/{activity_id}/ankestyrelsen', { params: { path: { activity_id: a.id } }, signal })),
    { enabled: open },
  );
  const close = () => {
    setOpen(false);
    if (sent) {
      invalidate(['worklist'], caseKeys.case(a.hovedsag_id), ['ankestyrelsen']);
      onSent?.();
    }
  };

  let body;
  if (sent) {
    body = (
      <>
        <SentReport sent={sent} focus />
        <p>Aktiviteten er udført, og indberetningen står i sagens journal.</p>
        <button type="button" className="button button-primary" onClick={close}>
          Luk
        </button>
      </>
    );
  } else if (form.state === 'loading') body = <Loading text="Henter indberetningen …" />;
  else if (form.state === 'error')
    body = (
      <Alert
        variant="error"
        heading="Indberetningen kunne ikke hentes"
        action={
          <button type="button" className="button button-secondary" onClick={reload}>
            Prøv igen
          </button>
        }
      >
        <p>{form.message}</p>
      </Alert>
    );
  else if (form.data.sent) body = <SentReport sent={form.data.sent} />;
  else
    body = <ReportFields form={form.data} activity={a} onSent={setSent} onCancel={close} setBusy={setBusy} />;

  return (
    <>
      <button
        type="button"
        className="button button-secondary button-small"
        aria-label={`Indberet: ${a.title}`}
        aria-haspopup="dialog"
        aria-disabled={disabled || undefined}
        onClick={() => {
          if (!disabled) {
            setSent(null);
            setOpen(true);
          }
        }}
      >
        Indberet
      </button>
      {open ? (
        <FormDialog
          title="Indberetning til Ankestyrelsen"
          subtitle={`${a.child_name}: ${a.title}`}
          busy={busy}
          onClose={close}
          size="wide"
        >
          {body}
        </FormDialog>
      ) : null}
    </>
  );
}
