// "Økonomi" (finance, role oekonomi): the catalogue — suppliers, their offers and prices —
// the price update and the catalogue's journal. Sub-pages by path:
//   /okonomi                          suppliers (list, create)
//   /okonomi/leverandoerer/<id>       a supplier: edit, offers, prices
//   /okonomi/prisopdatering           price update (preview, apply, progress, revert)
//   /okonomi/journal                  the catalogue journal
import { useState, type FormEvent } from 'react';
import { api, call } from '../../api/client';
import { Alert } from '../../components/Alert';
import { Checkbox, ErrorSummary, SelectField, TextField } from '../../components/Form';
import { Loading } from '../../components/Loading';
import { PageHeading } from '../../components/PageHeading';
import { Pager } from '../../components/Pager';
import { formatDate, formatDateTime, formatNumber, todayInCopenhagen } from '../../format';
import { Link, navigate } from '../../router';
import { useSubmit } from '../../mutation';
import { invalidate, useApiQuery } from '../../useApi';
import {
  fullFieldErrors,
  kr,
  parseKroner,
  type CatalogueOptions,
  type OfferRead,
  type SupplierRead,
} from './money';
import { Prisopdatering } from './Prisopdatering';
import './okonomi.css';

const SUPPLIER = /^\/okonomi\/leverandoerer\/([0-9a-f-]{36})\/?$/i;

const TABS = [
  { to: '/okonomi', label: 'Katalog' },
  { to: '/okonomi/prisopdatering', label: 'Prisopdatering' },
  { to: '/okonomi/journal', label: 'Katalogets journal' },
];

function SubNav({ path }: { path: string }) {
  const current = (to: string) =>
    to === '/okonomi' ? path === '/okonomi' || path === '/okonomi/' || path.startsWith('/okonomi/leverandoerer') : path.startsWith(to);
  return (
    <nav aria-label="Økonomi" className="money-subnav">
      <ul className="nobullet-list">
        {TABS.map((t) => (
          <li key={t.to}>
            <Link to={t.to} aria-current={current(t.to) ? 'page' : undefined}>
              {t.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

export function Okonomi({ path }: { path: string }) {
  const supplier = SUPPLIER.exec(path);
  let content;
  if (supplier) content = <SupplierPage key={supplier[1]} supplierId={supplier[1] ?? ''} />;
  else if (path.startsWith('/okonomi/prisopdatering')) content = <Prisopdatering />;
  else if (path.startsWith('/okonomi/journal')) content = <Journal />;
  else content = <Catalogue />;
  return (
    <>
      <SubNav path={path} />
      {content}
    </>
  );
}

function useOptions() {
  return useApiQuery(['money', 'options'], (signal) => call(api.GET('/api/money/options', { signal })));
}

function LoadError({ heading, message, retry }: { heading: string; message: string; retry: () => void }) {
  return (
    <Alert
      variant="error"
      heading={heading}
      action={
        <button type="button" className="button button-secondary" onClick={retry}>
          Prøv igen
        </button>
      }
    >
      <p>{message}</p>
    </Alert>
  );
}

// ---------------------------------------------------------------- suppliers

type SupplierForm = { name: string; kind: string; cvr: string; tilbudsportalen: string; address: string };

const SUPPLIER_FIELDS = (prefix: string): Record<string, [string, string]> => ({
  name: [`${prefix}-name`, 'Navn'],
  kind: [`${prefix}-kind`, 'Type'],
  cvr: [`${prefix}-cvr`, 'CVR-nummer'],
  tilbudsportalen_id: [`${prefix}-tp`, 'Tilbudsportalen'],
  address: [`${prefix}-address`, 'Adresse'],
});

function SupplierFields({
  prefix,
  form,
  set,
  errors,
  options,
}: {
  prefix: string;
  form: SupplierForm;
  set: (key: keyof SupplierForm, errorKey: string) => (v: string) => void;
  errors: Record<string, string>;
  options: CatalogueOptions;
}) {
  const person = options.person_supplier_kinds.includes(form.kind);
  return (
    <>
      <TextField id={`${prefix}-name`} label="Navn" value={form.name} onChange={set('name', 'name')} error={errors.name} />
      <SelectField
        id={`${prefix}-kind`}
        label="Type"
        value={form.kind}
        onChange={set('kind', 'kind')}
        choices={[{ value: '', label: 'Vælg type' }, ...options.supplier_kinds.map((k) => ({ value: k.key, label: k.label }))]}
        error={errors.kind}
      />
      <TextField
        id={`${prefix}-cvr`}
        label="CVR-nummer"
        hint={person ? 'En plejefamilie har intet CVR-nummer' : '8 cifre'}
        value={form.cvr}
        onChange={set('cvr', 'cvr')}
        error={errors.cvr}
        inputMode="numeric"
        width="input-width-s"
      />
      <TextField
        id={`${prefix}-tp`}
        label="Tilbudsportalen"
        hint="Valgfri: tilbuddets id på Tilbudsportalen"
        value={form.tilbudsportalen}
        onChange={set('tilbudsportalen', 'tilbudsportalen_id')}
        error={errors.tilbudsportalen_id}
        width="input-width-m"
      />
      <TextField
        id={`${prefix}-address`}
        label="Adresse"
        hint="Valgfri"
        value={form.address}
        onChange={set('address', 'address')}
        error={errors.address}
      />
    </>
  );
}

function useForm<T extends Record<string, string>>(initial: T) {
  const [form, setForm] = useState<T>(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const set = (key: keyof T, errorKey: string) => (value: string) => {
    setForm((f) => ({ ...f, [key]: value }));
    setErrors((e) => {
      const { [errorKey]: _gone, ...rest } = e;
      return rest;
    });
  };
  return { form, setForm, errors, setErrors, set };
}

function CreateSupplier({ options }: { options: CatalogueOptions }) {
  const { form, errors, setErrors, set } = useForm<SupplierForm>({ name: '', kind: '', cvr: '', tilbudsportalen: '', address: '' });
  const { run, busy, general, setGeneral } = useSubmit({ setErrors, fields: fullFieldErrors });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setGeneral(undefined);
    const e: Record<string, string> = {};
    if (!form.name.trim()) e.name = 'Skriv leverandørens navn';
    if (!form.kind) e.kind = 'Vælg leverandørens type';
    if (form.cvr.trim() && !/^\d{8}$/.test(form.cvr.replace(/\s/g, ''))) e.cvr = 'Et CVR-nummer er 8 cifre';
    if (Object.keys(e).length) {
      setErrors(e);
      return;
    }
    await run(async () => {
      const { id } = await call(
        api.POST('/api/money/suppliers', {
          body: {
            name: form.name.trim(),
            kind: form.kind,
            cvr: form.cvr.replace(/\s/g, '') || null,
            tilbudsportalen_id: form.tilbudsportalen.trim() || null,
            address: form.address.trim(),
          },
        }),
      );
      navigate(`/okonomi/leverandoerer/${id}`);
    });
  };
  return (
    <form className="money-form" onSubmit={submit} noValidate aria-labelledby="new-supplier-heading">
      <h2 id="new-supplier-heading">Opret leverandør</h2>
      <ErrorSummary errors={errors} fields={SUPPLIER_FIELDS('sup')} />
      {general ? (
        <Alert variant="error" heading="Leverandøren blev ikke oprettet">
          <p>{general}</p>
        </Alert>
      ) : null}
      <SupplierFields prefix="sup" form={form} set={set} errors={errors} options={options} />
      <button type="submit" className={`button button-primary ${busy ? 'spinner-active' : ''}`.trim()} aria-disabled={busy || undefined}>
        Opret leverandør
      </button>
    </form>
  );
}

function Catalogue() {
  const [q, setQ] = useState('');
  const [search, setSearch] = useState('');
  const [list, reload] = useApiQuery(
    ['money', 'suppliers', { q: search }],
    (signal) => call(api.GET('/api/money/suppliers', { params: { query: { q: search || undefined } }, signal })),
    { keepPrevious: true },
  );
  const [options, reloadOptions] = useOptions();

  let body;
  if (list.state === 'loading') body = <Loading text="Henter leverandører …" />;
  else if (list.state === 'error') body = <LoadError heading="Leverandørerne kunne ikke hentes" message={list.message} retry={reload} />;
  else if (list.data.length === 0) body = <p className="empty-state">{search ? 'Ingen leverandører matcher søgningen.' : 'Kataloget har ingen leverandører endnu.'}</p>;
  else
    body = (
      <div className="table--responsive-scroll" tabIndex={0} role="region" aria-labelledby="suppliers-caption">
        <table className="table table--compact">
          <caption id="suppliers-caption">Leverandører</caption>
          <thead>
            <tr>
              <th scope="col">Navn</th>
              <th scope="col">Type</th>
              <th scope="col">CVR-nummer</th>
              <th scope="col">Tilbudsportalen</th>
              <th scope="col" className="num">
                Tilbud
              </th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((s: SupplierRead) => (
              <tr key={s.id}>
                <th scope="row">
                  <Link to={`/okonomi/leverandoerer/${s.id}`}>{s.name}</Link>
                </th>
                <td>{s.kind_label}</td>
                <td>{s.cvr ?? '–'}</td>
                <td>{s.tilbudsportalen_id ?? '–'}</td>
                <td className="num">{formatNumber(s.offer_count ?? 0)}</td>
                <td>{s.active ? 'Aktiv' : 'Ophørt'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );

  return (
    <>
      <PageHeading>Økonomi</PageHeading>
      <p>Kataloget over leverandører, tilbud og priser, som sagsbehandlerne visiterer ud fra.</p>
      <section aria-labelledby="suppliers-heading" aria-busy={list.state === 'loading'} className="case-section">
        <h2 id="suppliers-heading">Leverandører</h2>
        <form
          role="search"
          className="money-search"
          onSubmit={(e) => {
            e.preventDefault();
            setSearch(q.trim());
          }}
        >
          <TextField id="supplier-q" label="Søg efter navn eller CVR-nummer" type="search" value={q} onChange={setQ} />
          <button type="submit" className="button button-secondary">
            Søg
          </button>
        </form>
        {body}
      </section>
      <section className="case-section">
        {options.state === 'ready' ? (
          <CreateSupplier options={options.data} />
        ) : options.state === 'error' ? (
          <LoadError heading="Formularen kunne ikke hentes" message={options.message} retry={reloadOptions} />
        ) : (
          <Loading />
        )}
      </section>
    </>
  );
}

// ---------------------------------------------------------------- one supplier

function EditSupplier({ supplier, options, onSaved }: { supplier: SupplierRead; options: CatalogueOptions; onSaved: () => void }) {
  const { form, errors, setErrors, set } = useForm<SupplierForm & { active: string }>({
    name: supplier.name,
    kind: supplier.kind,
    cvr: supplier.cvr ?? '',
    tilbudsportalen: supplier.tilbudsportalen_id ?? '',
    address: supplier.address,
    active: supplier.active ? 'ja' : 'nej',
  });
  const { run, busy, general, setGeneral } = useSubmit({ setErrors, fields: fullFieldErrors });
  const [saved, setSaved] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setGeneral(undefined);
    setSaved(false);
    const e: Record<string, string> = {};
    if (!form.name.trim()) e.name = 'Skriv leverandørens navn';
    if (form.cvr.trim() && !/^\d{8}$/.test(form.cvr.replace(/\s/g, ''))) e.cvr = 'Et CVR-nummer er 8 cifre';
    if (Object.keys(e).length) {
      setErrors(e);
      return;
    }
    await run(async () => {
      await call(
        api.PATCH('/api/money/suppliers/{supplier_id}', {
          params: { path: { supplier_id: supplier.id } },
          body: {
            version: supplier.version,
            name: form.name.trim(),
            kind: form.kind,
            cvr: form.cvr.replace(/\s/g, '') || null,
            tilbudsportalen_id: form.tilbudsportalen.trim() || null,
            address: form.address.trim(),
            active: form.active === 'ja',
          },
        }),
      );
      setSaved(true);
      onSaved();
    });
  };
  return (
    <form className="money-form" onSubmit={submit} noValidate aria-labelledby="edit-supplier-heading">
      <h2 id="edit-supplier-heading">Ret leverandøren</h2>
      <ErrorSummary errors={errors} fields={SUPPLIER_FIELDS('edit')} />
      {general ? (
        <Alert variant="error" heading="Ændringen blev ikke gemt">
          <p>{general}</p>
        </Alert>
      ) : null}
      {saved ? <Alert variant="success" heading="Leverandøren er gemt" /> : null}
      <SupplierFields prefix="edit" form={form} set={set} errors={errors} options={options} />
      <Checkbox id="edit-active" label="Aktiv leverandør" checked={form.active === 'ja'} onChange={(v) => set('active', 'active')(v ? 'ja' : 'nej')} />
      <button type="submit" className={`button button-primary ${busy ? 'spinner-active' : ''}`.trim()} aria-disabled={busy || undefined}>
        Gem leverandøren
      </button>
    </form>
  );
}

type OfferForm = { name: string; measure: string; unit: string; tilbudsportalen: string; validFrom: string; amount: string };

function CreateOffer({ supplierId, options, onCreated }: { supplierId: string; options: CatalogueOptions; onCreated: () => void }) {
  const { form, setForm, errors, setErrors, set } = useForm<OfferForm>({
    name: '',
    measure: '',
    unit: '',
    tilbudsportalen: '',
    validFrom: todayInCopenhagen(),
    amount: '',
  });
  const { run, busy, general, setGeneral } = useSubmit({ setErrors, fields: fullFieldErrors });
  const fields: Record<string, [string, string]> = {
    name: ['offer-name', 'Tilbuddets navn'],
    measure_kind: ['offer-measure', 'Indsatstype'],
    unit: ['offer-unit', 'Prisenhed'],
    tilbudsportalen_id: ['offer-tp', 'Tilbudsportalen'],
    'first_price.valid_from': ['offer-from', 'Prisen gælder fra'],
    'first_price.amount_oere': ['offer-amount', 'Pris'],
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setGeneral(undefined);
    const e: Record<string, string> = {};
    if (!form.name.trim()) e.name = 'Skriv tilbuddets navn';
    if (!form.measure) e.measure_kind = 'Vælg indsatstype';
    if (!form.unit) e.unit = 'Vælg hvad prisen gælder pr.';
    const amount = form.amount.trim() ? parseKroner(form.amount) : null;
    if (form.amount.trim() && amount === null) e['first_price.amount_oere'] = 'Skriv prisen i kroner, fx 1.250,00';
    else if (amount !== null && amount < 0) e['first_price.amount_oere'] = 'Prisen kan ikke være negativ';
    if (amount !== null && !form.validFrom) e['first_price.valid_from'] = 'Angiv hvornår prisen gælder fra';
    if (Object.keys(e).length) {
      setErrors(e);
      return;
    }
    await run(async () => {
      await call(
        api.POST('/api/money/suppliers/{supplier_id}/offers', {
          params: { path: { supplier_id: supplierId } },
          body: {
            name: form.name.trim(),
            measure_kind: form.measure,
            unit: form.unit,
            tilbudsportalen_id: form.tilbudsportalen.trim() || null,
            first_price: amount === null ? null : { valid_from: form.validFrom, amount_oere: amount },
          },
        }),
      );
      setForm({ name: '', measure: '', unit: '', tilbudsportalen: '', validFrom: todayInCopenhagen(), amount: '' });
      onCreated();
    });
  };
  const groups: Record<string, string> = { stoette: 'Støtte', anbringelse: 'Anbringelse', ungestoette: 'Unge 18-22' };
  return (
    <form className="money-form" onSubmit={submit} noValidate aria-labelledby="new-offer-heading">
      <h2 id="new-offer-heading">Opret tilbud</h2>
      <ErrorSummary errors={errors} fields={fields} />
      {general ? (
        <Alert variant="error" heading="Tilbuddet blev ikke oprettet">
          <p>{general}</p>
        </Alert>
      ) : null}
      <TextField id="offer-name" label="Tilbuddets navn" value={form.name} onChange={set('name', 'name')} error={errors.name} />
      <SelectField
        id="offer-measure"
        label="Indsatstype"
        value={form.measure}
        onChange={set('measure', 'measure_kind')}
        choices={[
          { value: '', label: 'Vælg indsatstype' },
          ...options.measure_types.map((m) => ({ value: m.kind, label: `${m.label} – ${groups[m.group] ?? m.group} (${m.basis})` })),
        ]}
        error={errors.measure_kind}
      />
      <SelectField
        id="offer-unit"
        label="Prisenhed"
        hint="Hvad prisen gælder pr."
        value={form.unit}
        onChange={set('unit', 'unit')}
        choices={[{ value: '', label: 'Vælg enhed' }, ...options.units.map((u) => ({ value: u.key, label: `Pr. ${u.label}` }))]}
        error={errors.unit}
      />
      <TextField
        id="offer-tp"
        label="Tilbudsportalen"
        hint="Valgfri"
        value={form.tilbudsportalen}
        onChange={set('tilbudsportalen', 'tilbudsportalen_id')}
        error={errors.tilbudsportalen_id}
        width="input-width-m"
      />
      <div className="money-row">
        <TextField
          id="offer-amount"
          label="Pris i kroner"
          hint="Valgfri: den første pris"
          value={form.amount}
          onChange={set('amount', 'first_price.amount_oere')}
          error={errors['first_price.amount_oere']}
          width="input-width-s"
        />
        <TextField
          id="offer-from"
          label="Prisen gælder fra"
          type="date"
          value={form.validFrom}
          onChange={set('validFrom', 'first_price.valid_from')}
          error={errors['first_price.valid_from']}
          width="input-width-s"
        />
      </div>
      <button type="submit" className={`button button-primary ${busy ? 'spinner-active' : ''}`.trim()} aria-disabled={busy || undefined}>
        Opret tilbud
      </button>
    </form>
  );
}

function AddPrice({ offer, onAdded }: { offer: OfferRead; onAdded: () => void }) {
  const prefix = `price-${offer.id}`;
  const { form, setForm, errors, setErrors, set } = useForm({ validFrom: '', validTo: '', amount: '', note: '', endPrevious: 'ja' });
  const { run, busy, general, setGeneral } = useSubmit({ setErrors, fields: fullFieldErrors });
  const fields: Record<string, [string, string]> = {
    amount_oere: [`${prefix}-amount`, 'Pris'],
    valid_from: [`${prefix}-from`, 'Gælder fra'],
    valid_to: [`${prefix}-to`, 'Gælder til'],
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setGeneral(undefined);
    const e: Record<string, string> = {};
    const amount = parseKroner(form.amount);
    if (amount === null) e.amount_oere = 'Skriv prisen i kroner, fx 1.250,00';
    else if (amount < 0) e.amount_oere = 'Prisen kan ikke være negativ';
    if (!form.validFrom) e.valid_from = 'Angiv hvornår prisen gælder fra';
    if (form.validTo && form.validFrom && form.validTo < form.validFrom) e.valid_to = 'Slutdatoen kan ikke ligge før startdatoen';
    if (Object.keys(e).length || amount === null) {
      setErrors(e);
      return;
    }
    await run(async () => {
      await call(
        api.POST('/api/money/offers/{offer_id}/prices', {
          params: { path: { offer_id: offer.id } },
          body: {
            valid_from: form.validFrom,
            valid_to: form.validTo || null,
            amount_oere: amount,
            note: form.note.trim(),
            end_previous: form.endPrevious === 'ja',
          },
        }),
      );
      setForm({ validFrom: '', validTo: '', amount: '', note: '', endPrevious: 'ja' });
      onAdded();
    });
  };
  return (
    <form className="money-form money-form-inline" onSubmit={submit} noValidate aria-label={`Ny pris på ${offer.name}`}>
      <ErrorSummary errors={errors} fields={fields} />
      {general ? (
        <Alert variant="error" heading="Prisen blev ikke gemt">
          <p>{general}</p>
        </Alert>
      ) : null}
      <div className="money-row">
        <TextField id={`${prefix}-amount`} label="Ny pris i kroner" value={form.amount} onChange={set('amount', 'amount_oere')} error={errors.amount_oere} width="input-width-s" />
        <TextField id={`${prefix}-from`} label="Gælder fra" type="date" value={form.validFrom} onChange={set('validFrom', 'valid_from')} error={errors.valid_from} width="input-width-s" />
        <TextField id={`${prefix}-to`} label="Gælder til" hint="Valgfri" type="date" value={form.validTo} onChange={set('validTo', 'valid_to')} error={errors.valid_to} width="input-width-s" />
      </div>
      <Checkbox
        id={`${prefix}-end`}
        label="Afslut den gældende pris dagen før"
        checked={form.endPrevious === 'ja'}
        onChange={(v) => set('endPrevious', 'end_previous')(v ? 'ja' : 'nej')}
      />
      <button type="submit" className={`button button-secondary ${busy ? 'spinner-active' : ''}`.trim()} aria-disabled={busy || undefined}>
        Tilføj pris<span className="sr-only"> på {offer.name}</span>
      </button>
    </form>
  );
}

function EditOffer({ offer, onSaved }: { offer: OfferRead; onSaved: () => void }) {
  const prefix = `offer-edit-${offer.id}`;
  const { form, errors, setErrors, set } = useForm({
    name: offer.name,
    tilbudsportalen: offer.tilbudsportalen_id ?? '',
    active: offer.active ? 'ja' : 'nej',
  });
  const { run, busy, general, setGeneral } = useSubmit({ setErrors, fields: fullFieldErrors });
  const fields: Record<string, [string, string]> = {
    name: [`${prefix}-name`, 'Tilbuddets navn'],
    tilbudsportalen_id: [`${prefix}-tp`, 'Tilbudsportalen'],
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setGeneral(undefined);
    if (!form.name.trim()) {
      setErrors({ name: 'Skriv tilbuddets navn' });
      return;
    }
    await run(async () => {
      await call(
        api.PATCH('/api/money/offers/{offer_id}', {
          params: { path: { offer_id: offer.id } },
          body: {
            version: offer.version,
            name: form.name.trim(),
            tilbudsportalen_id: form.tilbudsportalen.trim() || null,
            active: form.active === 'ja',
          },
        }),
      );
      onSaved();
    });
  };
  return (
    <details className="money-details">
      <summary>Ret tilbuddet</summary>
      <form className="money-form" onSubmit={submit} noValidate aria-label={`Ret ${offer.name}`}>
        <ErrorSummary errors={errors} fields={fields} />
        {general ? (
          <Alert variant="error" heading="Tilbuddet blev ikke gemt">
            <p>{general}</p>
          </Alert>
        ) : null}
        <TextField id={`${prefix}-name`} label="Tilbuddets navn" value={form.name} onChange={set('name', 'name')} error={errors.name} />
        <TextField
          id={`${prefix}-tp`}
          label="Tilbudsportalen"
          hint="Valgfri"
          value={form.tilbudsportalen}
          onChange={set('tilbudsportalen', 'tilbudsportalen_id')}
          error={errors.tilbudsportalen_id}
          width="input-width-m"
        />
        <Checkbox
          id={`${prefix}-active`}
          label="Aktivt tilbud (kan vælges ved visitation)"
          checked={form.active === 'ja'}
          onChange={(v) => set('active', 'active')(v ? 'ja' : 'nej')}
        />
        <button type="submit" className={`button button-secondary ${busy ? 'spinner-active' : ''}`.trim()} aria-disabled={busy || undefined}>
          Gem tilbuddet
        </button>
      </form>
    </details>
  );
}

function OfferCard({ offerId, options }: { offerId: string; options: CatalogueOptions }) {
  const [offer, reload] = useApiQuery(['money', 'offer', offerId], (signal) => call(api.GET('/api/money/offers/{offer_id}', { params: { path: { offer_id: offerId } }, signal })));
  if (offer.state === 'loading') return <Loading small />;
  if (offer.state === 'error') return <LoadError heading="Tilbuddet kunne ikke hentes" message={offer.message} retry={reload} />;
  const o = offer.data;
  const unit = options.units.find((u) => u.key === o.unit)?.label ?? o.unit;
  const headingId = `offer-${o.id}-heading`;
  return (
    <section className="money-offer" aria-labelledby={headingId}>
      <h3 id={headingId} className="h4">
        {o.name}
      </h3>
      <p>
        {o.measure_label} · pris pr. {unit} · {o.active ? 'aktiv' : 'ophørt'}
        {o.tilbudsportalen_id ? ` · Tilbudsportalen ${o.tilbudsportalen_id}` : ''} · gældende pris: <strong>{kr(o.current_price_oere)}</strong>
      </p>
      {o.prices && o.prices.length > 0 ? (
        <div className="table--responsive-scroll" tabIndex={0} role="region" aria-labelledby={`${headingId}-prices`}>
          <table className="table table--compact">
            <caption id={`${headingId}-prices`}>Priser på {o.name}</caption>
            <thead>
              <tr>
                <th scope="col">Gælder fra</th>
                <th scope="col">Gælder til</th>
                <th scope="col" className="num">
                  Pris pr. {unit}
                </th>
                <th scope="col">Status</th>
                <th scope="col">Oprettet</th>
              </tr>
            </thead>
            <tbody>
              {o.prices.map((p) => (
                <tr key={p.id} className={p.active ? '' : 'money-retired'}>
                  <th scope="row">{formatDate(p.valid_from)}</th>
                  <td>{p.valid_to ? formatDate(p.valid_to) : 'Indtil videre'}</td>
                  <td className="num">{kr(p.amount_oere)}</td>
                  <td>
                    {p.active ? 'Gældende' : `Erstattet${p.retired_reason ? `: ${p.retired_reason}` : ''}`}
                    {p.price_update_id ? <span className="cell-note">Prisopdatering</span> : null}
                  </td>
                  <td>
                    {formatDateTime(p.created_at)}
                    <span className="cell-note">{p.created_by_name || p.created_by}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="empty-state">Tilbuddet har ingen priser endnu.</p>
      )}
      <AddPrice offer={o} onAdded={reload} />
      <EditOffer key={o.version} offer={o} onSaved={reload} />
    </section>
  );
}

function SupplierPage({ supplierId }: { supplierId: string }) {
  const [supplier, reload] = useApiQuery(['money', 'supplier', supplierId], (signal) =>
    call(api.GET('/api/money/suppliers/{supplier_id}', { params: { path: { supplier_id: supplierId } }, signal })),
  );
  const [options, reloadOptions] = useOptions();
  if (supplier.state === 'loading' || options.state === 'loading')
    return (
      <div aria-busy="true">
        <PageHeading>Leverandør</PageHeading>
        <Loading text="Henter leverandøren …" />
      </div>
    );
  if (supplier.state === 'error')
    return (
      <>
        <PageHeading>Leverandør</PageHeading>
        <LoadError heading="Leverandøren kunne ikke hentes" message={supplier.message} retry={reload} />
      </>
    );
  if (options.state === 'error')
    return (
      <>
        <PageHeading>Leverandør</PageHeading>
        <LoadError heading="Kataloget kunne ikke hentes" message={options.message} retry={reloadOptions} />
      </>
    );
  const s = supplier.data;
  return (
    <>
      <PageHeading>{s.name}</PageHeading>
      <p>
        <Link to="/okonomi">Tilbage til leverandørerne</Link>
      </p>
      <dl className="money-facts">
        <div>
          <dt>Type</dt>
          <dd>{s.kind_label}</dd>
        </div>
        <div>
          <dt>CVR-nummer</dt>
          <dd>{s.cvr ?? 'Intet'}</dd>
        </div>
        <div>
          <dt>Tilbudsportalen</dt>
          <dd>{s.tilbudsportalen_id ?? 'Ikke angivet'}</dd>
        </div>
        <div>
          <dt>Status</dt>
          <dd>{s.active ? 'Aktiv' : 'Ophørt'}</dd>
        </div>
      </dl>
      <section aria-labelledby="offers-heading" className="case-section">
        <h2 id="offers-heading">Tilbud og priser</h2>
        {(s.offers ?? []).length === 0 ? <p className="empty-state">Leverandøren har ingen tilbud endnu.</p> : null}
        {(s.offers ?? []).map((o) => (
          <OfferCard key={o.id} offerId={o.id} options={options.data} />
        ))}
      </section>
      <section className="case-section">
        <CreateOffer
          supplierId={s.id}
          options={options.data}
          onCreated={() => {
            invalidate(['money', 'offer']);
            reload();
          }}
        />
      </section>
      <section className="case-section">
        <EditSupplier key={s.version} supplier={s} options={options.data} onSaved={reload} />
      </section>
    </>
  );
}

// ---------------------------------------------------------------- journal

const PAGE_SIZE = 25;

function Journal() {
  const [page, setPage] = useState(1);
  const [journal, reload] = useApiQuery(
    ['money', 'catalogue-journal', page],
    (signal) => call(api.GET('/api/money/catalogue/journal', { params: { query: { page, page_size: PAGE_SIZE } }, signal })),
    { keepPrevious: true },
  );
  let body;
  if (journal.state === 'loading') body = <Loading text="Henter katalogets journal …" />;
  else if (journal.state === 'error') body = <LoadError heading="Journalen kunne ikke hentes" message={journal.message} retry={reload} />;
  else if (journal.data.items.length === 0) body = <p className="empty-state">Kataloget er ikke ændret endnu.</p>;
  else {
    const j = journal.data;
    body = (
      <>
        <div className="table--responsive-scroll" tabIndex={0} role="region" aria-labelledby="catalogue-journal-caption">
          <table className="table table--compact">
            <caption id="catalogue-journal-caption">Ændringer i kataloget, nyeste først</caption>
            <thead>
              <tr>
                <th scope="col">Tidspunkt</th>
                <th scope="col">Ændring</th>
                <th scope="col">Udført af</th>
              </tr>
            </thead>
            <tbody>
              {j.items.map((e) => (
                <tr key={e.id}>
                  <td>{formatDateTime(e.at)}</td>
                  <th scope="row">{e.title}</th>
                  <td>{e.actor_name}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <Pager label="Sider i katalogets journal" page={j.page} pages={Math.max(1, Math.ceil(j.total / j.page_size))} onGo={setPage} />
      </>
    );
  }
  return (
    <>
      <PageHeading>Katalogets journal</PageHeading>
      <section aria-busy={journal.state === 'loading'} aria-label="Journal">
        {body}
      </section>
    </>
  );
}
