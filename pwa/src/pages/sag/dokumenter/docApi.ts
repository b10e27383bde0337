// The documents' API (backend/documents, contract of issue 15) as the screens use it: typed
// calls through the generated client, the Danish words for the kinds and sources, file sizes
// in Danish units, the checks made before an upload starts, and the upload itself — an
// XMLHttpRequest, because fetch cannot report how far an upload has come.
import { api, ApiError, call, errorDetail, getCsrfToken, NETWORK_ERROR } from '../../../api/client';
import type { components } from '../../../api/schema';
import type { Choice } from '../../../components/Form';

export type DocumentOut = components['schemas']['DocumentOut'];
export type DocumentHit = components['schemas']['DocumentHit'];
export type DocumentKind = DocumentOut['kind'];

export const KIND_LABELS: Record<DocumentKind, string> = {
  underretning: 'Underretning',
  udtalelse: 'Udtalelse',
  statusudtalelse: 'Statusudtalelse',
  referat: 'Referat',
  afgoerelse: 'Afgørelse',
  partshoering: 'Partshøring',
  korrespondance: 'Korrespondance',
  andet: 'Andet',
};

export const KINDS: Choice[] = Object.entries(KIND_LABELS).map(([value, label]) => ({ value, label }));

export function kindLabel(kind: string): string {
  return KIND_LABELS[kind as DocumentKind] ?? 'Andet';
}

export const SOURCE_LABELS: Record<DocumentOut['source'], string> = {
  upload: 'Tilføjet på sagen',
  brev: 'Sendt brev',
  digital_post: 'Modtaget med Digital Post',
  overfoersel: 'Fulgte med sagen fra en anden kommune',
};

/** Resource keys (useApiQuery): every document screen under ['documents'], so a change invalidates all. */
export const docKeys = {
  all: ['documents'] as const,
  case: (caseId: string) => ['documents', 'case', caseId] as const,
  one: (id: string) => ['documents', 'one', id] as const,
  status: (id: string) => ['documents', 'status', id] as const,
  incoming: ['documents', 'incoming'] as const,
  caseIncoming: (caseId: string) => ['documents', 'incoming', 'case', caseId] as const,
  search: ['documents', 'search'] as const,
};

const units = new Intl.NumberFormat('da-DK', { maximumFractionDigits: 1 });

/** 1234567 -> "1,2 MB", 2048 -> "2 kB", 12 -> "12 byte". */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} byte`;
  if (bytes < 1024 * 1024) return `${units.format(Math.max(1, Math.round(bytes / 1024)))} kB`;
  if (bytes < 1024 * 1024 * 1024) return `${units.format(bytes / (1024 * 1024))} MB`;
  return `${units.format(bytes / (1024 * 1024 * 1024))} GB`;
}

export const MAX_BYTES = 100 * 1024 * 1024;

/** The file types a case may hold (by extension): PDF, Word/ODT, Excel/ODS, images, e-mails, text. */
export const ALLOWED_TEXT = 'PDF, Word, ODT, Excel, ODS, billeder (PNG, JPEG, TIFF, HEIC), e-mails (EML, MSG) og tekst';
// The same list as the API's (backend/documents/files.py); the API checks again, by content too.
export const ALLOWED = ['pdf', 'doc', 'docx', 'odt', 'xls', 'xlsx', 'ods', 'png', 'jpg', 'jpeg', 'tif', 'tiff', 'heic', 'eml', 'msg', 'txt'];
export const ACCEPT = ALLOWED.map((e) => `.${e}`).join(',');

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

/** Why a file cannot be uploaded, known before anything is sent (or null: it may go). */
export function refusal(file: File): string | null {
  if (file.size === 0) return 'Filen er tom.';
  if (file.size > MAX_BYTES) return `Filen fylder ${formatSize(file.size)}. Den må højst fylde 100 MB.`;
  const ext = extensionOf(file.name);
  if (!ALLOWED.includes(ext))
    return `${ext ? `Filtypen .${ext}` : 'En fil uden filtype'} kan ikke tilføjes. Tilladt er ${ALLOWED_TEXT}.`;
  return null;
}

/** A title from the file name: without the extension, "_" and "-" as spaces. */
export function titleFrom(name: string): string {
  const ext = extensionOf(name);
  const base = ext ? name.slice(0, name.length - ext.length - 1) : name;
  const title = base.replace(/[_]+/g, ' ').replace(/\s+/g, ' ').trim();
  return title ? title.charAt(0).toUpperCase() + title.slice(1) : name;
}

/** A kind guessed from the file name ("Referat netværksmøde.pdf" -> referat), or '' to choose. */
export function kindFrom(name: string): DocumentKind | '' {
  const n = name.toLowerCase();
  if (/statusudtalelse/.test(n)) return 'statusudtalelse';
  if (/udtalelse/.test(n)) return 'udtalelse';
  if (/underretning/.test(n)) return 'underretning';
  if (/referat/.test(n)) return 'referat';
  if (/afg(ø|oe|o)relse/.test(n)) return 'afgoerelse';
  if (/partsh(ø|oe|o)ring/.test(n)) return 'partshoering';
  if (/\.(eml|msg)$/.test(n)) return 'korrespondance';
  return '';
}

export type DocumentMeta = {
  title: string;
  kind: DocumentKind;
  dated: string;
  enkeltsag_id: string | null;
  incoming: boolean;
};

/** Register the document (everything knowable before the bytes is checked here). */
export function createDocument(caseId: string, meta: DocumentMeta, file: File) {
  return call(
    api.POST('/api/cases/{case_id}/documents', {
      params: { path: { case_id: caseId } },
      body: {
        ...meta,
        filename: file.name,
        size: file.size,
        content_type: file.type || 'application/octet-stream',
      },
    }),
  );
}

/**
 * Send the file's bytes to `url` (PUT, the raw file as the body), reporting progress (0..1).
 * Resolves with the stored document; rejects with an ApiError carrying the API's Danish detail.
 */
export function putContent(url: string, file: File, onProgress: (fraction: number) => void, signal?: AbortSignal): Promise<DocumentOut> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', url);
    xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
    xhr.setRequestHeader('Accept', 'application/json');
    const token = getCsrfToken();
    if (token) xhr.setRequestHeader('X-CSRF-Token', token);
    xhr.responseType = 'json';
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      const body: unknown = xhr.response;
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as DocumentOut);
      else reject(new ApiError(xhr.status, errorDetail(xhr.status, body), body));
    };
    xhr.onerror = () => reject(new ApiError(0, NETWORK_ERROR));
    xhr.onabort = () => reject(new DOMException('Afbrudt', 'AbortError'));
    signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(file);
  });
}

export const contentUrl = (id: string) => `/api/documents/${id}/content`;
export const viewUrl = (id: string) => `/api/documents/${id}/view`;
export const documentPath = (caseId: string, id: string) => `/sager/${caseId}/dokumenter/${id}`;
