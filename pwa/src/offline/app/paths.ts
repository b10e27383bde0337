// The offline app's addresses: /offline (worklist), /offline/sager/<id> (a saved case),
// /offline/synkronisering (sync and conflicts).

const CASE = /^\/offline\/sager\/([0-9a-f-]{36})\/?$/i;

export function isOfflinePath(path: string): boolean {
  return path === '/offline' || path.startsWith('/offline/');
}

/** Where an online address leads offline: a case page to the saved case. */
export function offlinePathFor(path: string): string {
  const m = /^\/sager\/([0-9a-f-]{36})\/?$/i.exec(path);
  return m ? `/offline/sager/${m[1]}` : '/offline';
}

export type OfflineRoute = { page: 'case'; caseId: string } | { page: 'sync' } | { page: 'worklist' };

/** Which offline page an address shows (anything else under /offline: the worklist). */
export function offlineRoute(path: string): OfflineRoute {
  const m = CASE.exec(path);
  if (m) return { page: 'case', caseId: m[1] ?? '' };
  if (path === '/offline/synkronisering' || path === '/offline/synkronisering/') return { page: 'sync' };
  return { page: 'worklist' };
}
