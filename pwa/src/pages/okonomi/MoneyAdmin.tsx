// Administration: when a bevilling needs a manager's approval before it is granted, and
// whether payments do (GET/PUT /api/money/settings, docs/money.md).
import { useState, type FormEvent } from 'react';
import { api, call } from '../../api/client';
import { Alert } from '../../components/Alert';
import { Checkbox, ErrorSummary, RadioGroup, TextField } from '../../components/Form';
import { Loading } from '../../components/Loading';
import { useSubmit } from '../../mutation';
import { useApiQuery } from '../../useApi';

const FIELDS: Record<string, [string, string]> = {
  bevilling_approval: ['money-approval', 'Kræver en bevilling ledergodkendelse?'],
  bevilling_approval_threshold_oere: ['money-threshold', 'Grænse for forventet årlig udgift (kr.)'],
};

type Draft = { mode: string; threshold: string; payments: boolean };

export function MoneyAdmin() {
  const [settings, , update] = useApiQuery(['money', 'settings'], (signal) => call(api.GET('/api/money/settings', { signal })));
  const [draft, setDraft] = useState<Draft | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState(false);
  const { run, busy, general: failure, setGeneral: setFailure } = useSubmit({ setErrors });

  let body;
  if (settings.state === 'loading') {
    body = <Loading small text="Henter reglerne for godkendelse …" />;
  } else if (settings.state === 'error') {
    body = (
      <Alert variant="error" heading="Reglerne for godkendelse kunne ikke hentes">
        <p>{settings.message}</p>
      </Alert>
    );
  } else {
    const s = settings.data;
    const shown: Draft = draft ?? {
      mode: s.bevilling_approval,
      threshold: String(Math.round(s.bevilling_approval_threshold_oere / 100)),
      payments: s.payment_approval,
    };
    const change = (next: Partial<Draft>, key?: string) => {
      setDraft({ ...shown, ...next });
      setSaved(false);
      if (key)
        setErrors((e) => {
          const rest = { ...e };
          delete rest[key];
          return rest;
        });
    };
    const submit = async (event: FormEvent) => {
      event.preventDefault();
      if (busy) return;
      setFailure(undefined);
      const kroner = shown.threshold.trim().replace(/\./g, '');
      if (shown.mode === 'over_beloeb' && !/^\d+$/.test(kroner)) {
        setErrors({ bevilling_approval_threshold_oere: 'Skriv grænsen som et helt antal kroner, fx 250000' });
        return;
      }
      setErrors({});
      await run(async () => {
        const next = await call(
          api.PUT('/api/money/settings', {
            body: {
              bevilling_approval: shown.mode,
              bevilling_approval_threshold_oere: shown.mode === 'over_beloeb' ? Number(kroner) * 100 : 0,
              payment_approval: shown.payments,
            },
          }),
        );
        update(() => next);
        setDraft(null);
        setSaved(true);
      });
    };
    body = (
      <form onSubmit={(e) => void submit(e)} noValidate className="admin-form">
        {saved ? <Alert variant="success" heading="Reglerne for godkendelse er gemt" /> : null}
        {failure ? (
          <Alert variant="error" heading="Reglerne blev ikke gemt">
            <p>{failure}</p>
          </Alert>
        ) : null}
        <ErrorSummary errors={errors} fields={FIELDS} />
        <RadioGroup
          id="money-approval"
          legend="Kræver en bevilling ledergodkendelse?"
          hint="Visitationen sendes til en leder, der ikke selv har sendt den, før afgørelsen kan træffes."
          choices={(s.approval_modes ?? []).map((m) => ({ value: m.key, label: m.label }))}
          value={shown.mode}
          onChange={(v) => change({ mode: v }, 'bevilling_approval')}
          error={errors.bevilling_approval}
        />
        {shown.mode === 'over_beloeb' ? (
          <TextField
            id="money-threshold"
            label="Grænse for forventet årlig udgift (kr.)"
            inputMode="numeric"
            value={shown.threshold}
            onChange={(v) => change({ threshold: v }, 'bevilling_approval_threshold_oere')}
            error={errors.bevilling_approval_threshold_oere}
            width="input-width-s"
          />
        ) : null}
        <Checkbox
          id="money-payments"
          label="Betalinger skal godkendes af en leder"
          hint="Først godkendte betalinger kommer med i filen til økonomisystemet."
          checked={shown.payments}
          onChange={(v) => change({ payments: v })}
        />
        <button
          type="submit"
          className={`button button-secondary ${busy ? 'spinner-active' : ''}`.trim()}
          aria-disabled={busy || undefined}
        >
          Gem regler for godkendelse
        </button>
      </form>
    );
  }
  return (
    <section aria-labelledby="money-admin-heading" className="admin-section">
      <h2 id="money-admin-heading">Godkendelse af bevillinger og betalinger</h2>
      {body}
    </section>
  );
}
