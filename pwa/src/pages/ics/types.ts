// ICS documents (børnefaglig undersøgelse, barnets plan, opfølgning): the API's shapes, the
// content with every field present (the editors work on these), and small shared helpers.
import { api, call } from '../../api/client';
import type { components } from '../../api/schema';

type S = components['schemas'];
export type DocumentRead = S['DocumentRead'];
export type VersionRead = S['VersionRead'];
export type MethodRead = S['MethodRead'];
export type Method = S['Method'];
export type MethodField = S['Field'];
export type DeadlineRead = S['DeadlineRead'];
export type DiffRead = S['DiffRead'];
export type DiffField = S['DiffField'];
export type CaseDocuments = S['CaseDocuments'];
export type SeriesRead = S['SeriesRead'];
export type Approvals = S['Approvals'];
export type ApprovalItem = S['ApprovalItem'];
export type MeasureRef = S['MeasureRef'];
export type GoalRef = S['GoalRef'];
type ApiContent = DocumentRead['content'];

export type EntryKind = 'observations' | 'resources' | 'concerns';
export const ENTRY_KINDS: EntryKind[] = ['observations', 'resources', 'concerns'];

export type Statement = { text: string; source: string; source_note: string };
export type Entries = Record<EntryKind, Statement[]>;
export type Need = { id: string; text: string; dimension: string | null };
export type Investigation = {
  kind: 'undersoegelse';
  dimensions: Record<string, Entries>;
  child_view: string;
  parents_view: string;
  analysis: string;
  conclusion: string;
  unmet_needs: Need[];
};
export type MeasureItem = { text: string; indsats_id: string | null };
export type Goal = {
  id: string;
  need_id: string | null;
  need: string;
  goal: string;
  measurable: string;
  measures: MeasureItem[];
  responsible: string;
  due: string | null;
};
export type Plan = { kind: 'plan'; goals: Goal[]; child_view: string; parents_view: string };
export type GoalFollowUp = { goal_id: string; status: string; evidence: string };
export type FollowUp = {
  kind: 'opfoelgning';
  indsats_id: string | null;
  happened_on: string | null;
  goals: GoalFollowUp[];
  summary: string;
  child_view: string;
  parents_view: string;
  next_due: string | null;
  next_reason: string;
  new_plan_version: boolean;
};
export type Content = Investigation | Plan | FollowUp;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const strOrNull = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

function statement(s: S['Statement']): Statement {
  return { text: str(s.text), source: str(s.source), source_note: str(s.source_note) };
}

/** Every dimension of the method in the method's order (JSONB keeps no key order). */
export function dimensionKeys(method: Method): string[] {
  return method.sides.flatMap((side) => side.dimensions.map((d) => d.key));
}

/**
 * The API's content with every field present and the dimensions in the method's order, so
 * two contents can be compared as JSON text (autosave: "is this what the server has?").
 */
export function normalize(raw: ApiContent, method: Method): Content {
  if (raw.kind === 'undersoegelse') {
    const dims: Record<string, Entries> = {};
    const given = raw.dimensions ?? {};
    for (const key of dimensionKeys(method)) {
      const e = given[key] ?? {};
      dims[key] = {
        observations: (e.observations ?? []).map(statement),
        resources: (e.resources ?? []).map(statement),
        concerns: (e.concerns ?? []).map(statement),
      };
    }
    return {
      kind: 'undersoegelse',
      dimensions: dims,
      child_view: str(raw.child_view),
      parents_view: str(raw.parents_view),
      analysis: str(raw.analysis),
      conclusion: str(raw.conclusion),
      unmet_needs: (raw.unmet_needs ?? []).map((n) => ({
        id: str(n.id),
        text: str(n.text),
        dimension: strOrNull(n.dimension),
      })),
    };
  }
  if (raw.kind === 'plan') {
    return {
      kind: 'plan',
      goals: (raw.goals ?? []).map((g) => ({
        id: str(g.id),
        need_id: strOrNull(g.need_id),
        need: str(g.need),
        goal: str(g.goal),
        measurable: str(g.measurable),
        measures: (g.measures ?? []).map((m) => ({ text: str(m.text), indsats_id: strOrNull(m.indsats_id) })),
        responsible: str(g.responsible),
        due: strOrNull(g.due),
      })),
      child_view: str(raw.child_view),
      parents_view: str(raw.parents_view),
    };
  }
  return {
    kind: 'opfoelgning',
    indsats_id: strOrNull(raw.indsats_id),
    happened_on: strOrNull(raw.happened_on),
    goals: (raw.goals ?? []).map((g) => ({ goal_id: g.goal_id, status: str(g.status), evidence: str(g.evidence) })),
    summary: str(raw.summary),
    child_view: str(raw.child_view),
    parents_view: str(raw.parents_view),
    next_due: strOrNull(raw.next_due),
    next_reason: str(raw.next_reason),
    new_plan_version: !!raw.new_plan_version,
  };
}

/** A new id for a need or goal (the server keeps ids across versions; 12 hex like its own). */
export function newId(): string {
  const bytes = new Uint8Array(6);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The id of the form control for a content path the API names ("goals.0.responsible"). */
export function fieldId(key: string): string {
  return `ics-${key.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

/** The method a document was written with; fetched once per page load. */
const methods = new Map<string, Promise<MethodRead>>();
export function loadMethod(id: string, signal?: AbortSignal): Promise<MethodRead> {
  let found = methods.get(id);
  if (!found) {
    found = call(api.GET('/api/ics/method', { params: { query: { id } } }));
    methods.set(id, found);
    found.catch(() => methods.delete(id));
  }
  if (!signal) return found;
  return new Promise((resolve, reject) => {
    signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
    found.then(resolve, reject);
  });
}

export function docPath(id: string): string {
  return `/ics/${id}`;
}

export function comparePath(seriesId: string, a?: number, b?: number): string {
  const q = a !== undefined && b !== undefined ? `?a=${a}&b=${b}` : '';
  return `/ics/serier/${seriesId}/sammenlign${q}`;
}

/** "Børnefaglig undersøgelse, version 2". */
export function versionTitle(kindLabel: string, versionNo: number): string {
  return `${kindLabel}, version ${versionNo}`;
}

/** The badge class of a status: kladde (neutral), indsendt (warning), godkendt (success). */
export function statusBadge(status: string): string {
  if (status === 'godkendt') return 'badge badge-success';
  if (status === 'indsendt') return 'badge badge-warning';
  return 'badge badge-info';
}

/** "34 dage tilbage", "1 dag tilbage", "udløber i dag", "3 dage over fristen". */
export function daysText(daysLeft: number): string {
  if (daysLeft === 0) return 'udløber i dag';
  if (daysLeft > 0) return daysLeft === 1 ? '1 dag tilbage' : `${daysLeft} dage tilbage`;
  const over = -daysLeft;
  return over === 1 ? '1 dag over fristen' : `${over} dage over fristen`;
}

/** The structured 400 answer of submit: every missing part with its content path. */
export type Missing = { key: string; label: string; message: string };

export function missingOf(body: unknown): Missing[] {
  if (!body || typeof body !== 'object' || !('extra' in body)) return [];
  const extra = (body as { extra: unknown }).extra;
  if (!Array.isArray(extra)) return [];
  const out: Missing[] = [];
  for (const item of extra) {
    if (!item || typeof item !== 'object') continue;
    const { key, label, message } = item as { key?: unknown; label?: unknown; message?: unknown };
    if (typeof key !== 'string') continue;
    const lbl = typeof label === 'string' ? label : key;
    let msg = typeof message === 'string' ? message : '';
    if (msg.startsWith(`${lbl}: `)) msg = msg.slice(lbl.length + 2);
    out.push({ key: key.replace(/^content\./, ''), label: lbl, message: msg || 'skal udfyldes' });
  }
  return out;
}

/** The `extra` object of a 409 answer (stale, locked, open_version). */
export function conflictOf(body: unknown): Record<string, unknown> | null {
  if (!body || typeof body !== 'object' || !('extra' in body)) return null;
  const extra = (body as { extra: unknown }).extra;
  return extra && typeof extra === 'object' && !Array.isArray(extra) ? (extra as Record<string, unknown>) : null;
}
