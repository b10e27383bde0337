// Reading the encrypted offline store from a screen: the value, re-read whenever the stored
// data change (the store's revision), keeping the last view meanwhile.
import { useEffect, useState } from 'react';
import { useOffline } from '../ui';

export type Loaded<T> = { state: 'loading' } | { state: 'ready'; data: T } | { state: 'error'; message: string };

/** Read from the vault; re-read whenever stored data change (revision), keeping the last view. */
export function useVault<T>(read: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const snap = useOffline();
  const [value, setValue] = useState<Loaded<T>>({ state: 'loading' });
  useEffect(() => {
    if (snap.status !== 'unlocked') return;
    let live = true;
    read().then(
      (data) => live && setValue({ state: 'ready', data }),
      (err: unknown) => live && setValue({ state: 'error', message: err instanceof Error ? err.message : 'Ukendt fejl' }),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [snap.status, snap.revision, ...deps]);
  return value;
}
