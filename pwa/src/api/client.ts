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

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

let csrfToken: string | null = null;

/** Remember the CSRF token of the current session (from /api/session or the login). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
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
