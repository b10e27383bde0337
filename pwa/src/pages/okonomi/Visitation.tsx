// "Bevillinger og udgifter" on the case page: the running bevillinger, and the visitation
// with costs — compose measures from the catalogue into a draft, see the expected cost per
// month, per year and until the planned end, submit it for the manager's approval; the
// manager approves or returns it here (and from the front page's list).
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, ApiError, call, can, messageOf, type SessionRead } from '../../api/client';
import { Alert } from '../../components/Alert';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorSummary, SelectField, TextArea, TextField } from '../../components/Form';
import { Loading } from '../../components/Loading';
import { formatDate, formatDateTime, todayInCopenhagen } from '../../format';
import { useSubmit } from '../../mutation';
import { useApiQuery } from '../../useApi';
import {
  fullFieldErrors,
  kr,
  krChange,
  quantityText,
  type BevillingRead,
  type CatalogueOptions,
  type CostRead,
  type DraftRead,
  type OfferRead,
} from './money';
import './okonomi.css';

const PARAGRAPHS = [
  { value: '32', label: '§ 32 – støtte uden anbringelse' },
  { value: '46', label: '§ 46 – anbringelse med samtykke' },
  { value: '47', label: '§ 47 – anbringelse uden samtykke' },
];

function paragraphLabel(p: string): string {
  return PARAGRAPHS.find((x) => x.value === p)?.label ?? `§ ${p}`;
}

/** A failed save as the form's messages: the API's per field, else one general under `_`. */
function fieldsOrGeneral(err: unknown): Record<string, string> {
  const found = fullFieldErrors(err);
  return Object.keys(found).length > 0 ? found : { _: messageOf(err) };
}

/** The open draft of a case (any status but used/cancelled), or null. */
export async function openDraft(caseId: string, signal?: AbortSignal): Promise<DraftRead | null> {
  try {
    return await call(api.GET('/api/money/cases/{case_id}/draft', { params: { path: { case_id: caseId } }, signal }));
  } catch (err) {
    if (err instanceof ApiError && (err.status === 404 || err.status === 403)) return null;
    throw err;
  }
}

/** What the three figures mean: the same model for the visitation, the approval and the bevilling. */
export const COST_MODEL_NOTE =
  'Pr. måned og pr. år er den løbende udgift (12 måneder fra start, eller fra i dag når indsatsen er i gang, uden engangsbeløb). Hele perioden er udgiften fra start til planlagt slut.';

/** Totals of a draft: per month, per year, for the whole period, one-offs. */
export function CostSummary({ cost, id, caption }: { cost: CostRead; id: string; caption: string }) {
  return (
    <div role="group" className="money-totals" aria-labelledby={id}>
      <p id={id} className="money-totals-caption">
        {caption}
      </p>
      <dl>
      <div>
        <dt>Pr. måned</dt>
        <dd>{kr(cost.per_month_oere)}</dd>
      </div>
      <div>
        <dt>Pr. år</dt>
        <dd>{kr(cost.per_year_oere)}</dd>
      </div>
      <div>
        <dt>Hele perioden</dt>
        <dd>{cost.until_end_oere === null ? 'Ingen planlagt slut' : kr(cost.until_end_oere)}</dd>
      </div>
      {cost.one_off_oere ? (
        <div>
          <dt>Engangsbeløb</dt>
          <dd>{kr(cost.one_off_oere)}</dd>
        </div>
      ) : null}
      </dl>
      <p className="money-totals-note">{COST_MODEL_NOTE}</p>
      {cost.months.length > 0 ? (
        <details className="money-details">
          <summary>Udgift måned for måned</summary>
          <div className="table--responsive-scroll" tabIndex={0} role="region" aria-labelledby={`${id}-months`}>
            <table className="table table--compact">
              <caption id={`${id}-months`}>
                {cost.until_end_oere === null ? 'Forventet udgift de første 12 måneder' : 'Forventet udgift for hele perioden'}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Måned</th>
                  <th scope="col" className="num">
                    Udgift
                  </th>
                </tr>
              </thead>
              <tbody>
                {cost.months.map((m) => (
                  <tr key={m.month}>
                    <th scope="row">{monthLabel(m.month)}</th>
                    <td className="num">{kr(m.amount_oere)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      ) : null}
      {cost.unpriced_days > 0 ? (
        <Alert variant="warning" role="note" heading={`${cost.unpriced_days} dage uden pris`}>
          <p>Tilbuddet har ingen pris i en del af perioden. Visitationen kan ikke sendes til godkendelse, før prisen er på plads.</p>
        </Alert>
      ) : null}
    </div>
  );
}

const monthName = new Intl.DateTimeFormat('da-DK', { month: 'long', year: 'numeric', timeZone: 'UTC' });

/** "2026-03" -> "marts 2026". */
function monthLabel(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return monthName.format(new Date(Date.UTC(y, m - 1, 1)));
}

function BevillingTable({ items }: { items: BevillingRead[] }) {
  return (
    <div className="table--responsive-scroll" tabIndex={0} role="region" aria-labelledby="bevillinger-caption">
      <table className="table table--compact">
        <caption id="bevillinger-caption">Bevillinger</caption>
        <thead>
          <tr>
            <th scope="col">Indsats</th>
            <th scope="col">Leverandør og tilbud</th>
            <th scope="col">Periode</th>
            <th scope="col" className="num">
              Pr. måned
            </th>
            <th scope="col" className="num">
              Pr. år
            </th>
            <th scope="col" className="num">
              Hele perioden
            </th>
            <th scope="col">Bevilget</th>
          </tr>
        </thead>
        <tbody>
          {items.map((b) => (
            <tr key={b.id}>
              <th scope="row">
                {b.measure_label}
                <span className="cell-note">
                  § {b.paragraph} · {quantityText(String(b.quantity), b.unit, b.frequency)}
                </span>
              </th>
              <td>
                {b.supplier_name}
                <span className="cell-note">{b.offer_name}</span>
              </td>
              <td>
                {formatDate(b.period_from)}
                {b.period_to ? ` – ${formatDate(b.period_to)}` : ' –'}
              </td>
              <td className="num">{kr(b.per_month_oere)}</td>
              <td className="num">{kr(b.per_year_oere)}</td>
              <td className="num">{b.until_end_oere === null ? 'Ingen planlagt slut' : kr(b.until_end_oere)}</td>
              <td>{b.approved_by ? `Godkendt af ${b.approved_by_name ?? ''}` : 'Uden godkendelse'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

type LineForm = {
  measure: string;
  offer: string;
  quantity: string;
  frequency: string;
  startsOn: string;
  endsOn: string;
};

const EMPTY_LINE = (): LineForm => ({
  measure: '',
  offer: '',
  quantity: '1',
  frequency: '',
  startsOn: todayInCopenhagen(),
  endsOn: '',
});

const LINE_FIELDS: Record<string, [string, string]> = {
  measure_kind: ['line-measure', 'Indsatstype'],
  offer_id: ['line-offer', 'Leverandør og tilbud'],
  quantity: ['line-quantity', 'Antal'],
  frequency: ['line-frequency', 'Hyppighed'],
  starts_on: ['line-start', 'Start'],
  ends_on: ['line-end', 'Planlagt slut'],
};

/** Add a line to the draft: measure type (by legal basis), supplier and offer, quantity, period. */
function AddLine({
  draft,
  options,
  onChanged,
}: {
  draft: DraftRead;
  options: CatalogueOptions;
  onChanged: (d: DraftRead) => void;
}) {
  const [line, setLine] = useState<LineForm>(EMPTY_LINE);
  const [offers, setOffers] = useState<{ state: 'idle' | 'loading' | 'ready' | 'error'; items: OfferRead[]; message?: string }>({
    state: 'idle',
    items: [],
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const { run, busy } = useSubmit({ setErrors, fields: fieldsOrGeneral });

  const types = options.measure_types.filter((m) => m.paragraphs.includes(draft.paragraph));

  useEffect(() => {
    if (!line.measure) {
      setOffers({ state: 'idle', items: [] });
      return;
    }
    const ctrl = new AbortController();
    setOffers({ state: 'loading', items: [] });
    call(
      api.GET('/api/money/offers', {
        params: { query: { measure_kind: line.measure, active: true, priced: true } },
        signal: ctrl.signal,
      }),
    ).then(
      (items) => setOffers({ state: 'ready', items }),
      (err: unknown) => {
        if (!ctrl.signal.aborted) setOffers({ state: 'error', items: [], message: messageOf(err) });
      },
    );
    return () => ctrl.abort();
  }, [line.measure]);

  const offer = offers.items.find((o) => o.id === line.offer);
  const frequencies = offer ? (options.unit_frequencies[offer.unit] ?? []) : [];
  const freqLabel = (f: string) => options.frequencies.find((x) => x.key === f)?.label ?? f;
  const unitLabel = (u: string) => options.units.find((x) => x.key === u)?.label ?? u;

  const set = (key: keyof LineForm, errorKey: string) => (value: string) => {
    setLine((l) => {
      const next = { ...l, [key]: value };
      if (key === 'measure') next.offer = '';
      if (key === 'measure' || key === 'offer') next.frequency = '';
      return next;
    });
    setErrors((e) => {
      const { [errorKey]: _gone, ...rest } = e;
      return rest;
    });
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const e: Record<string, string> = {};
    if (!line.measure) e.measure_kind = 'Vælg indsatstype';
    if (!line.offer) e.offer_id = 'Vælg leverandør og tilbud';
    const q = line.quantity.trim().replace(',', '.');
    if (!/^\d+(\.\d{1,2})?$/.test(q) || Number(q) <= 0) e.quantity = 'Angiv et antal større end 0, fx 3 eller 2,5';
    if (!/^\d{4}-\d{2}-\d{2}$/.test(line.startsOn)) e.starts_on = 'Angiv hvornår indsatsen starter';
    if (line.endsOn && line.endsOn < line.startsOn) e.ends_on = 'Den planlagte slutdato kan ikke ligge før start';
    if (Object.keys(e).length > 0) {
      setErrors(e);
      return;
    }
    setErrors({});
    await run(async () => {
      const d = await call(
        api.POST('/api/money/drafts/{draft_id}/lines', {
          params: { path: { draft_id: draft.id } },
          body: {
            measure_kind: line.measure,
            offer_id: line.offer,
            quantity: q,
            frequency: line.frequency || null,
            starts_on: line.startsOn,
            ends_on: line.endsOn || null,
          },
        }),
      );
      setLine(EMPTY_LINE());
      onChanged(d);
    });
  };

  return (
    <form className="money-form" onSubmit={submit} noValidate aria-labelledby="line-heading">
      <h3 id="line-heading" className="h4">
        Tilføj indsats
      </h3>
      <ErrorSummary errors={errors} fields={LINE_FIELDS} />
      <SelectField
        id="line-measure"
        label="Indsatstype"
        hint={`Indsatser der kan bevilges efter ${paragraphLabel(draft.paragraph)}`}
        value={line.measure}
        onChange={set('measure', 'measure_kind')}
        choices={[{ value: '', label: 'Vælg indsatstype' }, ...types.map((t) => ({ value: t.kind, label: `${t.label} (${t.basis})` }))]}
        error={errors.measure_kind}
      />
      {line.measure ? (
        offers.state === 'loading' ? (
          <Loading small text="Henter tilbud …" />
        ) : offers.state === 'error' ? (
          <Alert variant="error" heading="Tilbuddene kunne ikke hentes">
            <p>{offers.message}</p>
          </Alert>
        ) : offers.items.length === 0 ? (
          <p className="empty-state">Kataloget har ingen tilbud med pris på denne indsatstype.</p>
        ) : (
          <SelectField
            id="line-offer"
            label="Leverandør og tilbud"
            value={line.offer}
            onChange={set('offer', 'offer_id')}
            choices={[
              { value: '', label: 'Vælg tilbud' },
              ...offers.items.map((o) => ({
                value: o.id,
                label: `${o.supplier_name} – ${o.name} (${kr(o.current_price_oere)} pr. ${unitLabel(o.unit)})`,
              })),
            ]}
            error={errors.offer_id}
          />
        )
      ) : null}
      <div className="money-row">
        <TextField
          id="line-quantity"
          label="Antal"
          hint={offer ? `Antal ${unitLabel(offer.unit)}` : 'Fx 3 timer'}
          value={line.quantity}
          onChange={set('quantity', 'quantity')}
          error={errors.quantity}
          inputMode="text"
          width="input-width-xs"
        />
        {frequencies.length > 1 ? (
          <SelectField
            id="line-frequency"
            label="Hyppighed"
            value={line.frequency || frequencies[0] || ''}
            onChange={set('frequency', 'frequency')}
            choices={frequencies.map((f) => ({ value: f, label: freqLabel(f) }))}
            error={errors.frequency}
          />
        ) : null}
        <TextField
          id="line-start"
          label="Start"
          type="date"
          value={line.startsOn}
          onChange={set('startsOn', 'starts_on')}
          error={errors.starts_on}
          width="input-width-s"
        />
        <TextField
          id="line-end"
          label="Planlagt slut"
          hint="Valgfri"
          type="date"
          value={line.endsOn}
          onChange={set('endsOn', 'ends_on')}
          error={errors.ends_on}
          width="input-width-s"
        />
      </div>
      <button type="submit" className={`button button-secondary ${busy ? 'spinner-active' : ''}`.trim()} aria-disabled={busy || undefined}>
        Tilføj indsats
      </button>
    </form>
  );
}

/** Approve (with an optional note) or return (with a reason): the manager's part. */
/** The period a draft covers: "01.01.2027 – 30.06.2027", or "fra 01.01.2027 (ingen planlagt slut)". */
export function draftPeriod(draft: DraftRead): string {
  if (draft.lines.length === 0) return '–';
  const first = draft.lines.map((l) => l.starts_on).sort()[0]!;
  const open = draft.lines.some((l) => !l.ends_on && l.frequency !== 'once');
  if (open) return `Fra ${formatDate(first)} (ingen planlagt slut)`;
  const last = draft.lines.map((l) => l.ends_on ?? l.starts_on).sort().at(-1)!;
  return `${formatDate(first)} – ${formatDate(last)}`;
}

/** The anchor of the approval on the case page (the front page's list links to it). */
export const APPROVAL_ANCHOR = 'godkend-bevilling';

function ApproveDraft({ draft, onChanged }: { draft: DraftRead; onChanged: (d: DraftRead) => void }) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | undefined>();
  const { run, busy, general: failure, setGeneral: setFailure } = useSubmit();
  const [confirming, setConfirming] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);

  // Opened from the front page's "Se og godkend": bring the approval into view.
  useEffect(() => {
    if (window.location.hash === `#${APPROVAL_ANCHOR}`) {
      heading.current?.scrollIntoView({ block: 'start' });
      heading.current?.focus();
    }
  }, []);

  const act = async (kind: 'approve' | 'return') => {
    if (busy) return;
    setFailure(undefined);
    if (kind === 'return' && !text.trim()) {
      setError('Skriv hvorfor visitationen sendes tilbage');
      return;
    }
    setError(undefined);
    await run(
      async () => {
        const d =
          kind === 'approve'
            ? await call(
                api.POST('/api/money/drafts/{draft_id}/approve', {
                  params: { path: { draft_id: draft.id } },
                  body: { version: draft.version, note: text.trim() },
                }),
              )
            : await call(
                api.POST('/api/money/drafts/{draft_id}/return', {
                  params: { path: { draft_id: draft.id } },
                  body: { version: draft.version, reason: text.trim() },
                }),
              );
        setConfirming(false);
        onChanged(d);
      },
      (err) => {
        const f = fullFieldErrors(err);
        if (f.reason) setError(f.reason);
        else setFailure(messageOf(err));
      },
    );
  };

  return (
    <div className="money-approve">
      <h3 className="h4" id={APPROVAL_ANCHOR} ref={heading} tabIndex={-1}>
        Godkend bevillingen
      </h3>
      {failure && !confirming ? (
        <Alert variant="error" heading="Visitationen blev ikke behandlet">
          <p>{failure}</p>
        </Alert>
      ) : null}
      <TextArea
        id="approve-text"
        label="Bemærkning eller begrundelse"
        hint="Valgfri ved godkendelse; påkrævet når visitationen sendes tilbage"
        rows={2}
        value={text}
        onChange={(v) => {
          setText(v);
          setError(undefined);
        }}
        error={error}
      />
      <div className="button-row">
        <button
          type="button"
          className="button button-primary"
          onClick={() => {
            setFailure(undefined);
            setError(undefined);
            setConfirming(true);
          }}
          aria-disabled={busy || undefined}
        >
          Godkend bevillingen
        </button>
        <button type="button" className="button button-secondary" onClick={() => void act('return')} aria-disabled={busy || undefined}>
          Send tilbage
        </button>
      </div>
      {confirming ? (
        <ConfirmDialog
          title="Godkend bevillingen?"
          confirmLabel="Godkend bevillingen"
          busy={busy}
          error={failure}
          onConfirm={() => void act('approve')}
          onCancel={() => {
            setConfirming(false);
            setFailure(undefined);
          }}
        >
          <p>
            Du godkender visitationen efter {paragraphLabel(draft.paragraph)}. Derefter kan sagsbehandleren træffe afgørelsen, og
            udkastet kan ikke længere trækkes tilbage.
          </p>
          <dl className="confirm-facts">
            <dt>Barn</dt>
            <dd>{draft.child_name}</dd>
            <dt>Indsatser</dt>
            <dd>
              {draft.lines.map((l) => (
                <span key={l.id} className="confirm-line">
                  {l.measure_label}: {l.supplier_name}, {quantityText(l.quantity, l.unit, l.frequency)}
                </span>
              ))}
            </dd>
            <dt>Periode</dt>
            <dd>{draftPeriod(draft)}</dd>
            <dt>Pr. måned</dt>
            <dd>{kr(draft.total.per_month_oere)}</dd>
            <dt>Pr. år</dt>
            <dd>{kr(draft.total.per_year_oere)}</dd>
            <dt>Hele perioden</dt>
            <dd>{draft.total.until_end_oere === null ? 'Ingen planlagt slut' : kr(draft.total.until_end_oere)}</dd>
          </dl>
          {text.trim() ? <p>Din bemærkning: {text.trim()}</p> : null}
        </ConfirmDialog>
      ) : null}
    </div>
  );
}

function DraftView({
  draft,
  session,
  canWrite,
  options,
  onChanged,
}: {
  draft: DraftRead;
  session: SessionRead;
  canWrite: boolean;
  options: CatalogueOptions | null;
  onChanged: (d: DraftRead, message?: string) => void;
}) {
  const { run: submit, busy, general: failure, setGeneral: setFailure } = useSubmit({ fields: () => ({}) });
  const editable = canWrite && (draft.status === 'kladde' || draft.status === 'returneret');
  const mine = !!draft.submitted_by && draft.submitted_by === session.username;

  const run = async (what: () => Promise<DraftRead>, message?: string) => {
    if (busy) return;
    setFailure(undefined);
    await submit(async () => onChanged(await what(), message));
  };
  const path = { params: { path: { draft_id: draft.id } } };
  const [cancelling, setCancelling] = useState(false);
  const cancelDraft = () =>
    run(
      () =>
        call(
          api.POST('/api/money/drafts/{draft_id}/cancel', {
            ...path,
            body: { version: draft.version, reason: 'Annulleret af sagsbehandleren' },
          }),
        ),
      'Visitationen er annulleret',
    ).finally(() => setCancelling(false));

  return (
    <div className="money-draft">
      <h3 id="draft-heading" className="h4">
        Visitation efter {paragraphLabel(draft.paragraph)}
      </h3>
      <p>
        <span className={`money-status money-status-${draft.status}`}>{draft.status_label}</span>
        {draft.submitted_at ? ` · indsendt ${formatDateTime(draft.submitted_at)} af ${draft.submitted_by_name ?? ''}` : ''}
        {draft.approved_at ? ` · godkendt ${formatDateTime(draft.approved_at)} af ${draft.approved_by_name ?? ''}` : ''}
      </p>
      {draft.status === 'returneret' && draft.return_reason ? (
        <Alert variant="warning" role="note" heading={`Sendt tilbage af ${draft.returned_by_name ?? 'lederen'}`}>
          <p>{draft.return_reason}</p>
        </Alert>
      ) : null}
      {draft.status === 'godkendt' ? (
        <Alert variant="success" role="note" heading="Bevillingen er godkendt">
          <p>Træf afgørelsen under Forløb med „Træf afgørelse“: visitationens indsatser startes med deres bevilling.</p>
        </Alert>
      ) : null}
      {failure ? (
        <Alert variant="error" heading="Handlingen blev ikke gennemført">
          <p>{failure}</p>
        </Alert>
      ) : null}
      {draft.lines.length === 0 ? (
        <p className="empty-state">Visitationen har endnu ingen indsatser.</p>
      ) : (
        <div className="table--responsive-scroll" tabIndex={0} role="region" aria-labelledby="draft-lines-caption">
          <table className="table table--compact">
            <caption id="draft-lines-caption">Indsatser i visitationen</caption>
            <thead>
              <tr>
                <th scope="col">Indsats</th>
                <th scope="col">Leverandør og tilbud</th>
                <th scope="col">Periode</th>
                <th scope="col" className="num">
                  Pr. måned
                </th>
                <th scope="col" className="num">
                  Pr. år
                </th>
                <th scope="col" className="num">
                  Hele perioden
                </th>
                {editable ? (
                  <th scope="col">
                    <span className="sr-only">Handling</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {draft.lines.map((l) => (
                <tr key={l.id}>
                  <th scope="row">
                    {l.measure_label}
                    <span className="cell-note">{quantityText(l.quantity, l.unit, l.frequency)}</span>
                  </th>
                  <td>
                    {l.supplier_name}
                    <span className="cell-note">{l.offer_name}</span>
                  </td>
                  <td>
                    {formatDate(l.starts_on)}
                    {l.ends_on ? ` – ${formatDate(l.ends_on)}` : ' –'}
                  </td>
                  <td className="num">{kr(l.cost.per_month_oere)}</td>
                  <td className="num">{kr(l.cost.per_year_oere)}</td>
                  <td className="num">{l.cost.until_end_oere === null ? '–' : kr(l.cost.until_end_oere)}</td>
                  {editable ? (
                    <td>
                      <button
                        type="button"
                        className="button button-tertiary"
                        aria-disabled={busy || undefined}
                        onClick={() =>
                          void run(
                            () =>
                              call(
                                api.DELETE('/api/money/drafts/{draft_id}/lines/{line_id}', {
                                  params: { path: { draft_id: draft.id, line_id: l.id } },
                                }),
                              ),
                            `${l.measure_label} er fjernet`,
                          )
                        }
                      >
                        Fjern<span className="sr-only"> {l.measure_label}</span>
                      </button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <CostSummary cost={draft.total} id="draft-total" caption="Forventede udgifter i alt" />
      {editable && options ? <AddLine draft={draft} options={options} onChanged={(d) => onChanged(d, 'Indsatsen er tilføjet')} /> : null}
      {canWrite ? (
        <div className="button-row money-draft-actions">
          {editable && draft.lines.length > 0 ? (
            <button
              type="button"
              className="button button-primary"
              aria-disabled={busy || undefined}
              onClick={() =>
                void run(
                  () => call(api.POST('/api/money/drafts/{draft_id}/submit', { ...path, body: { version: draft.version } })),
                  'Visitationen er sendt til godkendelse',
                )
              }
            >
              Send til godkendelse
            </button>
          ) : null}
          {draft.status === 'indsendt' || (draft.status === 'godkendt' && !draft.approved_by) ? (
            <button
              type="button"
              className="button button-secondary"
              aria-disabled={busy || undefined}
              onClick={() =>
                void run(
                  () => call(api.POST('/api/money/drafts/{draft_id}/withdraw', { ...path, body: { version: draft.version } })),
                  'Visitationen er trukket tilbage og kan ændres',
                )
              }
            >
              Træk tilbage
            </button>
          ) : null}
          {editable || (canWrite && draft.status === 'godkendt') ? (
            <button
              type="button"
              className="button button-tertiary"
              aria-disabled={busy || undefined}
              onClick={() => {
                // An approved draft carries the manager's approval: ask before throwing it away.
                if (draft.status === 'godkendt') setCancelling(true);
                else void cancelDraft();
              }}
            >
              Annullér visitationen
            </button>
          ) : null}
        </div>
      ) : null}
      {cancelling ? (
        <ConfirmDialog
          title="Annullér den godkendte visitation?"
          confirmLabel="Annullér visitationen"
          cancelLabel="Behold visitationen"
          busy={busy}
          error={failure}
          onConfirm={() => void cancelDraft()}
          onCancel={() => setCancelling(false)}
        >
          <p>
            Lederens godkendelse bortfalder, og der bevilges intet. Vil du ændre indsatserne, starter du en ny visitation, som skal
            godkendes igen.
          </p>
          <dl className="confirm-facts">
            <dt>Barn</dt>
            <dd>{draft.child_name}</dd>
            <dt>Periode</dt>
            <dd>{draftPeriod(draft)}</dd>
            <dt>Pr. år</dt>
            <dd>{kr(draft.total.per_year_oere)}</dd>
          </dl>
        </ConfirmDialog>
      ) : null}
      {draft.status === 'indsendt' && can(session, 'case.approve') && !mine ? (
        <ApproveDraft draft={draft} onChanged={(d) => onChanged(d, d.status === 'godkendt' ? 'Bevillingen er godkendt' : 'Visitationen er sendt tilbage')} />
      ) : null}
    </div>
  );
}

function StartDraft({ caseId, onStarted }: { caseId: string; onStarted: (d: DraftRead) => void }) {
  const [paragraph, setParagraph] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const { run, busy } = useSubmit({ setErrors, fields: fieldsOrGeneral });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    if (!paragraph) {
      setErrors({ paragraph: 'Vælg hvilken paragraf indsatserne skal bevilges efter' });
      return;
    }
    await run(async () =>
      onStarted(
        await call(
          api.POST('/api/money/cases/{case_id}/draft', { params: { path: { case_id: caseId } }, body: { paragraph } }),
        ),
      ),
    );
  };
  return (
    <form className="money-form" onSubmit={submit} noValidate aria-labelledby="start-draft-heading">
      <h3 id="start-draft-heading" className="h4">
        Visitation med udgifter
      </h3>
      <ErrorSummary errors={errors} fields={{ paragraph: ['draft-paragraph', 'Paragraf'] }} />
      <SelectField
        id="draft-paragraph"
        label="Indsatserne bevilges efter"
        value={paragraph}
        onChange={(v) => {
          setParagraph(v);
          setErrors({});
        }}
        choices={[{ value: '', label: 'Vælg paragraf' }, ...PARAGRAPHS]}
        error={errors.paragraph}
      />
      <button type="submit" className={`button button-secondary ${busy ? 'spinner-active' : ''}`.trim()} aria-disabled={busy || undefined}>
        Start visitation
      </button>
    </form>
  );
}

/** The case page's money section. `refresh` changes when the case changed (e.g. a decision). */
export function CaseEconomy({
  caseId,
  session,
  closed,
  refresh,
}: {
  caseId: string;
  session: SessionRead;
  closed: boolean;
  refresh: number;
}) {
  const canWrite = can(session, 'case.write') && !closed;
  const [economy, reload, update] = useApiQuery(['case', caseId, 'economy'], (signal) =>
    call(api.GET('/api/money/cases/{case_id}', { params: { path: { case_id: caseId } }, signal })),
  );
  const [options] = useApiQuery(['money', 'options'], (signal) => call(api.GET('/api/money/options', { signal })));
  const [message, setMessage] = useState<string>('');
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    reload();
  }, [refresh, reload]);

  const changed = (d: DraftRead, what?: string) => {
    update((e) => ({ ...e, draft: d.status === 'annulleret' || d.status === 'anvendt' ? null : d }));
    const change = d.change_per_year_oere;
    const parts = [what, change !== null && change !== undefined && change !== 0 ? `Ændring pr. år: ${krChange(change)}` : '', `I alt pr. år: ${kr(d.total.per_year_oere)}`];
    setMessage(parts.filter(Boolean).join(' · '));
  };

  let body;
  if (economy.state === 'loading') body = <Loading text="Henter bevillinger og udgifter …" />;
  else if (economy.state === 'error')
    body = (
      <Alert
        variant="error"
        heading="Bevillinger og udgifter kunne ikke hentes"
        action={
          <button type="button" className="button button-secondary" onClick={reload}>
            Prøv igen
          </button>
        }
      >
        <p>{economy.message}</p>
      </Alert>
    );
  else {
    const e = economy.data;
    body = (
      <>
        {e.bevillinger.length > 0 ? (
          <>
            <BevillingTable items={e.bevillinger} />
            <p>
              Sagens løbende udgift: <strong>{kr(e.per_month_oere)}</strong> pr. måned, <strong>{kr(e.per_year_oere)}</strong> pr. år.
            </p>
            <p className="money-totals-note">{COST_MODEL_NOTE}</p>
          </>
        ) : (
          <p className="empty-state">Sagen har ingen bevillinger.</p>
        )}
        {e.draft ? (
          <DraftView
            draft={e.draft}
            session={session}
            canWrite={canWrite}
            options={options.state === 'ready' ? options.data : null}
            onChanged={changed}
          />
        ) : canWrite ? (
          <StartDraft caseId={caseId} onStarted={(d) => changed(d, 'Visitationen er startet')} />
        ) : null}
      </>
    );
  }

  return (
    <section aria-labelledby="economy-heading" aria-busy={economy.state === 'loading'} className="case-section money">
      <h2 id="economy-heading">Bevillinger og udgifter</h2>
      <p className="money-change" role="status">
        {message}
      </p>
      {body}
    </section>
  );
}
