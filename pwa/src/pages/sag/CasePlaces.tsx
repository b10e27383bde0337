// The case's places other than the Overblik, each a child route of /sager/<id> (routes.tsx):
// they take the case from the route's context and mount the section that does the work.
import { Netvaerk } from '../Netvaerk';
import { IcsSection } from '../ics/IcsSection';
import { CaseEconomy } from '../okonomi/Visitation';
import { Forloeb } from './Forloeb';
import { Journal } from './Journal';
export { TilsynPlace } from './Tilsyn';
import { useCaseContext } from './places';

export function ForloebPlace() {
  const { hovedsag, session, loading, refresh } = useCaseContext();
  return <Forloeb hovedsag={hovedsag} session={session} loading={loading} onChanged={refresh} />;
}

export function NetvaerkPlace() {
  const { hovedsag, canWrite } = useCaseContext();
  return <Netvaerk key={hovedsag.child_id} childId={hovedsag.child_id} canWrite={canWrite && !hovedsag.closed_at} />;
}

export function UndersoegelsePlace() {
  const { hovedsag, session, updatedAt } = useCaseContext();
  return <IcsSection hovedsag={hovedsag} session={session} refresh={updatedAt} />;
}

export function OekonomiPlace() {
  const { hovedsag, session, updatedAt } = useCaseContext();
  return <CaseEconomy caseId={hovedsag.id} session={session} closed={!!hovedsag.closed_at} refresh={updatedAt} />;
}

export function JournalPlace() {
  const { hovedsag, canWrite } = useCaseContext();
  return <Journal caseId={hovedsag.id} canWrite={canWrite} enkeltsager={hovedsag.enkeltsager} />;
}
