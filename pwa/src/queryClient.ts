// Server state lives in TanStack Query: one cache for the whole app, so a screen shows what
// it last had while it fetches again, a change invalidates what it touched, and polling is
// `refetchInterval` rather than a hand-written loop.
import { QueryClient } from '@tanstack/react-query';
import { ApiError } from './api/client';

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      // 4xx answers are final (not found, no access, bad input); retry the rest twice.
      retry: (count, err) => !(err instanceof ApiError && err.status < 500) && count < 2,
      // A screen fetches when it is opened, not behind the person's back: coming back to the
      // window or back online must not replace what an editor shows while they write.
      refetchOnWindowFocus: false,
      refetchOnReconnect: false,
    },
    // Without a connection a save fails at once and the form says so (the offline home-visit
    // app has its own outbox); TanStack's default would keep it waiting silently.
    mutations: { retry: false, networkMode: 'always' },
  },
});
