// Price update (finance): choose offers, a from-date and a percentage or new amounts;
// preview what changes (offers, bevillinger, the 12-month change); apply it as a background
// job with a progress bar (polling the job); see the result and revert it.
import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, call, messageOf } from '../../api/client';
import { Alert } from '../../components/Alert';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorSummary, RadioGroup, SelectField, TextArea, TextField } from '../../components/Form';
import { Loading } from '../../components/Loading';
import { PageHeading } from '../../components/PageHeading';
import { casePath } from '../../casework';
import { formatDate, formatDateTime, formatNumber, plural, todayInCopenhagen } from '../../format';
import { Link } from '../../router';
import { useSubmit } from '../../mutation';
import { useApiQuery } from '../../useApi';
import {
  firstOfNextMonth,
  fullFieldErrors,
  kr,
  krChange,
  parseKroner,
  percentText,
  type OfferRead,
  type PriceUpdatePreview,
  type PriceUpdateRead,
} from './money';
import './okonomi.css';

const RUNNING = new Set(['venter', 'tilbagefoeres']);
const POLL_MS = 700;

type Spec = {
  offer_ids: string[];
  effective_from: string;
  percent?: string | null;
  amounts?: Record<string, number> | null;
  note?: string;
};

/** A job's progress as a labelled progress bar (role=progressbar with its value). */
function ProgressBar({ update }: { update: PriceUpdateRead }) {
  const percent = Math.max(0, Math.min(100, Math.round(update.progress.percent ?? 0)));
  const label = update.status === 'tilbagefoeres' ? 'Tilbageføring' : 'Prisopdatering';
  return (
    <div className="money-progress">
      <p id="job-progress-label">
        {label}: {percent} %{update.progress.message ? ` – ${update.progress.message}` : ''}
      </p>
      <div
        className="money-progress-bar"
        role="progressbar"
        aria-labelledby="job-progress-label"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
      >
        <div className="money-progress-fill" style={{ width: `${percent}%` }} />
      </div>
    </div>
  );
}

function resultNumber(update: PriceUpdateRead, key: string): number {
  const v = update.result?.[key];
  return typeof v === 'number' ? v : 0;
}

/** One update: status, progress while it runs (polled), result and "Tilbagefør". */
function UpdateStatus({ initial, onChanged }: { initial: PriceUpdateRead; onChanged: () => void }) {
  const [update, setUpdate] = useState(initial);
  // One message: a failed "Tilbagefør", or a failed poll (below).
  const { run, busy, general: failure, setGeneral: setFailure } = useSubmit({ fields: () => ({}) });
  const [confirming, setConfirming] = useState(false);
  const running = RUNNING.has(update.status);
  const finished = useRef(!running);

  // While it runs, ask again every 700 ms; a failed answer is shown, and the asking goes on.
  const polled = useQuery({
    queryKey: ['money', 'price-update', update.id],
    queryFn: ({ signal }) =>
      call(api.GET('/api/money/price-updates/{update_id}', { params: { path: { update_id: update.id } }, signal })),
    enabled: running,
    refetchInterval: POLL_MS,
    refetchIntervalInBackground: true,
    staleTime: 0,
    gcTime: 0,
    retry: false,
  });
  useEffect(() => {
    if (polled.data) setUpdate(polled.data);
  }, [polled.data]);
  useEffect(() => {
    if (polled.error) setFailure(messageOf(polled.error));
  }, [polled.error, polled.errorUpdatedAt, setFailure]);

  useEffect(() => {
    if (!running && !finished.current) {
      finished.current = true;
      onChanged();
    }
    if (running) finished.current = false;
  }, [running, onChanged]);

  const revert = async () => {
    if (busy) return;
    setFailure(undefined);
    await run(async () => {
      setUpdate(await call(api.POST('/api/money/price-updates/{update_id}/revert', { params: { path: { update_id: update.id } } })));
      setConfirming(false);
    });
  };

  const what = update.percent ? percentText(update.percent) : 'nye beløb';
  return (
    <div className="money-update" aria-live="polite">
      <h3 className="h4">
        Prisopdatering fra {formatDate(update.effective_from)} ({what})
      </h3>
      <p>
        <span className={`money-status money-status-${update.status}`}>{update.status_label}</span> · bestilt {formatDateTime(update.requested_at)} af{' '}
        {update.requested_by}
      </p>
      {running ? <ProgressBar update={update} /> : null}
      {update.status === 'faerdig' ? (
        <Alert variant="success" heading="Prisopdateringen er gennemført">
          <p>
            {plural(resultNumber(update, 'offers'), 'tilbud', 'tilbud')} og {plural(resultNumber(update, 'bevillinger'), 'bevilling', 'bevillinger')} har
            fået ny pris fra {formatDate(update.effective_from)} (
            {plural(resultNumber(update, 'offer_price_rows') + resultNumber(update, 'bevilling_price_rows'), 'prisrække', 'prisrækker')}).
          </p>
        </Alert>
      ) : null}
      {update.status === 'tilbagefoert' ? (
        <Alert variant="info" heading="Prisopdateringen er tilbageført">
          <p>De tidligere priser gælder igen.</p>
        </Alert>
      ) : null}
      {update.status === 'fejlet' ? (
        <Alert variant="error" heading="Prisopdateringen fejlede">
          <p>{update.revert_error ?? update.error ?? 'Intet blev ændret.'}</p>
        </Alert>
      ) : null}
      {failure && !confirming ? (
        <Alert variant="error" heading="Handlingen blev ikke gennemført">
          <p>{failure}</p>
        </Alert>
      ) : null}
      {update.can_revert ? (
        <button
          type="button"
          className="button button-secondary"
          onClick={() => {
            setFailure(undefined);
            setConfirming(true);
          }}
          aria-disabled={busy || undefined}
        >
          Tilbagefør prisopdateringen
        </button>
      ) : null}
      {confirming && update.can_revert ? (
        <ConfirmDialog
          title="Tilbagefør prisopdateringen?"
          confirmLabel="Tilbagefør prisopdateringen"
          busy={busy}
          error={failure}
          onConfirm={() => void revert()}
          onCancel={() => {
            setConfirming(false);
            setFailure(undefined);
          }}
        >
          <p>
            Priserne fra prisopdateringen fjernes, og de priser, den afløste, gælder igen fra {formatDate(update.effective_from)}. Det sker for
            både tilbuddene og de bevillinger, der fik ny pris.
          </p>
          <dl className="confirm-facts">
            <dt>Prisopdatering</dt>
            <dd>
              {what} fra {formatDate(update.effective_from)}
            </dd>
            <dt>Tilbud</dt>
            <dd>{plural(resultNumber(update, 'offers'), 'tilbud', 'tilbud')}</dd>
            <dt>Bevillinger</dt>
            <dd>{plural(resultNumber(update, 'bevillinger'), 'bevilling', 'bevillinger')}</dd>
            <dt>Prisrækker</dt>
            <dd>
              {plural(
                resultNumber(update, 'offer_price_rows') + resultNumber(update, 'bevilling_price_rows'),
                'prisrække',
                'prisrækker',
              )}{' '}
              trækkes tilbage
            </dd>
          </dl>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}

function PreviewTables({ preview }: { preview: PriceUpdatePreview }) {
  return (
    <section aria-labelledby="preview-heading" className="money-preview">
      <h2 id="preview-heading">Det ændrer prisopdateringen</h2>
      <dl className="money-totals">
        <div>
          <dt>Ændring de næste 12 måneder</dt>
          <dd>{krChange(preview.change_12_months_oere)}</dd>
        </div>
        <div>
          <dt>Ændring pr. måned</dt>
          <dd>{krChange(preview.change_per_month_oere)}</dd>
        </div>
        <div>
          <dt>Bevillinger der ændres</dt>
          <dd>{formatNumber(preview.bevillinger)}</dd>
        </div>
        <div>
          <dt>Nye prisrækker</dt>
          <dd>{formatNumber(preview.offer_price_rows + preview.bevilling_price_rows)}</dd>
        </div>
      </dl>
      <div className="table--responsive-scroll" tabIndex={0} role="region" aria-labelledby="preview-offers-caption">
        <table className="table table--compact">
          <caption id="preview-offers-caption">Tilbud fra {formatDate(preview.effective_from)}</caption>
          <thead>
            <tr>
              <th scope="col">Tilbud</th>
              <th scope="col" className="num">
                Nuværende pris
              </th>
              <th scope="col" className="num">
                Ny pris
              </th>
              <th scope="col" className="num">
                Ændring
              </th>
              <th scope="col" className="num">
                Bevillinger
              </th>
            </tr>
          </thead>
          <tbody>
            {preview.offers.map((o) => (
              <tr key={o.offer_id}>
                <th scope="row">
                  {o.offer_name}
                  <span className="cell-note">{o.supplier_name}</span>
                </th>
                <td className="num">{kr(o.old_amount_oere)}</td>
                <td className="num">{kr(o.new_amount_oere)}</td>
                <td className="num">{krChange(o.new_amount_oere - o.old_amount_oere)}</td>
                <td className="num">{formatNumber(o.bevillinger)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {preview.sample.length > 0 ? (
        <div className="table--responsive-scroll" tabIndex={0} role="region" aria-labelledby="preview-sample-caption">
          <table className="table table--compact">
            <caption id="preview-sample-caption">De bevillinger der ændres mest (højst 50)</caption>
            <thead>
              <tr>
                <th scope="col">Barn</th>
                <th scope="col">Indsats</th>
                <th scope="col" className="num">
                  Nuværende pris
                </th>
                <th scope="col" className="num">
                  Ny pris
                </th>
                <th scope="col" className="num">
                  Ændring over 12 måneder
                </th>
              </tr>
            </thead>
            <tbody>
              {preview.sample.map((b) => (
                <tr key={b.bevilling_id}>
                  <th scope="row">
                    <Link to={casePath(b.hovedsag_id)}>{b.child_name}</Link>
                  </th>
                  <td>
                    {b.measure_label}
                    <span className="cell-note">{b.offer_name}</span>
                  </td>
                  <td className="num">{kr(b.old_amount_oere)}</td>
                  <td className="num">{kr(b.new_amount_oere)}</td>
                  <td className="num">{krChange(b.change_12_months_oere)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="empty-state">Ingen løbende bevillinger har disse tilbud.</p>
      )}
    </section>
  );
}

function OfferChooser({
  offers,
  chosen,
  onChange,
  error,
  method,
  amounts,
  onAmount,
  amountErrors,
}: {
  offers: OfferRead[];
  chosen: string[];
  onChange: (ids: string[]) => void;
  error?: string;
  method: string;
  amounts: Record<string, string>;
  onAmount: (id: string, v: string) => void;
  amountErrors: Record<string, string>;
}) {
  const [supplier, setSupplier] = useState('');
  const suppliers = [...new Map(offers.map((o) => [o.supplier_id, o.supplier_name])).entries()].sort((a, b) => a[1].localeCompare(b[1], 'da'));
  const shown = supplier ? offers.filter((o) => o.supplier_id === supplier) : offers;
  const toggle = (id: string, on: boolean) => onChange(on ? [...chosen.filter((x) => x !== id), id] : chosen.filter((x) => x !== id));
  return (
    <div className={`form-group ${error ? 'form-error' : ''}`.trim()} id="pu-offers" tabIndex={-1}>
      <SelectField
        id="pu-supplier"
        label="Vis tilbud fra leverandør"
        value={supplier}
        onChange={setSupplier}
        choices={[{ value: '', label: 'Alle leverandører' }, ...suppliers.map(([id, name]) => ({ value: id, label: name }))]}
      />
      <button type="button" className="button button-tertiary" onClick={() => onChange([...new Set([...chosen, ...shown.map((o) => o.id)])])}>
        Vælg alle viste tilbud
      </button>
      {error ? (
        <span className="form-error-message" id="pu-offers-error">
          <span className="sr-only">Fejl: </span>
          {error}
        </span>
      ) : null}
      <div className="table--responsive-scroll" tabIndex={0} role="region" aria-labelledby="pu-offers-caption">
        <table className="table table--compact">
          <caption id="pu-offers-caption">Vælg tilbud</caption>
          <thead>
            <tr>
              <th scope="col">Vælg</th>
              <th scope="col">Leverandør</th>
              <th scope="col" className="num">
                Gældende pris
              </th>
              {method === 'amounts' ? <th scope="col">Ny pris i kroner</th> : null}
            </tr>
          </thead>
          <tbody>
            {shown.map((o) => {
              const id = `pu-offer-${o.id}`;
              const on = chosen.includes(o.id);
              const amountKey = `amounts.${o.id}`;
              return (
                <tr key={o.id}>
                  <td>
                    <div className="form-group-checkbox">
                      <input id={id} type="checkbox" className="form-checkbox" checked={on} onChange={(e) => toggle(o.id, e.target.checked)} />
                      <label className="form-label" htmlFor={id}>
                        {o.name} ({o.supplier_name})
                      </label>
                    </div>
                    {amountErrors[`offer_ids.${o.id}`] ? <span className="form-error-message">{amountErrors[`offer_ids.${o.id}`]}</span> : null}
                  </td>
                  <td>{o.supplier_name}</td>
                  <td className="num">{kr(o.current_price_oere)}</td>
                  {method === 'amounts' ? (
                    <td>
                      {on ? (
                        <TextField
                          id={amountKey}
                          label={`Ny pris på ${o.name}`}
                          value={amounts[o.id] ?? ''}
                          onChange={(v) => onAmount(o.id, v)}
                          error={amountErrors[amountKey]}
                          width="input-width-s"
                        />
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}

export function Prisopdatering() {
  const [offers, reloadOffers] = useApiQuery(['money', 'offers', 'priced'], (signal) => call(api.GET('/api/money/offers', { params: { query: { active: true, priced: true } }, signal })));
  const [updates, reloadUpdates] = useApiQuery(['money', 'price-updates'], (signal) => call(api.GET('/api/money/price-updates', { signal })));
  const [chosen, setChosen] = useState<string[]>([]);
  const [from, setFrom] = useState(() => firstOfNextMonth(todayInCopenhagen()));
  const [method, setMethod] = useState('percent');
  const [percent, setPercent] = useState('');
  const [amounts, setAmounts] = useState<Record<string, string>>({});
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const { run, busy, general, setGeneral } = useSubmit({ setErrors, fields: fullFieldErrors });
  const [preview, setPreview] = useState<{ spec: Spec; data: PriceUpdatePreview } | null>(null);
  const [current, setCurrent] = useState<PriceUpdateRead | null>(null);
  const previewRef = useRef<HTMLDivElement>(null);

  const changed = () => {
    setPreview(null);
    setGeneral(undefined);
  };

  const spec = (): Spec | null => {
    const e: Record<string, string> = {};
    if (chosen.length === 0) e.offer_ids = 'Vælg mindst ét tilbud';
    if (!/^\d{4}-\d{2}-\d{2}$/.test(from)) e.effective_from = 'Angiv datoen, hvor de nye priser gælder fra';
    const out: Spec = { offer_ids: chosen, effective_from: from, note: note.trim() };
    if (method === 'percent') {
      const p = percent.trim().replace(',', '.');
      if (!/^-?\d+(\.\d{1,3})?$/.test(p) || Number(p) === 0) e.percent = 'Skriv en procent, fx 3,5 (højst tre decimaler, ikke 0)';
      out.percent = p;
    } else {
      const a: Record<string, number> = {};
      for (const id of chosen) {
        const v = parseKroner(amounts[id] ?? '');
        if (v === null) e[`amounts.${id}`] = 'Skriv den nye pris i kroner, fx 1.250,00';
        else if (v < 0) e[`amounts.${id}`] = 'Prisen kan ikke være negativ';
        else a[id] = v;
      }
      out.amounts = a;
    }
    setErrors(e);
    return Object.keys(e).length ? null : out;
  };

  const doPreview = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setGeneral(undefined);
    const s = spec();
    if (!s) return;
    await run(async () => {
      const data = await call(api.POST('/api/money/price-updates/preview', { body: s }));
      setPreview({ spec: s, data });
      requestAnimationFrame(() => previewRef.current?.focus());
    });
  };

  const apply = async () => {
    if (busy || !preview) return;
    setGeneral(undefined);
    await run(async () => {
      const u = await call(api.POST('/api/money/price-updates', { body: preview.spec }));
      setCurrent(u);
      setPreview(null);
      setChosen([]);
      setPercent('');
      setAmounts({});
      setNote('');
    });
  };

  const fields: Record<string, [string, string]> = {
    offer_ids: ['pu-offers', 'Tilbud'],
    effective_from: ['pu-from', 'Gælder fra'],
    percent: ['pu-percent', 'Procent'],
    ...Object.fromEntries(chosen.map((id): [string, [string, string]] => [`amounts.${id}`, [`amounts.${id}`, 'Ny pris']])),
    ...Object.fromEntries(chosen.map((id): [string, [string, string]] => [`offer_ids.${id}`, [`pu-offer-${id}`, 'Tilbud']])),
  };

  let form;
  if (offers.state === 'loading') form = <Loading text="Henter tilbud …" />;
  else if (offers.state === 'error')
    form = (
      <Alert
        variant="error"
        heading="Tilbuddene kunne ikke hentes"
        action={
          <button type="button" className="button button-secondary" onClick={reloadOffers}>
            Prøv igen
          </button>
        }
      >
        <p>{offers.message}</p>
      </Alert>
    );
  else if (offers.data.length === 0) form = <p className="empty-state">Kataloget har ingen tilbud med pris.</p>;
  else
    form = (
      <form className="money-form" onSubmit={doPreview} noValidate aria-labelledby="pu-form-heading">
        <h2 id="pu-form-heading">Ny prisopdatering</h2>
        <ErrorSummary errors={errors} fields={fields} general={general} heading="Prisopdateringen kunne ikke beregnes" />
        <OfferChooser
          offers={offers.data}
          chosen={chosen}
          onChange={(ids) => {
            setChosen(ids);
            setErrors((e) => ({ ...e, offer_ids: '' }));
            changed();
          }}
          error={errors.offer_ids || undefined}
          method={method}
          amounts={amounts}
          onAmount={(id, v) => {
            setAmounts((a) => ({ ...a, [id]: v }));
            changed();
          }}
          amountErrors={errors}
        />
        <TextField
          id="pu-from"
          label="Gælder fra"
          hint="Som regel den 1. i en måned"
          type="date"
          value={from}
          onChange={(v) => {
            setFrom(v);
            changed();
          }}
          error={errors.effective_from}
          width="input-width-s"
        />
        <RadioGroup
          id="pu-method"
          legend="Ny pris"
          choices={[
            { value: 'percent', label: 'Reguler med en procent' },
            { value: 'amounts', label: 'Angiv nye beløb pr. tilbud' },
          ]}
          value={method}
          onChange={(v) => {
            setMethod(v);
            setErrors({});
            changed();
          }}
        />
        {method === 'percent' ? (
          <TextField
            id="pu-percent"
            label="Procent"
            hint="Fx 3,5 for en stigning på 3,5 % eller -2 for et fald"
            value={percent}
            onChange={(v) => {
              setPercent(v);
              setErrors((e) => ({ ...e, percent: '' }));
              changed();
            }}
            error={errors.percent || undefined}
            width="input-width-xs"
          />
        ) : null}
        <TextArea id="pu-note" label="Bemærkning" hint="Valgfri, fx aftalens reference" rows={2} value={note} onChange={setNote} />
        <button type="submit" className={`button button-secondary ${busy && !preview ? 'spinner-active' : ''}`.trim()} aria-disabled={busy || undefined}>
          Vis ændringerne
        </button>
      </form>
    );

  return (
    <>
      <PageHeading>Prisopdatering</PageHeading>
      <p>Regulér priserne på tilbud fra en dato. Både katalogets priser og de løbende bevillingers priser ændres, så de følger med.</p>
      {current ? (
        <section aria-labelledby="current-update-heading" className="case-section">
          <h2 id="current-update-heading">Status for prisopdateringen</h2>
          <UpdateStatus key={current.id} initial={current} onChanged={reloadUpdates} />
        </section>
      ) : null}
      <section className="case-section" aria-busy={offers.state === 'loading'} aria-label="Ny prisopdatering">
        {form}
      </section>
      <div ref={previewRef} tabIndex={-1} className="money-preview-wrap">
        {preview ? (
          <>
            <PreviewTables preview={preview.data} />
            <div className="button-row">
              <button type="button" className={`button button-primary ${busy ? 'spinner-active' : ''}`.trim()} onClick={() => void apply()} aria-disabled={busy || undefined}>
                Gennemfør prisopdateringen
              </button>
              <button type="button" className="button button-tertiary" onClick={() => setPreview(null)}>
                Fortryd
              </button>
            </div>
          </>
        ) : null}
      </div>
      <section aria-labelledby="updates-heading" className="case-section" aria-busy={updates.state === 'loading'}>
        <h2 id="updates-heading">Tidligere prisopdateringer</h2>
        {updates.state === 'loading' ? (
          <Loading text="Henter prisopdateringer …" />
        ) : updates.state === 'error' ? (
          <Alert
            variant="error"
            heading="Prisopdateringerne kunne ikke hentes"
            action={
              <button type="button" className="button button-secondary" onClick={reloadUpdates}>
                Prøv igen
              </button>
            }
          >
            <p>{updates.message}</p>
          </Alert>
        ) : updates.data.items.length === 0 ? (
          <p className="empty-state">Der er ikke lavet prisopdateringer endnu.</p>
        ) : (
          <div className="table--responsive-scroll" tabIndex={0} role="region" aria-labelledby="updates-caption">
            <table className="table table--compact">
              <caption id="updates-caption">Prisopdateringer, nyeste først</caption>
              <thead>
                <tr>
                  <th scope="col">Gælder fra</th>
                  <th scope="col">Regulering</th>
                  <th scope="col" className="num">
                    Tilbud
                  </th>
                  <th scope="col">Status</th>
                  <th scope="col">Bestilt</th>
                  <th scope="col">
                    <span className="sr-only">Handling</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {updates.data.items.map((u) => (
                  <tr key={u.id}>
                    <th scope="row">{formatDate(u.effective_from)}</th>
                    <td>{u.percent ? percentText(u.percent) : 'Nye beløb'}</td>
                    <td className="num">{formatNumber(u.offer_ids.length)}</td>
                    <td>{u.status_label}</td>
                    <td>
                      {formatDateTime(u.requested_at)}
                      <span className="cell-note">{u.requested_by}</span>
                    </td>
                    <td>
                      {current?.id === u.id ? null : (
                        <button type="button" className="button button-tertiary" onClick={() => setCurrent(u)}>
                          Vis<span className="sr-only"> prisopdateringen fra {formatDate(u.effective_from)}</span>
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
