/** Danish detail lines as the backend reads them (backend/audit/labels.py), "–" when none. */
export function AuditDetailLines({ lines }: { lines: { label: string; value: string }[] }) {
  if (lines.length === 0) return <span>–</span>;
  return (
    <dl className="audit-detail">
      {lines.map((l, i) => (
        <div key={i}>
          <dt>{l.label}:</dt> <dd>{l.value}</dd>
        </div>
      ))}
    </dl>
  );
}
