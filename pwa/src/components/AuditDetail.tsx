import { detailEntries } from '../audit';

/** An audit row's details as a compact description list ("–" when there are none). */
export function AuditDetail({ detail }: { detail: Record<string, unknown> }) {
  const entries = detailEntries(detail);
  if (entries.length === 0) return <span>–</span>;
  return (
    <dl className="audit-detail">
      {entries.map(([k, v]) => (
        <div key={k}>
          <dt>{k}:</dt> <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}
