// The line under the header while something is offline or waiting to be sent, and the
// checks that need the session: a device that belongs to someone else (user switch) or has
// been revoked wipes its data.
import { useEffect } from 'react';
import type { SessionRead } from '../api/client';
import { Link } from '../router';
import { checkDevice, installTriggers, syncNow } from './sync';
import { changes, useOffline } from './ui';

export function OfflineBanner({ session }: { session: SessionRead | null }) {
  const snap = useOffline();
  const username = session?.realm === 'kommune' ? session.username : null;

  useEffect(() => {
    installTriggers();
  }, []);

  useEffect(() => {
    if (!username || snap.status === 'none' || snap.status === 'starting') return;
    void checkDevice(true).then((r) => {
      if (r === 'ok') void syncNow();
    });
    // Once per login (and when the vault appears); not on every snapshot change.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [username, snap.status === 'none' || snap.status === 'starting']);

  if (snap.status === 'none' || snap.status === 'starting') return null;
  const d = snap.device;
  const pending = d?.pending ?? 0;
  const conflicts = d?.conflicts ?? 0;
  const offline = !snap.online || snap.sync.offline;
  if (!offline && pending === 0 && conflicts === 0 && !snap.sync.needsLogin) return null;

  const messages: string[] = [];
  if (offline) messages.push('Du er offline. Dine ændringer gemmes krypteret på enheden og sendes, når forbindelsen er tilbage.');
  if (pending > 0) messages.push(`${changes(pending)} er ikke synkroniseret.`);
  if (conflicts > 0) messages.push(`${changes(conflicts)} kræver, at du tager stilling.`);
  if (snap.sync.needsLogin && !offline && pending + conflicts > 0)
    messages.push('Din session er udløbet: log ind igen, så sendes ændringerne.');

  return (
    <div className="offline-banner" role="region" aria-label="Offline-status">
      <div className="container">
        <p role="status">{messages.join(' ')}</p>
        {snap.status === 'unlocked' && pending > 0 && !offline ? (
          <button
            type="button"
            className={`button button-secondary button-small ${snap.sync.running ? 'spinner-active' : ''}`.trim()}
            aria-disabled={snap.sync.running || undefined}
            onClick={() => void syncNow()}
          >
            Synkronisér nu
          </button>
        ) : null}
        {conflicts > 0 ? <Link to="/offline/synkronisering">Se ændringerne</Link> : null}
        {offline && !window.location.pathname.startsWith('/offline') ? <Link to="/offline">Gå til hjemmebesøg</Link> : null}
        {snap.status === 'locked' && pending > 0 && !offline ? <Link to="/offline">Lås op for at synkronisere</Link> : null}
      </div>
    </div>
  );
}
