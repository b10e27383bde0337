import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, ApiError, call, fieldErrors, messageOf, type MemberRead } from '../api/client';
import { casePath, CIRCLES, RELATIONS, relationLabel } from '../casework';
import { Alert } from '../components/Alert';
import { ErrorSummary, SelectField, TextArea, TextField, withoutKey } from '../components/Form';
import { FormDialog } from '../components/FormDialog';
import { Icon } from '../components/Icon';
import { Loading } from '../components/Loading';
import { Link } from '../router';
import { useApiQuery } from '../useApi';
import { useSubmit } from '../mutation';

/** The id of the "Netværk" section; the "Kontakter" link by the page heading jumps here. */
export const NETWORK_ANCHOR = 'netvaerk';

/** Move focus to the Netværk section (after the browser has jumped to it). */
export function focusNetwork(): void {
  requestAnimationFrame(() => document.getElementById(NETWORK_ANCHOR)?.focus({ preventScroll: true }));
}


/** "tel:" wants digits and a leading +, not the spaces people write numbers with. */
function telHref(phone: string): string {
  return `tel:${phone.replace(/[^\d+]/g, '')}`;
}

// ---------------------------------------------------------------- tilføj person

// "Personens navn", not "Navn": the case page's underretning form has "Underretterens navn".
const M_FIELDS: Record<string, [string, string]> = {
  relation: ['m-relation', 'Relation'],
  sibling_cpr: ['m-sibling-cpr', 'Søskendes CPR-nummer'],
  name: ['m-name', 'Personens navn'],
  organisation: ['m-organisation', 'Organisation'],
  phone: ['m-phone', 'Telefon'],
  email: ['m-email', 'E-mail'],
  note: ['m-note', 'Bemærkning'],
};

type MDraft = {
  relation: string;
  siblingCpr: string;
  name: string;
  organisation: string;
  phone: string;
  email: string;
  note: string;
};

const SIBLING = 'søskende';

const emptyDraft = (): MDraft => ({
  relation: '',
  siblingCpr: '',
  name: '',
  organisation: '',
  phone: '',
  email: '',
  note: '',
});

/** "Tilføj person" in a dialog: it closes when the person is added (the section says so). */
function AddMemberDialog({
  childId,
  onAdded,
  onClose,
}: {
  childId: string;
  onAdded: (member: MemberRead) => void;
  onClose: () => void;
}) {
  const [draft, setDraft] = useState<MDraft>(emptyDraft);
  const { run, busy, errors, setErrors, general: failure, setGeneral: setFailure } = useSubmit();

  const set = (key: keyof MDraft, errorKey: string = key) => (value: string) => {
    setDraft((d) => ({ ...d, [key]: value }));
    setErrors(withoutKey(errorKey));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setFailure(undefined);
    setErrors({});
    const optional = (v: string) => v.trim() || null;
    await run(async () => {
      const member = await call(
        api.POST('/api/children/{child_id}/network', {
          params: { path: { child_id: childId } },
          body: {
            relation: draft.relation,
            // Only a sibling links to another child's case.
            sibling_cpr: draft.relation === SIBLING ? optional(draft.siblingCpr) : null,
            name: draft.name.trim(),
            organisation: optional(draft.organisation),
            phone: optional(draft.phone),
            email: optional(draft.email),
            note: optional(draft.note),
          },
        }),
      );
      onAdded(member);
    });
  };

  return (
    <FormDialog title="Tilføj person til netværket" busy={busy} onClose={onClose}>
    <form onSubmit={submit} noValidate className="network-form">
      <ErrorSummary errors={errors} fields={M_FIELDS} />
      {failure ? (
        <Alert variant="error" heading="Personen blev ikke tilføjet">
          <p>{failure}</p>
        </Alert>
      ) : null}
      <SelectField
        id="m-relation"
        label="Relation"
        value={draft.relation}
        onChange={(value) => {
          set('relation')(value);
          // The sibling's CPR field goes with "Søskende": so does its error.
          if (value !== SIBLING) setErrors(withoutKey('sibling_cpr'));
        }}
        choices={[{ value: '', label: 'Vælg relation' }, ...RELATIONS]}
        error={errors.relation}
      />
      {draft.relation === SIBLING ? (
        <TextField
          id="m-sibling-cpr"
          label="Søskendes CPR-nummer (hvis barnet er kendt i kommunen)"
          hint="Udfyld det, så netværket henviser til søskendets egen sag. 10 cifre, fx 0101151234"
          inputMode="numeric"
          value={draft.siblingCpr}
          onChange={set('siblingCpr', 'sibling_cpr')}
          error={errors.sibling_cpr}
          width="input-width-s"
        />
      ) : null}
      <TextField id="m-name" label="Personens navn" value={draft.name} onChange={set('name')} error={errors.name} />
      <TextField
        id="m-organisation"
        label="Organisation"
        hint="For fagpersoner, fx skolens eller lægens navn"
        value={draft.organisation}
        onChange={set('organisation')}
        error={errors.organisation}
      />
      <TextField
        id="m-phone"
        label="Telefon"
        type="tel"
        value={draft.phone}
        onChange={set('phone')}
        error={errors.phone}
        width="input-width-m"
      />
      <TextField id="m-email" label="E-mail" type="email" value={draft.email} onChange={set('email')} error={errors.email} />
      <TextArea id="m-note" label="Bemærkning" value={draft.note} onChange={set('note')} error={errors.note} rows={3} />
      <div className="button-row">
        <button
          type="submit"
          className={`button button-primary ${busy ? 'spinner-active' : ''}`.trim()}
          aria-disabled={busy || undefined}
        >
          Tilføj til netværket
        </button>
        <button type="button" className="button button-tertiary" onClick={onClose} disabled={busy}>
          Annullér
        </button>
      </div>
    </form>
    </FormDialog>
  );
}

/** Phone and e-mail for a person already in the network (POST /api/network/{id}/contact). */
function ContactDialog({
  member,
  onSaved,
  onClose,
}: {
  member: MemberRead;
  onSaved: (member: MemberRead) => void;
  onClose: () => void;
}) {
  const [phone, setPhone] = useState(member.phone ?? '');
  const [email, setEmail] = useState(member.email ?? '');
  const { run, busy, errors, setErrors, general: failure } = useSubmit();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setErrors({});
    await run(async () => {
      const saved = await call(
        api.POST('/api/network/{member_id}/contact', {
          params: { path: { member_id: member.id } },
          body: { version: member.version, phone: phone.trim() || null, email: email.trim() || null },
        }),
      );
      onSaved({ ...member, phone: saved.phone, email: saved.email, version: saved.version });
    });
  };

  return (
    <FormDialog title="Ret kontaktoplysninger" subtitle={member.name} busy={busy} onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <ErrorSummary errors={errors} fields={{ phone: ['c-phone', 'Telefon'], email: ['c-email', 'E-mail'] }} />
        {failure ? (
          <Alert variant="error" heading="Kontaktoplysningerne blev ikke gemt">
            <p>{failure}</p>
          </Alert>
        ) : null}
        <TextField
          id="c-phone"
          label="Telefon"
          type="tel"
          hint="8 cifre, evt. med +45"
          value={phone}
          onChange={(v) => {
            setPhone(v);
            setErrors(withoutKey('phone'));
          }}
          error={errors.phone}
          width="input-width-m"
        />
        <TextField
          id="c-email"
          label="E-mail"
          type="email"
          value={email}
          onChange={(v) => {
            setEmail(v);
            setErrors(withoutKey('email'));
          }}
          error={errors.email}
        />
        <div className="button-row">
          <button
            type="submit"
            className={`button button-primary ${busy ? 'spinner-active' : ''}`.trim()}
            aria-disabled={busy || undefined}
          >
            Gem kontaktoplysninger
          </button>
          <button type="button" className="button button-tertiary" onClick={onClose} disabled={busy}>
            Annullér
          </button>
        </div>
      </form>
    </FormDialog>
  );
}

// ---------------------------------------------------------------- one person

function Member({
  member,
  canWrite,
  confirming,
  busy,
  onAsk,
  onCancel,
  onRemove,
  onContact,
}: {
  member: MemberRead;
  canWrite: boolean;
  confirming: boolean;
  busy: boolean;
  onAsk: () => void;
  onCancel: () => void;
  onRemove: () => void;
  onContact: () => void;
}) {
  const confirmId = `member-${member.id}-confirm`;
  const nameId = `member-${member.id}-name`;
  return (
    <li className="network-member">
      <h4 id={nameId} className="h5 network-name">
        {member.name}
      </h4>
      <p className="network-meta">
        {relationLabel(member.relation)}
        {member.custody ? (
          <>
            {' '}
            <span className="badge badge-info">Forældremyndighed</span>
          </>
        ) : null}
        {member.source === 'cpr' ? <span className="cell-note">fra CPR</span> : null}
        {member.address_protected ? (
          <>
            {' '}
            <span className="badge badge-warning">Adressebeskyttet</span>
          </>
        ) : null}
      </p>
      {member.organisation ? <p className="network-line">{member.organisation}</p> : null}
      {member.phone || member.email ? (
        <ul className="nobullet-list network-contact">
          {member.phone ? (
            <li>
              <a href={telHref(member.phone)} className="network-call">
                <Icon name="smartphone" />
                <span>
                  Ring til {member.name} på <span className="network-phone">{member.phone}</span>
                </span>
              </a>
            </li>
          ) : null}
          {member.email ? (
            <li>
              <a href={`mailto:${member.email}`} className="break">
                {member.email}
              </a>
            </li>
          ) : null}
        </ul>
      ) : null}
      {member.note ? <p className="network-line network-note">{member.note}</p> : null}
      {member.sibling_case_id ? (
        <p className="network-line">
          <Link to={casePath(member.sibling_case_id, member.sibling_child_id)} aria-describedby={nameId}>
            Åbn søskendes sag
          </Link>
        </p>
      ) : null}
      {canWrite && !confirming ? (
        <div className="network-actions">
          {member.sibling_child_id ? null : (
            <button
              id={`member-${member.id}-contact`}
              type="button"
              className="button button-tertiary button-small"
              aria-label={
                member.phone || member.email ? `Ret kontakt for ${member.name}` : `Tilføj nummer for ${member.name}`
              }
              onClick={onContact}
            >
              {member.phone || member.email ? 'Ret kontakt' : 'Tilføj nummer'}
            </button>
          )}
          <button
            id={`member-${member.id}-remove`}
            type="button"
            className="button button-tertiary button-small"
            aria-label={`Fjern ${member.name} fra netværket`}
            onClick={onAsk}
          >
            Fjern
          </button>
        </div>
      ) : null}
      {canWrite && confirming ? (
        <div className="confirm-panel">
          <Alert variant="warning" heading={`Vil du fjerne ${member.name} fra netværket?`} role="note">
            <p id={confirmId}>Personen vises ikke længere i netværket. Historikken gemmes i journalen.</p>
          </Alert>
          <div className="button-row">
            <button
              type="button"
              className={`button button-primary ${busy ? 'spinner-active' : ''}`.trim()}
              aria-disabled={busy || undefined}
              aria-describedby={confirmId}
              autoFocus
              onClick={onRemove}
            >
              Bekræft
            </button>
            <button type="button" className="button button-tertiary" onClick={onCancel}>
              Annullér
            </button>
          </div>
        </div>
      ) : null}
    </li>
  );
}

// ---------------------------------------------------------------- the section

type Outcome =
  | { variant: 'success'; heading: string; text?: string }
  | { variant: 'error'; heading: string; text: string; conflict?: boolean };

/**
 * "Netværk": the child's parents, family, network and professionals with phone and e-mail,
 * grouped by circle. With case.write: "Hent forældre fra CPR", "Tilføj person", "Fjern".
 */
export function Netvaerk({ childId, canWrite }: { childId: string; canWrite: boolean }) {
  const [members, reload, update] = useApiQuery(['child', childId, 'network'], (signal) =>
    call(api.GET('/api/children/{child_id}/network', { signal, params: { path: { child_id: childId } } })),
  );
  const [outcome, setOutcome] = useState<Outcome | undefined>();
  const [confirming, setConfirming] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const [contactOf, setContactOf] = useState<MemberRead | null>(null);
  const fetchSubmit = useSubmit();
  const removeSubmit = useSubmit();
  const fetching = fetchSubmit.busy;
  const removing = removeSubmit.busy;
  const outcomeRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (outcome) outcomeRef.current?.focus();
  }, [outcome]);

  const fetchFromCpr = async () => {
    if (fetching) return;
    setOutcome(undefined);
    setConfirming(null);
    await fetchSubmit.run(
      async () => {
        const result = await call(
          api.POST('/api/children/{child_id}/network/from-cpr', { params: { path: { child_id: childId } } }),
        );
        update(() => result.members);
        setOutcome({
          variant: 'success',
          heading: 'Forældrene er hentet fra CPR',
          text: `${result.added} nye, ${result.updated} ændrede`,
        });
      },
      (err) =>
        setOutcome({
          variant: 'error',
          heading: 'Forældrene kunne ikke hentes fra CPR',
          text: fieldErrors(err).cpr ?? messageOf(err),
        }),
    );
  };

  const remove = async (member: MemberRead) => {
    if (removing) return;
    setOutcome(undefined);
    await removeSubmit.run(
      async () => {
        await call(
          api.POST('/api/network/{member_id}/remove', {
            params: { path: { member_id: member.id } },
            body: { version: member.version },
          }),
        );
        update((list) => list.filter((m) => m.id !== member.id));
        setOutcome({ variant: 'success', heading: `${member.name} er fjernet fra netværket` });
      },
      (err) => {
        const conflict = err instanceof ApiError && err.status === 409;
        setOutcome({
          variant: 'error',
          heading: conflict ? 'Personen er ændret af en anden' : 'Personen blev ikke fjernet',
          text: messageOf(err),
          conflict,
        });
      },
    );
    setConfirming(null);
  };

  const reloadAll = () => {
    setOutcome(undefined);
    reload();
  };

  let body;
  if (members.state === 'loading') {
    body = <Loading text="Henter netværket …" />;
  } else if (members.state === 'error') {
    body = (
      <Alert
        variant="error"
        heading="Netværket kunne ikke hentes"
        action={
          <button type="button" className="button button-secondary" onClick={reload}>
            Prøv igen
          </button>
        }
      >
        <p>{members.message}</p>
      </Alert>
    );
  } else if (members.data.length === 0) {
    body = <p className="empty-state">Der er ingen personer i netværket endnu.</p>;
  } else {
    const list = members.data;
    const known = new Set(CIRCLES.map((c) => c.value));
    const groups = [
      ...CIRCLES.map((c) => ({ key: c.value, label: c.label, items: list.filter((m) => m.circle === c.value) })),
      { key: 'andet', label: 'Andre', items: list.filter((m) => !known.has(m.circle)) },
    ].filter((g) => g.items.length > 0);
    body = groups.map((g) => (
      <div key={g.key} className="network-circle">
        <h3 id={`netvaerk-${g.key}`}>{g.label}</h3>
        <ul className="network-list" aria-labelledby={`netvaerk-${g.key}`}>
          {g.items.map((m) => (
            <Member
              key={m.id}
              member={m}
              canWrite={canWrite}
              confirming={confirming === m.id}
              busy={removing}
              onAsk={() => {
                setOutcome(undefined);
                setConfirming(m.id);
              }}
              onCancel={() => {
                setConfirming(null);
                requestAnimationFrame(() => document.getElementById(`member-${m.id}-remove`)?.focus());
              }}
              onRemove={() => void remove(m)}
              onContact={() => {
                setOutcome(undefined);
                setContactOf(m);
              }}
            />
          ))}
        </ul>
      </div>
    ));
  }

  return (
    <section id={NETWORK_ANCHOR} tabIndex={-1} aria-labelledby="netvaerk-heading" className="case-section network">
      <h2 id="netvaerk-heading">Netværk</h2>
      <div ref={outcomeRef} tabIndex={-1} className="case-outcome">
        {outcome ? (
          <Alert
            variant={outcome.variant}
            heading={outcome.heading}
            action={
              outcome.variant === 'error' && outcome.conflict ? (
                <button type="button" className="button button-secondary" onClick={reloadAll}>
                  Hent igen
                </button>
              ) : null
            }
          >
            {outcome.text ? <p>{outcome.text}</p> : null}
          </Alert>
        ) : null}
      </div>
      {canWrite ? (
        <div className="button-row network-buttons">
          <button
            type="button"
            className={`button button-secondary ${fetching ? 'spinner-active' : ''}`.trim()}
            aria-disabled={fetching || undefined}
            onClick={() => void fetchFromCpr()}
          >
            Hent forældre fra CPR
          </button>
          <button
            type="button"
            className="button button-secondary"
            onClick={() => {
              setOutcome(undefined);
              setAdding(true);
            }}
          >
            Tilføj person
          </button>
        </div>
      ) : null}
      <div aria-busy={members.state === 'loading'} className="network-members">
        {body}
      </div>
      {canWrite && adding ? (
        <AddMemberDialog
          childId={childId}
          onClose={() => setAdding(false)}
          onAdded={(member) => {
            setAdding(false);
            update((list) => [...list.filter((m) => m.id !== member.id), member]);
            setOutcome({ variant: 'success', heading: `${member.name} er tilføjet netværket` });
          }}
        />
      ) : null}
      {canWrite && contactOf ? (
        <ContactDialog
          member={contactOf}
          onClose={() => setContactOf(null)}
          onSaved={(member) => {
            setContactOf(null);
            update((list) => list.map((m) => (m.id === member.id ? member : m)));
            setOutcome({ variant: 'success', heading: `Kontaktoplysningerne for ${member.name} er gemt` });
          }}
        />
      ) : null}
    </section>
  );
}
