// Server state for a screen, on TanStack Query (queryClient.ts): one cache entry per resource
// key (`['worklist']`, `['transfer', id]`), shown again at once when a screen comes back and
// fetched again behind it; a change invalidates the keys it touched (invalidate()).
// Screens read it as a Loadable — loading / error / ready — so their Danish loading, empty
// and error texts stay where they are.
import { useCallback, useId, useMemo, useRef } from 'react';
import {
  keepPreviousData,
  useQuery,
  useQueryClient,
  type QueryKey,
  type UseQueryResult,
} from '@tanstack/react-query';
import { messageOf } from './api/client';
import { queryClient } from './queryClient';

export type Loadable<T> =
  | { state: 'loading' }
  | { state: 'error'; message: string; status?: number; error?: unknown }
  | { state: 'ready'; data: T };

/** A query's state as a Loadable. A retry after an error shows as loading again (as before). */
export function loadable<T>(q: Pick<UseQueryResult<T>, 'status' | 'isFetching' | 'data' | 'error'>): Loadable<T> {
  if (q.status === 'error' && !q.isFetching) {
    const err: unknown = q.error;
    const status = err && typeof err === 'object' && 'status' in err ? Number(err.status) : undefined;
    return { state: 'error', message: messageOf(err), status, error: err };
  }
  if (q.status !== 'success') return { state: 'loading' };
  return { state: 'ready', data: q.data as T };
}

export type ApiQueryOptions<T> = {
  /** Fetch at all (false: stays loading). */
  enabled?: boolean;
  /** While the key changes (a filter, a page), keep showing the previous answer. */
  keepPrevious?: boolean;
  /** Ask again every n ms (false: don't), e.g. while a background job runs; a failed answer stops it. */
  refetchInterval?: (data: T) => number | false;
};

/**
 * Load `key` with `load`; returns [state, reload, update]. `reload()` fetches again (and every
 * other screen showing the same key), `update(change)` changes the cached data in place, e.g.
 * with what a save returned. A screen's own visit always fetches again (staleTime 0), showing
 * the cached answer meanwhile; failures are shown at once (no silent retries), as before.
 */
export function useApiQuery<T>(
  key: QueryKey,
  load: (signal: AbortSignal) => Promise<T>,
  opts: ApiQueryOptions<T> = {},
): [Loadable<T>, () => void, (change: (data: T) => T) => void] {
  const client = useQueryClient();
  const interval = opts.refetchInterval;
  const q = useQuery({
    queryKey: key,
    queryFn: ({ signal }) => load(signal),
    staleTime: 0,
    retry: false,
    enabled: opts.enabled ?? true,
    placeholderData: opts.keepPrevious ? keepPreviousData : undefined,
    refetchInterval: interval
      ? (query) => (query.state.status === 'success' && query.state.data !== undefined ? interval(query.state.data) : false)
      : undefined,
  });
  // Stable across renders (screens put them in effect dependencies), like the state itself.
  const keyRef = useRef(key);
  keyRef.current = key;
  const reload = useCallback(() => void client.invalidateQueries({ queryKey: keyRef.current }), [client]);
  const update = useCallback(
    (change: (data: T) => T) => {
      client.setQueryData<T>(keyRef.current, (d) => (d === undefined ? d : change(d)));
    },
    [client],
  );
  // A new object only when what the screen shows changes (not on every background fetch).
  const { status, data, error } = q;
  const retrying = status === 'error' && q.isFetching;
  const state = useMemo(
    () => loadable<T>({ status, isFetching: retrying, data, error }),
    [status, retrying, data, error],
  );
  return [state, reload, update];
}

/**
 * The older form: `load` on mount, [state, reload, update]. Without a key the cache entry is
 * this component's own (screens not yet given a resource key).
 */
export function useApi<T>(
  load: (signal: AbortSignal) => Promise<T>,
  key?: QueryKey,
): [Loadable<T>, () => void, (change: (data: T) => T) => void] {
  const own = useId();
  return useApiQuery(key ?? ['useApi', own], load);
}

/** After a change: fetch again whatever shows these resources (each a key prefix). */
export function invalidate(...keys: QueryKey[]): void {
  for (const queryKey of keys) void queryClient.invalidateQueries({ queryKey });
}
