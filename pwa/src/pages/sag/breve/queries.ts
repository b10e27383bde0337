// The letters' server state: a case's letters (['case', id, 'letters']) under the case's key,
// so a sent letter refreshes the case's activities and journal too.
import { api, call } from '../../../api/client';
import type { components } from '../../../api/schema';

export type LetterRead = components['schemas']['LetterRead'];
export type LetterNew = components['schemas']['LetterNew'];
export type LetterLine = components['schemas']['LetterLine'];
export type Recipient = components['schemas']['Recipient'];
export type TemplateLine = components['schemas']['TemplateLine'];

export const letterKeys = {
  list: (caseId: string) => ['case', caseId, 'letters'] as const,
  one: (caseId: string, letterId: string) => ['case', caseId, 'letters', letterId] as const,
  new: (caseId: string) => ['case', caseId, 'letters', 'new'] as const,
};

export const loadLetters = (caseId: string) => (signal: AbortSignal) =>
  call(api.GET('/api/cases/{case_id}/letters', { signal, params: { path: { case_id: caseId } } }));

export const loadLetter = (caseId: string, letterId: string) => (signal: AbortSignal) =>
  call(
    api.GET('/api/cases/{case_id}/letters/{letter_id}', {
      signal,
      params: { path: { case_id: caseId, letter_id: letterId } },
    }),
  );

export const loadNew = (caseId: string) => (signal: AbortSignal) =>
  call(api.GET('/api/cases/{case_id}/letters/new', { signal, params: { path: { case_id: caseId } } }));

export const CHANNELS: Record<string, string> = {
  digital_post: 'Digital Post',
  email: 'E-mail',
  print: 'Fysisk post',
};

/** How a letter reaches a recipient, as the letter form and its recipients say it. */
export const sendsBy = (channel: string): string =>
  channel === 'print' ? 'Sendes som fysisk brev (fritaget for Digital Post)' : `Sendes med ${CHANNELS[channel]}`;

export const letterPath = (caseId: string, letterId?: string) =>
  letterId ? `/sager/${caseId}/breve/${letterId}` : `/sager/${caseId}/breve`;
