// Shared pieces of the money screens (issue 8): types from the API, kroner formatting and
// the per-field messages of a 400 with their full keys (e.g. "lines.0.offer_id").
import { ApiError, type SessionRead } from '../../api/client';
import type { components } from '../../api/schema';

type S = components['schemas'];
export type CatalogueOptions = S['CatalogueOptions'];
export type SupplierRead = S['SupplierRead'];
export type OfferRead = S['OfferRead'];
export type PriceRead = S['PriceRead'];
export type DraftRead = S['DraftRead'];
export type DraftLineRead = S['DraftLineRead'];
export type CostRead = S['CostRead'];
export type CaseEconomy = S['CaseEconomy'];
export type BevillingRead = S['BevillingRead'];
export type PriceUpdatePreview = S['PriceUpdatePreview'];
export type PriceUpdateRead = S['PriceUpdateRead'];
export type CatalogueEventRead = S['CatalogueEventRead'];
export type DraftApprovalItem = S['DraftApprovalItem'];

const kroner = new Intl.NumberFormat('da-DK', { style: 'currency', currency: 'DKK' });

/** Integer øre -> "1.234,56 kr." (Danish kroner). */
export function kr(oere: number | null | undefined): string {
  if (oere === null || oere === undefined) return '–';
  return kroner.format(oere / 100);
}

/** A signed change: "+1.234,56 kr." / "−1.234,56 kr.". */
export function krChange(oere: number | null | undefined): string {
  if (oere === null || oere === undefined) return '–';
  if (oere > 0) return `+${kr(oere)}`;
  return kr(oere);
}

/** "1.234,56" or "1234.56" (kroner, as typed) -> integer øre, or null when not a number. */
export function parseKroner(value: string): number | null {
  const v = value.trim().replace(/\s/g, '').replace(/kr\.?$/i, '');
  if (!v) return null;
  // Danish: thousands "." and decimal ",". A lone "." with 1-2 decimals is read as a decimal point.
  let normal: string;
  if (v.includes(',')) normal = v.replace(/\./g, '').replace(',', '.');
  else if (/^-?\d+\.\d{1,2}$/.test(v)) normal = v;
  else normal = v.replace(/\./g, '');
  if (!/^-?\d+(\.\d{1,2})?$/.test(normal)) return null;
  return Math.round(Number(normal) * 100);
}

/** Integer øre -> "1234,56" for an input field. */
export function oereToInput(oere: number | null | undefined): string {
  if (oere === null || oere === undefined) return '';
  return (oere / 100).toFixed(2).replace('.', ',');
}

/** A 400's `extra: [{key, message}]` with the keys as sent ("lines.0.offer_id", "amounts.<id>"). */
export function fullFieldErrors(err: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(err instanceof ApiError) || err.status !== 400) return out;
  const body = err.body;
  if (!body || typeof body !== 'object' || !('extra' in body)) return out;
  const extra = (body as { extra: unknown }).extra;
  if (!Array.isArray(extra)) return out;
  for (const item of extra) {
    if (!item || typeof item !== 'object') continue;
    const { key, message } = item as { key?: unknown; message?: unknown };
    if (typeof key !== 'string' || !key) continue;
    const name = key.replace(/^(data|\$)\./, '');
    if (!out[name]) out[name] = typeof message === 'string' && message ? message : err.detail;
  }
  return out;
}

export function hasRole(session: SessionRead, perm: string): boolean {
  return session.realm === 'kommune' && (session.permissions as string[]).includes(perm);
}

export const UNIT_LABEL: Record<string, string> = {
  hour: 'time',
  day: 'døgn/dag',
  week: 'uge',
  month: 'måned',
  once: 'engangsbeløb',
};

export const FREQUENCY_LABEL: Record<string, string> = {
  day: 'pr. dag',
  week: 'pr. uge',
  month: 'pr. måned',
  once: 'én gang',
};

/** "3 time pr. uge" -> "3 timer pr. uge" is too clever: "3 × time pr. uge". */
export function quantityText(quantity: string, unit: string, frequency: string): string {
  const q = quantity.replace(/\.0+$/, '').replace(/(\.\d*?)0+$/, '$1').replace('.', ',');
  if (unit === 'once' || frequency === 'once') return `${q} × engangsbeløb`;
  return `${q} × ${UNIT_LABEL[unit] ?? unit} ${FREQUENCY_LABEL[frequency] ?? frequency}`;
}

/** The first day of next month as "2026-01-01". */
export function firstOfNextMonth(today: string): string {
  const [y, m] = today.split('-').map(Number) as [number, number];
  const ny = m === 12 ? y + 1 : y;
  const nm = m === 12 ? 1 : m + 1;
  return `${ny}-${String(nm).padStart(2, '0')}-01`;
}

/** "5.000" (a decimal string from the API) -> "5 %", "3.250" -> "3,25 %". */
export function percentText(value: string): string {
  const trimmed = value.includes('.') ? value.replace(/0+$/, '').replace(/\.$/, '') : value;
  return `${trimmed.replace('.', ',')} %`;
}
