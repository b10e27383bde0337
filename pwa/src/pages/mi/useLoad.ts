import { useCallback, useEffect, useState } from 'react';
import { messageOf } from '../../api/client';
import type { Loadable } from '../../useApi';

/** Like useApi, but loads again whenever `deps` change. */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): [Loadable<T>, () => void] {
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
        const status = err && typeof err === 'object' && 'status' in err ? Number(err.status) : undefined;
        setValue({ state: 'error', message: messageOf(err), status });
      },
    );
    return () => ctrl.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [attempt, ...deps]);
  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return [value, reload];
}
