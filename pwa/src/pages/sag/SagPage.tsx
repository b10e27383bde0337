// The case page (/sager/<id>[/<place>]): the header (who the child is, the case number, the
// phase, who holds the case) and the sub-navigation on every place, then the place itself —
// Overblik, Forløb, Netværk, Undersøgelse og plan, Økonomi, Journal (places.ts), each a child
// route rendered in the <Outlet>. The case is fetched once here and handed to the places.
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { Outlet, useLocation } from 'react-router';
import { can, type CaseRead, type SessionRead } from '../../api/client';
import { peekFlash, setFlash, stageLabel } from '../../casework';
import { Alert } from '../../components/Alert';
import { Loading } from '../../components/Loading';
import { PageHeading } from '../../components/PageHeading';
import { formatAge, formatDate } from '../../format';
import { SaveCaseToggle } from '../../offline/SaveCaseToggle';
import { Link, navigate } from '../../router';
import { NotFound } from '../NotFound';
import { CaseTransfer } from '../overfoersel/CaseTransfer';
import { ANCHOR_PLACES, PLACES, placeOf, placePath, type CaseContext, type CasePagePath } from './places';
import { caseKeys, failureOf, useCase } from './queries';

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt>
        {label}
        <span className="sr-only">: </span>
      </dt>
      <dd>{children}</dd>
    </div>
  );
}

/** On every place: the child's name, CPR number, age, case number, phase, caseworker, team. */
function CaseHeader({ hovedsag: k, place }: { hovedsag: CaseRead; place: CasePagePath }) {
  const name = k.child_name.trim() || (k.unborn ? 'Ufødt barn' : 'Sag');
  const label = PLACES.find((p) => p.path === place)?.label ?? (place === 'breve' ? 'Breve' : '');
  return (
    <div className="case-header">
      <PageHeading title={place ? `${label} – ${name}` : name}>{name}</PageHeading>
      <dl className="case-facts case-header-facts">
        {k.unborn ? (
          <Fact label="Termin">
            {k.expected_date ? `Ufødt barn – termin ${formatDate(k.expected_date)}` : 'Ufødt barn'}
          </Fact>
        ) : (
          <>
            {k.cpr ? <Fact label="CPR-nummer">{k.cpr}</Fact> : null}
            {k.birth_date && k.age !== null && k.age !== undefined ? (
              <Fact label="Født">
                <time dateTime={k.birth_date}>{formatDate(k.birth_date)}</time> ({formatAge(k.age)})
              </Fact>
            ) : null}
          </>
        )}
        <Fact label="Sagsnummer">{k.case_number}</Fact>
        <Fact label="Fase">{stageLabel(k.stage)}</Fact>
        <Fact label="Sagsbehandler">{k.caseworker ?? 'Ikke fordelt'}</Fact>
        <Fact label="Team">{k.team ?? 'Intet team'}</Fact>
        {k.closed_at ? (
          <Fact label="Lukket">
            <time dateTime={k.closed_at}>{formatDate(k.closed_at)}</time>
          </Fact>
        ) : null}
      </dl>
    </div>
  );
}

/** The case's places as DKFDS tabs that are links (they wrap at 768 px). */
function CaseTabs({ caseId, place }: { caseId: string; place: CasePagePath }) {
  return (
    <nav aria-label="Sagen" className="case-tabs">
      <div className="tab-container">
        <ul className="tab-list">
          {PLACES.map((p) => (
            <li key={p.path}>
              <Link
                to={placePath(caseId, p.path)}
                className="tab-button"
                aria-current={p.path === place ? 'page' : undefined}
              >
                <span>{p.label}</span>
              </Link>
            </li>
          ))}
        </ul>
      </div>
    </nav>
  );
}

/** /sager/<hovedsag_id>[/<place>] (?barn=<child_id> from older links is accepted and not needed). */
export function Sag({ caseId, session }: { caseId: string; session: SessionRead }) {
  const hovedsag = useCase(caseId);
  const queryClient = useQueryClient();
  const location = useLocation();
  const place = placeOf(location.pathname);
  const [flash] = useState(peekFlash);

  useEffect(() => {
    setFlash(null);
  }, []);

  // A link to a section of the old one-page case (…#netvaerk) opens the place that holds it.
  const anchorPlace = place === '' ? ANCHOR_PLACES[location.hash.slice(1)] : undefined;
  useEffect(() => {
    if (anchorPlace) navigate(`${placePath(caseId, anchorPlace)}${location.search}${location.hash}`, true);
  }, [anchorPlace, caseId, location.search, location.hash]);

  if (place === null) return <NotFound />;

  const k = hovedsag.data ?? null;
  if (!k && hovedsag.isFetching) {
    return (
      <div aria-busy="true" className="page-loading">
        <Loading text="Henter sagen …" />
      </div>
    );
  }

  const caseFailure = hovedsag.isError && !hovedsag.isFetching ? failureOf(hovedsag.error) : null;
  const caseMissing = caseFailure?.status === 404;
  // 404: no such case, or the user is not on it (the API does not say which) — on every place.
  const caseError = caseFailure ? (
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

  if (!k || caseMissing) {
    return (
      <>
        <PageHeading>Sagen kan ikke vises</PageHeading>
        {caseError}
      </>
    );
  }

  const context: CaseContext = {
    hovedsag: k,
    session,
    canWrite: can(session, 'case.write'),
    loading: hovedsag.isFetching,
    updatedAt: hovedsag.dataUpdatedAt,
    refresh: () => void queryClient.invalidateQueries({ queryKey: caseKeys.case(caseId) }),
  };

  return (
    <>
      <CaseHeader hovedsag={k} place={place} />
      {/* "Tag med på hjemmebesøg" and "Overfør sagen" share a row; notices go below it. */}
      <div className="case-header-actions">
        <SaveCaseToggle caseId={k.id} />
        <CaseTransfer caseId={caseId} childId={k.child_id} hovedsag={k} session={session} />
      </div>
      {flash ? <Alert variant={flash.variant} heading={flash.heading} /> : null}
      {caseError}
      <CaseTabs caseId={caseId} place={place} />
      <div className="case-place">
        <Outlet context={context} />
      </div>
    </>
  );
}
