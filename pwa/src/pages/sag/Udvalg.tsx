// Placement without consent (§ 47) by børne- og ungeudvalget (issue 17 item 2), on Forløb:
// "Skriv indstilling" (the placement proposed, the reasons, the meeting's date), then per
// indstilling the offers of free legal counsel and access to the file (the custody holders;
// the child from 10), "Registrér udvalgets afgørelse" (only once barnets plan and the other
// steps are done: the API answers 409 naming what is missing), or in an urgent case the
// chair's provisional decision and the committee's answer to it. Each in a dialog; the
// activities each step creates are on the worklist like every other activity.
import { useState, type FormEvent } from 'react';
import { api, call } from '../../api/client';
import type { components } from '../../api/schema';
import { Alert } from '../../components/Alert';
import { ErrorSummary, RadioGroup, SelectField, TextArea, TextField, withoutKey } from '../../components/Form';
import { DialogButtons, FormDialog } from '../../components/FormDialog';
import { Loading } from '../../components/Loading';
import { formatDate, todayInCopenhagen } from '../../format';
import { useSubmit } from '../../mutation';
import { useApiQuery } from '../../useApi';
import { DialogButton, type Outcome } from './shared';

type UdvalgRead = components['schemas']['UdvalgRead'];
type IndstillingRead = components['schemas']['IndstillingRead'];

export const udvalgKey = (caseId: string) => ['udvalg', caseId] as const;
const isDate = (v: string) => /^\d{4}-\d{2}-\d{2}$/.test(v);
const PARTY_LABELS: Record<string, string> = {
  foraeldre: 'Forældremyndighedsindehaverne',
  barn: 'Barnet',
};
const YES_NO = [
  { value: 'ja', label: 'Ja' },
  { value: 'nej', label: 'Nej' },
];
const REVIEW = [
  { value: '12', label: 'Inden 1 år (hovedreglen)' },
  { value: '24', label: 'Inden 2 år' },
  { value: '36', label: 'Inden 3 år' },
];

function useUdvalg(caseId: string, enabled = true) {
  return useApiQuery(
    udvalgKey(caseId),
    (signal) => call(api.GET('/api/cases/{case_id}/udvalg', { signal, params: { path: { case_id: caseId } } })),
    { enabled },
  );
}

function useSave(caseId: string) {
  return useSubmit({ invalidates: [udvalgKey(caseId), ['worklist']] });
}

// ---------------------------------------------------------------- indstilling

const I_FIELDS: Record<string, [string, string]> = {
  measure: ['ud-measure', 'Anbringelse'],
  reasons: ['ud-reasons', 'Begrundelse'],
  meeting_on: ['ud-meeting', 'Udvalgets møde'],
};

function IndstillingForm({
  caseId,
  childName,
  measures,
  onSaved,
  onClose,
}: {
  caseId: string;
  childName: string;
  measures: UdvalgRead['measures'];
  onSaved: (o: Outcome) => void;
  onClose: () => void;
}) {
  const [measure, setMeasure] = useState('');
  const [reasons, setReasons] = useState('');
  const [meeting, setMeeting] = useState('');
  const { run, busy, errors, setErrors, general } = useSave(caseId);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const e: Record<string, string> = {};
    if (!measure) e.measure = 'Vælg hvilken anbringelse udvalget skal tage stilling til';
    if (!reasons.trim()) e.reasons = 'Skriv indstillingens begrundelse';
    if (!isDate(meeting)) e.meeting_on = 'Angiv datoen for udvalgets møde';
    else if (meeting < todayInCopenhagen()) e.meeting_on = 'Mødedatoen ligger i fortiden. Angiv datoen for udvalgets møde.';
    if (Object.keys(e).length > 0) {
      setErrors(e);
      return;
    }
    setErrors({});
    void run(async () => {
      await call(
        api.POST('/api/cases/{case_id}/udvalg', {
          params: { path: { case_id: caseId } },
          body: { measure, reasons: reasons.trim(), meeting_on: meeting },
        }),
      );
      onSaved({
        heading: 'Indstillingen til børne- og ungeudvalget er skrevet',
        body: (
          <p>
            Udvalgets møde er {formatDate(meeting)}. Tilbyd forældrene (og barnet fra 10 år) gratis advokatbistand og
            aktindsigt, og få barnets plan godkendt før mødet.
          </p>
        ),
      });
    });
  };
  const change = (key: string, set: (v: string) => void) => (v: string) => {
    set(v);
    setErrors(withoutKey(key));
  };
  return (
    <FormDialog title="Skriv indstilling til børne- og ungeudvalget" subtitle={childName} busy={busy} onClose={onClose}>
      <form onSubmit={submit} noValidate className="admin-form case-form">
        <ErrorSummary errors={errors} fields={I_FIELDS} general={general} heading="Indstillingen blev ikke gemt" />
        <p className="form-hint">
          En anbringelse uden samtykke (Barnets Lov § 47) træffes af børne- og ungeudvalget på et møde (§ 142), ikke af
          sagsbehandleren.
        </p>
        <SelectField
          id="ud-measure"
          label="Anbringelse, der indstilles til"
          value={measure}
          onChange={change('measure', setMeasure)}
          choices={[{ value: '', label: 'Vælg anbringelse' }, ...measures.map((m) => ({ value: m.value, label: m.label }))]}
          error={errors.measure}
        />
        <TextArea
          id="ud-reasons"
          label="Begrundelse for indstillingen"
          hint="Hvorfor betingelserne i § 47 er opfyldt, formålet og den forventede varighed"
          value={reasons}
          onChange={change('reasons', setReasons)}
          error={errors.reasons}
        />
        <TextField
          id="ud-meeting"
          label="Udvalgets møde"
          type="date"
          value={meeting}
          onChange={change('meeting_on', setMeeting)}
          error={errors.meeting_on}
          width="input-width-s"
        />
        <DialogButtons label="Gem indstillingen" busy={busy} onCancel={onClose} />
      </form>
    </FormDialog>
  );
}

/** "Skriv indstilling" as a button with its dialog (also offered from "Træf afgørelse" at § 47). */
export function IndstillingButton({
  caseId,
  childName,
  onDone,
  variant = 'secondary',
}: {
  caseId: string;
  childName: string;
  onDone: (o: Outcome) => void;
  variant?: 'primary' | 'secondary';
}) {
  const [udvalg] = useUdvalg(caseId);
  const measures = udvalg.state === 'ready' ? udvalg.data.measures : [];
  return (
    <DialogButton label="Skriv indstilling til børne- og ungeudvalget" variant={variant}>
      {(close) => (
        <IndstillingForm
          caseId={caseId}
          childName={childName}
          measures={measures}
          onSaved={(o) => {
            close();
            onDone(o);
          }}
          onClose={close}
        />
      )}
    </DialogButton>
  );
}

// ---------------------------------------------------------------- tilbud

const T_FIELDS: Record<string, [string, string]> = {
  party: ['ut-party', 'Tilbudt til'],
  offered_on: ['ut-date', 'Tilbudt den'],
  accepted: ['ut-accepted', 'Taget imod'],
  lawyer: ['ut-lawyer', 'Advokat'],
};

function TilbudForm({
  caseId,
  ind,
  hint,
  onSaved,
  onClose,
}: {
  caseId: string;
  ind: IndstillingRead;
  hint: string;
  onSaved: (o: Outcome) => void;
  onClose: () => void;
}) {
  const first = ind.parties.find((p) => !ind.offers.some((o) => o.party === p)) ?? ind.parties[0];
  const [party, setParty] = useState<string>(first ?? 'foraeldre');
  const [offered, setOffered] = useState(todayInCopenhagen());
  const [accepted, setAccepted] = useState('');
  const [lawyer, setLawyer] = useState('');
  const { run, busy, errors, setErrors, general } = useSave(caseId);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const e: Record<string, string> = {};
    if (!party) e.party = 'Vælg hvem tilbuddet er givet til';
    if (!isDate(offered)) e.offered_on = 'Angiv dagen, tilbuddet blev givet';
    else if (offered > todayInCopenhagen()) e.offered_on = 'Datoen ligger i fremtiden. Angiv dagen, tilbuddet blev givet.';
    if (!accepted) e.accepted = 'Angiv om tilbuddet er taget imod';
    if (Object.keys(e).length > 0) {
      setErrors(e);
      return;
    }
    setErrors({});
    void run(async () => {
      await call(
        api.POST('/api/udvalg/{indstilling_id}/tilbud', {
          params: { path: { indstilling_id: ind.id } },
          body: {
            party,
            offered_on: offered,
            accepted: accepted === 'ja',
            lawyer: accepted === 'ja' && lawyer.trim() ? lawyer.trim() : null,
          },
        }),
      );
      onSaved({ heading: `Tilbuddet til ${PARTY_LABELS[party]?.toLowerCase() ?? party} er registreret` });
    });
  };
  const change = (key: string, set: (v: string) => void) => (v: string) => {
    set(v);
    setErrors(withoutKey(key));
  };
  return (
    <FormDialog title="Registrér tilbud om advokatbistand og aktindsigt" subtitle={ind.measure_label} busy={busy} onClose={onClose}>
      <form onSubmit={submit} noValidate className="admin-form case-form">
        <ErrorSummary errors={errors} fields={T_FIELDS} general={general} heading="Tilbuddet blev ikke registreret" />
        <p className="form-hint">{hint}</p>
        <RadioGroup
          id="ut-party"
          legend="Tilbudt til"
          choices={ind.parties.map((p) => ({ value: p, label: PARTY_LABELS[p] ?? p }))}
          value={party}
          onChange={change('party', setParty)}
          error={errors.party}
        />
        <TextField
          id="ut-date"
          label="Tilbudt den"
          type="date"
          value={offered}
          onChange={change('offered_on', setOffered)}
          error={errors.offered_on}
          width="input-width-s"
        />
        <RadioGroup
          id="ut-accepted"
          legend="Er tilbuddet taget imod?"
          choices={YES_NO}
          value={accepted}
          onChange={change('accepted', setAccepted)}
          error={errors.accepted}
        />
        {accepted === 'ja' ? (
          <TextField
            id="ut-lawyer"
            label="Advokatens navn (valgfrit)"
            value={lawyer}
            onChange={change('lawyer', setLawyer)}
            error={errors.lawyer}
          />
        ) : null}
        <DialogButtons label="Gem tilbuddet" busy={busy} onCancel={onClose} />
      </form>
    </FormDialog>
  );
}

// ---------------------------------------------------------------- the meeting moves

const M_FIELDS: Record<string, [string, string]> = {
  meeting_on: ['um-date', 'Ny mødedato'],
  reason: ['um-reason', 'Hvorfor mødet flyttes'],
};

function FlytMoedeForm({
  caseId,
  ind,
  onSaved,
  onClose,
}: {
  caseId: string;
  ind: IndstillingRead;
  onSaved: (o: Outcome) => void;
  onClose: () => void;
}) {
  const [meeting, setMeeting] = useState(ind.meeting_on);
  const [reason, setReason] = useState('');
  const { run, busy, errors, setErrors, general } = useSave(caseId);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const e: Record<string, string> = {};
    if (!isDate(meeting)) e.meeting_on = 'Angiv datoen for udvalgets møde';
    else if (meeting < todayInCopenhagen()) e.meeting_on = 'Mødedatoen ligger i fortiden. Angiv datoen for udvalgets møde.';
    if (!reason.trim()) e.reason = 'Skriv hvorfor mødet flyttes';
    if (Object.keys(e).length > 0) {
      setErrors(e);
      return;
    }
    setErrors({});
    void run(async () => {
      await call(
        api.POST('/api/udvalg/{indstilling_id}/moede', {
          params: { path: { indstilling_id: ind.id } },
          body: { version: ind.version, meeting_on: meeting, reason: reason.trim() },
        }),
      );
      onSaved({ heading: `Udvalgets møde er flyttet til ${formatDate(meeting)}`, body: <p>Fristerne er flyttet med.</p> });
    });
  };
  const change = (key: string, set: (v: string) => void) => (v: string) => {
    set(v);
    setErrors(withoutKey(key));
  };
  return (
    <FormDialog title="Flyt udvalgets møde" subtitle={`Indstilling: ${ind.measure_label}`} busy={busy} onClose={onClose}>
      <form onSubmit={submit} noValidate className="admin-form case-form">
        <ErrorSummary errors={errors} fields={M_FIELDS} general={general} heading="Mødet blev ikke flyttet" />
        <TextField
          id="um-date"
          label="Ny mødedato"
          type="date"
          hint="Fristen for tilbud om advokatbistand og aktindsigt flytter med"
          value={meeting}
          onChange={change('meeting_on', setMeeting)}
          error={errors.meeting_on}
          width="input-width-s"
        />
        <TextArea id="um-reason" label="Hvorfor mødet flyttes" rows={3} value={reason} onChange={change('reason', setReason)} error={errors.reason} />
        <DialogButtons label="Flyt mødet" busy={busy} onCancel={onClose} />
      </form>
    </FormDialog>
  );
}

// ---------------------------------------------------------------- decisions

const D_FIELDS: Record<string, [string, string]> = {
  confirmed: ['ua-confirmed', 'Godkender udvalget'],
  outcome: ['ua-outcome', 'Udvalgets afgørelse'],
  decided_on: ['ua-date', 'Dato'],
  starts_on: ['ua-start', 'Anbringelsen starter'],
  review_months: ['ua-review', 'Ny behandling i udvalget'],
  reasons: ['ua-reasons', 'Begrundelse'],
};

type Kind = 'udvalg' | 'formand' | 'godkendelse';
const TITLES: Record<Kind, string> = {
  udvalg: 'Registrér udvalgets afgørelse',
  formand: 'Registrér formandens foreløbige afgørelse',
  godkendelse: 'Registrér udvalgets svar på formandens afgørelse',
};

function AfgoerelseDialog({
  caseId,
  ind,
  kind,
  data,
  onSaved,
  onClose,
}: {
  caseId: string;
  ind: IndstillingRead;
  kind: Kind;
  data: UdvalgRead;
  onSaved: (o: Outcome) => void;
  onClose: () => void;
}) {
  const today = todayInCopenhagen();
  const [outcome, setOutcome] = useState('');
  const [confirmed, setConfirmed] = useState('');
  const [decided, setDecided] = useState(kind === 'udvalg' && ind.meeting_on <= today ? ind.meeting_on : today);
  const [starts, setStarts] = useState(today);
  const [review, setReview] = useState('12');
  const [reasons, setReasons] = useState('');
  const { run, busy, errors, setErrors, general } = useSave(caseId);
  const granted = kind === 'formand' || (kind === 'udvalg' && outcome === 'bevilget');
  const reviewed = (kind === 'udvalg' && outcome === 'bevilget') || (kind === 'godkendelse' && confirmed === 'ja');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const e: Record<string, string> = {};
    if (kind === 'udvalg' && !outcome) e.outcome = 'Vælg udvalgets afgørelse';
    if (kind === 'godkendelse' && !confirmed) e.confirmed = 'Angiv om udvalget godkender formandens afgørelse';
    if (!isDate(decided)) e.decided_on = 'Angiv dagen for afgørelsen';
    else if (decided > today) e.decided_on = 'Datoen ligger i fremtiden. Angiv dagen for afgørelsen.';
    if (granted) {
      if (!isDate(starts)) e.starts_on = 'Angiv hvornår anbringelsen starter';
      else if (isDate(decided) && starts < decided) e.starts_on = 'Anbringelsen kan ikke starte før afgørelsen';
    }
    if (!reasons.trim()) e.reasons = 'Skriv afgørelsens begrundelse';
    if (Object.keys(e).length > 0) {
      setErrors(e);
      return;
    }
    setErrors({});
    const path = { params: { path: { indstilling_id: ind.id } } };
    void run(async () => {
      if (kind === 'udvalg') {
        await call(
          api.POST('/api/udvalg/{indstilling_id}/afgoerelse', {
            ...path,
            body: {
              version: ind.version,
              outcome,
              decided_on: decided,
              reasons: reasons.trim(),
              starts_on: granted ? starts : null,
              review_months: reviewed ? Number(review) : null,
            },
          }),
        );
        onSaved({
          heading:
            outcome === 'bevilget'
              ? `Udvalgets afgørelse er registreret: anbringelse uden samtykke fra ${formatDate(starts)}`
              : 'Udvalgets afgørelse er registreret: afslag',
          body: <p>Send afgørelsen med klagevejledning. Klage går direkte til Ankestyrelsen.</p>,
        });
      } else if (kind === 'formand') {
        await call(
          api.POST('/api/udvalg/{indstilling_id}/formand', {
            ...path,
            body: { version: ind.version, decided_on: decided, reasons: reasons.trim(), starts_on: starts },
          }),
        );
        onSaved({
          heading: 'Formandens foreløbige afgørelse er registreret',
          body: <p>Udvalget skal godkende afgørelsen inden {data.confirm_days} dage, ellers bortfalder den.</p>,
        });
      } else {
        await call(
          api.POST('/api/udvalg/{indstilling_id}/godkendelse', {
            ...path,
            body: {
              version: ind.version,
              confirmed: confirmed === 'ja',
              decided_on: decided,
              reasons: reasons.trim(),
              review_months: reviewed ? Number(review) : null,
            },
          }),
        );
        onSaved({
          heading:
            confirmed === 'ja'
              ? 'Udvalget har godkendt formandens afgørelse'
              : 'Formandens afgørelse er bortfaldet, og anbringelsen ophører',
        });
      }
    });
  };
  const change = (key: string, set: (v: string) => void) => (v: string) => {
    set(v);
    setErrors(withoutKey(key));
  };
  return (
    <FormDialog title={TITLES[kind]} subtitle={`Indstilling: ${ind.measure_label}`} busy={busy} onClose={onClose}>
      <form onSubmit={submit} noValidate className="admin-form case-form">
        <ErrorSummary errors={errors} fields={D_FIELDS} general={general} heading="Afgørelsen blev ikke registreret" />
        {kind === 'udvalg' && ind.missing.length > 0 ? (
          <Alert variant="warning" role="note" heading="Før udvalgets afgørelse kan registreres">
            <ul>
              {ind.missing.map((m) => (
                <li key={m}>{m}</li>
              ))}
            </ul>
          </Alert>
        ) : null}
        {kind === 'formand' ? <p className="form-hint">{data.confirm_hint}</p> : null}
        {kind === 'udvalg' ? (
          <RadioGroup
            id="ua-outcome"
            legend="Udvalgets afgørelse"
            hint={`Indstillingen: ${ind.measure_label}`}
            choices={[
              { value: 'bevilget', label: 'Anbringelse uden samtykke' },
              { value: 'afslag', label: 'Afslag' },
            ]}
            value={outcome}
            onChange={change('outcome', setOutcome)}
            error={errors.outcome}
          />
        ) : null}
        {kind === 'godkendelse' ? (
          <RadioGroup
            id="ua-confirmed"
            legend="Godkender udvalget formandens afgørelse?"
            hint="Godkender udvalget ikke, bortfalder afgørelsen, og anbringelsen ophører den dag."
            choices={YES_NO}
            value={confirmed}
            onChange={change('confirmed', setConfirmed)}
            error={errors.confirmed}
          />
        ) : null}
        <TextField
          id="ua-date"
          label={kind === 'formand' ? 'Formanden afgjorde den' : 'Udvalgets møde'}
          type="date"
          value={decided}
          onChange={change('decided_on', setDecided)}
          error={errors.decided_on}
          width="input-width-s"
        />
        {granted ? (
          <TextField
            id="ua-start"
            label="Anbringelsen starter"
            type="date"
            hint="Tilsynsbesøg og første opfølgning regnes fra denne dato"
            value={starts}
            onChange={change('starts_on', setStarts)}
            error={errors.starts_on}
            width="input-width-s"
          />
        ) : null}
        {reviewed ? (
          <RadioGroup
            id="ua-review"
            legend="Udvalget behandler anbringelsen igen"
            hint={data.review_hint}
            choices={REVIEW}
            value={review}
            onChange={change('review_months', setReview)}
            error={errors.review_months}
          />
        ) : null}
        <TextArea
          id="ua-reasons"
          label="Begrundelse"
          rows={4}
          value={reasons}
          onChange={change('reasons', setReasons)}
          error={errors.reasons}
        />
        <DialogButtons label="Gem afgørelsen" busy={busy} onCancel={onClose} />
      </form>
    </FormDialog>
  );
}

// ---------------------------------------------------------------- the section

function Indstilling({
  caseId,
  ind,
  data,
  canWrite,
  onDone,
}: {
  caseId: string;
  ind: IndstillingRead;
  data: UdvalgRead;
  canWrite: boolean;
  onDone: (o: Outcome) => void;
}) {
  const done = (close: () => void) => (o: Outcome) => {
    close();
    onDone(o);
  };
  const open = ind.state === 'forberedes' || ind.state === 'formand';
  return (
    <li>
      <p className="process-item-title">
        Indstilling: {ind.measure_label} (§ 47){' '}
        <span className={`badge ${open ? 'badge-info' : 'badge-success'}`}>{ind.state_label}</span>
      </p>
      <p className="process-meta">
        {ind.decided_on && !open ? (
          <>
            Afgjort <time dateTime={ind.decided_on}>{formatDate(ind.decided_on)}</time>
          </>
        ) : (
          <>
            Udvalgets møde <time dateTime={ind.meeting_on}>{formatDate(ind.meeting_on)}</time>
          </>
        )}
      </p>
      <p className="process-text">{ind.reasons}</p>
      <p className="process-item-title">Gratis advokatbistand og aktindsigt</p>
      <ul className="process-exceptions">
        {ind.parties.map((p) => {
          const o = ind.offers.find((x) => x.party === p);
          return (
            <li key={p}>
              {PARTY_LABELS[p]}:{' '}
              {o
                ? `tilbudt ${formatDate(o.offered_on)} – ${o.accepted ? 'taget imod' : 'afslået'}${o.lawyer ? ` (advokat: ${o.lawyer})` : ''}`
                : 'ikke tilbudt endnu'}
            </li>
          );
        })}
      </ul>
      {ind.provisional_on ? (
        <p className="process-text">
          Formandens foreløbige afgørelse {formatDate(ind.provisional_on)}: {ind.provisional_reasons}
        </p>
      ) : null}
      {ind.decided_on && ind.outcome_label ? (
        <p className="process-text">
          {ind.outcome_label} ({formatDate(ind.decided_on)}){ind.review_months ? `; ny behandling i udvalget inden ${ind.review_months / 12} år` : ''}
          {ind.decision_reasons ? `: ${ind.decision_reasons}` : ''}
        </p>
      ) : null}
      {ind.state === 'forberedes' && ind.missing.length > 0 ? (
        <p className="process-note">Før udvalgets afgørelse mangler: {ind.missing.join('; ')}.</p>
      ) : null}
      {canWrite && open ? (
        <div className="process-item-actions">
          {ind.state === 'forberedes' ? (
            <DialogButton label="Registrér udvalgets afgørelse" variant="primary">
              {(close) => (
                <AfgoerelseDialog caseId={caseId} ind={ind} kind="udvalg" data={data} onSaved={done(close)} onClose={close} />
              )}
            </DialogButton>
          ) : (
            <DialogButton label="Registrér udvalgets svar" variant="primary">
              {(close) => (
                <AfgoerelseDialog caseId={caseId} ind={ind} kind="godkendelse" data={data} onSaved={done(close)} onClose={close} />
              )}
            </DialogButton>
          )}
          <DialogButton label="Registrér tilbud">
            {(close) => (
              <TilbudForm caseId={caseId} ind={ind} hint={data.counsel_hint} onSaved={done(close)} onClose={close} />
            )}
          </DialogButton>
          {ind.state === 'forberedes' ? (
            <DialogButton label="Flyt mødet">
              {(close) => <FlytMoedeForm caseId={caseId} ind={ind} onSaved={done(close)} onClose={close} />}
            </DialogButton>
          ) : null}
          {ind.state === 'forberedes' ? (
            <DialogButton label="Formandsafgørelse (hastesag)">
              {(close) => (
                <AfgoerelseDialog caseId={caseId} ind={ind} kind="formand" data={data} onSaved={done(close)} onClose={close} />
              )}
            </DialogButton>
          ) : null}
        </div>
      ) : null}
    </li>
  );
}

export function UdvalgPart({
  caseId,
  childName,
  canWrite,
  shown,
  onDone,
}: {
  caseId: string;
  childName: string;
  canWrite: boolean;
  /** The case has a § 47 decision being prepared or made (else the section is left out). */
  shown: boolean;
  onDone: (o: Outcome) => void;
}) {
  const [udvalg, reload] = useUdvalg(caseId, shown);
  if (!shown) return null;
  return (
    <div className="process-part">
      <h3 id="forloeb-udvalg">Børne- og ungeudvalget</h3>
      {udvalg.state === 'loading' ? (
        <Loading text="Henter indstillinger …" />
      ) : udvalg.state === 'error' ? (
        <Alert
          variant="error"
          heading="Indstillingerne kunne ikke hentes"
          action={
            <button type="button" className="button button-secondary" onClick={reload}>
              Prøv igen
            </button>
          }
        >
          <p>{udvalg.message}</p>
        </Alert>
      ) : (
        <>
          {udvalg.data.indstillinger.length === 0 ? (
            <p className="process-empty">
              Ingen indstilling endnu. En anbringelse uden samtykke (§ 47) træffes af børne- og ungeudvalget.
            </p>
          ) : (
            <ul className="process-list" aria-labelledby="forloeb-udvalg">
              {udvalg.data.indstillinger.map((i) => (
                <Indstilling key={i.id} caseId={caseId} ind={i} data={udvalg.data} canWrite={canWrite} onDone={onDone} />
              ))}
            </ul>
          )}
          {canWrite && !udvalg.data.indstillinger.some((i) => i.state === 'forberedes' || i.state === 'formand') ? (
            <div className="process-item-actions">
              <DialogButton label="Skriv indstilling">
                {(close) => (
                  <IndstillingForm
                    caseId={caseId}
                    childName={childName}
                    measures={udvalg.data.measures}
                    onSaved={(o) => {
                      close();
                      onDone(o);
                    }}
                    onClose={close}
                  />
                )}
              </DialogButton>
            </div>
          ) : null}
        </>
      )}
    </div>
  );
}
