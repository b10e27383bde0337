// /sager/<id>/breve/<letterId>: one letter. A draft is edited in place (title, text in the
// rich-text editor, recipients, the hearing's answer date) and saved by itself a moment after
// each change; "Forhåndsvis" opens the PDF as it will be sent; "Send brevet" asks first, then
// files the PDF/A on the case, sends it to each recipient and takes the law's steps. A sent
// letter shows what was sent, to whom, and each delivery's status.
import { useEffect, useRef, useState } from 'react';
import { api, call, fieldErrors } from '../../../api/client';
import { Alert } from '../../../components/Alert';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { TextField, withoutKey } from '../../../components/Form';
import { Loading } from '../../../components/Loading';
import { formatDate, formatDateTime } from '../../../format';
import { failureOf, useSubmit } from '../../../mutation';
import { Link, isId, useRouteParams } from '../../../router';
import { invalidate, useApiQuery } from '../../../useApi';
import { NotFound } from '../../NotFound';
import { useCaseContext } from '../places';
import { Deliveries } from './Deliveries';
import { CHANNELS, letterKeys, sendsBy, letterPath, loadLetter, type LetterRead } from './queries';
import { RichText } from './RichText';

const AUTOSAVE_MS = 800;

type Draft = { title: string; body: string; recipients: string[]; answer_by: string | null };

function draftOf(l: LetterRead): Draft {
  return { title: l.title, body: l.body, recipients: l.recipients.map((r) => r.key), answer_by: l.answer_by ?? null };
}

function Editor({ caseId, letter, onSent }: { caseId: string; letter: LetterRead; onSent: (steps: string[]) => void }) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(letter));
  const [dirty, setDirty] = useState(false);
  const [savedAt, setSavedAt] = useState<string>(letter.changed_at);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [confirming, setConfirming] = useState(false);
  const [sendError, setSendError] = useState<string | undefined>();
  const version = useRef(letter.version);
  const latest = useRef(draft);
  latest.current = draft;
  const saver = useSubmit({ setErrors });
  const sender = useSubmit({ setErrors, invalidates: [['case', caseId], ['worklist']] });
  const params = { path: { case_id: caseId, letter_id: letter.id } };

  // Saves run one after the other: the autosave and "Send brevet" (which saves first) would
  // otherwise send the same version twice, and the second would be refused as stale.
  const saved = useRef<Draft>(draft);
  const queue = useRef<Promise<boolean>>(Promise.resolve(true));
  const saveNow = async (): Promise<boolean> => {
    const d = latest.current;
    if (d === saved.current) return true;
    const answer = await saver.run(async () =>
      call(
        api.PATCH('/api/cases/{case_id}/letters/{letter_id}', {
          params,
          body: { version: version.current, title: d.title, body: d.body, recipients: d.recipients, answer_by: d.answer_by },
        }),
      ),
    );
    if (!answer) return false;
    version.current = answer.version;
    saved.current = d;
    setSavedAt(answer.changed_at);
    if (latest.current === d) setDirty(false);
    return true;
  };
  const save = (): Promise<boolean> => {
    const next = queue.current.then(saveNow);
    queue.current = next.catch(() => false);
    return next;
  };

  useEffect(() => {
    if (!dirty) return;
    const timer = window.setTimeout(() => void save(), AUTOSAVE_MS);
    return () => window.clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- save reads the latest draft itself
  }, [draft, dirty]);

  const change = (patch: Partial<Draft>, key: string) => {
    setDraft((d) => ({ ...d, ...patch }));
    setDirty(true);
    setErrors(withoutKey(key));
  };

  const send = async () => {
    if (!(await save())) {
      setConfirming(false);
      return;
    }
    setSendError(undefined);
    const sent = await sender.run(
      async () => call(api.POST('/api/cases/{case_id}/letters/{letter_id}/send', { params, body: { version: version.current } })),
      (err) => {
        const fields = fieldErrors(err);
        if (Object.keys(fields).length > 0) {
          setErrors(fields);
          setConfirming(false);
        } else setSendError(failureOf(err).message);
      },
    );
    if (sent) {
      setConfirming(false);
      onSent(sent.steps);
    }
  };

  const chosen = letter.candidates.filter((c) => draft.recipients.includes(c.key));
  const needsDate = letter.purpose === 'partshoering' || letter.purpose === 'boernesamtale';
  const status = saver.busy ? 'Gemmer …' : dirty ? 'Ikke gemt endnu' : `Kladden er gemt ${formatDateTime(savedAt)}`;

  return (
    <div className="letter-editor">
      <p className="letter-save-status" aria-live="polite">
        {status}
      </p>
      {saver.general ? <Alert variant="error" heading="Kladden kunne ikke gemmes">{<p>{saver.general}</p>}</Alert> : null}
      <TextField id="title" label="Overskrift" value={draft.title} onChange={(v) => change({ title: v }, 'title')} error={errors.title} width="input-width-xl" />
      <RichText
        id="body"
        label="Brevets tekst"
        hint="Flettefelterne er udfyldt med sagens oplysninger. Tekst i [skarpe parenteser] skal udfyldes, før brevet kan sendes."
        value={letter.body}
        onChange={(html) => change({ body: html }, 'body')}
        error={errors.body}
      />
      {needsDate ? (
        <TextField
          id="answer_by"
          type="date"
          label={letter.purpose === 'partshoering' ? 'Svarfrist for partshøringen' : 'Dato for samtalen'}
          value={draft.answer_by ?? ''}
          onChange={(v) => change({ answer_by: v || null }, 'answer_by')}
          error={errors.answer_by}
          width="input-width-s"
          hint="Står allerede i teksten, hvis skabelonen bruger feltet frist – ret teksten, hvis du ændrer datoen."
        />
      ) : null}
      <div className={`form-group ${errors.recipients ? 'form-error' : ''}`.trim()} id="recipients" tabIndex={-1}>
        <fieldset aria-describedby={errors.recipients ? 'recipients-error' : undefined}>
          <legend className="form-label">Modtagere</legend>
          {errors.recipients ? (
            <span className="form-error-message" id="recipients-error">
              <span className="sr-only">Fejl: </span>
              {errors.recipients}
            </span>
          ) : null}
          {letter.candidates.map((c) => {
            const id = `recipient-${c.key.replace(/[^a-z0-9]/gi, '')}`;
            const on = draft.recipients.includes(c.key);
            return (
              <div className="form-group-checkbox" key={c.key}>
                <input
                  id={id}
                  type="checkbox"
                  className="form-checkbox"
                  checked={on}
                  disabled={!!c.missing && !on}
                  aria-describedby={`${id}-hint`}
                  onChange={(e) =>
                    change(
                      { recipients: e.target.checked ? [...draft.recipients, c.key] : draft.recipients.filter((k) => k !== c.key) },
                      'recipients',
                    )
                  }
                />
                <label className="form-label" htmlFor={id}>
                  {c.name} <span className="letter-role">({c.role})</span>
                </label>
                <span className={`form-hint checkbox-hint ${c.missing ? 'letter-missing' : ''}`.trim()} id={`${id}-hint`}>
                  {c.missing ?? (c.channel ? sendsBy(c.channel) : '')}
                  {c.address_protected ? ' · Adressebeskyttet' : c.address ? ` · ${c.address}` : ''}
                </span>
              </div>
            );
          })}
        </fieldset>
      </div>
      <div className="form-actions letter-actions">
        <button
          type="button"
          className="button button-primary"
          disabled={sender.busy || chosen.length === 0}
          onClick={() => {
            setSendError(undefined);
            setConfirming(true);
          }}
        >
          Send brevet
        </button>
        <a
          className="button button-secondary"
          href={`/api/cases/${caseId}/letters/${letter.id}/pdf?v=${encodeURIComponent(savedAt)}`}
          target="_blank"
          rel="noopener"
          onClick={(e) => {
            if (dirty) {
              e.preventDefault();
              void save().then((ok) => {
                if (ok) window.open(`/api/cases/${caseId}/letters/${letter.id}/pdf?v=${Date.now()}`, '_blank', 'noopener');
              });
            }
          }}
        >
          Forhåndsvis PDF
        </a>
        <Link to={letterPath(caseId)} className="button button-tertiary">
          Alle breve
        </Link>
      </div>
      {confirming ? (
        <ConfirmDialog
          title="Send brevet?"
          confirmLabel="Send brevet"
          busy={sender.busy}
          error={sendError}
          onConfirm={() => void send()}
          onCancel={() => setConfirming(false)}
        >
          <p>
            »{draft.title}« sendes nu og gemmes som PDF på sagen. Det kan ikke ændres bagefter.
          </p>
          <ul>
            {chosen.map((c) => (
              <li key={c.key}>
                {c.name} ({c.role}) – {c.channel ? CHANNELS[c.channel] : c.missing}
              </li>
            ))}
          </ul>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}

function SentLetter({
  caseId,
  letter,
  steps,
  editable,
}: {
  caseId: string;
  letter: LetterRead;
  steps: string[] | null;
  editable: boolean;
}) {
  return (
    <div className="letter-sent">
      <Alert variant="success" heading={steps ? 'Brevet er sendt' : `Sendt ${letter.sent_at ? formatDateTime(letter.sent_at) : ''}`}>
        <p>
          Brevet er gemt som PDF på sagen. {steps && steps.length > 0 ? 'Sagen er opdateret:' : ''}
        </p>
        {steps && steps.length > 0 ? (
          <ul>
            {steps.map((s) => (
              <li key={s}>{s}</li>
            ))}
          </ul>
        ) : null}
      </Alert>
      <Deliveries caseId={caseId} letterId={letter.id} canResend={editable} />
      <div className="letter-text" lang="da">
        <RichText id="body" label="Brevets tekst" value={letter.body} onChange={() => undefined} readOnly />
      </div>
      {letter.answer_by ? <p>Frist: {formatDate(letter.answer_by)}</p> : null}
      <p className="letter-actions">
        <a className="button button-secondary" href={`/api/cases/${caseId}/letters/${letter.id}/pdf`} target="_blank" rel="noopener">
          Åbn PDF
        </a>
        <Link to={letterPath(caseId)} className="button button-tertiary">
          Alle breve
        </Link>
      </p>
    </div>
  );
}

/** A draft for someone who may not change it (read access only, or the case is closed). */
function DraftReadOnly({ letter }: { letter: LetterRead }) {
  return (
    <div className="letter-text" lang="da">
      <Alert variant="info" heading="Kladde – ikke sendt" />
      <p>Til: {letter.recipients.map((r) => `${r.name} (${r.role})`).join(', ') || 'ingen modtagere endnu'}</p>
      <RichText id="body" label={letter.title} value={letter.body} onChange={() => undefined} readOnly />
    </div>
  );
}

export function BrevPlace() {
  const { hovedsag, canWrite } = useCaseContext();
  const editable = canWrite && !hovedsag.closed_at;
  const { letterId } = useRouteParams('letterId');
  const caseId = hovedsag.id;
  const [steps, setSteps] = useState<string[] | null>(null);
  const [state, reload] = useApiQuery(letterKeys.one(caseId, letterId), loadLetter(caseId, letterId), {
    enabled: isId(letterId),
  });
  if (!isId(letterId)) return <NotFound />;
  return (
    <section aria-labelledby="letter-heading" aria-busy={state.state === 'loading'}>
      <h2 id="letter-heading">{state.state === 'ready' ? state.data.purpose_label : 'Brev'}</h2>
      {state.state === 'ready' ? (
        <p className="letter-meta">
          Skabelon: {state.data.template_title} (version {state.data.template_version}) · skrevet af {state.data.created_by_name}
        </p>
      ) : null}
      {state.state === 'loading' ? <Loading text="Henter brevet …" /> : null}
      {state.state === 'error' ? (
        <Alert
          variant="error"
          heading={state.status === 404 ? 'Brevet findes ikke' : 'Brevet kunne ikke hentes'}
          action={
            <button type="button" className="button button-secondary" onClick={reload}>
              Prøv igen
            </button>
          }
        >
          <p>{state.message}</p>
        </Alert>
      ) : null}
      {state.state === 'ready' && state.data.status === 'kladde' && !editable ? <DraftReadOnly letter={state.data} /> : null}
      {state.state === 'ready' && state.data.status === 'kladde' && editable ? (
        <Editor
          key={state.data.id}
          caseId={caseId}
          letter={state.data}
          onSent={(s) => {
            setSteps(s);
            invalidate(letterKeys.list(caseId));
            reload();
          }}
        />
      ) : null}
      {state.state === 'ready' && state.data.status === 'sendt' ? <SentLetter caseId={caseId} letter={state.data} steps={steps} editable={editable} /> : null}
    </section>
  );
}
