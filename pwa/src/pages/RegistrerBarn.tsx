import { useState, type FormEvent } from 'react';
import { api, call, fieldErrors, messageOf } from '../api/client';
import { casePath, setFlash } from '../casework';
import { Alert } from '../components/Alert';
import { Checkbox, ErrorSummary, TextField } from '../components/Form';
import { PageHeading } from '../components/PageHeading';
import { useSubmit } from '../mutation';
import { navigate } from '../router';
import { rememberPriorCases } from './overfoersel/store';

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

/** /born/ny: register a child (or an unborn child) and open its case. */
export function RegistrerBarn() {
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const { run, busy, errors, setErrors, general: failure, setGeneral: setFailure } = useSubmit();

  const set = (key: Exclude<keyof Draft, 'unborn'>) => (value: string) => {
    setDraft((d) => ({ ...d, [key]: value }));
    setErrors((e) => {
      const next = { ...e };
      delete next[key];
      return next;
    });
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setErrors({});
    setFailure(undefined);
    const body = draft.unborn
      ? {
          first_name: draft.first_name.trim(),
          last_name: draft.last_name.trim(),
          address: draft.address.trim(),
          mother_cpr: draft.mother_cpr.trim() || null,
          expected_date: draft.expected_date || null,
        }
      : {
          first_name: draft.first_name.trim(),
          last_name: draft.last_name.trim(),
          address: draft.address.trim(),
          cpr: draft.cpr.trim() || null,
        };
    await run(
      async () => {
        const created = await call(api.POST('/api/children', { body }));
        rememberPriorCases(created.child_id, created.prior_cases, draft.unborn ? draft.mother_cpr : draft.cpr, draft.unborn);
        setFlash(
          created.existing
            ? { variant: 'info', heading: 'Barnet findes allerede – du er sendt til den eksisterende sag' }
            : { variant: 'success', heading: 'Barnet er registreret' },
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

  return (
    <>
      <PageHeading>Registrér barn</PageHeading>
      <p>Registrér et barn, så der oprettes en sag. Et ufødt barn registreres med morens CPR-nummer og forventet termin.</p>
      <form onSubmit={submit} noValidate className="admin-form">
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
          <TextField
            id="child-cpr"
            label="CPR-nummer"
            hint="10 cifre, fx 010120-1234"
            value={draft.cpr}
            onChange={set('cpr')}
            error={errors.cpr}
            width="input-width-s"
          />
        )}
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
