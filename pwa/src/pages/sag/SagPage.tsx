// The case page (/sager/<id>?barn=<child>): the heading, the facts about the child and the
// case, and each section in turn (network, Forløb, economy, ICS, birth, assignment, intake,
// investigation, journal). Each section lives in its own module in this folder.
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { can, type ChildRead, type SessionRead } from '../../api/client';
import { peekFlash, setFlash, stageLabel } from '../../casework';
import { Alert } from '../../components/Alert';
import { Loading } from '../../components/Loading';
import { PageHeading } from '../../components/PageHeading';
import { formatAge, formatDate } from '../../format';
import { Link, navigate } from '../../router';
import { focusNetwork, NETWORK_ANCHOR, Netvaerk } from '../Netvaerk';
import { Forloeb } from './Forloeb';
import { CaseTransfer } from '../overfoersel/CaseTransfer';
import { CaseEconomy } from '../okonomi/Visitation';
import { SaveCaseToggle } from '../../offline/SaveCaseToggle';
import { IcsSection } from '../ics/IcsSection';
import { BIRTH_DONE, FoedselForm } from './FoedselForm';
import { Fordeling } from './Fordeling';
import { caseKeys, failureOf, useCase, useChild } from './queries';
import { Journal } from './Journal';
import { UndersoegelseForm } from './UndersoegelseForm';
import { UnderretningForm } from './UnderretningForm';


function withStage(child: ChildRead, caseId: string, stage: string): ChildRead {
  return {
    ...child,
    cases: child.cases.map((c) => (c.id === caseId ? { ...c, stage, stage_label: stageLabel(stage) } : c)),
  };
}

/** /sager/<hovedsag_id>?barn=<child_id>: the child's case – notifications and journal. */
export function Sag({ caseId, childId, session }: { caseId: string; childId: string | null; session: SessionRead }) {
  // The case itself (sagsbehandler, team, version). Refetches keep the last answer on screen.
  const hovedsag = useCase(caseId);
  // The child: from ?barn= when the address has it, else from the case once it is loaded,
  // so /sager/<id> alone shows the same page (Født, Adresse, Netværk) as a link with ?barn=.
  const caseChildId = hovedsag.data?.child_id ?? null;
  const childToLoad = childId ?? caseChildId;
  const child = useChild(childToLoad);
  const queryClient = useQueryClient();
  // A change: the case with all under it (journal, …) and, where it changed too, the child.
  const refreshCase = () => void queryClient.invalidateQueries({ queryKey: caseKeys.case(caseId) });
  const refreshChild = () => {
    if (childToLoad) void queryClient.invalidateQueries({ queryKey: caseKeys.child(childToLoad) });
  };
  const [flash] = useState(peekFlash);
  const [birthDone, setBirthDone] = useState(false);
  const birthRef = useRef<HTMLDivElement>(null);
  const canWrite = can(session, 'case.write');
  const canAssign = canWrite && can(session, 'team.overview');

  useEffect(() => {
    setFlash(null);
  }, []);

  useEffect(() => {
    if (birthDone) birthRef.current?.focus();
  }, [birthDone]);

  // The last case loaded: kept on screen while it is fetched again, and after a failed refetch.
  const k = hovedsag.data ?? null;
  const caseFailure = hovedsag.isError && !hovedsag.isFetching ? failureOf(hovedsag.error) : null;
  const childFailure = child.isError && !child.isFetching ? failureOf(child.error) : null;

  // The page waits for the case, and for the child the address names (?barn=).
  if ((childId !== null && child.data === undefined && child.isFetching) || (!k && hovedsag.isFetching)) {
    return (
      <div aria-busy="true" className="page-loading">
        <Loading text="Henter sagen …" />
      </div>
    );
  }

  const c: ChildRead | null = childFailure ? null : (child.data ?? null);
  const summary = c?.cases.find((s) => s.id === caseId);
  const unborn = !!c?.unborn;
  const name =
    (c ? `${c.first_name} ${c.last_name}`.trim() : '') || k?.child_name || (unborn ? 'Ufødt barn' : 'Sag');
  const stage = summary ? summary.stage_label || stageLabel(summary.stage) : k ? stageLabel(k.stage) : null;
  const openedAt = summary?.opened_at ?? k?.opened_at;
  const caseMissing = caseFailure?.status === 404;
  const networkChildId = childId ?? k?.child_id ?? null;
  // A closed (or transferred) case takes nothing new: no intake, investigation or network.
  const closed = !!k?.closed_at;

  // 404: no such case, or the user is not on it (the API does not say which).
  const caseError =
    caseFailure ? (
      <Alert
        variant="error"
        heading={caseMissing ? 'Sagen findes ikke, eller du er ikke på sagen' : 'Sagens oplysninger kunne ikke hentes'}
        action={
          caseMissing ? (
            <Link to="/sog">Find sagen i søgningen for at træde til</Link>
          ) : (
            <button type="button" className="button button-secondary" onClick={() => void hovedsag.refetch()}>
              Prøv igen
            </button>
          )
        }
      >
        <p>
          {caseMissing
            ? 'Du kan åbne sager, hvor du er sagsbehandler eller medbehandler, og sager i dine teams. Skal du hjælpe på en kollegas sag, kan du træde til med en begrundelse.'
            : caseFailure.message}
        </p>
      </Alert>
    ) : null;

  if (caseMissing && !k) {
    // Nothing of the case to show: no child, network or journal errors on top of this one.
    return (
      <>
        <PageHeading>Sagen kan ikke vises</PageHeading>
        {caseError}
      </>
    );
  }

  return (
    <>
      <PageHeading>{name}</PageHeading>
      {networkChildId ? (
        <p className="case-shortcuts">
          <a href={`#${NETWORK_ANCHOR}`} onClick={focusNetwork}>
            Kontakter
          </a>
        </p>
      ) : null}
      <SaveCaseToggle caseId={caseId} />
      {flash ? <Alert variant={flash.variant} heading={flash.heading} /> : null}
      <div ref={birthRef} tabIndex={-1} className="case-outcome">
        {birthDone ? <Alert variant="success" heading={BIRTH_DONE} /> : null}
      </div>
      {childFailure ? (
        <Alert
          variant="error"
          heading="Barnets oplysninger kunne ikke hentes"
          action={
            <button type="button" className="button button-secondary" onClick={() => void child.refetch()}>
              Prøv igen
            </button>
          }
        >
          <p>{childFailure.message}</p>
        </Alert>
      ) : null}
      {caseError}
      <CaseTransfer caseId={caseId} childId={networkChildId} hovedsag={k} session={session} />
      {c || k ? (
        <dl className="case-facts" aria-busy={hovedsag.isFetching || undefined}>
          {c ? (
            <>
              {unborn ? (
                <div>
                  <dt>Termin</dt>
                  <dd>{c.expected_date ? `Ufødt barn – termin ${formatDate(c.expected_date)}` : 'Ufødt barn'}</dd>
                </div>
              ) : (
                <div>
                  <dt>Født</dt>
                  <dd>
                    <time dateTime={c.birth_date}>{formatDate(c.birth_date)}</time> ({formatAge(c.age)})
                  </dd>
                </div>
              )}
              <div>
                <dt>Adresse</dt>
                <dd>{c.address || 'Ikke oplyst'}</dd>
              </div>
            </>
          ) : null}
          {stage ? (
            <div>
              <dt>Fase</dt>
              <dd>{stage}</dd>
            </div>
          ) : null}
          {openedAt ? (
            <div>
              <dt>Åbnet</dt>
              <dd>
                <time dateTime={openedAt}>{formatDate(openedAt)}</time>
              </dd>
            </div>
          ) : null}
          {k ? (
            <>
              <div>
                <dt>
                  Sagsbehandler<span className="sr-only">: </span>
                </dt>
                <dd>{k.caseworker ?? 'Ikke fordelt'}</dd>
              </div>
              <div>
                <dt>
                  Team<span className="sr-only">: </span>
                </dt>
                <dd>{k.team ?? 'Intet team'}</dd>
              </div>
              <div>
                <dt>
                  Medbehandlere<span className="sr-only">: </span>
                </dt>
                <dd>
                  {k.workers && k.workers.length > 0 ? k.workers.map((w) => w.display_name).join(', ') : 'Ingen'}
                </dd>
              </div>
            </>
          ) : null}
          {k?.closed_at ? (
            <div>
              <dt>Lukket</dt>
              <dd>
                <time dateTime={k.closed_at}>{formatDate(k.closed_at)}</time>
              </dd>
            </div>
          ) : null}
        </dl>
      ) : null}
      {networkChildId ? (
        <Netvaerk key={networkChildId} childId={networkChildId} canWrite={canWrite && !closed} />
      ) : null}
      {k ? (
        <Forloeb
          hovedsag={k}
          session={session}
          loading={hovedsag.isFetching}
          onChanged={() => {
            refreshCase();
            refreshChild();
          }}
        />
      ) : null}
      {k ? <CaseEconomy caseId={k.id} session={session} closed={!!k.closed_at} refresh={hovedsag.dataUpdatedAt} /> : null}
      {k ? <IcsSection hovedsag={k} session={session} refresh={hovedsag.dataUpdatedAt} /> : null}
      {canWrite && c && unborn ? (
        <FoedselForm
          childId={c.id}
          onRegistered={(result) => {
            const newCase = result.hovedsag_id || caseId;
            const newChild = result.child_id || c.id;
            if (newCase !== caseId || newChild !== childId) {
              // The case now lives under another id: open it there (the page remounts).
              setFlash({ variant: 'success', heading: BIRTH_DONE });
              navigate(`/sager/${encodeURIComponent(newCase)}?barn=${encodeURIComponent(newChild)}`, true);
              return;
            }
            setBirthDone(true);
            refreshChild();
            refreshCase();
          }}
        />
      ) : null}
      {canAssign && k ? (
        <Fordeling
          caseId={caseId}
          hovedsag={k}
          onAssigned={refreshCase}
          onReload={refreshCase}
        />
      ) : null}
      {canWrite && !closed ? (
        <UnderretningForm
          caseId={caseId}
          onRegistered={refreshCase}
        />
      ) : null}
      {canWrite && !closed ? (
        <UndersoegelseForm
          caseId={caseId}
          onStarted={() => {
            // The case moves to the investigation stage; show it without reloading the page.
            if (childToLoad)
              queryClient.setQueryData<ChildRead>(caseKeys.child(childToLoad), (data) =>
                data ? withStage(data, caseId, 'undersoegelse') : data,
              );
            refreshCase();
          }}
        />
      ) : null}
      <Journal caseId={caseId} canWrite={canWrite} enkeltsager={k?.enkeltsager ?? []} />
    </>
  );
}
