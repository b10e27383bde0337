// The prior cases a registration answered with, kept in memory for the case page that
// follows (keyed by the child's id). The CPR number stays in memory only: it is needed to
// ask the other kommune for its case, and is never written to storage.
import type { components } from '../../api/schema';

export type PriorCase = components['schemas']['PriorCaseRead'];
export type KommuneRef = components['schemas']['KommuneRef'];
export type Transfer = components['schemas']['TransferRead'];
export type TransferDetail = components['schemas']['TransferDetail'];
export type TransferRequest = components['schemas']['TransferRequestRead'];
export type CaseTransfers = components['schemas']['CaseTransfers'];

type Remembered = { priorCases: PriorCase[]; cpr: string | null; unborn: boolean };

const remembered = new Map<string, Remembered>();

/** After a registration (child, unborn child, birth): remember what it found elsewhere. */
export function rememberPriorCases(
  childId: string | null | undefined,
  priorCases: PriorCase[] | null | undefined,
  cpr: string | null | undefined,
  unborn = false,
): void {
  if (!childId) return;
  if (priorCases && priorCases.length > 0) remembered.set(childId, { priorCases, cpr: cpr?.trim() || null, unborn });
  else remembered.delete(childId);
}

export function rememberedPriorCases(childId: string | null | undefined): Remembered | null {
  return (childId && remembered.get(childId)) || null;
}

export function forgetPriorCases(childId: string): void {
  remembered.delete(childId);
}

/** The receiver's words for an incoming transfer (the API's status_text is the sender's). */
export const INCOMING_STATUS: Record<string, string> = {
  sendt: 'Afventer jeres svar',
  accepteret: 'Accepteret – sagen indlæses',
  afvist: 'Afvist',
  importeret: 'Overtaget',
  fejl: 'Fejlet – intet er indlæst',
};

export const REQUEST_STATUS: Record<string, string> = {
  aaben: 'Afventer svar',
  sendt: 'Sagen er sendt',
  afvist: 'Afvist',
};

export const ENKELTSAG_KIND: Record<string, string> = {
  afklaring: 'Afklaring',
  undersoegelse: 'Børnefaglig undersøgelse',
  afgoerelse: 'Afgørelse',
  indsats: 'Indsats',
};

export function kommuneName(k: KommuneRef | null | undefined): string {
  return k ? `${k.name} (${k.code})` : '';
}

export function statusText(t: Transfer): string {
  if (t.direction === 'ind') return INCOMING_STATUS[t.status] ?? t.status_text ?? t.status;
  return t.status_text || t.status;
}

export function statusTagClass(status: string): string {
  if (status === 'afvist' || status === 'fejl') return 'transfer-tag transfer-tag-error';
  if (status === 'importeret' || status === 'accepteret') return 'transfer-tag transfer-tag-success';
  return 'transfer-tag';
}
