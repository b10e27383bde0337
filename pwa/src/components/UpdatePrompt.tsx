import { useState } from 'react';
import { useRegisterSW } from 'virtual:pwa-register/react';
import { isWriting, reloadWhenIdle } from '../offline/writing';
import { Icon } from './Icon';

const HOUR = 60 * 60 * 1000;

/**
 * Registers the service worker and, when a new version is waiting, shows a notice.
 * Nothing reloads until the user clicks "Opdatér nu" (registerType: 'prompt').
 */
export function UpdatePrompt() {
  // Never reload while someone is writing (src/offline/writing.ts): not on "Opdatér nu",
  // and not when another tab activated the new version.
  const [waiting, setWaiting] = useState(false);
  const {
    needRefresh: [needRefresh, setNeedRefresh],
    updateServiceWorker,
  } = useRegisterSW({
    onRegisteredSW(_url, registration) {
      if (!registration) return;
      // Look for a new version now and then while the app is open.
      window.setInterval(() => {
        if (navigator.onLine) void registration.update();
      }, HOUR);
    },
    onNeedReload() {
      reloadWhenIdle(() => setWaiting(true));
    },
    onRegisterError(error) {
      console.warn('Trekant: service worker kunne ikke registreres', error);
    },
  });

  if (!needRefresh) return null;
  return (
    <div className="update-prompt" role="region" aria-label="Ny version">
      <div className="container">
        <div className="alert alert-info update-alert" role="status">
          <Icon name="info" className="alert-icon" />
          <div className="alert-body">
            <p className="alert-heading">Der er en ny version af Trekant</p>
            <p className="alert-text">
              {waiting
                ? 'Du er i gang med at skrive. Gem eller slet teksten først – så kan Trekant opdateres.'
                : 'Gem dit arbejde, og opdatér, når det passer dig. Siden genindlæses.'}
            </p>
            <div className="button-row">
              <button
                type="button"
                className="button button-primary"
                onClick={() => {
                  if (isWriting()) setWaiting(true);
                  else void updateServiceWorker(true);
                }}
              >
                Opdatér nu
              </button>
              <button
                type="button"
                className="button button-tertiary"
                onClick={() => setNeedRefresh(false)}
              >
                Senere
              </button>
            </div>
          </div>
        </div>
      </div>
    </div>
  );
}
