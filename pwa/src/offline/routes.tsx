// The offline app's routes, nested under /offline: the frame (OfflineApp: opening, unlocking,
// navigation) and its pages. Any other address under /offline shows the worklist, as does a
// case address whose id is not an id.
import type { RouteObject } from 'react-router';
import { isId, useRouteParams } from '../router';
import { OfflineCaseView } from './app/CaseView';
import { SyncCenter } from './app/SyncCenter';
import { OfflineWorklist } from './app/Worklist';
import { OfflineApp } from './OfflineApp';

function OfflineCaseRoute() {
  const { caseId } = useRouteParams('caseId');
  return isId(caseId) ? <OfflineCaseView key={caseId} caseId={caseId} /> : <OfflineWorklist />;
}

export const offlineRoutes: RouteObject = {
  path: 'offline',
  element: <OfflineApp />,
  children: [
    { index: true, element: <OfflineWorklist /> },
    { path: 'sager/:caseId', element: <OfflineCaseRoute /> },
    { path: 'synkronisering', element: <SyncCenter /> },
    { path: '*', element: <OfflineWorklist /> },
  ],
};
