// The offline screens (/offline, /offline/sager/<id>, /offline/synkronisering): the saved
// worklist, a case (child, network with contact details, open activities, plan goals,
// latest journal entries, notes), and the changes waiting to be sent or resolved. This
// module is the frame (opening, unlocking, navigation); the pages live in ./app/, one module
// each, and ./routes.tsx nests them under /offline. The data come from the encrypted store
// (vault/store/sync).
import { useEffect, type ReactNode } from 'react';
import { Outlet } from 'react-router';
import { Alert } from '../components/Alert';
import { Loading } from '../components/Loading';
import { PageHeading } from '../components/PageHeading';
import { Link, navigate, usePath } from '../router';
import { OfflineNav } from './app/OfflineNav';
import { offlinePathFor } from './app/paths';
import { UnlockForm, useOffline } from './ui';
import * as vault from './vault';

export { isOfflinePath, offlinePathFor } from './app/paths';

/** The frame of every /offline page; the page itself is the route's outlet (routes.tsx). */
export function OfflineApp() {
  const snap = useOffline();
  const path = usePath();
  useEffect(() => {
    void vault.start();
  }, []);

  if (snap.status === 'starting') {
    return (
      <div aria-busy="true" className="page-loading">
        <Loading text="Åbner offline-data …" />
      </div>
    );
  }
  if (snap.status === 'none') {
    return (
      <>
        <PageHeading>Hjemmebesøg</PageHeading>
        {snap.wiped ? <Alert variant="info" heading={snap.wiped} /> : null}
        <p className="empty-state">Der er ingen offline-data på denne enhed.</p>
        <p>
          Når du har forbindelse, kan du gemme dine sager til hjemmebesøg fra <Link to="/">forsiden</Link>.
        </p>
      </>
    );
  }
  if (snap.status === 'locked') {
    return (
      <>
        <PageHeading>Lås offline-data op</PageHeading>
        <p>Sagerne på enheden er krypteret. Skriv din adgangsfrase til offline-brug for at åbne dem.</p>
        <UnlockForm autoFocus />
      </>
    );
  }
  return (
    <>
      <OfflineNav path={path} />
      <Outlet />
    </>
  );
}

/**
 * Trekant could not reach the server at start. With offline data on the device, go to the
 * offline screens (a case page to the saved case); otherwise show `fallback`.
 */
export function OfflineFallback({ path, fallback }: { path: string; fallback: ReactNode }) {
  const snap = useOffline();
  const has = snap.status === 'locked' || snap.status === 'unlocked';
  useEffect(() => {
    void vault.start();
  }, []);
  useEffect(() => {
    if (has) navigate(offlinePathFor(path), true);
  }, [has, path]);
  if (snap.status === 'starting') {
    return (
      <div aria-busy="true" className="page-loading">
        <Loading text="Henter …" />
      </div>
    );
  }
  return has ? null : <>{fallback}</>;
}
