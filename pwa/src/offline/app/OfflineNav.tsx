// The offline screens' navigation: Arbejdsliste, Synkronisering (with what waits), back to the
// online front page when online, and locking the offline data.
import { formatNumber } from '../../format';
import { Link } from '../../router';
import { useOffline } from '../ui';
import * as vault from '../vault';

export function OfflineNav({ path }: { path: string }) {
  const snap = useOffline();
  const waiting = (snap.device?.pending ?? 0) + (snap.device?.conflicts ?? 0);
  return (
    <nav aria-label="Hjemmebesøg">
      <ul className="offline-nav">
        <li>
          <Link to="/offline" aria-current={path === '/offline' ? 'page' : undefined}>
            Arbejdsliste
          </Link>
        </li>
        <li>
          <Link to="/offline/synkronisering" aria-current={path === '/offline/synkronisering' ? 'page' : undefined}>
            Synkronisering{waiting > 0 ? ` (${formatNumber(waiting)})` : ''}
          </Link>
        </li>
        {snap.online && !snap.sync.offline ? (
          <li>
            {/* A full page load: the online app fetches the session afresh. */}
            <a href="/">Til forsiden</a>
          </li>
        ) : null}
        <li>
          <button type="button" className="button button-tertiary button-small" onClick={() => void vault.lock()}>
            Lås offline-data
          </button>
        </li>
      </ul>
    </nav>
  );
}
