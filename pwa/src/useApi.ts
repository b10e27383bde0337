import { useCallback, useEffect, useState } from 'react';
import { messageOf } from './api/client';

export type Loadable<T> =
  | { state: 'loading' }
  | { state: 'error'; message: string; status?: number }
  | { state: 'ready'; data: T };

/**
 * Run `load` on mount (and on `reload()`); expose loading / error / ready states.
 * `update` changes the loaded data in place (e.g. after a successful save), without a reload.
 */
export function useApi<T>(
  load: (signal: AbortSignal) => Promise<T>,
): [Loadable<T>, () => void, (change: (data: T) => T) => void] {
  const [value, setValue] = useState<Loadable<T>>({ state: 'loading' });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    const ctrl = new AbortController();
    setValue({ state: 'loading' });
    load(ctrl.signal).then(
      (data) => {
        if (!ctrl.signal.aborted) setValue({ state: 'ready', data });
      },
      (err: unknown) => {
        if (ctrl.signal.aborted) return;
        const status =
          err && typeof err === 'object' && 'status' in err ? Number(err.status) : undefined;
        setValue({ state: 'error', message: messageOf(err), status });
      },
    );
    return () => ctrl.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [attempt]);
  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  const update = useCallback(
    (change: (data: T) => T) =>
      setValue((v) => (v.state === 'ready' ? { state: 'ready', data: change(v.data) } : v)),
    [],
  );
  return [value, reload, update];
}
