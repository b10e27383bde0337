import { useMemo } from 'react';
import { ChartCanvas, type ChartKind, type Series } from './Chart';
import { DataTable } from './DataTable';
import { ExportButton } from './ExportButton';
import { columnIndex, formatCell, type TableRead } from './table';
import { plural } from '../../format';

/** How one MI table is drawn. */
export type Spec = {
  kind: ChartKind;
  /** the category column (wide tables: one series per value column) */
  label?: string;
  values?: string[];
  /** long tables: one series per distinct `series`, categories from `x` */
  pivot?: { series: string; x: string; value: string };
  horizontal?: boolean;
  stacked?: boolean;
  /** only the first rows in the chart (all are in the table) */
  limit?: number;
};

function num(v: unknown, type: string): number | null {
  if (typeof v !== 'number') return null;
  return type === 'money' ? v / 100 : v;
}

/** Labels and series of a table by its spec. */
export function chartData(t: TableRead, spec: Spec): { labels: string[]; series: Series[]; type: string } {
  if (spec.pivot) {
    const si = columnIndex(t, spec.pivot.series);
    const xi = columnIndex(t, spec.pivot.x);
    const vi = columnIndex(t, spec.pivot.value);
    const type = t.columns[vi]?.type ?? 'int';
    const labels: string[] = [];
    const names: string[] = [];
    const values = new Map<string, Map<string, number | null>>();
    for (const row of t.rows) {
      const x = String(row[xi] ?? '');
      const s = String(row[si] ?? '');
      if (!labels.includes(x)) labels.push(x);
      if (!names.includes(s)) names.push(s);
      if (!values.has(s)) values.set(s, new Map());
      values.get(s)?.set(x, num(row[vi], type));
    }
    return {
      labels,
      series: names.map((s) => ({ label: s, data: labels.map((x) => values.get(s)?.get(x) ?? null) })),
      type,
    };
  }
  const li = columnIndex(t, spec.label ?? '');
  let rows = t.rows;
  if (spec.kind === 'pie') rows = rows.filter((r) => spec.values?.some((k) => (r[columnIndex(t, k)] as number) > 0));
  if (spec.limit) rows = rows.slice(0, spec.limit);
  const keys = spec.values ?? [];
  const type = t.columns[columnIndex(t, keys[0] ?? '')]?.type ?? 'int';
  return {
    labels: rows.map((r) => String(r[li] ?? '')),
    series: keys.map((k) => {
      const i = columnIndex(t, k);
      const col = t.columns[i];
      return { label: col?.label ?? k, data: rows.map((r) => num(r[i], col?.type ?? 'int')) };
    }),
    type,
  };
}

/** The chart's text alternative: what it shows and its main numbers, in words. */
export function altText(t: TableRead, spec: Spec): string {
  const intro = `Diagram: ${t.title}.`;
  if (t.rows.length === 0) return `${intro} Der er ingen tal.`;
  if (spec.pivot) {
    return `${intro} Kurver for ${plural(new Set(t.rows.map((r) => r[columnIndex(t, spec.pivot?.series ?? '')])).size, 'serie', 'serier')}. Alle tal står i tabellen under diagrammet.`;
  }
  const li = columnIndex(t, spec.label ?? '');
  const parts = t.rows.slice(0, 8).map((r) => {
    const values = (spec.values ?? []).map((k) => {
      const i = columnIndex(t, k);
      const c = t.columns[i];
      return `${(spec.values ?? []).length > 1 ? `${c?.label ?? k} ` : ''}${formatCell(r[i], c?.type ?? 'int')}`;
    });
    const share = columnIndex(t, 'share');
    const extra = spec.kind === 'pie' && share >= 0 ? ` (${formatCell(r[share], 'percent')})` : '';
    return `${String(r[li] ?? '')}: ${values.join(', ')}${extra}`;
  });
  const more = t.rows.length > 8 ? ` og ${t.rows.length - 8} mere` : '';
  return `${intro} ${parts.join('; ')}${more}. Alle tal står i tabellen under diagrammet.`;
}

/**
 * One MI section: heading, chart (an image with a text alternative), its numbers as a
 * table ("Vis tal som tabel", or always shown with `tableOpen`) and an Excel export.
 */
export function ChartFigure({
  table,
  spec,
  exportParams,
  tableOpen = false,
  level = 3,
  stacked = false,
}: {
  table: TableRead;
  spec: Spec | null;
  exportParams: Record<string, unknown>;
  tableOpen?: boolean;
  level?: 3 | 4;
  /** The table as one card per row on a tablet held upright (DataTable). */
  stacked?: boolean;
}) {
  const data = useMemo(() => (spec ? chartData(table, spec) : null), [table, spec]);
  const alt = useMemo(() => (spec ? altText(table, spec) : ''), [table, spec]);
  const H = level === 3 ? 'h3' : 'h4';
  const headingId = `mi-${table.key}-heading`;
  const tableView = (
    <DataTable
      id={`mi-${table.key}-table`}
      caption={table.title}
      columns={table.columns}
      rows={table.rows}
      stacked={stacked}
    />
  );
  const empty = table.rows.length === 0 || (data && data.series.every((s) => s.data.every((v) => !v)));
  const unit = data?.type === 'money' ? ' kr.' : data?.type === 'percent' ? ' %' : '';
  return (
    <section className="mi-figure" aria-labelledby={headingId}>
      <H id={headingId}>{table.title}</H>
      {spec && data && !empty ? (
        <ChartCanvas
          kind={spec.kind}
          labels={data.labels}
          series={data.series}
          alt={alt}
          horizontal={spec.horizontal}
          stacked={spec.stacked}
          unit={unit}
          max={data.type === 'percent' ? 100 : undefined}
          integer={data.type === 'int'}
        />
      ) : null}
      {empty ? <p className="empty-state">Der er ingen tal at vise i diagrammet for perioden</p> : null}
      {tableOpen || !spec ? (
        tableView
      ) : (
        <details className="mi-details">
          <summary>Vis tal som tabel</summary>
          {tableView}
        </details>
      )}
      <ExportButton source="mi" params={{ table: table.key, ...exportParams }} what={table.title} />
    </section>
  );
}
