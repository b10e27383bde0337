// Writing a note on the device: an encrypted draft survives a lock or reload; a saved note is
// queued in the outbox and the message follows it until it has been sent.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Alert } from '../../components/Alert';
import { ErrorSummary, TextArea, TextField } from '../../components/Form';
import * as store from '../store';
import { queue } from '../sync';
import { useOffline } from '../ui';
import * as vault from '../vault';

export function NoteForm({
  caseId,
  childName,
  waiting,
  onQueued,
}: {
  caseId: string;
  childName: string;
  /** Ids of this case's notes still in the outbox. */
  waiting: ReadonlySet<string>;
  onQueued: () => void;
}) {
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState<string | undefined>();
  // The note the "saved" message is about: once it has left the outbox, the message
  // "… sendes, når der er forbindelse" is no longer true.
  // (Seen waiting in the outbox, or a sync finished after it was queued.)
  const { sync } = useOffline();
  const [savedOp, setSavedOp] = useState<{ id: string; at: string; seen: boolean } | null>(null);
  const inOutbox = savedOp !== null && waiting.has(savedOp.id);
  useEffect(() => {
    if (inOutbox) setSavedOp((o) => (o && !o.seen ? { ...o, seen: true } : o));
  }, [inOutbox]);
  const synced = savedOp !== null && !!sync.lastSyncAt && sync.lastSyncAt > savedOp.at;
  const sent = savedOp !== null && !inOutbox && (savedOp.seen || synced);
  const [failure, setFailure] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const draft = useRef({ title: '', body: '' });
  const timer = useRef<number | undefined>(undefined);

  // A half-written note survives a lock, a reload and a closed tab (encrypted draft).
  useEffect(() => {
    let live = true;
    void store
      .getDraft(caseId)
      .then((d) => {
        if (live && d && !draft.current.title && !draft.current.body) {
          draft.current = d;
          setTitle(d.title);
          setBody(d.body);
        }
      })
      .catch(() => undefined);
    const off = vault.onBeforeLock(() => store.saveDraft(caseId, draft.current));
    return () => {
      live = false;
      off();
      window.clearTimeout(timer.current);
    };
  }, [caseId]);

  const change = (next: { title: string; body: string }) => {
    draft.current = next;
    setTitle(next.title);
    setBody(next.body);
    setSaved(undefined);
    setSavedOp(null);
    setErrors({});
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => void store.saveDraft(caseId, draft.current).catch(() => undefined), 800);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const t = title.trim();
    const b = body;
    if (!t) {
      setErrors({ title: 'Skriv en overskrift' });
      requestAnimationFrame(() => document.getElementById('offline-note-title')?.focus());
      return;
    }
    // Empty the form at once: the next note can be written while this one is stored
    // (each submit queues exactly what it captured; nothing typed meanwhile is cleared).
    window.clearTimeout(timer.current);
    draft.current = { title: '', body: '' };
    setTitle('');
    setBody('');
    setFailure(undefined);
    setBusy(true);
    try {
      const at = new Date().toISOString();
      const op = await queue({ kind: 'note', caseId, childName, title: t, body: b });
      setSavedOp({ id: op.id, at, seen: false });
      setSaved('Notatet er gemt på enheden og sendes til Trekant, når der er forbindelse');
      onQueued();
    } catch (err) {
      if (!draft.current.title && !draft.current.body) {
        draft.current = { title: t, body: b };
        setTitle(t);
        setBody(b);
      }
      setFailure(err instanceof Error ? err.message : 'Notatet blev ikke gemt.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate className="admin-form note-form" aria-labelledby="offline-note-heading">
      <h3 id="offline-note-heading">Skriv notat</h3>
      <div role="status">
        {saved ? <Alert variant="success" heading={sent ? 'Notatet er sendt til Trekant' : saved} role="note" /> : null}
      </div>
      <ErrorSummary errors={errors} fields={{ title: ['offline-note-title', 'Overskrift'] }} />
      {failure ? (
        <Alert variant="error" heading="Notatet blev ikke gemt på enheden">
          <p>{failure}</p>
        </Alert>
      ) : null}
      <TextField
        id="offline-note-title"
        label="Overskrift"
        value={title}
        onChange={(v) => change({ title: v, body })}
        error={errors.title}
      />
      <TextArea id="offline-note-body" label="Notat" value={body} onChange={(v) => change({ title, body: v })} rows={6} />
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
