// The route table: every address the app answers, in one place. The shell (App) fetches the
// session and decides whether the outlet may show at all (offline screens always; a kommune's
// screens only when signed in to the kommune); each route below then checks the permission its
// API needs. Parameters are typed by name (useRouteParams) and ids are checked (isId), so
// /sager/<not an id> is "Siden findes ikke" as before.
import type { ReactNode } from 'react';
import { createBrowserRouter, useOutletContext, type RouteObject } from 'react-router';
import { can, type Permission, type SessionRead } from './api/client';
import { App } from './App';
import { Administration } from './pages/Administration';
import { Aktivitetsplaner } from './pages/Aktivitetsplaner';
import { Drift, DriftLogin } from './pages/Drift';
import { Forside } from './pages/Forside';
import { IcsPage } from './pages/ics/IcsPage';
import { MiPage } from './pages/mi/MiPage';
import { NoAccess } from './pages/NoAccess';
import { NotFound } from './pages/NotFound';
import { Okonomi } from './pages/okonomi/Okonomi';
import { Overfoersel } from './pages/overfoersel/Overfoersel';
import { Overfoersler } from './pages/overfoersel/Overfoersler';
import { RegistrerBarn } from './pages/RegistrerBarn';
import { Revisionslog } from './pages/Revisionslog';
import { Sag } from './pages/Sag';
import { ForloebPlace, JournalPlace, NetvaerkPlace, OekonomiPlace, TilsynPlace, UndersoegelsePlace } from './pages/sag/CasePlaces';
import { Overblik } from './pages/sag/Overblik';
import { BrevPlace } from './pages/sag/breve/Brev';
import { BrevePlace } from './pages/sag/breve/Breve';
import { NytBrevPlace } from './pages/sag/breve/NytBrev';
import { DokumentPlace } from './pages/sag/dokumenter/Dokument';
import { Dokumenter } from './pages/sag/dokumenter/Dokumenter';
import { DokumentSoeg } from './pages/sag/dokumenter/DokumentSoeg';
import { Sog } from './pages/Sog';
import { UserEdit } from './pages/UserEdit';
import { offlineRoutes } from './offline/routes';
import { bindRouter, isId, usePath, useRouteParams } from './router';

/** What the shell hands its outlet: the session, when there is one. */
export type ShellContext = { session: SessionRead | null };

/** The signed-in kommune user's session (the shell only shows kommune routes to one). */
export function useKommuneSession(): SessionRead {
  const { session } = useOutletContext<ShellContext>();
  if (!session) throw new Error('Trekant: en kommuneside blev vist uden session');
  return session;
}

/** A kommune screen behind the permission its API needs; `what` names it in "Ingen adgang". */
function Guard({ perm, what, children }: { perm: Permission; what: string; children: (s: SessionRead) => ReactNode }) {
  const session = useKommuneSession();
  return can(session, perm) ? children(session) : <NoAccess what={what} />;
}

/** The case page: its header and sub-navigation around the place (the child routes below). */
function CaseRoute() {
  const { caseId } = useRouteParams('caseId');
  if (!isId(caseId)) return <NotFound />;
  return (
    <Guard perm="case.read" what="sagen">
      {(session) => <Sag key={caseId} caseId={caseId} session={session} />}
    </Guard>
  );
}

function UserEditRoute() {
  const { userId } = useRouteParams('userId');
  if (!isId(userId)) return <NotFound />;
  return <Guard perm="users.manage" what="administrationen">{() => <UserEdit userId={userId} />}</Guard>;
}

function TransferRoute() {
  const { transferId } = useRouteParams('transferId');
  if (!isId(transferId)) return <NotFound />;
  return (
    <Guard perm="case.transfer" what="overførslerne">
      {(session) => <Overfoersel key={transferId} transferId={transferId} session={session} />}
    </Guard>
  );
}

/** Screens that still pick their sub-page from the path themselves. */
function WithPath({ children }: { children: (path: string) => ReactNode }) {
  return children(usePath());
}

function DriftRoute() {
  const { session } = useOutletContext<ShellContext>();
  return session?.realm === 'operator' ? <Drift /> : <DriftLogin />;
}

function ForsideRoute() {
  return <Forside session={useKommuneSession()} />;
}

const forside = <ForsideRoute />;

export const routes: RouteObject[] = [
  {
    element: <App />,
    children: [
      // The offline screens: a frame with its own nested routes (offline/routes.tsx).
      offlineRoutes,
      { path: 'drift/*', element: <DriftRoute /> },
      { index: true, element: forside },
      { path: 'index.html', element: forside },
      { path: 'log-ind', element: forside },
      { path: 'ikke-oprettet', element: forside },
      {
        // Brugere, Teams (and one team), Indstillinger: the page picks its place from the path.
        path: 'administration/*',
        element: (
          <Guard perm="users.manage" what="administrationen">
            {() => <WithPath>{(path) => <Administration path={path} />}</WithPath>}
          </Guard>
        ),
      },
      { path: 'administration/brugere/:userId', element: <UserEditRoute /> },
      {
        path: 'born/ny',
        element: <Guard perm="case.write" what="registrering af børn">{() => <RegistrerBarn />}</Guard>,
      },
      // The case page: the Overblik at /sager/:caseId, each other place under it (sag/places.ts);
      // an unknown place is "Siden findes ikke" (the case route checks the path).
      {
        path: 'sager/:caseId',
        element: <CaseRoute />,
        children: [
          { index: true, element: <Overblik /> },
          { path: 'forloeb', element: <ForloebPlace /> },
          { path: 'netvaerk', element: <NetvaerkPlace /> },
          { path: 'undersoegelse', element: <UndersoegelsePlace /> },
          { path: 'tilsyn', element: <TilsynPlace /> },
          { path: 'dokumenter', element: <Dokumenter /> },
          { path: 'dokumenter/:docId', element: <DokumentPlace /> },
          { path: 'oekonomi', element: <OekonomiPlace /> },
          { path: 'journal', element: <JournalPlace /> },
          { path: 'breve', element: <BrevePlace /> },
          { path: 'breve/ny', element: <NytBrevPlace /> },
          { path: 'breve/:letterId', element: <BrevPlace /> },
          { path: '*', element: null },
        ],
      },
      {
        path: 'team/aktivitetsplaner',
        element: <Guard perm="team.overview" what="teamets aktivitetsplaner">{() => <Aktivitetsplaner />}</Guard>,
      },
      { path: 'sog', element: <Guard perm="case.read" what="søgningen">{() => <Sog />}</Guard> },
      { path: 'sog/dokumenter', element: <Guard perm="case.read" what="søgningen">{() => <DokumentSoeg />}</Guard> },
      {
        path: 'ics/*',
        element: (
          <Guard perm="case.read" what="dokumentet">
            {(s) => <WithPath>{(path) => <IcsPage path={path} session={s} />}</WithPath>}
          </Guard>
        ),
      },
      {
        path: 'okonomi/*',
        element: (
          <Guard perm="finance.manage" what="økonomien">
            {() => <WithPath>{(path) => <Okonomi path={path} />}</WithPath>}
          </Guard>
        ),
      },
      { path: 'revisionslog', element: <Guard perm="audit.read" what="revisionsloggen">{() => <Revisionslog />}</Guard> },
      {
        path: 'overfoersler',
        element: <Guard perm="case.transfer" what="overførslerne">{(s) => <Overfoersler session={s} />}</Guard>,
      },
      { path: 'overfoersler/:transferId', element: <TransferRoute /> },
      {
        path: 'ledelsesinformation/*',
        element: (
          <Guard perm="mi.read" what="ledelsesinformationen">
            {(s) => <WithPath>{(path) => <MiPage path={path} session={s} />}</WithPath>}
          </Guard>
        ),
      },
      { path: '*', element: <NotFound /> },
    ],
  },
];

export const router = createBrowserRouter(routes);
bindRouter(router);
