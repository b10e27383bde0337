// The case page's server state, in TanStack Query's cache: the case with its header (the
// child's name, CPR number, age; ['case', id]), what hangs under it (['case', id, 'journal',
// …]) and who may be assigned the case (['assignable', id]). A change invalidates the case's
// keys, so every place fetches again what it shows; the forms save with the PWA's one form
// pattern (useSubmit in mutation.ts).
import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import { failureOf as failureOfSave } from '../../mutation';
import { journalQuery, type JournalCriteria } from '../JournalFilter';

// The case page always asks the server when it opens (as it did before the cache): what it
// had shows meanwhile, but a colleague's change since is never hidden for staleTime.
const FRESH_ON_OPEN = { refetchOnMount: 'always' } as const;

export const caseKeys = {
  /** The case and everything under it (a prefix: invalidating it refreshes them all). */
  case: (caseId: string) => ['case', caseId] as const,
  journal: (caseId: string, filter: JournalCriteria, page: number, pageSize: number) =>
    ['case', caseId, 'journal', { filter, page, pageSize }] as const,
  /** Not under the case: only an assignment changes it (Fordeling invalidates it itself). */
  assignable: (caseId: string) => ['assignable', caseId] as const,
};

export function useCase(caseId: string) {
  return useQuery({
    queryKey: caseKeys.case(caseId),
    queryFn: ({ signal }) => call(api.GET('/api/cases/{case_id}', { signal, params: { path: { case_id: caseId } } })),
    ...FRESH_ON_OPEN,
  });
}

export function useJournal(caseId: string, filter: JournalCriteria, page: number, pageSize: number) {
  return useQuery({
    queryKey: caseKeys.journal(caseId, filter, page, pageSize),
    queryFn: ({ signal }) =>
      call(
        api.GET('/api/cases/{case_id}/journal', {
          signal,
          params: { path: { case_id: caseId }, query: { ...journalQuery(filter), page, page_size: pageSize } },
        }),
      ),
    ...FRESH_ON_OPEN,
  });
}

/** Who the case can be given to (the case's team first). */
export function useAssignable(caseId: string) {
  return useQuery({
    queryKey: caseKeys.assignable(caseId),
    queryFn: ({ signal }) =>
      call(api.GET('/api/cases/{case_id}/assignable', { signal, params: { path: { case_id: caseId } } })),
    ...FRESH_ON_OPEN,
  });
}

/** The choices the decision and step forms offer (the same for every case). */
export function useProcessOptions() {
  return useQuery({
    queryKey: ['process', 'options'],
    queryFn: ({ signal }) => call(api.GET('/api/process/options', { signal })),
  });
}

/** A failed query's Danish message and HTTP status (0: no answer), as the screens show them. */
export function failureOf(err: unknown): { message: string; status: number } {
  return failureOfSave(err);
}
