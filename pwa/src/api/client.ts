// Typed API client: types come from openapi.json via openapi-typescript (schema.d.ts,
// regenerate with `npm run gen:api`), calls go through openapi-fetch.
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

export type SessionRead = components['schemas']['SessionRead'];
export type KommuneRead = components['schemas']['KommuneRead'];
export type Overview = components['schemas']['Overview'];
export type Health = components['schemas']['Health'];
export type CaseSummary = components['schemas']['CaseSummary'];
export type StageCount = components['schemas']['StageCount'];
export type UserRead = components['schemas']['UserRead'];
export type RoleRead = components['schemas']['RoleRead'];
export type RoleRestriction = components['schemas']['RoleRestriction'];
export type TeamRead = components['schemas']['TeamRead'];
export type SettingsRead = components['schemas']['SettingsRead'];
export type AuditRead = components['schemas']['AuditRead'];
export type AuditPage = components['schemas']['AuditPage'];
export type KommuneRow = components['schemas']['KommuneRow'];
export type JobRead = components['schemas']['JobRead'];
export type OperatorAuditRow = components['schemas']['OperatorAuditRow'];
export type Onboard = components['schemas']['Onboard'];
export type ActivityRead = components['schemas']['ActivityRead'];
export type Worklist = components['schemas']['Worklist'];
export type CaseLine = components['schemas']['CaseLine'];
export type ChildRead = components['schemas']['ChildRead'];
export type JournalEntryRead = components['schemas']['JournalEntryRead'];
export type JournalPage = components['schemas']['JournalPage'];
export type InvestigationStarted = components['schemas']['InvestigationStarted'];
export type TeamOverview = components['schemas']['TeamOverview'];
export type CaseworkerLoad = components['schemas']['CaseworkerLoad'];
export type SearchQuery = components['schemas']['SearchQuery'];
export type SearchPage = components['schemas']['SearchPage'];
export type SearchHit = components['schemas']['SearchHit'];
export type CaseRead = components['schemas']['CaseRead'];
export type EnkeltsagRead = components['schemas']['EnkeltsagRead'];
export type MemberRead = components['schemas']['MemberRead'];
export type CprFetched = components['schemas']['CprFetched'];

/** What a kommune user may do (SessionRead.permissions). */
export type Permission =
  | 'case.read'
  | 'case.write'
  | 'case.approve'
  | 'case.transfer'
  | 'team.overview'
  | 'finance.manage'
  | 'mi.read'
  | 'users.manage'
  | 'audit.read'
  | 'reporting.manage';

export function can(session: SessionRead | null | undefined, permission: Permission): boolean {
  return !!session && session.realm === 'kommune' && session.permissions.includes(permission);
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

let csrfToken: string | null = null;

/** Remember the CSRF token of the current session (from /api/session or the login). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** The current session's CSRF token, for a request made without this client (an upload with progress). */
export function getCsrfToken(): string | null {
  return csrfToken;
}

const csrf: Middleware = {
  onRequest({ request }) {
    if (UNSAFE.has(request.method.toUpperCase()) && csrfToken) {
      request.headers.set('X-CSRF-Token', csrfToken);
    }
    return request;
  },
};

export const api = createClient<paths>({
  baseUrl: '',
  credentials: 'same-origin',
  headers: { Accept: 'application/json' },
});
api.use(csrf);

/** An API answer that was not 2xx, with the Danish `detail` the backend sent. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly body?: unknown,
  ) {
    super(detail);
    this.name = 'ApiError';
  }
}

/** The user-facing text for a failed call: the API's `detail` when there is one. */
export function errorDetail(status: number, body: unknown): string {
  if (body && typeof body === 'object' && 'detail' in body) {
    const detail = (body as { detail: unknown }).detail;
    if (typeof detail === 'string' && detail.trim()) return detail;
  }
  if (status === 429) return 'Du har sendt for mange forespørgsler på kort tid. Vent lidt, og prøv igen.';
  if (status >= 500) return `Serveren svarede med en fejl (HTTP ${status}). Prøv igen om lidt.`;
  return `Der opstod en uventet fejl (HTTP ${status}).`;
}

export const NETWORK_ERROR = 'Trekant kunne ikke kontakte serveren. Tjek din forbindelse og prøv igen.';

type Result<T> = { data?: T; error?: unknown; response: Response };

/**
 * Unwrap an openapi-fetch result: the data on success, otherwise an ApiError carrying
 * the API's `detail`. Network failures become an ApiError with status 0.
 */
export async function call<T>(request: Promise<Result<T>>): Promise<T> {
  let result: Result<T>;
  try {
    result = await request;
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, NETWORK_ERROR);
  }
  const { data, error, response } = result;
  if (response.ok) return data as T;
  throw new ApiError(response.status, errorDetail(response.status, error), error);
}

export function messageOf(err: unknown): string {
  if (err instanceof ApiError) return err.detail;
  return 'Der opstod en uventet fejl.';
}

/**
 * The per-field messages of a 400 answer: `extra: [{key, message}]` -> {key: message}.
 * Keys are the request body's field names (e.g. "username", "team_ids").
 */
export function fieldErrors(err: unknown): Record<string, string> {
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
    // Litestar names body fields like "username" (ours) or "data.username" / "$.username".
    const name = key.replace(/^(data|\$)\./, '').split(/[.[]/)[0] ?? key;
    if (!out[name]) out[name] = typeof message === 'string' && message ? message : err.detail;
  }
  return out;
}
export type ServiceRead = components['schemas']['ServiceRead'];
export type ServiceWrite = components['schemas']['ServiceWrite'];
export type UnitRead = components['schemas']['UnitRead'];
export type FkorgOverview = components['schemas']['FkorgOverview'];
export type ImportRead = components['schemas']['ImportRead'];
