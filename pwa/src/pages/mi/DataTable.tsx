import type { ReactNode } from 'react';
import { formatCell, isNumeric, screenLabel, visibleColumns, type Cell, type ColumnRead } from './table';

/**
 * A typed table (MI section or standard search) as an accessible DKFDS table: a caption,
 * column headers, the first visible column as row header, numbers right-aligned. `stacked`:
 * below 992 px each row is a card of "label … value" lines (DKFDS
 * table-md-responsive-headers), for tables whose row headers need room (a measure and its
 * definition) on a tablet held upright; other tables scroll sideways in their own region.
 */
export function DataTable({
  id,
  caption,
  columns,
  rows,
  hideCaption = false,
  empty = 'Ingen rækker',
  extra,
  stacked = false,
}: {
  id: string;
  caption: string;
  columns: ColumnRead[];
  rows: Cell[][];
  hideCaption?: boolean;
  empty?: string;
  extra?: (row: Cell[]) => ReactNode;
  stacked?: boolean;
}) {
  // A "definition" column (how a measure is counted) is shown under the row's label.
  const noteAt = columns.findIndex((c) => c.key === 'definition');
  const shown = visibleColumns(columns).filter((i) => i !== noteAt);
  if (rows.length === 0) return <p className="empty-state">{empty}</p>;
  const captionId = `${id}-caption`;
  return (
    <div className="table--responsive-scroll" tabIndex={0} role="region" aria-labelledby={captionId}>
      <table className={`table table--compact mi-table ${stacked ? 'table-md-responsive-headers mi-table-stacked' : ''}`.trim()} id={id}>
        <caption id={captionId} className={hideCaption ? 'sr-only' : undefined}>
          {caption}
        </caption>
        <thead>
          <tr>
            {shown.map((i) => {
              const c = columns[i] as ColumnRead;
              return (
                <th key={c.key} scope="col" className={isNumeric(c.type) ? 'num' : undefined}>
                  {screenLabel(c)}
                </th>
              );
            })}
            {extra ? (
              <th scope="col">
                <span className="sr-only">Handlinger</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, r) => (
            <tr key={r}>
              {shown.map((i, n) => {
                const c = columns[i] as ColumnRead;
                const text = formatCell(row[i], c.type);
                return n === 0 ? (
                  <th key={c.key} scope="row" className={noteAt >= 0 ? 'mi-defined' : undefined} data-title="">
                    {text}
                    {noteAt >= 0 && row[noteAt] ? <span className="cell-note">{String(row[noteAt])}</span> : null}
                  </th>
                ) : (
                  <td key={c.key} className={isNumeric(c.type) ? 'num' : undefined} data-title={screenLabel(c)}>
                    {text}
                  </td>
                );
              })}
              {extra ? <td data-title="">{extra(row)}</td> : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
