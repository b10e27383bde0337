// The MI tables (TableRead / ReportPage): typed columns and rows, formatted the Danish way.
import type { components } from '../../api/schema';
import { formatDate, formatDateTime, formatNumber } from '../../format';

export type TableRead = components['schemas']['TableRead'];
export type ColumnRead = components['schemas']['ColumnRead'];
export type Cell = unknown;

const kr = new Intl.NumberFormat('da-DK', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const pct = new Intl.NumberFormat('da-DK', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** Integer øre -> "12.345,67 kr." */
export function formatKr(oere: number): string {
  return `${kr.format(oere / 100)} kr.`;
}

export function formatPercent(value: number): string {
  return `${pct.format(value)} %`;
}

/** One cell as text: money in kroner, percent with "%", dates as dd.mm.yyyy, bools Ja/Nej. */
export function formatCell(value: Cell, type: string): string {
  if (value === null || value === undefined || value === '') return '–';
  switch (type) {
    case 'int':
      return typeof value === 'number' ? formatNumber(value) : String(value);
    case 'money':
      return typeof value === 'number' ? formatKr(value) : String(value);
    case 'percent':
      return typeof value === 'number' ? formatPercent(value) : String(value);
    case 'date':
      return formatDate(String(value));
    case 'datetime':
      return formatDateTime(String(value));
    case 'bool':
      return value ? 'Ja' : 'Nej';
    default:
      return String(value);
  }
}

export function isNumeric(type: string): boolean {
  return type === 'int' || type === 'money' || type === 'percent';
}

/** Technical columns not shown on screen (they are in the Excel file): keys, ids, the month as a date. */
export function visibleColumns(columns: ColumnRead[]): number[] {
  const hasMonthLabel = columns.some((c) => c.key === 'month_label');
  return columns
    .map((c, i) => ({ c, i }))
    .filter(
      ({ c }) =>
        c.key !== 'key' && !c.key.endsWith('_key') && !(hasMonthLabel && c.key === 'month') && !c.key.endsWith('_id'),
    )
    .map(({ i }) => i);
}

export function columnIndex(table: { columns: ColumnRead[] }, key: string): number {
  return table.columns.findIndex((c) => c.key === key);
}

/** The column label for the screen: "Måned (tekst)" is just "Måned" there. */
export function screenLabel(c: ColumnRead): string {
  return c.key === 'month_label' ? 'Måned' : c.label;
}
