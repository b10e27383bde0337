// The legal basis of an activity. A citation not confirmed against the consolidated act
// carries "(henvisning ikke bekræftet)" (backend/casework/rules.py, docs/deadlines.md);
// it is set apart so nobody reads it as certain.
const UNCONFIRMED = '(henvisning ikke bekræftet)';

export function Basis({
  text,
  confirmed,
  as: Tag = 'span',
  className = 'cell-note',
}: {
  text: string | null | undefined;
  confirmed?: boolean;
  as?: 'span' | 'p';
  className?: string;
}) {
  if (!text) return null;
  const marked = text.endsWith(UNCONFIRMED);
  const body = marked ? text.slice(0, -UNCONFIRMED.length).trimEnd() : text;
  return (
    <Tag className={className}>
      {body}
      {marked || confirmed === false ? (
        <>
          {' '}
          <span className="basis-unconfirmed">{UNCONFIRMED}</span>
        </>
      ) : null}
    </Tag>
  );
}
