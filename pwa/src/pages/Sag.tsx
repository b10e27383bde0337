import { useEffect, useRef, useState, type FormEvent } from 'react';
import {
  api,
  ApiError,
  call,
  can,
  fieldErrors,
  messageOf,
  type ActivityRead,
  type CaseRead,
  type ChildRead,
  type JournalEntryRead,
  type JournalPage,
  type SessionRead,
} from '../api/client';
import { INTAKE_KINDS, journalKindLabel, NOTIFIER_KINDS, peekFlash, setFlash, SOURCES, stageLabel } from '../casework';
import { Alert } from '../components/Alert';
import { Checkbox, ErrorSummary, RadioGroup, SelectField, TextArea, TextField, withoutKey } from '../components/Form';
import { Loading } from '../components/Loading';
import { PageHeading } from '../components/PageHeading';
import {
  formatAge,
  formatDate,
  formatDeadline,
  formatDeadlineDate,
  formatNumber,
  localInputToIso,
  todayInCopenhagen,
  toLocalInput,
} from '../format';
import { Link, navigate } from '../router';
import { useApi, type Loadable } from '../useApi';
import { focusNetwork, NETWORK_ANCHOR, Netvaerk } from './Netvaerk';
import { Pager } from '../components/Pager';
import { isFiltered, journalQuery, JournalFilter, NO_FILTER, type JournalCriteria } from './JournalFilter';
import { Medbehandlere } from './Medbehandlere';
import { Forloeb } from './sag/Forloeb';
import { CaseTransfer } from './overfoersel/CaseTransfer';
import { rememberPriorCases } from './overfoersel/store';
import { CaseEconomy } from './okonomi/Visitation';
import { SaveCaseToggle } from '../offline/SaveCaseToggle';
import { IcsSection } from './ics/IcsSection';
import { Basis } from '../components/Basis';

const PAGE_SIZE = 20;


// ---------------------------------------------------------------- underretning

const INTAKE_NOUN: Record<string, string> = {
  underretning: 'underretningen',
  henvendelse: 'henvendelsen',
  ansoegning: 'ansøgningen',
};

/** The fields that differ by what was received. Only an underretning can be about
 * suspected abuse; an ansøgning is never anonymous (the API refuses both). */
const INTAKE_FORM: Record<string, { who: string; name: string; nameHint?: string; anonymous: boolean; abuse: boolean }> = {
  underretning: {
    who: 'Hvem har underrettet',
    name: 'Underretterens navn',
    nameHint: 'Udfyldes ikke ved anonyme underretninger',
    anonymous: true,
    abuse: true,
  },
  henvendelse: {
    who: 'Hvem har henvendt sig',
    name: 'Navn på den, der har henvendt sig',
    nameHint: 'Udfyldes ikke ved anonyme henvendelser',
    anonymous: true,
    abuse: false,
  },
  ansoegning: { who: 'Hvem søger', name: 'Ansøgerens navn', anonymous: false, abuse: false },
};

const intakeForm = (kind: string) => INTAKE_FORM[kind] ?? INTAKE_FORM.underretning!;

const uFields = (kind: string): Record<string, [string, string]> => ({
  kind: ['u-intake', 'Hvad er modtaget'],
  received_at: ['u-received', 'Modtaget'],
  notifier_kind: ['u-kind', intakeForm(kind).who],
  source: ['u-source', 'Kilde'],
  notifier_name: ['u-name', intakeForm(kind).name],
  notifier_contact: ['u-contact', 'Kontaktoplysninger'],
  concerns: ['u-concerns', `Hvad handler ${INTAKE_NOUN[kind] ?? 'underretningen'} om`],
  suspected_abuse: ['u-abuse', 'Mistanke om overgreb'],
});

type UDraft = {
  intake: string;
  received: string;
  kind: string;
  source: string;
  name: string;
  contact: string;
  concerns: string;
  abuse: boolean;
};

const freshDraft = (): UDraft => ({
  intake: 'underretning',
  received: toLocalInput(new Date()),
  kind: '',
  source: '',
  name: '',
  contact: '',
  concerns: '',
  abuse: false,
});

function UnderretningForm({ caseId, onRegistered }: { caseId: string; onRegistered: () => void }) {
  const [draft, setDraft] = useState<UDraft>(freshDraft);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | undefined>();
  const [created, setCreated] = useState<ActivityRead[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [registeredNoun, setRegisteredNoun] = useState('Underretningen');
  const doneRef = useRef<HTMLDivElement>(null);
  const intakeNoun = INTAKE_NOUN[draft.intake] ?? 'underretningen';
  const form = intakeForm(draft.intake);

  useEffect(() => {
    if (created) doneRef.current?.focus();
  }, [created]);

  const set =
    <K extends keyof UDraft>(key: K, errorKey: string) =>
    (value: UDraft[K]) => {
      setDraft((d) => ({ ...d, [key]: value }));
      setErrors(withoutKey(errorKey));
    };

  // Another kind of intake: drop what does not apply to it (and the errors about it).
  const setIntake = (intake: string) => {
    const next = intakeForm(intake);
    setDraft((d) => ({
      ...d,
      intake,
      abuse: next.abuse ? d.abuse : false,
      kind: !next.anonymous && d.kind === 'anonym' ? '' : d.kind,
      source: !next.anonymous && d.source === 'anonym' ? '' : d.source,
    }));
    setErrors({});
    setFailure(undefined);
    setCreated(null);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setFailure(undefined);
    setCreated(null);
    const receivedAt = localInputToIso(draft.received);
    if (!receivedAt) {
      setErrors({ received_at: `Angiv dato og klokkeslæt for, hvornår ${intakeNoun} blev modtaget` });
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const result = await call(
        api.POST('/api/cases/{case_id}/underretninger', {
          params: { path: { case_id: caseId } },
          body: {
            kind: draft.intake,
            received_at: receivedAt,
            notifier_kind: draft.kind,
            source: draft.source,
            concerns: draft.concerns,
            suspected_abuse: form.abuse && draft.abuse,
            notifier_name: draft.name.trim() || null,
            notifier_contact: draft.contact.trim() || null,
          },
        }),
      );
      setRegisteredNoun(intakeNoun.charAt(0).toUpperCase() + intakeNoun.slice(1));
      setDraft(freshDraft());
      setCreated(result.activities);
      onRegistered();
    } catch (err) {
      const fields = fieldErrors(err);
      if (Object.keys(fields).length > 0) setErrors(fields);
      else setFailure(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="underretning-heading" className="case-section">
      <h2 id="underretning-heading">Registrér underretning, henvendelse eller ansøgning</h2>
      <div ref={doneRef} tabIndex={-1} className="case-outcome">
        {created ? (
          <Alert variant="success" heading={`${registeredNoun} er registreret`}>
            {created.length === 0 ? (
              <p>Der er ikke oprettet nye aktiviteter.</p>
            ) : (
              <>
                <p>Der er oprettet {created.length === 1 ? 'denne aktivitet' : 'disse aktiviteter'}:</p>
                <ul>
                  {created.map((a) => (
                    <li key={a.id}>
                      {a.title} –{' '}
                      {a.due_at ? (
                        <>
                          frist <time dateTime={a.due_at}>{formatDeadline(a.due_at)}</time>
                        </>
                      ) : (
                        'ingen frist'
                      )}
                      <Basis text={a.basis} confirmed={a.basis_confirmed} />
                    </li>
                  ))}
                </ul>
              </>
            )}
          </Alert>
        ) : null}
      </div>
      <form onSubmit={submit} noValidate className="admin-form case-form">
        <ErrorSummary errors={errors} fields={uFields(draft.intake)} />
        {failure ? (
          <Alert variant="error" heading={`${intakeNoun.charAt(0).toUpperCase() + intakeNoun.slice(1)} blev ikke registreret`}>
            <p>{failure}</p>
          </Alert>
        ) : null}
        <RadioGroup
          id="u-intake"
          legend="Hvad er modtaget"
          choices={INTAKE_KINDS}
          value={draft.intake}
          onChange={setIntake}
          error={errors.kind}
        />
        <TextField
          id="u-received"
          label="Modtaget"
          type="datetime-local"
          hint={`Dato og klokkeslæt, hvor kommunen modtog ${intakeNoun}`}
          value={draft.received}
          onChange={set('received', 'received_at')}
          error={errors.received_at}
          width="input-width-m"
        />
        <RadioGroup
          id="u-kind"
          legend={form.who}
          choices={form.anonymous ? NOTIFIER_KINDS : NOTIFIER_KINDS.filter((k) => k.value !== 'anonym')}
          value={draft.kind}
          onChange={set('kind', 'notifier_kind')}
          error={errors.notifier_kind}
        />
        <SelectField
          id="u-source"
          label="Kilde"
          value={draft.source}
          onChange={set('source', 'source')}
          choices={[
            { value: '', label: 'Vælg kilde' },
            ...(form.anonymous ? SOURCES : SOURCES.filter((k) => k.value !== 'anonym')),
          ]}
          error={errors.source}
        />
        <TextField
          id="u-name"
          label={form.name}
          hint={form.nameHint}
          value={draft.name}
          onChange={set('name', 'notifier_name')}
          error={errors.notifier_name}
        />
        <TextField
          id="u-contact"
          label="Kontaktoplysninger"
          hint="Telefon, e-mail eller arbejdssted"
          value={draft.contact}
          onChange={set('contact', 'notifier_contact')}
          error={errors.notifier_contact}
        />
        <TextArea
          id="u-concerns"
          label={`Hvad handler ${intakeNoun} om`}
          value={draft.concerns}
          onChange={set('concerns', 'concerns')}
          error={errors.concerns}
        />
        {form.abuse ? (
          <Checkbox
            id="u-abuse"
            label="Mistanke om overgreb"
            hint="Giver en kortere frist for at tale med barnet"
            checked={draft.abuse}
            onChange={set('abuse', 'suspected_abuse')}
          />
        ) : null}
        <button
          type="submit"
          className={`button button-primary ${busy ? 'spinner-active' : ''}`.trim()}
          aria-disabled={busy || undefined}
        >
          Registrér {INTAKE_KINDS.find((k) => k.value === draft.intake)?.label.toLowerCase() ?? 'underretning'}
        </button>
      </form>
    </section>
  );
}

// ---------------------------------------------------------------- børnefaglig undersøgelse

const I_FIELDS: Record<string, [string, string]> = {
  aware_since: ['i-aware', 'Kommunen blev opmærksom'],
};

function UndersoegelseForm({ caseId, onStarted }: { caseId: string; onStarted: () => void }) {
  const [awareSince, setAwareSince] = useState(() => todayInCopenhagen());
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | undefined>();
  const [started, setStarted] = useState<ActivityRead[] | null>(null);
  const [busy, setBusy] = useState(false);
  const doneRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (started) doneRef.current?.focus();
  }, [started]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setFailure(undefined);
    setStarted(null);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(awareSince)) {
      setErrors({ aware_since: 'Angiv datoen, hvor kommunen blev opmærksom på barnets forhold' });
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const result = await call(
        api.POST('/api/cases/{case_id}/undersoegelse', {
          params: { path: { case_id: caseId } },
          body: { aware_since: awareSince },
        }),
      );
      setAwareSince(todayInCopenhagen());
      setStarted(result.activities);
      onStarted();
    } catch (err) {
      const fields = fieldErrors(err);
      if (Object.keys(fields).length > 0) setErrors(fields);
      else setFailure(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  const deadline = started?.find((a) => a.rule_id === 'undersoegelse-4-maaneder' && a.due_at) ?? started?.find((a) => a.due_at);

  return (
    <section aria-labelledby="undersoegelse-heading" className="case-section">
      <h2 id="undersoegelse-heading">Børnefaglig undersøgelse</h2>
      <div ref={doneRef} tabIndex={-1} className="case-outcome">
        {started ? (
          <Alert variant="success" heading="Den børnefaglige undersøgelse er startet">
            {deadline?.due_at ? (
              <>
                <p>
                  Frist: <time dateTime={deadline.due_at}>{formatDeadlineDate(deadline.due_at)}</time>
                </p>
                {deadline.basis ? <p className="cell-note">{deadline.basis}</p> : null}
              </>
            ) : (
              <p>Der er ikke oprettet en frist.</p>
            )}
          </Alert>
        ) : null}
      </div>
      <form onSubmit={submit} noValidate className="admin-form case-form">
        <ErrorSummary errors={errors} fields={I_FIELDS} />
        {failure ? (
          <Alert variant="error" heading="Undersøgelsen blev ikke startet">
            <p>{failure}</p>
          </Alert>
        ) : null}
        <TextField
          id="i-aware"
          label="Kommunen blev opmærksom"
          type="date"
          hint="Fristen på 4 måneder regnes fra denne dato"
          value={awareSince}
          onChange={(v) => {
            setAwareSince(v);
            setErrors(withoutKey('aware_since'));
          }}
          error={errors.aware_since}
          width="input-width-s"
        />
        <button
          type="submit"
          className={`button button-primary ${busy ? 'spinner-active' : ''}`.trim()}
          aria-disabled={busy || undefined}
        >
          Start børnefaglig undersøgelse
        </button>
      </form>
    </section>
  );
}

// ---------------------------------------------------------------- journal

const N_FIELDS: Record<string, [string, string]> = {
  title: ['note-title', 'Overskrift'],
  body: ['note-body', 'Notat'],
};

function NoteForm({
  caseId,
  correcting,
  onCancel,
  onSaved,
}: {
  caseId: string;
  correcting: JournalEntryRead | null;
  onCancel: () => void;
  onSaved: (correction: boolean) => void;
}) {
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | undefined>();
  const [saved, setSaved] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const noticeRef = useRef<HTMLDivElement>(null);

  // "Ret": fill the form with the entry being corrected and move focus to it.
  useEffect(() => {
    setErrors({});
    setFailure(undefined);
    if (correcting) {
      setSaved(undefined);
      setTitle(correcting.title);
      setBody(correcting.body);
      noticeRef.current?.focus();
    }
  }, [correcting]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setFailure(undefined);
    setSaved(undefined);
    setErrors({});
    setBusy(true);
    try {
      await call(
        api.POST('/api/cases/{case_id}/journal', {
          params: { path: { case_id: caseId } },
          body: { title: title.trim(), body, corrects_id: correcting ? correcting.id : null },
        }),
      );
      setTitle('');
      setBody('');
      setSaved(correcting ? 'Rettelsen er gemt' : 'Notatet er gemt');
      onSaved(correcting !== null);
    } catch (err) {
      const fields = fieldErrors(err);
      if (Object.keys(fields).length > 0) setErrors(fields);
      else setFailure(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  const cancel = () => {
    setTitle('');
    setBody('');
    onCancel();
    requestAnimationFrame(() => document.getElementById('note-title')?.focus());
  };

  return (
    <form onSubmit={submit} noValidate className="admin-form note-form">
      <h3 id="note-heading">Skriv notat</h3>
      {saved ? <Alert variant="success" heading={saved} /> : null}
      <ErrorSummary errors={errors} fields={N_FIELDS} />
      {failure ? (
        <Alert variant="error" heading={correcting ? 'Rettelsen blev ikke gemt' : 'Notatet blev ikke gemt'}>
          <p>{failure}</p>
        </Alert>
      ) : null}
      <div ref={noticeRef} tabIndex={-1}>
        {correcting ? (
          <Alert
            variant="info"
            role="note"
            heading={`Du retter notatet „${correcting.title}“`}
            action={
              <button type="button" className="button button-secondary" onClick={cancel}>
                Fortryd
              </button>
            }
          >
            <p>Notatet bliver stående i journalen. Din rettelse gemmes som et nyt indlæg, der henviser til det.</p>
          </Alert>
        ) : null}
      </div>
      <TextField
        id="note-title"
        label="Overskrift"
        value={title}
        onChange={(v) => {
          setTitle(v);
          setErrors(withoutKey('title'));
        }}
        error={errors.title}
      />
      <TextArea
        id="note-body"
        label="Notat"
        value={body}
        onChange={(v) => {
          setBody(v);
          setErrors(withoutKey('body'));
        }}
        error={errors.body}
        rows={6}
      />
      <button
        type="submit"
        className={`button button-primary ${busy ? 'spinner-active' : ''}`.trim()}
        aria-disabled={busy || undefined}
      >
        Gem notat
      </button>
    </form>
  );
}

function JournalEntry({
  entry,
  canWrite,
  onCorrect,
}: {
  entry: JournalEntryRead;
  canWrite: boolean;
  onCorrect: (entry: JournalEntryRead) => void;
}) {
  const titleId = `journal-${entry.id}-title`;
  const badge =
    entry.kind === 'notat' ? 'badge-info' : entry.kind === 'rettelse' ? 'badge-warning' : 'badge-success';
  return (
    <li id={`journal-${entry.id}`} className={`journal-entry journal-${entry.kind}`}>
      <div className="journal-entry-inner">
        <p className="journal-meta">
          <span className={`badge ${badge}`}>{journalKindLabel(entry.kind)}</span>{' '}
          <time dateTime={entry.at}>{formatDeadline(entry.at)}</time> · {entry.author_name}
          {entry.written_at ? (
            <>
              {' '}
              · skrevet offline <time dateTime={entry.written_at}>{formatDeadline(entry.written_at)}</time>
            </>
          ) : null}
        </p>
        <h4 id={titleId} className="h5 journal-title">
          {entry.title}
        </h4>
        {entry.corrects ? (
          <p className="journal-ref">
            Retter <a href={`#journal-${entry.corrects.id}`}>notatet „{entry.corrects.title}“</a> fra{' '}
            {formatDeadline(entry.corrects.at)}
          </p>
        ) : null}
        {entry.received_from ? (
          <p className="journal-ref">Overført fra {entry.received_from.replace(/^\d{4} /, '')}</p>
        ) : null}
        {entry.corrections.length > 0 ? (
          <p className="journal-ref journal-corrected">
            Rettet{' '}
            {entry.corrections.map((c, i) => (
              <span key={c.id}>
                {i > 0 ? ', ' : ''}
                <a href={`#journal-${c.id}`}>
                  {formatDeadline(c.at)} af {c.author_name}
                </a>
              </span>
            ))}
          </p>
        ) : null}
        {entry.body ? <p className="journal-body">{entry.body}</p> : null}
        {canWrite && entry.kind === 'notat' ? (
          <button
            type="button"
            className="button button-tertiary button-small"
            aria-describedby={titleId}
            onClick={() => onCorrect(entry)}
          >
            Ret
          </button>
        ) : null}
      </div>
    </li>
  );
}

function Journal({
  caseId,
  canWrite,
  refresh,
  enkeltsager,
}: {
  caseId: string;
  canWrite: boolean;
  refresh: number;
  enkeltsager: CaseRead['enkeltsager'];
}) {
  const [filter, setFilter] = useState<JournalCriteria>(NO_FILTER);
  const [page, setPage] = useState(1);
  const [attempt, setAttempt] = useState(0);
  const [result, setResult] = useState<Loadable<JournalPage>>({ state: 'loading' });
  const [correcting, setCorrecting] = useState<JournalEntryRead | null>(null);
  const listRef = useRef<HTMLDivElement>(null);
  const moved = useRef(false);

  useEffect(() => {
    const ctrl = new AbortController();
    setResult({ state: 'loading' });
    call(
      api.GET('/api/cases/{case_id}/journal', {
        signal: ctrl.signal,
        params: { path: { case_id: caseId }, query: { ...journalQuery(filter), page, page_size: PAGE_SIZE } },
      }),
    ).then(
      (data) => {
        if (ctrl.signal.aborted) return;
        setResult({ state: 'ready', data });
        if (moved.current) {
          moved.current = false;
          listRef.current?.focus();
        }
      },
      (err: unknown) => {
        if (ctrl.signal.aborted) return;
        setResult({ state: 'error', message: messageOf(err), status: err instanceof ApiError ? err.status : 0 });
      },
    );
    return () => ctrl.abort();
  }, [caseId, filter, page, attempt, refresh]);

  const go = (to: number) => {
    moved.current = true;
    setPage(to);
  };

  const data = result.state === 'ready' ? result.data : null;
  const pages = data ? Math.max(1, Math.ceil(data.total / data.page_size)) : 1;

  return (
    <section aria-labelledby="journal-heading" className="case-section journal">
      <h2 id="journal-heading">Journal</h2>
      {canWrite ? (
        <NoteForm
          caseId={caseId}
          correcting={correcting}
          onCancel={() => setCorrecting(null)}
          onSaved={() => {
            setCorrecting(null);
            setFilter(NO_FILTER);
            setPage(1);
            setAttempt((n) => n + 1);
          }}
        />
      ) : null}

      <h3 id="journal-entries-heading">Indlæg</h3>
      <JournalFilter
        enkeltsager={enkeltsager}
        applied={filter}
        busy={result.state === 'loading'}
        onApply={(criteria) => {
          setFilter(criteria);
          setPage(1);
        }}
      />
      <div aria-busy={result.state === 'loading'}>
        <p role="status" className="audit-count">
          {data && data.total > 0
            ? `${formatNumber(data.total)} indlæg${isFiltered(filter) ? ', der matcher filteret' : ''}, nyeste først`
            : ''}
        </p>
        {result.state === 'loading' ? <Loading text="Henter journalen …" /> : null}
        {result.state === 'error' ? (
          <Alert
            variant="error"
            heading={result.status === 404 ? 'Sagen findes ikke, eller du er ikke på sagen' : 'Journalen kunne ikke hentes'}
            action={
              result.status === 404 ? null : (
                <button type="button" className="button button-secondary" onClick={() => setAttempt((n) => n + 1)}>
                  Prøv igen
                </button>
              )
            }
          >
            <p>{result.message}</p>
          </Alert>
        ) : null}
        {data && data.items.length === 0 ? (
          <p className="empty-state">
            {isFiltered(filter) ? 'Ingen indlæg matcher filteret' : 'Der er ingen indlæg i journalen endnu.'}
          </p>
        ) : null}
        {data && data.items.length > 0 ? (
          <>
            <div ref={listRef} tabIndex={-1} aria-labelledby="journal-entries-heading" role="region">
              <ol className="journal-list">
                {data.items.map((e) => (
                  <JournalEntry key={e.id} entry={e} canWrite={canWrite} onCorrect={setCorrecting} />
                ))}
              </ol>
            </div>
            {pages > 1 || data.page > 1 ? (
              <Pager label="Sider i journalen" page={data.page} pages={pages} onGo={go} />
            ) : null}
          </>
        ) : null}
      </div>
    </section>
  );
}

// ---------------------------------------------------------------- fordeling

const A_FIELDS: Record<string, [string, string]> = {
  caseworker_id: ['assign-worker', 'Ny sagsbehandler'],
};

type AssignFailure = { message: string; conflict: boolean };

/**
 * "Fordel sagen" (team.overview + case.write): give the case to a caseworker or manager of
 * the kommune (GET /api/cases/{id}/assignable: the case's team first; never read-only
 * users). The case follows the new caseworker to their team; each choice names that team.
 */
function Fordeling({
  caseId,
  hovedsag,
  onAssigned,
  onReload,
}: {
  caseId: string;
  hovedsag: CaseRead;
  onAssigned: () => void;
  onReload: () => void;
}) {
  const [team, reloadTeam] = useApi((signal) =>
    call(api.GET('/api/cases/{case_id}/assignable', { signal, params: { path: { case_id: caseId } } })),
  );
  const [workerId, setWorkerId] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<AssignFailure | undefined>();
  const [done, setDone] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const outcomeRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (done || failure) outcomeRef.current?.focus();
  }, [done, failure]);

  // The server's order: the case's team first, then by name.
  const people = team.state === 'ready' ? team.data : [];
  const colleagues = people.filter((w) => w.user_id !== hovedsag.caseworker_id);
  const withTeam = (w: (typeof people)[number]) => (w.team ? `${w.display_name} (${w.team})` : w.display_name);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setFailure(undefined);
    setDone(undefined);
    if (!workerId) {
      setErrors({ caseworker_id: 'Vælg den sagsbehandler, sagen skal fordeles til' });
      return;
    }
    setErrors({});
    setBusy(true);
    const chosen = colleagues.find((w) => w.user_id === workerId);
    const name = chosen ? withTeam(chosen) : '';
    try {
      await call(
        api.POST('/api/cases/{case_id}/assignment', {
          params: { path: { case_id: caseId } },
          body: { version: hovedsag.version, caseworker_id: workerId },
        }),
      );
      setWorkerId('');
      setDone(`Sagen er fordelt til ${name}`);
      onAssigned();
      reloadTeam(); // the case's team may have changed: its members come first now
    } catch (err) {
      const fields = fieldErrors(err);
      if (Object.keys(fields).length > 0) setErrors(fields);
      else setFailure({ message: messageOf(err), conflict: err instanceof ApiError && err.status === 409 });
    } finally {
      setBusy(false);
    }
  };

  const reload = () => {
    setFailure(undefined);
    setDone(undefined);
    onReload();
  };

  let body;
  if (team.state === 'loading') {
    body = <Loading text="Henter medarbejdere …" />;
  } else if (team.state === 'error') {
    body = (
      <Alert
        variant="error"
        heading="Sagsbehandlerne kunne ikke hentes"
        action={
          <button type="button" className="button button-secondary" onClick={reloadTeam}>
            Prøv igen
          </button>
        }
      >
        <p>{team.message}</p>
      </Alert>
    );
  } else if (colleagues.length === 0) {
    body = <p className="empty-state">Der er ingen andre sagsbehandlere eller ledere at fordele sagen til.</p>;
  } else {
    body = (
      <form onSubmit={submit} noValidate className="admin-form case-form">
        <ErrorSummary errors={errors} fields={A_FIELDS} />
        <SelectField
          id="assign-worker"
          label="Ny sagsbehandler"
          hint="Sagsbehandlere og ledere, sagens team først. Sagen flytter med til det team, der står i parentes."
          value={workerId}
          onChange={(v) => {
            setWorkerId(v);
            setErrors(withoutKey('caseworker_id'));
          }}
          choices={[
            { value: '', label: 'Vælg sagsbehandler' },
            ...colleagues.map((w) => ({ value: w.user_id, label: withTeam(w) })),
          ]}
          error={errors.caseworker_id}
        />
        <button
          type="submit"
          className={`button button-primary ${busy ? 'spinner-active' : ''}`.trim()}
          aria-disabled={busy || undefined}
        >
          Fordel sagen
        </button>
      </form>
    );
  }

  return (
    <section aria-labelledby="fordel-heading" aria-busy={team.state === 'loading'} className="case-section">
      <h2 id="fordel-heading">Fordel sagen</h2>
      <div ref={outcomeRef} tabIndex={-1} className="case-outcome">
        {failure ? (
          <Alert
            variant="error"
            heading={failure.conflict ? 'Sagen er ændret af en anden' : 'Sagen blev ikke fordelt'}
            action={
              failure.conflict ? (
                <button type="button" className="button button-secondary" onClick={reload}>
                  Hent igen
                </button>
              ) : null
            }
          >
            <p>{failure.message}</p>
          </Alert>
        ) : null}
        {done ? <Alert variant="success" heading={done} /> : null}
      </div>
      {body}
      <Medbehandlere
        caseId={caseId}
        hovedsag={hovedsag}
        candidates={team.state === 'ready' ? people : null}
        onChanged={onAssigned}
        onReload={onReload}
      />
    </section>
  );
}

// ---------------------------------------------------------------- fødsel

const B_FIELDS: Record<string, [string, string]> = {
  cpr: ['birth-cpr', 'Barnets CPR-nummer'],
  first_name: ['birth-first', 'Barnets fornavn'],
  last_name: ['birth-last', 'Barnets efternavn'],
};

type BDraft = { cpr: string; first: string; last: string };

const BIRTH_DONE = 'Fødslen er registreret – sagen følger nu barnets eget CPR-nummer';

/**
 * "Registrér fødsel" (case.write) for an unborn child: POST /api/children/{id}/birth moves
 * the case from the mother's CPR number to the child's own.
 */
function FoedselForm({
  childId,
  onRegistered,
}: {
  childId: string;
  onRegistered: (result: { child_id?: string | null; hovedsag_id?: string | null }) => void;
}) {
  const [draft, setDraft] = useState<BDraft>({ cpr: '', first: '', last: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const set = (key: keyof BDraft, errorKey: string) => (value: string) => {
    setDraft((d) => ({ ...d, [key]: value }));
    setErrors(withoutKey(errorKey));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setFailure(undefined);
    setErrors({});
    setBusy(true);
    try {
      const result = await call(
        api.POST('/api/children/{child_id}/birth', {
          params: { path: { child_id: childId } },
          body: { cpr: draft.cpr.trim(), first_name: draft.first.trim(), last_name: draft.last.trim() },
        }),
      );
      rememberPriorCases(result?.child_id || childId, result?.prior_cases, draft.cpr);
      setDraft({ cpr: '', first: '', last: '' });
      onRegistered(result ?? {});
    } catch (err) {
      const fields = fieldErrors(err);
      if (Object.keys(fields).length > 0) setErrors(fields);
      else setFailure(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="foedsel-heading" className="case-section">
      <h2 id="foedsel-heading">Registrér fødsel</h2>
      <form onSubmit={submit} noValidate className="admin-form case-form">
        <ErrorSummary errors={errors} fields={B_FIELDS} />
        {failure ? (
          <Alert variant="error" heading="Fødslen blev ikke registreret">
            <p>{failure}</p>
          </Alert>
        ) : null}
        <TextField
          id="birth-cpr"
          label="Barnets CPR-nummer"
          hint="10 cifre, fx 0101251234"
          inputMode="numeric"
          value={draft.cpr}
          onChange={set('cpr', 'cpr')}
          error={errors.cpr}
          width="input-width-s"
        />
        <TextField
          id="birth-first"
          label="Barnets fornavn"
          value={draft.first}
          onChange={set('first', 'first_name')}
          error={errors.first_name}
        />
        <TextField
          id="birth-last"
          label="Barnets efternavn"
          value={draft.last}
          onChange={set('last', 'last_name')}
          error={errors.last_name}
        />
        <button
          type="submit"
          className={`button button-primary ${busy ? 'spinner-active' : ''}`.trim()}
          aria-disabled={busy || undefined}
        >
          Registrér fødsel
        </button>
      </form>
    </section>
  );
}

// ---------------------------------------------------------------- the page

function withStage(child: ChildRead, caseId: string, stage: string): ChildRead {
  return {
    ...child,
    cases: child.cases.map((c) => (c.id === caseId ? { ...c, stage, stage_label: stageLabel(stage) } : c)),
  };
}

/** /sager/<hovedsag_id>?barn=<child_id>: the child's case – notifications and journal. */
export function Sag({ caseId, childId, session }: { caseId: string; childId: string | null; session: SessionRead }) {
  // The case itself (sagsbehandler, team, version). Reloads keep the last answer on screen.
  const [hovedsag, reloadCase] = useApi((signal) =>
    call(api.GET('/api/cases/{case_id}', { signal, params: { path: { case_id: caseId } } })),
  );
  // The child: from ?barn= when the address has it, else from the case once it is loaded,
  // so /sager/<id> alone shows the same page (Født, Adresse, Netværk) as a link with ?barn=.
  const caseChildId = hovedsag.state === 'ready' ? hovedsag.data.child_id : null;
  const childToLoad = childId ?? caseChildId;
  const [child, reloadChild, updateChild] = useApi(async (signal) =>
    childToLoad
      ? call(api.GET('/api/children/{child_id}', { signal, params: { path: { child_id: childToLoad } } }))
      : null,
  );
  const loadedFor = useRef(childId);
  useEffect(() => {
    if (childId || !caseChildId || loadedFor.current === caseChildId) return;
    loadedFor.current = caseChildId;
    reloadChild();
  }, [childId, caseChildId, reloadChild]);
  const [lastCase, setLastCase] = useState<CaseRead | null>(null);
  // The last loaded child (undefined: not loaded yet), so a reload keeps the page on screen.
  const [lastChild, setLastChild] = useState<ChildRead | null | undefined>(undefined);
  const [flash] = useState(peekFlash);
  const [journalRefresh, setJournalRefresh] = useState(0);
  const [birthDone, setBirthDone] = useState(false);
  const birthRef = useRef<HTMLDivElement>(null);
  const canWrite = can(session, 'case.write');
  const canAssign = canWrite && can(session, 'team.overview');

  useEffect(() => {
    setFlash(null);
  }, []);

  useEffect(() => {
    if (hovedsag.state === 'ready') setLastCase(hovedsag.data);
  }, [hovedsag]);

  useEffect(() => {
    if (child.state === 'ready') setLastChild(child.data);
  }, [child]);

  useEffect(() => {
    if (birthDone) birthRef.current?.focus();
  }, [birthDone]);

  const k = hovedsag.state === 'ready' ? hovedsag.data : lastCase;

  if ((child.state === 'loading' && lastChild === undefined) || (hovedsag.state === 'loading' && !k)) {
    return (
      <div aria-busy="true" className="page-loading">
        <Loading text="Henter sagen …" />
      </div>
    );
  }

  const c = child.state === 'ready' ? child.data : child.state === 'loading' ? (lastChild ?? null) : null;
  const summary = c?.cases.find((s) => s.id === caseId);
  const unborn = !!c?.unborn;
  const name =
    (c ? `${c.first_name} ${c.last_name}`.trim() : '') || k?.child_name || (unborn ? 'Ufødt barn' : 'Sag');
  const stage = summary ? summary.stage_label || stageLabel(summary.stage) : k ? stageLabel(k.stage) : null;
  const openedAt = summary?.opened_at ?? k?.opened_at;
  const caseMissing = hovedsag.state === 'error' && hovedsag.status === 404;
  const networkChildId = childId ?? k?.child_id ?? null;
  // A closed (or transferred) case takes nothing new: no intake, investigation or network.
  const closed = !!k?.closed_at;

  // 404: no such case, or the user is not on it (the API does not say which).
  const caseError =
    hovedsag.state === 'error' ? (
      <Alert
        variant="error"
        heading={caseMissing ? 'Sagen findes ikke, eller du er ikke på sagen' : 'Sagens oplysninger kunne ikke hentes'}
        action={
          caseMissing ? (
            <Link to="/sog">Find sagen i søgningen for at træde til</Link>
          ) : (
            <button type="button" className="button button-secondary" onClick={reloadCase}>
              Prøv igen
            </button>
          )
        }
      >
        <p>
          {caseMissing
            ? 'Du kan åbne sager, hvor du er sagsbehandler eller medbehandler, og sager i dine teams. Skal du hjælpe på en kollegas sag, kan du træde til med en begrundelse.'
            : hovedsag.message}
        </p>
      </Alert>
    ) : null;

  if (caseMissing && !k) {
    // Nothing of the case to show: no child, network or journal errors on top of this one.
    return (
      <>
        <PageHeading>Sagen kan ikke vises</PageHeading>
        {caseError}
      </>
    );
  }

  return (
    <>
      <PageHeading>{name}</PageHeading>
      {networkChildId ? (
        <p className="case-shortcuts">
          <a href={`#${NETWORK_ANCHOR}`} onClick={focusNetwork}>
            Kontakter
          </a>
        </p>
      ) : null}
      <SaveCaseToggle caseId={caseId} />
      {flash ? <Alert variant={flash.variant} heading={flash.heading} /> : null}
      <div ref={birthRef} tabIndex={-1} className="case-outcome">
        {birthDone ? <Alert variant="success" heading={BIRTH_DONE} /> : null}
      </div>
      {child.state === 'error' ? (
        <Alert
          variant="error"
          heading="Barnets oplysninger kunne ikke hentes"
          action={
            <button type="button" className="button button-secondary" onClick={reloadChild}>
              Prøv igen
            </button>
          }
        >
          <p>{child.message}</p>
        </Alert>
      ) : null}
      {caseError}
      <CaseTransfer caseId={caseId} childId={networkChildId} hovedsag={k} session={session} />
      {c || k ? (
        <dl className="case-facts" aria-busy={hovedsag.state === 'loading' || undefined}>
          {c ? (
            <>
              {unborn ? (
                <div>
                  <dt>Termin</dt>
                  <dd>{c.expected_date ? `Ufødt barn – termin ${formatDate(c.expected_date)}` : 'Ufødt barn'}</dd>
                </div>
              ) : (
                <div>
                  <dt>Født</dt>
                  <dd>
                    <time dateTime={c.birth_date}>{formatDate(c.birth_date)}</time> ({formatAge(c.age)})
                  </dd>
                </div>
              )}
              <div>
                <dt>Adresse</dt>
                <dd>{c.address || 'Ikke oplyst'}</dd>
              </div>
            </>
          ) : null}
          {stage ? (
            <div>
              <dt>Fase</dt>
              <dd>{stage}</dd>
            </div>
          ) : null}
          {openedAt ? (
            <div>
              <dt>Åbnet</dt>
              <dd>
                <time dateTime={openedAt}>{formatDate(openedAt)}</time>
              </dd>
            </div>
          ) : null}
          {k ? (
            <>
              <div>
                <dt>
                  Sagsbehandler<span className="sr-only">: </span>
                </dt>
                <dd>{k.caseworker ?? 'Ikke fordelt'}</dd>
              </div>
              <div>
                <dt>
                  Team<span className="sr-only">: </span>
                </dt>
                <dd>{k.team ?? 'Intet team'}</dd>
              </div>
              <div>
                <dt>
                  Medbehandlere<span className="sr-only">: </span>
                </dt>
                <dd>
                  {k.workers && k.workers.length > 0 ? k.workers.map((w) => w.display_name).join(', ') : 'Ingen'}
                </dd>
              </div>
            </>
          ) : null}
          {k?.closed_at ? (
            <div>
              <dt>Lukket</dt>
              <dd>
                <time dateTime={k.closed_at}>{formatDate(k.closed_at)}</time>
              </dd>
            </div>
          ) : null}
        </dl>
      ) : null}
      {networkChildId ? (
        <Netvaerk key={networkChildId} childId={networkChildId} canWrite={canWrite && !closed} />
      ) : null}
      {k ? (
        <Forloeb
          hovedsag={k}
          session={session}
          loading={hovedsag.state === 'loading'}
          onChanged={() => {
            reloadCase();
            reloadChild();
            setJournalRefresh((n) => n + 1);
          }}
        />
      ) : null}
      {k ? <CaseEconomy caseId={k.id} session={session} closed={!!k.closed_at} refresh={journalRefresh} /> : null}
      {k ? <IcsSection hovedsag={k} session={session} refresh={journalRefresh} /> : null}
      {canWrite && c && unborn ? (
        <FoedselForm
          childId={c.id}
          onRegistered={(result) => {
            const newCase = result.hovedsag_id || caseId;
            const newChild = result.child_id || c.id;
            if (newCase !== caseId || newChild !== childId) {
              // The case now lives under another id: open it there (the page remounts).
              setFlash({ variant: 'success', heading: BIRTH_DONE });
              navigate(`/sager/${encodeURIComponent(newCase)}?barn=${encodeURIComponent(newChild)}`, true);
              return;
            }
            setBirthDone(true);
            reloadChild();
            reloadCase();
            setJournalRefresh((n) => n + 1);
          }}
        />
      ) : null}
      {canAssign && k ? (
        <Fordeling
          caseId={caseId}
          hovedsag={k}
          onAssigned={() => {
            reloadCase();
            setJournalRefresh((n) => n + 1);
          }}
          onReload={() => {
            reloadCase();
            setJournalRefresh((n) => n + 1);
          }}
        />
      ) : null}
      {canWrite && !closed ? (
        <UnderretningForm
          caseId={caseId}
          onRegistered={() => {
            reloadCase();
            setJournalRefresh((n) => n + 1);
          }}
        />
      ) : null}
      {canWrite && !closed ? (
        <UndersoegelseForm
          caseId={caseId}
          onStarted={() => {
            // The case moves to the investigation stage; show it without reloading the page.
            updateChild((data) => (data ? withStage(data, caseId, 'undersoegelse') : data));
            reloadCase();
            setJournalRefresh((n) => n + 1);
          }}
        />
      ) : null}
      <Journal caseId={caseId} canWrite={canWrite} refresh={journalRefresh} enkeltsager={k?.enkeltsager ?? []} />
    </>
  );
}
