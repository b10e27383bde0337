// One change in the outbox that needs the person's decision (a conflict with the server, or a
// change the server refused), with what can be done about it.
import { useCallback, useRef, useState, type ReactNode } from 'react';
import { formatDeadline } from '../../format';
import * as store from '../store';
import { keepRecordAsNote, keepServer, retryCompletion, retryOp } from '../sync';

export function describe(op: store.Op): string {
  if (op.kind === 'note') return `Notat „${op.title}“`;
  if (op.kind === 'complete') return `${op.title} markeret som udført`;
  return `Kontaktoplysninger for ${op.name}`;
}

/**
 * `onGone`: the change left the outbox (this item disappears), with the message to show in
 * its place.
 */
export function Conflict({ op, onGone }: { op: store.Op; onGone: (message: string) => void }) {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | undefined>();
  const [discarding, setDiscarding] = useState(false);
  const headingId = `conflict-${op.id}`;

  // One action at a time (the buttons are only aria-disabled while one runs).
  const running = useRef(false);

  const run = useCallback(async (action: () => Promise<string | void>) => {
    if (running.current) return;
    running.current = true;
    setBusy(true);
    setMessage(undefined);
    try {
      const text = await action();
      if (text) setMessage(text);
    } catch (err) {
      setMessage(err instanceof Error ? err.message : 'Det lykkedes ikke.');
    } finally {
      running.current = false;
      setBusy(false);
    }
  }, []);

  const info = op.conflict;
  const isConflict = op.state === 'conflict';
  let actions: ReactNode;
  let compare: ReactNode = null;
  if (op.kind === 'contact' && isConflict) {
    compare = (
      <div className="offline-compare">
        <dl aria-label="Din rettelse">
          <dt>Din rettelse</dt>
          <dd>Telefon: {op.phone ?? '–'}</dd>
          <dd>E-mail: {op.email ?? '–'}</dd>
        </dl>
        <dl aria-label="I Trekant nu">
          <dt>
            I Trekant nu
            {info?.changedBy ? ` (ændret af ${info.changedBy}${info.changedAt ? ` ${formatDeadline(info.changedAt)}` : ''})` : ''}
          </dt>
          <dd>Telefon: {info?.current?.phone ?? '–'}</dd>
          <dd>E-mail: {info?.current?.email ?? '–'}</dd>
        </dl>
      </div>
    );
    actions = (
      <>
        <button
          type="button"
          className="button button-primary button-small"
          aria-disabled={busy || undefined}
          aria-describedby={headingId}
          onClick={() => void run(() => retryOp(op, info?.currentVersion))}
        >
          Brug min rettelse
        </button>
        <button
          type="button"
          className="button button-secondary button-small"
          aria-disabled={busy || undefined}
          aria-describedby={headingId}
          onClick={() => void run(() => keepServer(op))}
        >
          Behold Trekants
        </button>
      </>
    );
  } else if (op.kind === 'complete') {
    // A conflict or a refusal ("Aktiviteten er ikke åben"): sending the same again would be
    // refused again, so look the activity up instead (closed or gone: the marking goes).
    actions = (
      <>
        <button
          type="button"
          className="button button-primary button-small"
          aria-disabled={busy || undefined}
          aria-describedby={headingId}
          onClick={() =>
            void run(async () => {
              const r = await retryCompletion(op);
              const kept = op.record ? ' Det, du skrev, sendes som notat på sagen.' : '';
              if (r === 'already-closed')
                onGone(`${op.title}: Aktiviteten var allerede afsluttet i Trekant. Din markering er fjernet fra enheden.${kept}`);
              if (r === 'gone')
                onGone(`${op.title}: Aktiviteten findes ikke længere på sagen. Din markering er fjernet fra enheden.${kept}`);
            })
          }
        >
          Markér som udført igen
        </button>
        {op.record ? (
          <button
            type="button"
            className="button button-secondary button-small"
            aria-disabled={busy || undefined}
            aria-describedby={headingId}
            onClick={() => void run(() => keepRecordAsNote(op))}
          >
            Gem det skrevne som notat
          </button>
        ) : (
          <button
            type="button"
            className="button button-secondary button-small"
            aria-disabled={busy || undefined}
            aria-describedby={headingId}
            onClick={() => void run(() => store.discardOp(op.id))}
          >
            Fortryd min markering
          </button>
        )}
      </>
    );
  } else {
    actions = (
      <>
        <button
          type="button"
          className="button button-primary button-small"
          aria-disabled={busy || undefined}
          aria-describedby={headingId}
          onClick={() => void run(() => retryOp(op))}
        >
          Send igen
        </button>
        {discarding ? (
          <>
            <button
              type="button"
              className="button button-secondary button-small"
              aria-describedby={headingId}
              onClick={() => void run(() => store.discardOp(op.id))}
            >
              Bekræft: kassér ændringen
            </button>
            <button type="button" className="button button-tertiary button-small" onClick={() => setDiscarding(false)}>
              Fortryd
            </button>
          </>
        ) : (
          <button type="button" className="button button-tertiary button-small" onClick={() => setDiscarding(true)}>
            Kassér ændringen
          </button>
        )}
      </>
    );
  }
  return (
    <li className="offline-conflict">
      <h3 id={headingId} className="h4">
        {describe(op)} – {op.childName}
      </h3>
      <p>{info?.message ?? op.lastError}</p>
      {op.kind === 'note' && op.body ? <p className="journal-body">{op.body}</p> : null}
      {op.kind === 'complete' && op.recordText ? <p className="journal-body">{op.recordText}</p> : null}
      {compare}
      <div className="button-row">{actions}</div>
      <div role="status">{message ? <p>{message}</p> : null}</div>
    </li>
  );
}
