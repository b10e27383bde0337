// "Hjemmebesøg uden forbindelse" on the front page: save the worklist and its cases to the
// device (encrypted), see size and progress, refresh, sync, lock, delete.
import { useState } from 'react';
import { Alert } from '../components/Alert';
import { useSettled } from '../components/Settle';
import { formatDeadline } from '../format';
import { Link } from '../router';
import { useOfflineAccess } from './access';
import { download, prepare, syncNow } from './sync';
import { cases, changes, DownloadProgress, formatBytes, PassphraseSetup, PrfEnroll, UnlockForm, useOffline } from './ui';
import * as vault from './vault';

export function OfflinePanel() {
  const snap = useOffline();
  const allowed = useOfflineAccess();
  // The front page's lists above this panel have arrived (components/Settle.tsx).
  const settled = useSettled();
  const [setting, setSetting] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | undefined>();
  const [deleting, setDeleting] = useState(false);

  const start = async (passphrase: string) => {
    setBusy(true);
    setFailure(undefined);
    try {
      await prepare(passphrase);
      setSetting(false);
      await download();
    } catch (err) {
      setFailure(err instanceof Error ? err.message : 'Sagerne kunne ikke gemmes.');
    } finally {
      setBusy(false);
    }
  };

  const refresh = async () => {
    setFailure(undefined);
    try {
      await download();
    } catch {
      // shown by DownloadProgress
    }
  };

  const d = snap.device;
  const waiting = (d?.pending ?? 0) + (d?.conflicts ?? 0);
  let body;
  if (snap.status === 'starting') {
    body = null;
  } else if (snap.status === 'none') {
    body = (
      <>
        {snap.wiped ? <Alert variant="info" heading={snap.wiped} /> : null}
        <p>
          Gem dine sager krypteret på enheden, og arbejd hos familien uden forbindelse. Det, du skriver, sendes, når du
          er online igen.
        </p>
        {failure ? (
          <Alert variant="error" heading="Sagerne blev ikke gemt til hjemmebesøg">
            <p>{failure}</p>
          </Alert>
        ) : null}
        {setting ? (
          <PassphraseSetup busy={busy} onSubmit={(p) => void start(p)} onCancel={() => setSetting(false)} />
        ) : (
          <button type="button" className="button button-primary" onClick={() => setSetting(true)}>
            Gem til hjemmebesøg
          </button>
        )}
      </>
    );
  } else if (snap.status === 'locked') {
    body = (
      <>
        <p className="offline-summary">
          {d?.savedAt
            ? `${cases(d.cases)} er gemt på enheden (${formatBytes(d.bytes)}, ${formatDeadline(d.savedAt)}).`
            : 'Der er offline-data på enheden.'}{' '}
          Lås op for at opdatere dem eller sende dine ændringer.
        </p>
        <UnlockForm />
      </>
    );
  } else {
    body = (
      <>
        <p className="offline-summary">
          {d?.savedAt
            ? `${cases(d.cases)} er gemt krypteret på enheden (${formatBytes(d.bytes)}), senest opdateret ${formatDeadline(d.savedAt)}.`
            : d?.expiredAt
              ? 'Offline-data er slettet, fordi enheden har været uden forbindelse for længe. Hent dem igen.'
              : 'Sagerne er ikke hentet endnu.'}
          {waiting > 0 ? ` ${changes(waiting)} er ikke synkroniseret.` : ''}
        </p>
        {snap.download ? <DownloadProgress download={snap.download} /> : null}
        <div className="offline-actions">
          <Link to="/offline" className="button button-primary">
            Åbn hjemmebesøg
          </Link>
          <button
            type="button"
            className={`button button-secondary ${snap.download?.running ? 'spinner-active' : ''}`.trim()}
            aria-disabled={snap.download?.running || undefined}
            onClick={() => (snap.download?.running ? undefined : void refresh())}
          >
            {d?.savedAt ? 'Opdatér offline-data' : 'Gem til hjemmebesøg'}
          </button>
          <button
            type="button"
            className={`button button-secondary ${snap.sync.running ? 'spinner-active' : ''}`.trim()}
            aria-disabled={snap.sync.running || undefined}
            onClick={() => void syncNow()}
          >
            Synkronisér nu
          </button>
          <button type="button" className="button button-tertiary" onClick={() => void vault.lock()}>
            Lås offline-data
          </button>
          <button type="button" className="button button-tertiary" onClick={() => setDeleting(true)}>
            Slet offline-data
          </button>
        </div>
        <PrfEnroll />
        {deleting ? (
          <Alert
            variant="warning"
            role="note"
            heading="Slet offline-data fra enheden?"
            action={
              <div className="button-row">
                <button
                  type="button"
                  className="button button-primary"
                  onClick={() => void vault.wipe('Du har slettet offline-data fra enheden.').then(() => setDeleting(false))}
                >
                  Slet offline-data
                </button>
                <button type="button" className="button button-tertiary" onClick={() => setDeleting(false)}>
                  Fortryd
                </button>
              </div>
            }
          >
            <p>{waiting > 0 ? `${changes(waiting)}, der ikke er sendt, går tabt.` : 'Intet usendt går tabt.'}</p>
          </Alert>
        ) : null}
      </>
    );
  }

  // Nothing saved here and the user's role may not go offline: no "Gem til hjemmebesøg".
  // (A device that already holds data keeps its panel, to send changes and delete them.)
  if (snap.status === 'none' && allowed !== true) return null;
  // Not before the lists above it are on the page: each one that arrives moves this panel down,
  // and a press on "Gem til hjemmebesøg" released after such a move is no click at all (on a
  // slow machine the passphrase form then did not open). The panel stays mounted meanwhile, so
  // its own state (an open form) is kept.
  if (!settled) return null;

  return (
    <section aria-labelledby="offline-heading" className="offline-panel" aria-busy={busy || snap.download?.running || undefined}>
      <h2 id="offline-heading">Hjemmebesøg uden forbindelse</h2>
      {body}
      {snap.status === 'none' && snap.download ? <DownloadProgress download={snap.download} /> : null}
    </section>
  );
}
