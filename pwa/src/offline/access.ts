// May this user take cases offline for home visits? The kommune's administrator chooses the
// roles (Administration → Offline); the server refuses everyone else (403).
import { api, call } from '../api/client';
import { useApi } from '../useApi';

/** true / false once known; undefined while loading or without a connection. */
export function useOfflineAccess(): boolean | undefined {
  const [access] = useApi((signal) => call(api.GET('/api/offline/adgang', { signal })));
  return access.state === 'ready' ? access.data.allowed : undefined;
}
