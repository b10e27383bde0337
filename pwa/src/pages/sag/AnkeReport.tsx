// The reports to Ankestyrelsen (issue 18 item 2): the report activity's own dialog, one for
// every kind — a placement (skema 1, also a re-placement), a change of place, type or legal
// basis and the placement's end (skema 2), a continued stay after 18 (skema 3) and a decision
// under § 139. The report is prefilled from the case (the server's `facts`: child, decision,
// what changed from what to what, when, who decided) and read only; the caseworker adds what
// only they know — the fields the kind `asks` for: the reasons for the placement, why it
// changed or ended, the child's own experience, whether the child has been told, the young
// person's consent — and "Send til Ankestyrelsen" sends it once, completes the activity and
// writes the sending to the journal (GET/POST /api/activities/{id}/ankestyrelsen).
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
  cause: ['anke-cause', 'Årsag'],
  cause_other: ['anke-cause-other', 'Anden årsag'],
  child_experience: ['anke-experience', 'Barnets oplevelse'],
  child_informed: ['anke-informed', 'Barnet orienteret'],
  consent: ['anke-consent', 'Den unges samtykke'],
  note: ['anke-note', 'Bemærkning'],
};

function Facts({ form }: { form: ReportForm }) {
  if (form.facts && form.facts.length > 0)
    return (
      <dl className="anke-facts">
        <dt>Indberetning</dt>
        <dd>{form.kind_label}</dd>
        <dt>Barn</dt>
        <dd>
          {form.child_name}
          {form.age !== null && form.age !== undefined ? `, ${formatAge(form.age)}` : ''}
        </dd>
        <dt>Sag</dt>
        <dd>{form.case_number ?? '–'}</dd>
        {form.facts.map((f) => (
          <div key={f.label} className="anke-fact">
            <dt>{f.label}</dt>
            <dd>{f.value}</dd>
          </div>
        ))}
        <dt>Frist</dt>
        <dd>{form.due_at ? formatDateTime(form.due_at) : '–'}</dd>
      </dl>
    );
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
        {sent.kind_label ? <p>{sent.kind_label}.</p> : null}
        {sent.reasons.length > 0 ? <p>Årsager: {sent.reasons.join(', ')}.</p> : null}
        {sent.cause ? <p>Årsag: {sent.cause}.</p> : null}
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
  const [cause, setCause] = useState('');
  const [causeOther, setCauseOther] = useState('');
  const [consent, setConsent] = useState('');
  const asks = new Set(form.asks && form.asks.length > 0 ? form.asks : ['reasons', 'child_experience', 'child_informed', 'note']);
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
            reasons: asks.has('reasons') ? (reasons as Reason[]) : [],
            reason_other: reasons.includes('andet') ? other : null,
            child_experience: experience,
            child_informed: informed === '' ? null : informed === 'ja',
            note: note.trim() ? note : null,
            cause: cause || null,
            cause_other: cause === 'andet' ? causeOther : null,
            consent: consent === '' ? null : consent === 'ja',
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
      {asks.has('reasons') ? (
        <>
          <CheckboxGroup
            id="anke-reasons"
            legend="Årsager til anbringelsen"
            hint={
              form.replacement
                ? 'Barnet har været anbragt før: årsagerne indberettes igen ved en genanbringelse. Vælg alle, der gælder.'
                : 'Vælg alle, der gælder.'
            }
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
        </>
      ) : null}
      {asks.has('cause') ? (
        <>
          <RadioGroup
            id="anke-cause"
            legend={form.cause_legend ?? 'Årsag'}
            choices={form.causes ?? []}
            value={cause}
            onChange={(v) => {
              setCause(v);
              setErrors(withoutKey('cause'));
            }}
            error={errors.cause}
          />
          {cause === 'andet' ? (
            <TextField
              id="anke-cause-other"
              label="Anden årsag"
              value={causeOther}
              onChange={(v) => {
                setCauseOther(v);
                setErrors(withoutKey('cause_other'));
              }}
              error={errors.cause_other}
            />
          ) : null}
        </>
      ) : null}
      {asks.has('child_experience') ? (
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
      ) : null}
      {asks.has('child_informed') ? (
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
      ) : null}
      {asks.has('consent') ? (
        <RadioGroup
          id="anke-consent"
          legend="Har den unge givet samtykke til døgnopholdet?"
          choices={[
            { value: 'ja', label: 'Ja' },
            { value: 'nej', label: 'Nej' },
          ]}
          value={consent}
          onChange={(v) => {
            setConsent(v);
            setErrors(withoutKey('consent'));
          }}
          error={errors.consent}
        />
      ) : null}
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
