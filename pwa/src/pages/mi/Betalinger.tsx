import { useState, type FormEvent } from 'react';
import { api, ApiError, call, can, fieldErrors, messageOf, type SessionRead } from '../../api/client';
import type { components } from '../../api/schema';
import { Alert } from '../../components/Alert';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorSummary, SelectField, TextField, type Choice } from '../../components/Form';
import { Loading } from '../../components/Loading';
import { Pager } from '../../components/Pager';
import { formatDate, formatDateTime, formatNumber, plural } from '../../format';
import { columnIndex, formatKr } from './table';
import { useSubmit } from '../../mutation';
import { invalidate, useApiQuery } from '../../useApi';

type PaymentRead = components['schemas']['PaymentRead'];

/** "12.345,67" / "12345,5" / "12345" kroner -> øre, or null. */
export function parseKr(text: string): number | null {
  const t = text.replace(/\s|kr\.?/gi, '');
  if (!/^\d{1,3}(\.\d{3})*(,\d{1,2})?$|^\d+(,\d{1,2})?$/.test(t)) return null;
  const [whole, frac = ''] = t.replace(/\./g, '').split(',');
  return Number(whole) * 100 + Number((frac + '00').slice(0, 2));
}

const FIELDS: Record<string, [string, string]> = {
  supplier: ['pay-supplier', 'Leverandør'],
  bevilling_id: ['pay-bevilling', 'Bevilling'],
  period_from: ['pay-from', 'Periode fra'],
  period_to: ['pay-to', 'Periode til'],
  amount_oere: ['pay-amount', 'Beløb'],
  invoice_ref: ['pay-invoice', 'Fakturanummer'],
};

/** Register a payment against a bevilling (finance): supplier, then the bevilling, the period and the amount. */
function RegisterPayment({ onDone }: { onDone: (p: PaymentRead) => void }) {
  const [suppliers, reloadSuppliers] = useApiQuery(['money', 'suppliers', { active: true }], 
    (signal) => call(api.GET('/api/money/suppliers', { params: { query: { active: true } }, signal })),
  );
  const [supplierId, setSupplierId] = useState('');
  const [bevillinger] = useApiQuery(['mi', 'report', 'bevillinger', supplierId], 
    (signal) =>
      supplierId
        ? call(
            api.POST('/api/reports/{key}', {
              params: { path: { key: 'bevillinger' } },
              body: { params: { supplier_id: supplierId, include_ended: true }, page: 1, page_size: 200 },
              signal,
            }),
          )
        : Promise.resolve(null),
  );
  const [bevillingId, setBevillingId] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [amount, setAmount] = useState('');
  const [invoice, setInvoice] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const { run, busy, general, setGeneral } = useSubmit({ setErrors });

  let bevillingChoices: Choice[] = [{ value: '', label: 'Vælg bevilling' }];
  if (bevillinger.state === 'ready' && bevillinger.data) {
    const t = bevillinger.data;
    const [ci, mi, fi, ti, ii] = ['child', 'measure', 'period_from', 'ends_on', 'bevilling_id'].map((k) =>
      columnIndex(t, k),
    ) as [number, number, number, number, number];
    bevillingChoices = [
      ...bevillingChoices,
      ...t.rows.map((r) => ({
        value: String(r[ii]),
        label: `${String(r[ci])} – ${String(r[mi])} – fra ${formatDate(String(r[fi]))}${r[ti] ? ` til ${formatDate(String(r[ti]))}` : ''}`,
      })),
    ];
  }

  const clear = (key: string) =>
    setErrors((e) => {
      const next = { ...e };
      delete next[key];
      return next;
    });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    setGeneral(undefined);
    const problems: Record<string, string> = {};
    if (!supplierId) problems.supplier = 'Vælg leverandøren';
    if (!from) problems.period_from = 'Skriv periodens første dag';
    if (!to) problems.period_to = 'Skriv periodens sidste dag';
    const oere = parseKr(amount);
    if (oere === null) problems.amount_oere = 'Skriv beløbet i kroner, fx 12.345,67';
    else if (oere <= 0) problems.amount_oere = 'Beløbet skal være større end 0';
    setErrors(problems);
    if (Object.keys(problems).length > 0) return;
    await run(
      async () => {
        const p = await call(
          api.POST('/api/money/payments', {
            body: {
              bevilling_id: bevillingId || null,
              period_from: from,
              period_to: to,
              amount_oere: oere ?? 0,
              invoice_ref: invoice.trim(),
            },
          }),
        );
        setErrors({});
        setBevillingId('');
        setFrom('');
        setTo('');
        setAmount('');
        setInvoice('');
        onDone(p);
      },
      // A field this form does not show (the bevilling's own rules): its message as the general one.
      (err) => {
        const fields = fieldErrors(err);
        const known = Object.keys(fields).filter((k) => FIELDS[k]);
        if (known.length > 0) setErrors(fields);
        else setGeneral(Object.values(fields)[0] ?? messageOf(err));
      },
    );
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate className="mi-payment-form" aria-labelledby="pay-heading">
      <h3 id="pay-heading">Registrér betaling</h3>
      <ErrorSummary errors={errors} fields={FIELDS} />
      {general ? (
        <Alert variant="error" heading="Betalingen blev ikke registreret">
          <p>{general}</p>
        </Alert>
      ) : null}
      <SelectField
        id="pay-supplier"
        label="Leverandør"
        hint={suppliers.state === 'loading' ? 'Henter leverandører …' : suppliers.state === 'error' ? 'Leverandørerne kunne ikke hentes' : undefined}
        value={supplierId}
        onChange={(v) => {
          setSupplierId(v);
          setBevillingId('');
          clear('supplier');
        }}
        choices={[
          { value: '', label: 'Vælg leverandør' },
          ...(suppliers.state === 'ready' ? suppliers.data.map((s) => ({ value: s.id, label: s.name })) : []),
        ]}
        error={errors.supplier}
      />
      {suppliers.state === 'error' ? (
        <button type="button" className="button button-tertiary button-small" onClick={reloadSuppliers}>
          Hent leverandører igen
        </button>
      ) : null}
      <SelectField
        id="pay-bevilling"
        label="Bevilling"
        hint={
          !supplierId
            ? 'Vælg først leverandøren'
            : bevillinger.state === 'loading'
              ? 'Henter bevillinger …'
              : bevillingChoices.length === 1
                ? 'Leverandøren har ingen bevillinger'
                : 'Betalingen skal ligge inden for bevillingens periode'
        }
        value={bevillingId}
        onChange={(v) => {
          setBevillingId(v);
          clear('bevilling_id');
        }}
        choices={bevillingChoices}
        error={errors.bevilling_id}
      />
      <div className="filter-grid">
        <TextField id="pay-from" label="Periode fra" type="date" value={from} onChange={(v) => { setFrom(v); clear('period_from'); }} error={errors.period_from} width="input-width-s" />
        <TextField id="pay-to" label="Periode til" type="date" value={to} onChange={(v) => { setTo(v); clear('period_to'); }} error={errors.period_to} width="input-width-s" />
        <TextField id="pay-amount" label="Beløb (kr.)" hint="Fx 12.345,67" inputMode="text" value={amount} onChange={(v) => { setAmount(v); clear('amount_oere'); }} error={errors.amount_oere} width="input-width-s" />
        <TextField id="pay-invoice" label="Fakturanummer" value={invoice} onChange={(v) => { setInvoice(v); clear('invoice_ref'); }} error={errors.invoice_ref} width="input-width-s" />
      </div>
      <div className="button-row">
        <button type="submit" className={`button button-primary ${busy ? 'spinner-active' : ''}`.trim()} aria-disabled={busy || undefined}>
          Registrér betaling
        </button>
      </div>
    </form>
  );
}

const STATUS: Choice[] = [
  { value: '', label: 'Alle' },
  { value: 'registreret', label: 'Afventer godkendelse' },
  { value: 'godkendt', label: 'Godkendt – klar til eksport' },
  { value: 'eksporteret', label: 'Eksporteret' },
  { value: 'annulleret', label: 'Annulleret' },
];

function PaymentList({ manager, onChanged }: { manager: boolean; onChanged: () => void }) {
  const [status, setStatus] = useState('');
  const [page, setPage] = useState(1);
  const [list, reload] = useApiQuery(['money', 'payments', { status, page }], 
    (signal) =>
      call(api.GET('/api/money/payments', { params: { query: { status: status || null, page, page_size: 20 } }, signal })),
    { keepPrevious: true },
  );
  const [approving, setApproving] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | undefined>();

  const approve = async (p: PaymentRead) => {
    setApproving(p.id);
    setFailure(undefined);
    try {
      await call(api.POST('/api/money/payments/{payment_id}/approve', { params: { path: { payment_id: p.id } }, body: { version: p.version } }));
      onChanged();
    } catch (err) {
      setFailure(err instanceof ApiError && err.status === 403 ? `${messageOf(err)}` : messageOf(err));
    } finally {
      setApproving(null);
    }
  };

  const data = list.state === 'ready' ? list.data : null;
  const pages = data ? Math.max(1, Math.ceil(data.total / data.page_size)) : 1;
  return (
    <section aria-labelledby="pay-list-heading" aria-busy={list.state === 'loading'}>
      <h3 id="pay-list-heading">Betalinger</h3>
      <SelectField id="pay-status" label="Status" value={status} onChange={(v) => { setStatus(v); setPage(1); }} choices={STATUS} />
      {failure ? (
        <Alert variant="error" heading="Betalingen blev ikke godkendt">
          <p>{failure}</p>
        </Alert>
      ) : null}
      {list.state === 'loading' ? <Loading text="Henter betalinger …" /> : null}
      {list.state === 'error' ? (
        <Alert variant="error" heading="Betalingerne kunne ikke hentes" action={<button type="button" className="button button-secondary" onClick={reload}>Prøv igen</button>}>
          <p>{list.message}</p>
        </Alert>
      ) : null}
      {data && data.items.length === 0 ? <p className="empty-state">Ingen betalinger</p> : null}
      {data && data.items.length > 0 ? (
        <>
          <p role="status">
            {plural(data.total, 'betaling', 'betalinger')}, i alt {formatKr(data.total_oere)}
          </p>
          <div className="table--responsive-scroll" tabIndex={0} role="region" aria-labelledby="pay-list-caption">
            <table className="table table--compact mi-table">
              <caption id="pay-list-caption">Betalinger, side {data.page} af {pages}</caption>
              <thead>
                <tr>
                  <th scope="col">Barn</th>
                  <th scope="col">Leverandør</th>
                  <th scope="col">Indsats</th>
                  <th scope="col">Periode</th>
                  <th scope="col" className="num">Beløb</th>
                  <th scope="col">Faktura</th>
                  <th scope="col">Status</th>
                  <th scope="col">Registreret</th>
                  {manager ? <th scope="col"><span className="sr-only">Handlinger</span></th> : null}
                </tr>
              </thead>
              <tbody>
                {data.items.map((p) => (
                  <tr key={p.id}>
                    <th scope="row">{p.child_name}</th>
                    <td>{p.supplier_name}</td>
                    <td>{p.measure_label}</td>
                    <td>
                      {formatDate(p.period_from)}–{formatDate(p.period_to)}
                    </td>
                    <td className="num">{formatKr(p.amount_oere)}</td>
                    <td>{p.invoice_ref || '–'}</td>
                    <td>{p.status_label}</td>
                    <td>
                      {formatDateTime(p.registered_at)} af {p.registered_by_name}
                    </td>
                    {manager ? (
                      <td>
                        {p.status === 'registreret' ? (
                          <button
                            type="button"
                            className={`button button-secondary button-small ${approving === p.id ? 'spinner-active' : ''}`.trim()}
                            onClick={() => void approve(p)}
                          >
                            Godkend<span className="sr-only"> betalingen til {p.supplier_name} for {p.child_name}</span>
                          </button>
                        ) : null}
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {pages > 1 ? <Pager label="Sider med betalinger" page={page} pages={pages} onGo={setPage} /> : null}
        </>
      ) : null}
    </section>
  );
}

/** Export approved payments to the finance system's file, and the earlier files. */
function FinanceExport({ onChanged }: { onChanged: () => void }) {
  const [exports, reload] = useApiQuery(['money', 'payment-exports'], (signal) => call(api.GET('/api/money/payment-exports', { signal })));
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  // What the export will take (asked before confirming), or null when not confirming.
  const [waiting, setWaiting] = useState<{ count: number; total: number } | null>(null);
  const [failure, setFailure] = useState<string | undefined>();
  const nothing = 'Der er ingen godkendte betalinger, der venter på eksport.';

  const ask = async () => {
    if (busy) return;
    setBusy(true);
    setMessage(null);
    setFailure(undefined);
    try {
      const r = await call(api.GET('/api/money/payments', { params: { query: { status: 'godkendt', page_size: 1 } } }));
      if (r.total === 0) setMessage({ ok: false, text: nothing });
      else setWaiting({ count: r.total, total: r.total_oere });
    } catch (err) {
      setMessage({ ok: false, text: messageOf(err) });
    } finally {
      setBusy(false);
    }
  };

  const run = async () => {
    if (busy) return;
    setBusy(true);
    setFailure(undefined);
    try {
      const e = await call(api.POST('/api/money/payment-exports'));
      setWaiting(null);
      setMessage({ ok: true, text: `${plural(e.payment_count, 'betaling', 'betalinger')} på i alt ${formatKr(e.total_oere)} er eksporteret til filen ${e.filename}.` });
      onChanged();
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        setWaiting(null);
        setMessage({ ok: false, text: nothing });
      } else setFailure(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="pay-export-heading">
      <h3 id="pay-export-heading">Eksport til økonomisystemet</h3>
      <p>Alle godkendte betalinger, der ikke er eksporteret, samles i én fil (CSV). Hver betaling eksporteres kun én gang.</p>
      <button type="button" className={`button button-primary ${busy ? 'spinner-active' : ''}`.trim()} aria-disabled={busy || undefined} onClick={() => void ask()}>
        Eksportér godkendte betalinger
      </button>
      {waiting ? (
        <ConfirmDialog
          title="Eksportér godkendte betalinger?"
          confirmLabel="Eksportér godkendte betalinger"
          busy={busy}
          error={failure}
          onConfirm={() => void run()}
          onCancel={() => {
            setWaiting(null);
            setFailure(undefined);
          }}
        >
          <p>
            Betalingerne samles i én fil til økonomisystemet og markeres som eksporteret. En eksporteret betaling kan ikke annulleres eller
            eksporteres igen.
          </p>
          <dl className="confirm-facts">
            <dt>Betalinger</dt>
            <dd>{plural(waiting.count, 'betaling', 'betalinger')}</dd>
            <dt>I alt</dt>
            <dd>{formatKr(waiting.total)}</dd>
          </dl>
          <p>Betalinger, der bliver godkendt i mellemtiden, kommer også med i filen.</p>
        </ConfirmDialog>
      ) : null}
      {message ? (
        <Alert variant={message.ok ? 'success' : 'warning'} heading={message.ok ? 'Eksporten er dannet' : 'Intet at eksportere'}>
          <p>{message.text}</p>
        </Alert>
      ) : null}
      {exports.state === 'loading' ? <Loading text="Henter eksporter …" small /> : null}
      {exports.state === 'error' ? (
        <Alert variant="error" heading="Eksporterne kunne ikke hentes" action={<button type="button" className="button button-secondary" onClick={reload}>Prøv igen</button>}>
          <p>{exports.message}</p>
        </Alert>
      ) : null}
      {exports.state === 'ready' && exports.data.items.length === 0 ? <p className="empty-state">Der er ikke eksporteret betalinger endnu</p> : null}
      {exports.state === 'ready' && exports.data.items.length > 0 ? (
        <div className="table--responsive-scroll" tabIndex={0} role="region" aria-labelledby="pay-exports-caption">
          <table className="table table--compact mi-table">
            <caption id="pay-exports-caption">Eksportfiler</caption>
            <thead>
              <tr>
                <th scope="col">Dannet</th>
                <th scope="col">Af</th>
                <th scope="col" className="num">Betalinger</th>
                <th scope="col" className="num">I alt</th>
                <th scope="col">Fil</th>
              </tr>
            </thead>
            <tbody>
              {exports.data.items.map((e) => (
                <tr key={e.id}>
                  <th scope="row">{formatDateTime(e.created_at)}</th>
                  <td>{e.created_by_name}</td>
                  <td className="num">{formatNumber(e.payment_count)}</td>
                  <td className="num">{formatKr(e.total_oere)}</td>
                  <td>
                    <a href={`/api/money/payment-exports/${e.id}/file`} download={e.filename}>
                      Hent {e.filename}
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

const GROUPS: Choice[] = [
  { value: 'measure', label: 'Indsatstype' },
  { value: 'supplier', label: 'Leverandør' },
  { value: 'team', label: 'Team' },
  { value: 'case', label: 'Sag' },
];

/** Expected against actual spending (GET /api/money/spending) as a table. */
function Spending() {
  const year = new Date().getFullYear();
  const [groupBy, setGroupBy] = useState('measure');
  const [from, setFrom] = useState(`${year}-01-01`);
  const [to, setTo] = useState(`${year}-12-31`);
  const [applied, setApplied] = useState({ groupBy, from, to });
  const [data, reload] = useApiQuery(['money', 'spending', applied], 
    (signal) =>
      call(
        api.GET('/api/money/spending', {
          params: { query: { group_by: applied.groupBy, period_from: applied.from || null, period_to: applied.to || null } },
          signal,
        }),
      ),
    { keepPrevious: true },
  );
  const [errors, setErrors] = useState<Record<string, string>>({});
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const p: Record<string, string> = {};
    if (from && to && to < from) p.period_to = '„Til“ skal være samme dag som eller efter „Fra“';
    setErrors(p);
    if (Object.keys(p).length === 0) setApplied({ groupBy, from, to });
  };
  const label = GROUPS.find((g) => g.value === applied.groupBy)?.label ?? '';
  return (
    <section aria-labelledby="spending-heading" aria-busy={data.state === 'loading'}>
      <h3 id="spending-heading">Forventet og faktisk forbrug</h3>
      <form onSubmit={submit} noValidate className="mi-spending-form" aria-label="Forbrug">
        <div className="filter-grid">
          <SelectField id="spend-group" label="Opdelt på" value={groupBy} onChange={setGroupBy} choices={GROUPS} />
          <TextField id="spend-from" label="Fra" type="date" value={from} onChange={setFrom} width="input-width-s" />
          <TextField id="spend-to" label="Til" type="date" value={to} onChange={setTo} error={errors.period_to} width="input-width-s" />
        </div>
        <div className="button-row">
          <button type="submit" className="button button-secondary">
            Vis forbrug
          </button>
        </div>
      </form>
      {data.state === 'loading' ? <Loading text="Beregner forbrug …" /> : null}
      {data.state === 'error' ? (
        <Alert variant="error" heading="Forbruget kunne ikke hentes" action={<button type="button" className="button button-secondary" onClick={reload}>Prøv igen</button>}>
          <p>{data.message}</p>
        </Alert>
      ) : null}
      {data.state === 'ready' && data.data.rows.length === 0 ? <p className="empty-state">Intet forbrug i perioden</p> : null}
      {data.state === 'ready' && data.data.rows.length > 0 ? (
        <div className="table--responsive-scroll" tabIndex={0} role="region" aria-labelledby="spending-caption">
          <table className="table table--compact mi-table">
            <caption id="spending-caption">
              Forbrug efter {label.toLowerCase()}, {formatDate(data.data.period_from)}–{formatDate(data.data.period_to)}
            </caption>
            <thead>
              <tr>
                <th scope="col">{label}</th>
                <th scope="col" className="num">Forventet</th>
                <th scope="col" className="num">Betalt</th>
                <th scope="col" className="num">Forskel (betalt − forventet)</th>
              </tr>
            </thead>
            <tbody>
              {data.data.rows.map((r, i) => (
                <tr key={r.key ?? i}>
                  <th scope="row">{r.label}</th>
                  <td className="num">{formatKr(r.expected_oere)}</td>
                  <td className="num">{formatKr(r.actual_oere)}</td>
                  <td className="num">{formatKr(r.difference_oere)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">I alt</th>
                <td className="num">{formatKr(data.data.expected_oere)}</td>
                <td className="num">{formatKr(data.data.actual_oere)}</td>
                <td className="num">{formatKr(data.data.actual_oere - data.data.expected_oere)}</td>
              </tr>
            </tfoot>
          </table>
        </div>
      ) : null}
    </section>
  );
}

/** Payments and spending: finance registers and exports, a manager approves; both see spending. */
export function Betalinger({ session }: { session: SessionRead }) {
  const finance = can(session, 'finance.manage');
  const manager = can(session, 'case.approve');
  const [flash, setFlash] = useState<string | null>(null);
  // A payment registered, approved or exported: the lists and the spending fetch again.
  const changed = () => invalidate(['money', 'payments'], ['money', 'payment-exports'], ['money', 'spending']);
  return (
    <>
      {flash ? (
        <Alert variant="success" heading="Betalingen er registreret">
          <p>{flash}</p>
        </Alert>
      ) : null}
      {finance ? (
        <RegisterPayment
          onDone={(p) => {
            setFlash(`${formatKr(p.amount_oere)} til ${p.supplier_name} for ${p.child_name} (${formatDate(p.period_from)}–${formatDate(p.period_to)}): ${p.status_label}.`);
            changed();
          }}
        />
      ) : null}
      {finance || manager ? <PaymentList manager={manager} onChanged={changed} /> : null}
      {finance ? <FinanceExport onChanged={changed} /> : null}
      <Spending />
    </>
  );
}
