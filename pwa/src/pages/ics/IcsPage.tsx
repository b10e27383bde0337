// The ICS addresses: /ics/<document id> and /ics/serier/<series id>/sammenlign?a=&b=.
import type { SessionRead } from '../../api/client';
import { NotFound } from '../NotFound';
import { Compare } from './Compare';
import { IcsDocument } from './IcsDocument';

const DOCUMENT = /^\/ics\/([0-9a-f-]{36})\/?$/i;
const COMPARE = /^\/ics\/serier\/([0-9a-f-]{36})\/sammenlign\/?$/i;

export function IcsPage({ path, session }: { path: string; session: SessionRead }) {
  const doc = DOCUMENT.exec(path);
  if (doc) return <IcsDocument key={doc[1]} docId={doc[1] ?? ''} session={session} />;
  const compare = COMPARE.exec(path);
  if (compare) return <Compare key={compare[1]} seriesId={compare[1] ?? ''} />;
  return <NotFound />;
}
