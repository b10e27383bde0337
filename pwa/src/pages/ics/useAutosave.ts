// Autosave of an ICS draft: debounced PUT /api/ics/{id}/draft with the revision the text is
// based on. Nothing is ever merged: a stale revision (409) shows both texts and the person
// chooses; a lost connection or an expired session keeps the text in memory and tries again.
//
// Where the unsaved text lives: in memory only (this hook's state, and for a document left
// inside the app with changes not yet stored, a module-level map for this tab). It is never
// written to localStorage or sessionStorage: the text is special-category personal data and
// those stores are unencrypted on disk. Closing or reloading the tab with unsaved changes
// asks first (beforeunload). Encrypted offline storage (pwa/src/offline/) can later take
// over the in-memory map (`unsavedDrafts`), keyed by document id and revision.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiError, call, setCsrfToken } from '../../api/client';
import { conflictOf, normalize, type Content, type Method } from './types';

export const DEBOUNCE_MS = 1500;
const MAX_WAIT_MS = 8000;
const SHOW_SAVING_AFTER_MS = 600;

export type SaveState =
  | { kind: 'clean' }
  | { kind: 'pending' }
  | { kind: 'saving' }
  | { kind: 'retrying'; message: string; loggedOut: boolean }
  | { kind: 'invalid'; message: string; errors: Record<string, string> }
  | {
      kind: 'conflict';
      theirs: Content;
      rev: number;
      changedBy: string;
      changedAt: string;
      /** the text was left unsaved when the person last left the document (in this tab) */
      left: boolean;
    }
  | { kind: 'locked'; message: string; status: string };

type Unsaved = { content: Content; rev: number };

/** Drafts left inside the app with changes the server has not confirmed (this tab only). */
export const unsavedDrafts = new Map<string, Unsaved>();
/** The last save of a document that was left: its next load waits for it. */
export const leavingSaves = new Map<string, Promise<void>>();

function putDraft(docId: string, rev: number, content: Content) {
  return call(api.PUT('/api/ics/{doc_id}/draft', { params: { path: { doc_id: docId } }, body: { rev, content } }));
}

/** The per-field messages of a refused save (400), keyed by content path. */
function saveErrors(err: ApiError): Record<string, string> {
  const out: Record<string, string> = {};
  const body = err.body;
  if (!body || typeof body !== 'object' || !('extra' in body)) return out;
  const extra = (body as { extra: unknown }).extra;
  if (!Array.isArray(extra)) return out;
  for (const item of extra) {
    if (!item || typeof item !== 'object') continue;
    const { key, message } = item as { key?: unknown; message?: unknown };
    if (typeof key === 'string')
      out[key.replace(/^(data|\$)\./, '').replace(/^content\./, '')] = typeof message === 'string' ? message : err.detail;
  }
  return out;
}

export function useAutosave({
  docId,
  rev,
  initial,
  method,
  changedBy,
  changedAt,
}: {
  docId: string;
  rev: number;
  initial: Content;
  method: Method;
  changedBy: string;
  changedAt: string;
}) {
  // A draft left unsaved earlier in this tab comes back as a choice, never silently.
  const [start] = useState(() => {
    const left = unsavedDrafts.get(docId);
    if (left && JSON.stringify(left.content) !== JSON.stringify(initial)) return left;
    return null;
  });
  const [content, setContent] = useState<Content>(start ? start.content : initial);
  const [state, setState] = useState<SaveState>(
    start
      ? { kind: 'conflict', theirs: initial, rev, changedBy, changedAt, left: true }
      : { kind: 'clean' },
  );
  const [savedAt, setSavedAt] = useState<string>(changedAt);
  const [showSaving, setShowSaving] = useState(false);

  const contentRef = useRef<Content>(start ? start.content : initial);
  const revRef = useRef(rev);
  const savedJson = useRef(JSON.stringify(initial));
  const stateRef = useRef<SaveState>(state);
  const timer = useRef<number | undefined>(undefined);
  const retryTimer = useRef<number | undefined>(undefined);
  const firstDirtyAt = useRef<number | null>(null);
  const inFlight = useRef<Promise<void> | null>(null);
  const attempt = useRef(0);
  const mounted = useRef(true);
  const saveRef = useRef<() => Promise<void>>(async () => {});

  const setS = useCallback((s: SaveState) => {
    stateRef.current = s;
    if (mounted.current) setState(s);
  }, []);

  const clearTimers = () => {
    window.clearTimeout(timer.current);
    window.clearTimeout(retryTimer.current);
    timer.current = undefined;
    retryTimer.current = undefined;
  };

  const schedule = useCallback(() => {
    window.clearTimeout(timer.current);
    const now = Date.now();
    if (firstDirtyAt.current === null) firstDirtyAt.current = now;
    const delay = Math.max(0, Math.min(DEBOUNCE_MS, firstDirtyAt.current + MAX_WAIT_MS - now));
    timer.current = window.setTimeout(() => void saveRef.current(), delay);
  }, []);

  const retryLater = useCallback((loggedOut: boolean) => {
    attempt.current += 1;
    const delay = Math.min(30_000, 2_000 * 2 ** Math.min(attempt.current - 1, 4));
    window.clearTimeout(retryTimer.current);
    retryTimer.current = window.setTimeout(async () => {
      if (loggedOut) {
        // Logged in again (e.g. in another tab)? Then this tab needs the new CSRF token.
        try {
          const s = await call(api.GET('/api/session'));
          setCsrfToken(s.csrf_token);
        } catch {
          /* still logged out: the save below fails again and we wait longer */
        }
      }
      void saveRef.current();
    }, delay);
  }, []);

  const doSave = useCallback(
    async (json: string) => {
      const sent = contentRef.current;
      firstDirtyAt.current = null;
      setS({ kind: 'saving' });
      const slow = window.setTimeout(() => mounted.current && setShowSaving(true), SHOW_SAVING_AFTER_MS);
      try {
        const r = await putDraft(docId, revRef.current, sent);
        attempt.current = 0;
        revRef.current = r.rev;
        savedJson.current = json;
        if (r.content) {
          // The server completed something (e.g. gave an item an id): take it if nothing was
          // typed meanwhile; otherwise the next save sends the newer text.
          const stored = normalize(r.content, method);
          if (JSON.stringify(contentRef.current) === json) {
            contentRef.current = stored;
            if (mounted.current) setContent(stored);
          }
          savedJson.current = JSON.stringify(stored);
        }
        if (mounted.current) setSavedAt(r.changed_at);
        if (JSON.stringify(contentRef.current) !== savedJson.current) {
          setS({ kind: 'pending' });
          schedule();
        } else setS({ kind: 'clean' });
      } catch (err) {
        if (err instanceof DOMException && err.name === 'AbortError') return;
        if (!(err instanceof ApiError)) {
          setS({ kind: 'retrying', message: 'Der opstod en uventet fejl.', loggedOut: false });
          retryLater(false);
          return;
        }
        const extra = conflictOf(err.body);
        if (err.status === 409 && extra?.reason === 'stale' && extra.content && typeof extra.content === 'object') {
          setS({
            kind: 'conflict',
            theirs: normalize(extra.content as Parameters<typeof normalize>[0], method),
            rev: Number(extra.rev),
            changedBy: String(extra.changed_by_name ?? ''),
            changedAt: String(extra.changed_at ?? ''),
            left: false,
          });
        } else if (err.status === 409) {
          setS({ kind: 'locked', message: err.detail, status: String(extra?.status ?? '') });
        } else if (err.status === 401 || (err.status === 403 && /CSRF/i.test(err.detail))) {
          setS({
            kind: 'retrying',
            message: 'Du er ikke logget ind længere. Log ind igen i et nyt faneblad; teksten her gemmes, når du er logget ind.',
            loggedOut: true,
          });
          retryLater(true);
        } else if (err.status === 0 || err.status >= 500 || err.status === 429) {
          setS({ kind: 'retrying', message: err.detail, loggedOut: false });
          retryLater(false);
        } else {
          setS({ kind: 'invalid', message: err.detail, errors: err.status === 400 ? saveErrors(err) : {} });
        }
      } finally {
        window.clearTimeout(slow);
        if (mounted.current) setShowSaving(false);
      }
    },
    [docId, method, retryLater, schedule, setS],
  );

  const save = useCallback(async () => {
    window.clearTimeout(timer.current);
    window.clearTimeout(retryTimer.current);
    while (inFlight.current) await inFlight.current;
    const kind = stateRef.current.kind;
    if (kind === 'conflict' || kind === 'locked') return;
    const json = JSON.stringify(contentRef.current);
    if (json === savedJson.current) {
      firstDirtyAt.current = null;
      if (kind !== 'clean') setS({ kind: 'clean' });
      return;
    }
    const p = doSave(json);
    inFlight.current = p;
    try {
      await p;
    } finally {
      inFlight.current = null;
    }
  }, [doSave, setS]);
  saveRef.current = save;

  /** Change the text; it is saved a moment after the typing stops. */
  const edit = useCallback(
    (change: (c: Content) => Content) => {
      const next = change(contentRef.current);
      contentRef.current = next;
      setContent(next);
      const kind = stateRef.current.kind;
      if (kind === 'conflict' || kind === 'locked') return; // the person decides first
      if (kind === 'clean' || kind === 'invalid') setS({ kind: 'pending' });
      if (kind === 'retrying') return; // the retry sends the newest text
      schedule();
    },
    [schedule, setS],
  );

  /** Save now; true when the server holds exactly this text. */
  const flush = useCallback(async (): Promise<boolean> => {
    await save();
    return stateRef.current.kind === 'clean';
  }, [save]);

  /** 409: keep my text and save it on the stored revision (it replaces the stored text). */
  const keepMine = useCallback(() => {
    const s = stateRef.current;
    if (s.kind !== 'conflict') return;
    revRef.current = s.rev;
    savedJson.current = JSON.stringify(s.theirs);
    setS({ kind: 'pending' });
    void save();
  }, [save, setS]);

  /** 409: drop my text and continue from the stored one. */
  const takeTheirs = useCallback(() => {
    const s = stateRef.current;
    if (s.kind !== 'conflict') return;
    contentRef.current = s.theirs;
    setContent(s.theirs);
    revRef.current = s.rev;
    savedJson.current = JSON.stringify(s.theirs);
    setSavedAt(s.changedAt);
    setS({ kind: 'clean' });
  }, [setS]);

  const retryNow = useCallback(() => {
    attempt.current = 0;
    void save();
  }, [save]);

  // Closing or reloading the tab with unsaved text asks first.
  useEffect(() => {
    const warn = (event: BeforeUnloadEvent) => {
      const unsaved = stateRef.current.kind !== 'clean' && stateRef.current.kind !== 'locked';
      if (!unsaved) return;
      event.preventDefault();
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, []);

  // Leaving the document inside the app: save what is left; keep it in memory until stored.
  useEffect(() => {
    mounted.current = true;
    unsavedDrafts.delete(docId); // offered above (as a choice) if it differed from the stored text
    return () => {
      mounted.current = false;
      clearTimers();
      const finish = async () => {
        if (inFlight.current) await inFlight.current.catch(() => undefined);
        if (JSON.stringify(contentRef.current) === savedJson.current) return;
        const kind = stateRef.current.kind;
        if (kind === 'locked') return;
        unsavedDrafts.set(docId, { content: contentRef.current, rev: revRef.current });
        if (kind === 'conflict' || kind === 'invalid') return;
        try {
          await putDraft(docId, revRef.current, contentRef.current);
          unsavedDrafts.delete(docId);
        } catch {
          /* kept in memory: offered again when the document is opened */
        }
      };
      const p = finish();
      leavingSaves.set(docId, p);
      void p.finally(() => {
        if (leavingSaves.get(docId) === p) leavingSaves.delete(docId);
      });
    };
  }, [docId]);

  return {
    content,
    edit,
    state,
    savedAt,
    showSaving,
    flush,
    keepMine,
    takeTheirs,
    retryNow,
    rev: () => revRef.current,
  };
}
