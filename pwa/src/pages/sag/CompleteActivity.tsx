// Completing an open activity, wherever it is listed (the front page's worklist, the case
// page): one click ("Udført") when the law asks for no record; the rule's form in a dialog
// ("Registrér vurdering" …) when it does — saved with the completion and written to the
// journal; and for an activity another flow of the case completes (the investigation, a
// step, the child's plan) the way to that flow, never a second form.
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, ApiError, call, messageOf, type ActivityRead } from '../../api/client';
import { FormDialog } from '../../components/FormDialog';
import { useSubmit } from '../../mutation';
import { Link } from '../../router';
import { useApiQuery } from '../../useApi';
import { AnkeReportButton } from './AnkeReport';
import { placePath } from './places';
import { caseKeys } from './queries';
import { RecordForm, type CompletionForm, type CompletionRecord } from './CompleteActivityForm';

export type CompletionFlow = 'investigation' | 'step' | 'plan';

/** Forløb's panel that completes an activity of ``flow`` (opened by ?udfoer=…). */
export function flowPanel(flow: CompletionFlow): 'afslut-us' | 'skridt' {
  return flow === 'investigation' ? 'afslut-us' : 'skridt';
}

/** The case's Forløb with the flow that completes ``a`` open. */
export function flowHref(a: ActivityRead, flow: CompletionFlow): string {
  const panel = flowPanel(flow);
  const kind = panel === 'skridt' && a.step_kind ? `&skridt=${a.step_kind}` : '';
  return `${placePath(a.hovedsag_id, 'forloeb')}?udfoer=${panel}${kind}`;
}

// The activities a sent letter completes (backend rules.LETTER_COMPLETED): the letter's purpose.
const LETTER_PURPOSES: Record<string, string> = { 'udvalg-send': 'afgoerelse_udvalg' };

const FLOW_HINTS: Record<CompletionFlow, string> = {
  investigation: 'Udføres ved at afslutte undersøgelsen',
  step: 'Udføres ved at registrere skridtet',
  plan: 'Udføres, når barnets plan er godkendt, eller ved at registrere skridtet',
};

/** Every rule's completion form; asked once and kept (they change with a release). */
export function useCompletionForms(enabled = true) {
  const [forms] = useApiQuery(
    ['completion-forms'],
    (signal) => call(api.GET('/api/activities/completion-forms', { signal })),
    { enabled },
  );
  return forms;
}

export function CompleteActivity({
  activity: a,
  onCompleted,
  onFailed,
  onFlow,
  disabled = false,
  onReloaded,
}: {
  activity: ActivityRead;
  /** The activity is done (the server's answer). */
  onCompleted: (saved: ActivityRead) => void;
  /** A one-click completion failed: the Danish message, and whether it was a conflict (409). */
  onFailed?: (message: string, conflict: boolean) => void;
  /** On the case page: open the flow that completes it (else a link to the case's Forløb with it open). */
  onFlow?: (flow: CompletionFlow, activity: ActivityRead) => void;
  /** Another save is under way. */
  disabled?: boolean;
  /**
   * After "Hent igen" on a conflict (in the record's dialog, or beside "Udført" where no
   * onFailed takes it): the worklist and the case are fetched again and the dialog is
   * closed (the activity is gone when someone completed it).
   * Say so where the person is (focus was on the dialog).
   */
  onReloaded?: () => void;
}) {
  const completion = a.completion ?? 'click';
  const [open, setOpen] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const { run, busy, general, setGeneral, failure } = useSubmit({ setErrors, invalidates: [['worklist']] });
  const client = useQueryClient();
  const [reloading, setReloading] = useState(false);
  const forms = useCompletionForms(completion === 'record');
  const form: CompletionForm | undefined =
    forms.state === 'ready' ? forms.data.find((f) => f.rule_id === a.rule_id) : undefined;

  const send = async (record?: CompletionRecord) =>
    call(
      api.POST('/api/activities/{activity_id}/complete', {
        params: { path: { activity_id: a.id } },
        body: { version: a.version, record: record ?? null },
      }),
    );

  const close = () => {
    setOpen(false);
    setErrors({});
    setGeneral(undefined);
  };
  // Someone else completed or changed it first (409): fetch what is true now, then close.
  const conflict = failure?.status === 409;
  const reload = async () => {
    if (reloading) return;
    setReloading(true);
    try {
      await Promise.all([
        client.invalidateQueries({ queryKey: ['worklist'] }),
        client.invalidateQueries({ queryKey: caseKeys.case(a.hovedsag_id) }),
      ]);
    } finally {
      setReloading(false);
      close();
      onReloaded?.();
    }
  };

  if (completion === 'klage') {
    // The complaint's own dialog (Genvurdér, Send til Ankestyrelsen) under Klager on Forløb.
    return (
      <Link
        to={`${placePath(a.hovedsag_id, 'forloeb')}#forloeb-klager`}
        className="button button-secondary button-small"
        aria-label={`Udfør under Klager: ${a.title}`}
        title="Udføres under Klager på sagens forløb"
      >
        Udfør
      </Link>
    );
  }

  if (completion === 'udvalg') {
    // The indstilling's own dialogs (tilbud, udvalgets afgørelse) under Børne- og ungeudvalget.
    return (
      <Link
        to={`${placePath(a.hovedsag_id, 'forloeb')}#forloeb-udvalg`}
        className="button button-secondary button-small"
        aria-label={`Udfør under Børne- og ungeudvalget: ${a.title}`}
        title="Udføres under Børne- og ungeudvalget på sagens forløb"
      >
        Udfør
      </Link>
    );
  }

  if (completion === 'brev') {
    // Completed by sending its letter (the committee's decision with its complaint guidance):
    // "Udfør" opens the letter writer with the rule's template chosen.
    const purpose = a.rule_id ? LETTER_PURPOSES[a.rule_id] : undefined;
    return (
      <Link
        to={`/sager/${a.hovedsag_id}/breve/ny${purpose ? `?formaal=${purpose}` : ''}`}
        className="button button-secondary button-small"
        aria-label={`Udfør: skriv brevet – ${a.title}`}
        title="Udføres ved at sende brevet"
      >
        Udfør
      </Link>
    );
  }

  if (completion === 'indberetning') {
    // Completed by sending the report to Ankestyrelsen from its own dialog (prefilled).
    return <AnkeReportButton activity={a} disabled={disabled} />;
  }

  if (completion === 'investigation' || completion === 'step' || completion === 'plan') {
    // "Udfør" (not the flow's own button text, which stays unique on the case page).
    if (onFlow) {
      return (
        <button
          type="button"
          className="button button-secondary button-small"
          aria-label={`Udfør: ${a.title}`}
          title={FLOW_HINTS[completion]}
          onClick={() => onFlow(completion, a)}
        >
          Udfør
        </button>
      );
    }
    // Elsewhere (the front page): straight to the case's Forløb with that flow's form open.
    // "Udfør" as on the case page; the accessible name says where it leads.
    return (
      <Link
        to={flowHref(a, completion)}
        className="button button-secondary button-small"
        aria-label={`Udfør på sagen: ${a.title}`}
        title={FLOW_HINTS[completion]}
      >
        Udfør
      </Link>
    );
  }

  if (completion === 'click') {
    return (
      <>
        <button
          type="button"
          className={`button button-secondary button-small ${busy ? 'spinner-active' : ''}`.trim()}
          aria-label={`Markér ${a.title} som udført`}
          aria-disabled={disabled || busy || undefined}
          onClick={() => {
            if (disabled || busy) return;
            void run(
              async () => onCompleted(await send()),
              onFailed ? (err) => onFailed(messageOf(err), err instanceof ApiError && err.status === 409) : undefined,
            );
          }}
        >
          Udført
        </button>
        {!onFailed && general && !open ? (
          <span className="form-error-message" role="alert">
            {general}
            {conflict ? (
              <button
                type="button"
                className={`button button-secondary button-small ${reloading ? 'spinner-active' : ''}`.trim()}
                aria-disabled={reloading || undefined}
                onClick={() => void reload()}
              >
                Hent igen
              </button>
            ) : null}
          </span>
        ) : null}
      </>
    );
  }

  const action = form?.action ?? 'Registrér';
  return (
    <>
      <button
        type="button"
        className="button button-secondary button-small"
        aria-label={`${action}: ${a.title}`}
        aria-haspopup="dialog"
        aria-disabled={disabled || undefined}
        onClick={() => {
          if (!disabled) setOpen(true);
        }}
      >
        {action}
      </button>
      {open ? (
        <FormDialog title={form?.title ?? a.title} subtitle={`${a.child_name}: ${a.title}`} busy={busy} onClose={close}>
          {form ? (
            <RecordForm
              form={form}
              idPrefix={`record-${a.id}`}
              caseId={a.hovedsag_id}
              busy={busy || reloading}
              general={general}
              generalHeading={conflict ? 'Aktiviteten er ændret af en anden' : undefined}
              generalAction={
                conflict ? (
                  <button
                    type="button"
                    className={`button button-secondary ${reloading ? 'spinner-active' : ''}`.trim()}
                    aria-disabled={reloading || undefined}
                    onClick={() => void reload()}
                  >
                    Hent igen
                  </button>
                ) : undefined
              }
              errors={errors}
              setErrors={setErrors}
              onCancel={close}
              onSave={(record) => {
                setGeneral(undefined);
                void run(async () => {
                  const saved = await send(record);
                  setOpen(false);
                  onCompleted(saved);
                });
              }}
            />
          ) : forms.state === 'error' ? (
            <p className="form-error-message">Formularen kunne ikke hentes: {forms.message}</p>
          ) : (
            <p aria-busy="true">Henter formularen …</p>
          )}
        </FormDialog>
      ) : null}
    </>
  );
}
