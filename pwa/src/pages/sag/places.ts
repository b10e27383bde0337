// The case page's places: each has its own address under /sager/<id>/… (React Router children
// of the case route, routes.tsx), a tab in the case's sub-navigation and one job. The header
// (who the child is, the case number, phase, caseworker) is on every place.
import { useOutletContext } from 'react-router';
import type { CaseRead, SessionRead } from '../../api/client';

export const PLACES = [
  { path: '', label: 'Overblik' },
  { path: 'forloeb', label: 'Forløb' },
  { path: 'netvaerk', label: 'Netværk' },
  { path: 'undersoegelse', label: 'Undersøgelse og plan' },
  { path: 'tilsyn', label: 'Tilsyn og samvær' },
  { path: 'dokumenter', label: 'Dokumenter og breve' },
  { path: 'oekonomi', label: 'Økonomi' },
  { path: 'journal', label: 'Journal' },
] as const;

export type PlacePath = (typeof PLACES)[number]['path'];
/** A page under the case: a place, or the letters ("Breve", the documents place's sub-pages). */
export type CasePagePath = PlacePath | 'breve';

/**
 * Pages under the case that are no tab of their own, and the tab they belong to: one document
 * (/sager/<id>/dokumenter/<docId>) and the letters (/sager/<id>/breve, …/breve/ny,
 * …/breve/<letterId>) belong to "Dokumenter og breve".
 */
const SUB_PAGES: Record<string, PlacePath> = { dokumenter: 'dokumenter', breve: 'dokumenter' };

/** The place a path under /sager/<id> names, or null for an unknown one ("Siden findes ikke"). */
export function placeOf(pathname: string): CasePagePath | null {
  const rest = pathname.split('/').slice(3).filter(Boolean);
  if (rest.length === 0) return '';
  const owner = rest[0] ? SUB_PAGES[rest[0]] : undefined;
  if (owner !== undefined && rest.length <= 2) return owner;
  if (rest.length > 1) return null;
  return PLACES.find((p) => p.path === rest[0])?.path ?? null;
}

/** The address of a place of the case (the Overblik is the case's own address). */
export function placePath(caseId: string, place: PlacePath): string {
  return place ? `/sager/${caseId}/${place}` : `/sager/${caseId}`;
}

/** Old links to a section of the one long page (…#netvaerk) go to the place that holds it. */
export const ANCHOR_PLACES: Record<string, PlacePath> = {
  netvaerk: 'netvaerk',
  'godkend-bevilling': 'oekonomi',
  journal: 'journal',
  forloeb: 'forloeb',
};

/** What the case route hands each place. */
export type CaseContext = {
  hovedsag: CaseRead;
  session: SessionRead;
  canWrite: boolean;
  /** The case is being fetched again. */
  loading: boolean;
  /** When the case was last fetched (sections that keep their own data fetch again then). */
  updatedAt: number;
  /** Fetch the case (and everything under it) again. */
  refresh: () => void;
};

export function useCaseContext(): CaseContext {
  return useOutletContext<CaseContext>();
}
