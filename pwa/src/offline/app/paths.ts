// The offline app's addresses: /offline (worklist), /offline/sager/<id> (a saved case),
// /offline/synkronisering (sync and conflicts). The routes themselves are in ../routes.tsx.
import { matchPath } from 'react-router';
import { isId } from '../../router';

export function isOfflinePath(path: string): boolean {
  return path === '/offline' || path.startsWith('/offline/');
}

/** Where an online address leads offline: a case page to the saved case. */
export function offlinePathFor(path: string): string {
  const caseId = matchPath('/sager/:caseId', path)?.params.caseId;
  return isId(caseId) ? `/offline/sager/${caseId}` : '/offline';
}
