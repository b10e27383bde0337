// Complaints against the case's decisions (issue 17 item 3), on Forløb: "Registrér klage"
// (which decision, the day it was received, who complains, what about, optionally the
// complaint as a document of the case), then per complaint the step its state asks for, each
// in a dialog: "Genvurdér" (uphold with reasons, or grant it), "Send til Ankestyrelsen" (the
// case's documents to enclose, sensible ones chosen: one PDF package on the case) and
// "Registrér Ankestyrelsens afgørelse" (stadfæstet, ændret, ophævet, hjemvist). The activities
// each step creates are on the worklist like every other activity.
import { useState, type FormEvent } from 'react';
import { api, call } from '../../api/client';
import type { components } from '../../api/schema';
import { Alert } from '../../components/Alert';
import { CheckboxGroup, ErrorSummary, RadioGroup, SelectField, TextArea, TextField, withoutKey } from '../../components/Form';
import { DialogButtons, FormDialog } from '../../components/FormDialog';
import { Loading } from '../../components/Loading';
import { formatDate, plural, todayInCopenhagen } from '../../format';
import { useSubmit } from '../../mutation';
import { Link } from '../../router';
import { useApiQuery } from '../../useApi';
import { documentPath, docKeys } from './dokumenter/docApi';
import { DialogButton, type Outcome } from './shared';

type KlageList = components['schemas']['KlageList'];
type KlageRead = components['schemas']['KlageRead'];
type DocumentOption = components['schemas']['DocumentOption'];

const klagerKey = (caseId: string) => ['klager', caseId] as const;
const isDate = (v: string) => /^\d{4}-\d{2}-\d{2}$/.test(v);
const days = (n: number) => plural(n, 'dag', 'dage');
// Verified on ast.dk (the periods); the section numbers were not confirmed in the act.
const LAW_NOTE =
  'Klagefristen er 4 uger fra parten fik afgørelsen, og kommunen genvurderer og sender klagen videre senest 4 uger ' +
  'efter modtagelsen (retssikkerhedsloven §§ 66-67; paragrafhenvisningerne er ikke bekræftet). ' +
  'Afgørelser fra børne- og ungeudvalget genvurderes ikke: dér klager parten direkte til Ankestyrelsen.';

function docChoices(docs: DocumentOption[]) {
  return [
    { value: '', label: 'Intet dokument' },
    ...docs.map((d) => ({ value: d.id, label: `${d.title} (${d.kind_label}, ${formatDate(d.dated)})` })),
  ];
}

// ---------------------------------------------------------------------------------------

const R_FIELDS: Record<string, [string, string]> = {
  afgoerelse_id: ['kl-afgoerelse', 'Afgørelse'],
  received_on: ['kl-received', 'Modtaget den'],
  complainant: ['kl-complainant', 'Hvem klager'],
  about: ['kl-about', 'Hvad klagen handler om'],
  document_id: ['kl-document', 'Klagen som dokument'],
};

function RegistrerKlageForm({
  caseId,
  childName,
  data,
  onSaved,
  onClose,
}: {
  caseId: string;
  childName: string;
  data: KlageList;
  onSaved: (o: Outcome) => void;
  onClose: () => void;
}) {
  const [decision, setDecision] = useState(data.decisions[0]?.id ?? '');
  const [received, setReceived] = useState(todayInCopenhagen());
  const [complainant, setComplainant] = useState('');
  const [about, setAbout] = useState('');
  const [document, setDocument] = useState('');
  const { run, busy, errors, setErrors, general } = useSubmit({ invalidates: [klagerKey(caseId), ['worklist']] });
  const chosen = data.decisions.find((d) => d.id === decision);
  const lateBy =
    chosen?.complaint_deadline && isDate(received) && received > chosen.complaint_deadline
      ? Math.round((Date.parse(received) - Date.parse(chosen.complaint_deadline)) / 86_400_000)
      : 0;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const missing: Record<string, string> = {};
    if (!decision) missing.afgoerelse_id = 'Vælg den afgørelse, der klages over';
    if (!isDate(received)) missing.received_on = 'Angiv dagen, klagen blev modtaget';
    else if (received > todayInCopenhagen()) missing.received_on = 'Datoen ligger i fremtiden. Angiv den dag, klagen kom.';
    if (!complainant) missing.complainant = 'Vælg hvem der klager';
    if (!about.trim()) missing.about = 'Skriv hvad klagen handler om';
    if (Object.keys(missing).length > 0) {
      setErrors(missing);
      return;
    }
    setErrors({});
    void run(async () => {
      const saved = await call(
        api.POST('/api/cases/{case_id}/klager', {
          params: { path: { case_id: caseId } },
          body: { afgoerelse_id: decision, received_on: received, complainant, about, document_id: document || null },
        }),
      );
      onSaved({
        heading: `Klagen fra ${saved.complainant} er registreret`,
        body: (
          <p>
            {saved.state === 'fastholdt'
              ? `Afgørelsen er børne- og ungeudvalgets: klagen sendes direkte til Ankestyrelsen senest ${formatDate(saved.reconsider_by)}.`
              : `Genvurdér afgørelsen senest ${formatDate(saved.reconsider_by)}.`}
            {saved.days_late > 0 ? ` Klagen kom ${days(saved.days_late)} efter klagefristen.` : ''}
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
    <FormDialog title="Registrér klage" subtitle={childName} busy={busy} onClose={onClose}>
      <form onSubmit={submit} noValidate className="admin-form case-form">
        <ErrorSummary errors={errors} fields={R_FIELDS} general={general} />
        <SelectField
          id="kl-afgoerelse"
          label="Afgørelse, der klages over"
          value={decision}
          onChange={change('afgoerelse_id', setDecision)}
          choices={data.decisions.map((d) => ({ value: d.id, label: d.label }))}
          error={errors.afgoerelse_id}
          hint={
            chosen?.complaint_deadline
              ? `Meddelt ${formatDate(chosen.notified_on ?? '')}. Klagefristen udløb/udløber ${formatDate(chosen.complaint_deadline)}.`
              : 'Afgørelsen er ikke registreret som sendt, så klagefristen kan ikke beregnes.'
          }
        />
        <TextField
          id="kl-received"
          label="Modtaget den"
          type="date"
          value={received}
          onChange={change('received_on', setReceived)}
          error={errors.received_on}
          width="input-width-s"
        />
        {lateBy > 0 ? (
          <Alert variant="warning" role="note" heading={`Klagen er modtaget ${days(lateBy)} efter klagefristen`}>
            <p>
              Registrér den alligevel: kommunen skal genvurdere den og sende den videre, og Ankestyrelsen afgør, om der
              ses bort fra overskridelsen.
            </p>
          </Alert>
        ) : null}
        <SelectField
          id="kl-complainant"
          label="Hvem klager"
          value={complainant}
          onChange={change('complainant', setComplainant)}
          choices={[{ value: '', label: 'Vælg' }, ...data.parties]}
          error={errors.complainant}
        />
        <TextArea
          id="kl-about"
          label="Hvad klagen handler om"
          rows={3}
          value={about}
          onChange={change('about', setAbout)}
          error={errors.about}
        />
        {data.documents.length > 0 ? (
          <SelectField
            id="kl-document"
            label="Klagen som dokument (valgfri)"
            hint="Et dokument på sagen, fx klagen modtaget med post eller mail"
            value={document}
            onChange={change('document_id', setDocument)}
            choices={docChoices(data.documents)}
            error={errors.document_id}
          />
        ) : null}
        <p className="form-hint">{LAW_NOTE}</p>
        <DialogButtons label="Registrér klage" busy={busy} onCancel={onClose} />
      </form>
    </FormDialog>
  );
}

// ---------------------------------------------------------------------------------------

const G_FIELDS: Record<string, [string, string]> = {
  outcome: ['kg-outcome', 'Resultat'],
  decided_on: ['kg-date', 'Genvurderet den'],
  reasons: ['kg-reasons', 'Begrundelse'],
};

function GenvurderForm({
  caseId,
  klage,
  onSaved,
  onClose,
}: {
  caseId: string;
  klage: KlageRead;
  onSaved: (o: Outcome) => void;
  onClose: () => void;
}) {
  const [outcome, setOutcome] = useState('');
  const [date, setDate] = useState(todayInCopenhagen());
  const [reasons, setReasons] = useState('');
  const { run, busy, errors, setErrors, general } = useSubmit({ invalidates: [klagerKey(caseId), ['worklist']] });
  const late =
    isDate(date) && date > klage.reconsider_by
      ? Math.round((Date.parse(date) - Date.parse(klage.reconsider_by)) / 86_400_000)
      : 0;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const missing: Record<string, string> = {};
    if (outcome !== 'fastholdt' && outcome !== 'imoedekommet') missing.outcome = 'Vælg resultatet af genvurderingen';
    if (!isDate(date)) missing.decided_on = 'Angiv dagen for genvurderingen';
    if (outcome === 'fastholdt' && !reasons.trim())
      missing.reasons = 'Skriv hvorfor afgørelsen fastholdes. Begrundelsen sendes til Ankestyrelsen.';
    if (Object.keys(missing).length > 0) {
      setErrors(missing);
      return;
    }
    setErrors({});
    void run(async () => {
      const saved = await call(
        api.POST('/api/klager/{klage_id}/genvurdering', {
          params: { path: { klage_id: klage.id } },
          body: { version: klage.version, outcome: outcome as 'fastholdt' | 'imoedekommet', decided_on: date, reasons },
        }),
      );
      onSaved(
        saved.state === 'fastholdt'
          ? {
              heading: 'Afgørelsen er fastholdt',
              body: <p>Send klagen og sagens akter til Ankestyrelsen senest {formatDate(saved.reconsider_by)}.</p>,
            }
          : {
              heading: 'Klagen er imødekommet',
              body: <p>Træf den nye afgørelse under »Træf afgørelse«.</p>,
            },
      );
    });
  };

  return (
    <FormDialog title="Genvurdér afgørelsen" subtitle={`Klage fra ${klage.complainant}`} busy={busy} onClose={onClose}>
      <form onSubmit={submit} noValidate className="admin-form case-form">
        <ErrorSummary errors={errors} fields={G_FIELDS} general={general} />
        <p className="form-hint">
          {klage.decision_label}. Fristen for genvurderingen er {formatDate(klage.reconsider_by)}.
        </p>
        <RadioGroup
          id="kg-outcome"
          legend="Resultat"
          value={outcome}
          onChange={(v) => {
            setOutcome(v);
            setErrors(withoutKey('outcome'));
          }}
          choices={[
            { value: 'fastholdt', label: 'Afgørelsen fastholdes (klagen sendes til Ankestyrelsen)' },
            { value: 'imoedekommet', label: 'Klageren får medhold (afgørelsen ændres ved en ny afgørelse)' },
          ]}
          error={errors.outcome}
        />
        <TextField
          id="kg-date"
          label="Genvurderet den"
          type="date"
          value={date}
          onChange={(v) => {
            setDate(v);
            setErrors(withoutKey('decided_on'));
          }}
          error={errors.decided_on}
          width="input-width-s"
        />
        {late > 0 ? (
          <Alert variant="warning" role="note" heading={`Genvurderingen er ${days(late)} efter fristen`}>
            <p>Den registreres med forsinkelsen, som også står i journalen.</p>
          </Alert>
        ) : null}
        <TextArea
          id="kg-reasons"
          label={outcome === 'imoedekommet' ? 'Begrundelse (valgfri)' : 'Begrundelse for at fastholde afgørelsen'}
          rows={4}
          value={reasons}
          onChange={(v) => {
            setReasons(v);
            setErrors(withoutKey('reasons'));
          }}
          error={errors.reasons}
        />
        <DialogButtons label="Gem genvurdering" busy={busy} onCancel={onClose} />
      </form>
    </FormDialog>
  );
}

// ---------------------------------------------------------------------------------------

const S_FIELDS: Record<string, [string, string]> = {
  sent_on: ['ks-date', 'Sendt den'],
  document_ids: ['ks-docs', 'Dokumenter'],
};

function SendForm({
  caseId,
  klage,
  onSaved,
  onClose,
}: {
  caseId: string;
  klage: KlageRead;
  onSaved: (o: Outcome) => void;
  onClose: () => void;
}) {
  const [choices] = useApiQuery(['klager', caseId, 'pakke', klage.id], (signal) =>
    call(api.GET('/api/klager/{klage_id}/pakke', { signal, params: { path: { klage_id: klage.id } } })),
  );
  const [picked, setPicked] = useState<string[] | null>(null);
  const [date, setDate] = useState(todayInCopenhagen());
  const { run, busy, errors, setErrors, general } = useSubmit({
    invalidates: [klagerKey(caseId), ['worklist'], docKeys.all],
  });
  const docs = choices.state === 'ready' ? choices.data.documents : [];
  const selected = picked ?? docs.filter((d) => d.preselected && d.pdf).map((d) => d.id);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (busy || choices.state !== 'ready') return;
    const missing: Record<string, string> = {};
    if (!isDate(date)) missing.sent_on = 'Angiv dagen, klagen sendes';
    if (selected.length === 0) missing.document_ids = 'Vælg mindst ét dokument (fx afgørelsen)';
    if (Object.keys(missing).length > 0) {
      setErrors(missing);
      return;
    }
    setErrors({});
    void run(async () => {
      const saved = await call(
        api.POST('/api/klager/{klage_id}/pakke', {
          params: { path: { klage_id: klage.id } },
          body: { version: klage.version, sent_on: date, document_ids: selected },
        }),
      );
      onSaved({
        heading: 'Klagen er sendt til Ankestyrelsen',
        body: saved.package_document_id ? (
          <p>
            Pakken ligger på sagen: <Link to={documentPath(caseId, saved.package_document_id)}>Klagesag til Ankestyrelsen</Link>.
            Hent den og send den til Ankestyrelsen med sikker post.
          </p>
        ) : null,
      });
    });
  };

  return (
    <FormDialog title="Send klagen til Ankestyrelsen" subtitle={`Klage fra ${klage.complainant}`} busy={busy} onClose={onClose} size="wide">
      <form onSubmit={submit} noValidate className="admin-form case-form">
        <ErrorSummary errors={errors} fields={S_FIELDS} general={general} />
        <p className="form-hint">
          Trekant samler en forside (sagen, afgørelsen, klagen og genvurderingens begrundelse) og de valgte dokumenter
          i én PDF, som gemmes på sagen. Trekant er ikke forbundet med Ankestyrelsen: du henter pakken og sender den
          selv, fx med sikker post.
        </p>
        {choices.state === 'loading' ? (
          <Loading text="Henter sagens dokumenter …" />
        ) : choices.state === 'error' ? (
          <Alert variant="error" heading="Dokumenterne kunne ikke hentes">
            <p>{choices.message}</p>
          </Alert>
        ) : (
          <CheckboxGroup
            id="ks-docs"
            legend="Dokumenter, der vedlægges"
            hint="Kun PDF'er og dokumenter, der er konverteret til PDF, kan vedlægges."
            choices={docs
              .filter((d) => d.pdf)
              .map((d) => ({ value: d.id, label: `${d.title} (${d.kind_label}, ${formatDate(d.dated)})` }))}
            value={selected}
            onChange={(v) => {
              setPicked(v);
              setErrors(withoutKey('document_ids'));
            }}
            error={errors.document_ids}
            empty={<p className="process-empty">Sagen har ingen dokumenter, der kan vedlægges som PDF.</p>}
          />
        )}
        <TextField
          id="ks-date"
          label="Sendt den"
          type="date"
          value={date}
          onChange={(v) => {
            setDate(v);
            setErrors(withoutKey('sent_on'));
          }}
          error={errors.sent_on}
          width="input-width-s"
        />
        <DialogButtons label="Dan pakken og registrér som sendt" busy={busy} onCancel={onClose} />
      </form>
    </FormDialog>
  );
}

// ---------------------------------------------------------------------------------------

const A_FIELDS: Record<string, [string, string]> = {
  outcome: ['ka-outcome', 'Ankestyrelsens afgørelse'],
  answered_on: ['ka-date', 'Dato'],
  document_id: ['ka-document', 'Dokument'],
  note: ['ka-note', 'Bemærkning'],
};

const ANSWERS = [
  { value: 'stadfaestet', label: 'Stadfæstet (afgørelsen står ved magt)' },
  { value: 'aendret', label: 'Ændret' },
  { value: 'ophaevet', label: 'Ophævet' },
  { value: 'hjemvist', label: 'Hjemvist (kommunen skal behandle sagen igen)' },
];

function SvarForm({
  caseId,
  klage,
  documents,
  onSaved,
  onClose,
}: {
  caseId: string;
  klage: KlageRead;
  documents: DocumentOption[];
  onSaved: (o: Outcome) => void;
  onClose: () => void;
}) {
  const [outcome, setOutcome] = useState('');
  const [date, setDate] = useState(todayInCopenhagen());
  const [document, setDocument] = useState('');
  const [note, setNote] = useState('');
  const { run, busy, errors, setErrors, general } = useSubmit({ invalidates: [klagerKey(caseId), ['worklist']] });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const missing: Record<string, string> = {};
    if (!ANSWERS.some((a) => a.value === outcome)) missing.outcome = 'Vælg Ankestyrelsens afgørelse';
    if (!isDate(date)) missing.answered_on = 'Angiv datoen på Ankestyrelsens afgørelse';
    if (Object.keys(missing).length > 0) {
      setErrors(missing);
      return;
    }
    setErrors({});
    void run(async () => {
      const saved = await call(
        api.POST('/api/klager/{klage_id}/svar', {
          params: { path: { klage_id: klage.id } },
          body: {
            version: klage.version,
            answered_on: date,
            outcome: outcome as 'stadfaestet' | 'aendret' | 'ophaevet' | 'hjemvist',
            document_id: document || null,
            note,
          },
        }),
      );
      const follow =
        saved.answer_outcome === 'hjemvist'
          ? 'Aktiviteten »Behandl sagen igen« er oprettet.'
          : saved.answer_outcome === 'stadfaestet'
            ? 'Klagesagen er afsluttet.'
            : 'Aktiviteten »Gennemfør Ankestyrelsens afgørelse« er oprettet.';
      onSaved({ heading: `Ankestyrelsens afgørelse er registreret: ${saved.answer_label ?? ''}`, body: <p>{follow}</p> });
    });
  };

  return (
    <FormDialog title="Registrér Ankestyrelsens afgørelse" subtitle={`Klage fra ${klage.complainant}`} busy={busy} onClose={onClose}>
      <form onSubmit={submit} noValidate className="admin-form case-form">
        <ErrorSummary errors={errors} fields={A_FIELDS} general={general} />
        <RadioGroup
          id="ka-outcome"
          legend="Ankestyrelsens afgørelse"
          value={outcome}
          onChange={(v) => {
            setOutcome(v);
            setErrors(withoutKey('outcome'));
          }}
          choices={ANSWERS}
          error={errors.outcome}
        />
        <TextField
          id="ka-date"
          label="Dato for Ankestyrelsens afgørelse"
          type="date"
          value={date}
          onChange={(v) => {
            setDate(v);
            setErrors(withoutKey('answered_on'));
          }}
          error={errors.answered_on}
          width="input-width-s"
        />
        {documents.length > 0 ? (
          <SelectField
            id="ka-document"
            label="Ankestyrelsens afgørelse som dokument (valgfri)"
            value={document}
            onChange={(v) => {
              setDocument(v);
              setErrors(withoutKey('document_id'));
            }}
            choices={docChoices(documents)}
            error={errors.document_id}
          />
        ) : null}
        <TextArea id="ka-note" label="Bemærkning (valgfri)" rows={2} value={note} onChange={setNote} error={errors.note} />
        <p className="form-hint">
          Ændret eller ophævet: aktiviteten »Gennemfør Ankestyrelsens afgørelse«; hjemvist: »Behandl sagen igen«. Fristen
          på 4 uger er kommunens egen (ingen lovbestemt frist er bekræftet).
        </p>
        <DialogButtons label="Registrér afgørelsen" busy={busy} onCancel={onClose} />
      </form>
    </FormDialog>
  );
}

// ---------------------------------------------------------------------------------------

function Klage({
  caseId,
  klage: k,
  canWrite,
  documents,
  onDone,
  onNewDecision,
}: {
  caseId: string;
  klage: KlageRead;
  canWrite: boolean;
  documents: DocumentOption[];
  onDone: (o: Outcome) => void;
  onNewDecision?: () => void;
}) {
  const today = todayInCopenhagen();
  const done = (close: () => void) => (o: Outcome) => {
    close();
    onDone(o);
  };
  return (
    <li>
      <p className="process-item-title">
        Klage fra {k.complainant}{' '}
        <span className={`badge ${k.state === 'afgjort' || k.state === 'imoedekommet' ? 'badge-success' : 'badge-info'}`}>
          {k.state_label}
        </span>
      </p>
      <p className="process-meta">Over {k.decision_label}</p>
      <p className="process-meta">
        Modtaget <time dateTime={k.received_on}>{formatDate(k.received_on)}</time>
        {k.complaint_deadline ? (
          <>
            {' '}
            · klagefrist <time dateTime={k.complaint_deadline}>{formatDate(k.complaint_deadline)}</time>
          </>
        ) : (
          ' · klagefristen er ukendt (afgørelsen er ikke registreret som sendt)'
        )}
      </p>
      {k.days_late > 0 ? (
        <p className="process-note">
          <span className="badge badge-warning">Modtaget {days(k.days_late)} efter klagefristen</span> Klagen behandles
          alligevel; Ankestyrelsen afgør, om der ses bort fra overskridelsen.
        </p>
      ) : null}
      <p className="process-text">{k.about}</p>
      {k.complaint_document_id ? (
        <p className="process-note">
          <Link to={documentPath(caseId, k.complaint_document_id)}>Klagen som dokument</Link>
        </p>
      ) : null}
      {k.state === 'genvurderes' ? (
        <p className="process-meta">
          {k.reconsider_by < today ? <span className="badge badge-error">Overskredet</span> : null} Genvurderes senest{' '}
          <time dateTime={k.reconsider_by}>{formatDate(k.reconsider_by)}</time>
        </p>
      ) : null}
      {k.reconsidered_on ? (
        <p className="process-meta">
          Genvurderet <time dateTime={k.reconsidered_on}>{formatDate(k.reconsidered_on)}</time>
          {k.reconsider_days_late > 0 ? ` (${days(k.reconsider_days_late)} efter fristen)` : ''}
        </p>
      ) : null}
      {k.reconsider_reasons ? <p className="process-text">{k.reconsider_reasons}</p> : null}
      {k.state === 'fastholdt' ? (
        <p className="process-meta">
          {k.reconsider_by < today ? <span className="badge badge-error">Overskredet</span> : null} Sendes til
          Ankestyrelsen senest <time dateTime={k.reconsider_by}>{formatDate(k.reconsider_by)}</time>
        </p>
      ) : null}
      {k.state === 'imoedekommet' ? (
        <p className="process-note">Afgørelsen ændres ved en ny afgørelse.</p>
      ) : null}
      {k.sent_on ? (
        <p className="process-meta">
          Sendt til Ankestyrelsen <time dateTime={k.sent_on}>{formatDate(k.sent_on)}</time>
          {k.package_document_id ? (
            <>
              {' '}
              · <Link to={documentPath(caseId, k.package_document_id)}>Pakken til Ankestyrelsen</Link>
            </>
          ) : null}
        </p>
      ) : null}
      {k.answered_on ? (
        <p className="process-meta">
          Ankestyrelsens afgørelse <time dateTime={k.answered_on}>{formatDate(k.answered_on)}</time>: {k.answer_label}
          {k.answer_document_id ? (
            <>
              {' '}
              · <Link to={documentPath(caseId, k.answer_document_id)}>Afgørelsen</Link>
            </>
          ) : null}
        </p>
      ) : null}
      {k.answer_note ? <p className="process-text">{k.answer_note}</p> : null}
      {canWrite ? (
        <div className="process-item-actions">
          {k.state === 'genvurderes' ? (
            <DialogButton label="Genvurdér">
              {(close) => <GenvurderForm caseId={caseId} klage={k} onSaved={done(close)} onClose={close} />}
            </DialogButton>
          ) : null}
          {k.state === 'fastholdt' ? (
            <DialogButton label="Send til Ankestyrelsen">
              {(close) => <SendForm caseId={caseId} klage={k} onSaved={done(close)} onClose={close} />}
            </DialogButton>
          ) : null}
          {k.state === 'imoedekommet' && onNewDecision ? (
            <button type="button" className="button button-secondary case-action" onClick={onNewDecision}>
              Træf ny afgørelse
            </button>
          ) : null}
          {k.state === 'sendt' ? (
            <DialogButton label="Registrér Ankestyrelsens afgørelse">
              {(close) => <SvarForm caseId={caseId} klage={k} documents={documents} onSaved={done(close)} onClose={close} />}
            </DialogButton>
          ) : null}
        </div>
      ) : null}
    </li>
  );
}

/** Forløb's "Klager": the complaints and their next step; "Registrér klage" once the case has a decision. */
export function KlagerPart({
  caseId,
  childName,
  canWrite,
  hasDecisions,
  onDone,
  onNewDecision,
}: {
  caseId: string;
  childName: string;
  canWrite: boolean;
  hasDecisions: boolean;
  onDone: (o: Outcome) => void;
  /** Open "Træf afgørelse" (a complaint the kommune granted is followed by a new decision). */
  onNewDecision?: () => void;
}) {
  const [klager, reload] = useApiQuery(
    klagerKey(caseId),
    (signal) => call(api.GET('/api/cases/{case_id}/klager', { signal, params: { path: { case_id: caseId } } })),
    { enabled: hasDecisions },
  );
  if (!hasDecisions) return null;
  return (
    <div className="process-part">
      <h3 id="forloeb-klager">Klager</h3>
      {klager.state === 'loading' ? (
        <Loading text="Henter klager …" />
      ) : klager.state === 'error' ? (
        <Alert
          variant="error"
          heading="Klagerne kunne ikke hentes"
          action={
            <button type="button" className="button button-secondary" onClick={reload}>
              Prøv igen
            </button>
          }
        >
          <p>{klager.message}</p>
        </Alert>
      ) : (
        <>
          {klager.data.items.length === 0 ? (
            <p className="process-empty">Ingen klager over sagens afgørelser.</p>
          ) : (
            <ul className="process-list" aria-labelledby="forloeb-klager">
              {klager.data.items.map((k) => (
                <Klage
                  key={k.id}
                  caseId={caseId}
                  klage={k}
                  canWrite={canWrite}
                  documents={klager.data.documents}
                  onDone={onDone}
                  onNewDecision={onNewDecision}
                />
              ))}
            </ul>
          )}
          {canWrite ? (
            <div className="process-item-actions">
              <DialogButton label="Registrér klage">
                {(close) => (
                  <RegistrerKlageForm
                    caseId={caseId}
                    childName={childName}
                    data={klager.data}
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
