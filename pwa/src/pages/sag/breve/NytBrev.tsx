// /sager/<id>/breve/ny: "Skriv brev" — choose the template (the one the case's next step asks
// for is chosen already, with why) and the recipients from the child's network (the parents,
// or the professional who notified, chosen already). "Skriv brevet" makes the draft, merged
// with the case, and opens it in the editor.
import { useEffect, useState, type FormEvent } from 'react';
import { api, call } from '../../../api/client';
import { Alert } from '../../../components/Alert';
import { ErrorSummary, RadioGroup, TextField } from '../../../components/Form';
import { Loading } from '../../../components/Loading';
import { todayInCopenhagen } from '../../../format';
import { useSubmit } from '../../../mutation';
import { Link, navigate, useSearch } from '../../../router';
import { useApiQuery } from '../../../useApi';
import { useCaseContext } from '../places';
import { letterKeys, sendsBy, letterPath, loadNew, type LetterNew } from './queries';

const WITH_DATE: Record<string, string> = {
  partshoering: 'Svarfrist for partshøringen',
  boernesamtale: 'Dato for samtalen',
};

function inDays(days: number): string {
  const d = new Date(`${todayInCopenhagen()}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function NewLetterForm({ caseId, data }: { caseId: string; data: LetterNew }) {
  // ?formaal=kvittering (from an activity's "Skriv kvittering"): that purpose's template.
  const asked = useSearch().get('formaal');
  const [templateId, setTemplateId] = useState(
    data.templates.find((t) => t.purpose === asked)?.id ?? data.suggested_template_id ?? '',
  );
  const [chosen, setChosen] = useState<string[]>(
    data.suggested_recipients.filter((k) => data.candidates.some((c) => c.key === k && !c.missing)),
  );
  const [answerBy, setAnswerBy] = useState(inDays(14));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const { run, busy, general } = useSubmit({ setErrors, invalidates: [letterKeys.list(caseId)] });
  const template = data.templates.find((t) => t.id === templateId);
  const dateLabel = template ? WITH_DATE[template.purpose] : undefined;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const missing: Record<string, string> = {};
    if (!templateId) missing.template_id = 'Vælg en skabelon';
    if (chosen.length === 0) missing.recipients = 'Vælg mindst én modtager';
    if (dateLabel && !answerBy) missing.answer_by = `Angiv ${dateLabel.toLowerCase()}`;
    setErrors(missing);
    if (Object.keys(missing).length > 0) return;
    await run(async () => {
      const made = await call(
        api.POST('/api/cases/{case_id}/letters', {
          params: { path: { case_id: caseId } },
          body: { template_id: templateId, recipients: chosen, answer_by: dateLabel ? answerBy : null },
        }),
      );
      navigate(letterPath(caseId, made.id));
    });
  };

  const toggle = (key: string, on: boolean) =>
    setChosen((prev) => (on ? [...prev, key] : prev.filter((k) => k !== key)));

  return (
    <form onSubmit={(e) => void submit(e)} noValidate className="letter-new">
      <ErrorSummary
        errors={errors}
        general={general}
        fields={{
          template_id: ['template_id', 'Skabelon'],
          recipients: ['recipients', 'Modtagere'],
          answer_by: ['answer_by', dateLabel ?? 'Dato'],
        }}
      />
      {data.suggestion_reason && data.suggested_template_id ? (
        <Alert variant="info" heading="Forslag ud fra sagen">
          <p>{data.suggestion_reason} – skabelonen er valgt.</p>
        </Alert>
      ) : null}
      <RadioGroup
        id="template_id"
        legend="Skabelon"
        choices={data.templates.map((t) => ({
          value: t.id,
          label: t.id === data.suggested_template_id ? `${t.title} (foreslået)` : t.title,
        }))}
        value={templateId}
        onChange={setTemplateId}
        error={errors.template_id}
      />
      <div className={`form-group ${errors.recipients ? 'form-error' : ''}`.trim()} id="recipients" tabIndex={-1}>
        <fieldset aria-describedby={errors.recipients ? 'recipients-error' : undefined}>
          <legend className="form-label">Modtagere</legend>
          {errors.recipients ? (
            <span className="form-error-message" id="recipients-error">
              <span className="sr-only">Fejl: </span>
              {errors.recipients}
            </span>
          ) : null}
          {data.candidates.length === 0 ? (
            <p>
              Barnets netværk har ingen forældre eller fagpersoner endnu.{' '}
              <Link to={`/sager/${caseId}/netvaerk`}>Gå til Netværk</Link>
            </p>
          ) : null}
          {data.candidates.map((c) => {
            const id = `recipient-${c.key.replace(/[^a-z0-9]/gi, '')}`;
            const how = c.missing ?? (c.channel ? sendsBy(c.channel) : '');
            return (
              <div className="form-group-checkbox" key={c.key}>
                <input
                  id={id}
                  type="checkbox"
                  className="form-checkbox"
                  checked={chosen.includes(c.key)}
                  disabled={!!c.missing}
                  aria-describedby={`${id}-hint`}
                  onChange={(e) => toggle(c.key, e.target.checked)}
                />
                <label className="form-label" htmlFor={id}>
                  {c.name} <span className="letter-role">({c.role})</span>
                </label>
                <span className={`form-hint checkbox-hint ${c.missing ? 'letter-missing' : ''}`.trim()} id={`${id}-hint`}>
                  {how}
                  {c.address_protected ? ' · Adressebeskyttet' : c.address ? ` · ${c.address}` : ''}
                </span>
              </div>
            );
          })}
        </fieldset>
      </div>
      {dateLabel ? (
        <TextField id="answer_by" label={dateLabel} type="date" value={answerBy} onChange={setAnswerBy} error={errors.answer_by} width="input-width-s" />
      ) : null}
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy} aria-busy={busy}>
          {busy ? 'Skriver brevet …' : 'Skriv brevet'}
        </button>
        <Link to={letterPath(caseId)} className="button button-secondary">
          Annullér
        </Link>
      </div>
    </form>
  );
}

export function NytBrevPlace() {
  const { hovedsag } = useCaseContext();
  const caseId = hovedsag.id;
  const [state, reload] = useApiQuery(letterKeys.new(caseId), loadNew(caseId));
  useEffect(() => {
    document.title = 'Skriv brev – Trekant';
  }, []);
  return (
    <section aria-labelledby="new-letter-heading" aria-busy={state.state === 'loading'}>
      <h2 id="new-letter-heading">Skriv brev</h2>
      {state.state === 'loading' ? <Loading text="Henter skabeloner og modtagere …" /> : null}
      {state.state === 'error' ? (
        <Alert
          variant="error"
          heading="Skabelonerne kunne ikke hentes"
          action={
            <button type="button" className="button button-secondary" onClick={reload}>
              Prøv igen
            </button>
          }
        >
          <p>{state.message}</p>
        </Alert>
      ) : null}
      {state.state === 'ready' ? (
        // Keyed by the suggestion: the cached answer from an earlier visit is shown first, and
        // when the case has moved on since (the receipt sent, a decision made), the fresh
        // answer's template and recipients must be the ones chosen, not the stale ones.
        <NewLetterForm
          key={`${state.data.suggested_template_id ?? ''}:${state.data.suggested_recipients.join(',')}`}
          caseId={caseId}
          data={state.data}
        />
      ) : null}
    </section>
  );
}
