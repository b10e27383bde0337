// /offline/synkronisering: the sync status, the changes that need a decision, and those
// waiting to be sent.
import { useState } from 'react';
import { Alert } from '../../components/Alert';
import { PageHeading } from '../../components/PageHeading';
import { formatDeadline, formatNumber } from '../../format';
import { Link } from '../../router';
import * as store from '../store';
import { syncNow } from '../sync';
import { NotSynced, useOffline } from '../ui';
import { Conflict, describe } from './Conflict';
import { useVault } from './useVault';

export function SyncCenter() {
  const snap = useOffline();
  const data = useVault(() => store.outbox(), []);
  const ops = data.state === 'ready' ? data.data : [];
  const waiting = ops.filter((o) => o.state === 'pending');
  const attention = ops.filter((o) => o.state !== 'pending');
  const offline = !snap.online || snap.sync.offline;
  // What happened to a change that left the list (its own item is gone with it).
  const [gone, setGone] = useState<string | undefined>();
  return (
    <>
      <PageHeading>Synkronisering</PageHeading>
      <p className="offline-summary" role="status">
        {offline
          ? 'Du er offline. Ændringerne sendes, når forbindelsen er tilbage.'
          : snap.sync.needsLogin
            ? 'Din session er udløbet. Log ind igen, så sendes ændringerne.'
            : snap.sync.running
              ? 'Sender ændringer …'
              : snap.sync.lastSyncAt
                ? `Senest synkroniseret ${formatDeadline(snap.sync.lastSyncAt)}.`
                : 'Klar til at synkronisere.'}
      </p>
      {snap.sync.needsLogin && !offline ? (
        <p>
          <Link to="/" className="button button-secondary">
            Log ind igen
          </Link>
        </p>
      ) : null}
      <button
        type="button"
        className={`button button-primary ${snap.sync.running ? 'spinner-active' : ''}`.trim()}
        aria-disabled={snap.sync.running || undefined}
        onClick={() => void syncNow()}
      >
        Synkronisér nu
      </button>
      <section aria-labelledby="attention-heading" className="case-section">
        <h2 id="attention-heading">Kræver din stillingtagen</h2>
        <div role="status">{gone ? <Alert variant="info" heading={gone} role="note" /> : null}</div>
        {attention.length === 0 ? (
          <p className="empty-state">Ingen konflikter.</p>
        ) : (
          <ul className="offline-list">
            {attention.map((o) => (
              <Conflict key={o.id} op={o} onGone={setGone} />
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="waiting-heading" className="case-section">
        <h2 id="waiting-heading">Venter på at blive sendt</h2>
        {waiting.length === 0 ? (
          <p className="empty-state">Alt er sendt til Trekant.</p>
        ) : (
          <ul className="offline-list">
            {waiting.map((o) => (
              <li key={o.id}>
                <p className="network-name">
                  <strong>{describe(o)}</strong> – {o.childName} <NotSynced />
                </p>
                <p className="offline-goal-meta">
                  Skrevet {formatDeadline(o.createdAt)}
                  {o.attempts > 0 ? ` · ${formatNumber(o.attempts)} forsøg` : ''}
                  {o.lastError ? ` · ${o.lastError}` : ''}
                </p>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
