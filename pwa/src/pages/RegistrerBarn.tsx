import { useRef, useState, type FormEvent } from 'react';
import { api, call, fieldErrors, messageOf } from '../api/client';
import type { components } from '../api/schema';
import { casePath, setFlash } from '../casework';
import { Alert } from '../components/Alert';
import { Checkbox, ErrorSummary, TextField } from '../components/Form';
import { PageHeading } from '../components/PageHeading';
import { addressText, formatDate } from '../format';
import { useSubmit } from '../mutation';
import { navigate } from '../router';
import { rememberPriorCases } from './overfoersel/store';

type CprPerson = components['schemas']['CprPersonRead'];

const FIELDS: Record<string, [string, string]> = {
  cpr: ['child-cpr', 'CPR-nummer'],
  mother_cpr: ['child-mother-cpr', 'Morens CPR-nummer'],
  expected_date: ['child-expected', 'Forventet termin'],
  first_name: ['child-first-name', 'Fornavn'],
  last_name: ['child-last-name', 'Efternavn'],
  address: ['child-address', 'Adresse'],
};

type Draft = {
  unborn: boolean;
  cpr: string;
  mother_cpr: string;
  expected_date: string;
  first_name: string;
  last_name: string;
  address: string;
};

const EMPTY: Draft = {
  unborn: false,
  cpr: '',
  mother_cpr: '',
  expected_date: '',
  first_name: '',
  last_name: '',
  address: '',
};

/**
 * The CPR register's answer for the number typed. `found`: name and address are shown
 * read-only (the register is the authority; retyping invites typos in a name that letters
 * and Digital Post must match), with "Ret manuelt" for when the family uses another name or
 * the register is behind. `unknown`/`down`: the fields are typed by hand, and the page says so.
 */
type Lookup =
  | { state: 'none' }
  | { state: 'looking'; cpr: string }
  | { state: 'found'; cpr: string; person: CprPerson }
  | { state: 'unknown' | 'down' | 'invalid'; cpr: string; message: string };

const digitsOf = (value: string) => value.replace(/[\s-]/g, '');

/** /born/ny: register a child (or an unborn child) and open its case. */
export function RegistrerBarn() {
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [lookup, setLookup] = useState<Lookup>({ state: 'none' });
  const [manual, setManual] = useState(false);
  // Parents (by CPR number) to put in the network; every parent is ticked when found.
  const [parents, setParents] = useState<Set<string>>(new Set());
  const asked = useRef('');
  // The draft as it stands when the register answers (has the person typed a name?).
  const latest = useRef(draft);
  latest.current = draft;
  const { run, busy, errors, setErrors, general: failure, setGeneral: setFailure } = useSubmit();

  const set = (key: Exclude<keyof Draft, 'unborn'>) => (value: string) => {
    setDraft((d) => ({ ...d, [key]: value }));
    setErrors((e) => {
      const next = { ...e };
      delete next[key];
      return next;
    });
  };

  const ask = async (cpr: string) => {
    asked.current = cpr;
    setLookup({ state: 'looking', cpr });
    try {
      const answer = await call(api.POST('/api/cpr/person', { body: { cpr } }));
      if (asked.current !== cpr) return; // the number has changed since
      if (answer.outcome === 'fundet' && answer.person) {
        setLookup({ state: 'found', cpr, person: answer.person });
        setParents(new Set(answer.person.parents.map((p) => p.cpr)));
        // What the person has already typed stays in front of them (they chose to type it);
        // "Brug oplysningerne fra CPR-registret" swaps in the register's answer.
        const d = latest.current;
        setManual(Boolean(d.first_name.trim() || d.last_name.trim() || d.address.trim()));
      } else {
        setLookup({ state: answer.outcome === 'ukendt' ? 'unknown' : 'down', cpr, message: answer.message ?? '' });
      }
    } catch (err) {
      if (asked.current !== cpr) return;
      const message = fieldErrors(err).cpr;
      // A malformed number: its message is the field's. Anything else: typed by hand.
      setLookup(
        message
          ? { state: 'invalid', cpr, message }
          : { state: 'down', cpr, message: `CPR-registret kunne ikke spørges: ${messageOf(err)} – du kan registrere barnet manuelt` },
      );
    }
  };

  const onCpr = (value: string) => {
    set('cpr')(value);
    const digits = digitsOf(value);
    if (digits.length === 10 && /^\d{10}$/.test(digits)) {
      if (digits !== asked.current) void ask(digits);
    } else if (asked.current) {
      asked.current = '';
      setLookup({ state: 'none' });
    }
  };

  const found = lookup.state === 'found' ? lookup.person : undefined;
  const fromRegister = found !== undefined && !manual;

  const editByHand = () => {
    if (!found) return;
    // What the person typed stays; empty fields start from the register's answer.
    setDraft((d) => ({
      ...d,
      first_name: d.first_name || found.first_name,
      last_name: d.last_name || found.last_name,
      address: d.address || found.address,
    }));
    setManual(true);
    requestAnimationFrame(() => document.getElementById('child-first-name')?.focus());
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setErrors({});
    setFailure(undefined);
    const names = fromRegister
      ? { first_name: found.first_name, last_name: found.last_name, address: found.address }
      : { first_name: draft.first_name.trim(), last_name: draft.last_name.trim(), address: draft.address.trim() };
    const body = draft.unborn
      ? {
          ...names,
          mother_cpr: draft.mother_cpr.trim() || null,
          expected_date: draft.expected_date || null,
        }
      : {
          ...names,
          cpr: draft.cpr.trim() || null,
          parent_cprs: found ? [...parents] : [],
        };
    await run(
      async () => {
        const created = await call(api.POST('/api/children', { body }));
        rememberPriorCases(created.child_id, created.prior_cases, draft.unborn ? draft.mother_cpr : draft.cpr, draft.unborn);
        const added = found && !created.existing ? parents.size : 0;
        setFlash(
          created.existing
            ? { variant: 'info', heading: 'Barnet findes allerede – du er sendt til den eksisterende sag' }
            : {
                variant: 'success',
                heading:
                  added === 0
                    ? 'Barnet er registreret'
                    : `Barnet er registreret, og ${added === 1 ? 'forælderen' : 'forældrene'} er tilføjet netværket`,
              },
        );
        navigate(casePath(created.hovedsag_id, created.child_id));
      },
      (err) => {
        const fields = fieldErrors(err);
        // For an unborn child the CPR field is not shown: its message belongs to the mother's.
        if (draft.unborn && fields.cpr) {
          fields.mother_cpr = fields.mother_cpr ?? fields.cpr;
          delete fields.cpr;
        }
        if (Object.keys(fields).length > 0) setErrors(fields);
        else setFailure(messageOf(err));
      },
    );
  };

  const cprMessage =
    errors.cpr ??
    (lookup.state === 'unknown' || lookup.state === 'down' || lookup.state === 'invalid' ? lookup.message : undefined);

  return (
    <>
      <PageHeading>Registrér barn</PageHeading>
      <p>
        Skriv barnets CPR-nummer, så hentes navn, adresse og forældre fra CPR-registret. Et ufødt barn registreres med
        morens CPR-nummer og forventet termin.
      </p>
      <form onSubmit={submit} noValidate className="admin-form register-child">
        <ErrorSummary errors={errors} fields={FIELDS} />
        {failure ? (
          <Alert variant="error" heading="Barnet blev ikke registreret">
            <p>{failure}</p>
          </Alert>
        ) : null}
        <Checkbox
          id="child-unborn"
          label="Ufødt barn"
          checked={draft.unborn}
          hint="Barnet er endnu ikke født og har derfor ikke et CPR-nummer."
          onChange={(unborn) => {
            setDraft((d) => ({ ...d, unborn }));
            setErrors({});
          }}
        />
        {draft.unborn ? (
          <>
            <TextField
              id="child-mother-cpr"
              label="Morens CPR-nummer"
              hint="10 cifre, fx 010190-1234"
              value={draft.mother_cpr}
              onChange={set('mother_cpr')}
              error={errors.mother_cpr}
              width="input-width-s"
            />
            <TextField
              id="child-expected"
              label="Forventet termin"
              type="date"
              value={draft.expected_date}
              onChange={set('expected_date')}
              error={errors.expected_date}
              width="input-width-s"
            />
          </>
        ) : (
          <>
            <TextField
              id="child-cpr"
              label="CPR-nummer"
              hint="10 cifre, fx 010120-1234"
              inputMode="numeric"
              autoComplete="off"
              value={draft.cpr}
              onChange={onCpr}
              error={cprMessage}
              width="input-width-s"
            />
            <div className="cpr-lookup-status" role="status" aria-live="polite">
              {lookup.state === 'looking' ? <p className="form-hint">Slår op i CPR-registret …</p> : null}
              {lookup.state === 'unknown' || lookup.state === 'down' ? (
                <p className="form-hint">Barnet registreres uden opslag i CPR. Skriv navn og adresse herunder.</p>
              ) : null}
            </div>
          </>
        )}
        {!draft.unborn && fromRegister ? (
          <section className="cpr-found" aria-labelledby="cpr-found-heading">
            <h2 id="cpr-found-heading" className="h4">
              Fra CPR-registret
            </h2>
            <dl className="cpr-facts">
              <dt>Navn</dt>
              <dd>
                {found.first_name} {found.last_name}
              </dd>
              <dt>Født</dt>
              <dd>{formatDate(found.birth_date)}</dd>
              <dt>Adresse</dt>
              <dd>{addressText(found.address, found.address_protected, 'Ingen adresse i CPR-registret')}</dd>
            </dl>
            <button type="button" className="button button-tertiary" onClick={editByHand}>
              Ret manuelt
            </button>
          </section>
        ) : (
          <>
            {!draft.unborn && found ? (
              <div className="cpr-found cpr-found-manual">
                <p>
                  Du skriver navn og adresse selv. CPR-registret siger: {found.first_name} {found.last_name}
                  {found.address_protected ? ' (adressebeskyttet)' : found.address ? `, ${found.address}` : ''}.
                </p>
                <button
                  type="button"
                  className="button button-tertiary"
                  onClick={() => setManual(false)}
                >
                  Brug oplysningerne fra CPR-registret
                </button>
              </div>
            ) : null}
            <TextField
              id="child-first-name"
              label="Fornavn"
              value={draft.first_name}
              onChange={set('first_name')}
              error={errors.first_name}
              autoComplete="off"
            />
            <TextField
              id="child-last-name"
              label="Efternavn"
              value={draft.last_name}
              onChange={set('last_name')}
              error={errors.last_name}
            />
            <TextField
              id="child-address"
              label="Adresse"
              value={draft.address}
              onChange={set('address')}
              error={errors.address}
            />
          </>
        )}
        {!draft.unborn && found && found.parents.length > 0 ? (
          <fieldset className="cpr-parents">
            <legend className="form-label">Tilføj til barnets netværk</legend>
            <span className="form-hint">Forældrene fra CPR-registret kommer med i netværket, når barnet registreres.</span>
            {found.parents.map((p, i) => (
              <Checkbox
                key={p.cpr}
                id={`child-parent-${i}`}
                label={p.custody ? `${p.name} (forældremyndighed)` : p.name}
                hint={p.address_protected ? 'Adressebeskyttet' : p.address || undefined}
                checked={parents.has(p.cpr)}
                onChange={(on) =>
                  setParents((s) => {
                    const next = new Set(s);
                    if (on) next.add(p.cpr);
                    else next.delete(p.cpr);
                    return next;
                  })
                }
              />
            ))}
          </fieldset>
        ) : null}
        <button
          type="submit"
          className={`button button-primary ${busy ? 'spinner-active' : ''}`.trim()}
          aria-disabled={busy || undefined}
        >
          Registrér barn
        </button>
      </form>
    </>
  );
}
