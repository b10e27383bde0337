// The case process (Forløb): types, Danish labels and the small helpers its forms share.
import { ApiError } from '../../api/client';
import type { components } from '../../api/schema';
import type { Choice } from '../../components/Form';
export { withoutKey } from '../../components/Form';
import { formatDeadline, formatDeadlineDate } from '../../format';

type Schemas = components['schemas'];
export type ProcessOptions = Schemas['ProcessOptions'];
export type ProcessOption = Schemas['Option'];
export type IndsatsRead = Schemas['IndsatsRead'];
export type UnderretningRead = Schemas['UnderretningRead'];
export type AfgoerelseRead = Schemas['AfgoerelseRead'];
export type StepRead = Schemas['StepRead'];
export type MissingStepRead = Schemas['MissingStepRead'];
export type MovedDeadline = Schemas['MovedDeadline'];

/** What the Forløb shows after a successful action (focus moves to it). */
export type Done = { heading: string; lines?: string[] };

/** A failed action that is not about a field (useSubmit's); a 409 offers "Hent igen". */
export type { Failure } from '../../mutation';

export const ENKELTSAG_KINDS: Record<string, string> = {
  afklaring: 'Afklaring',
  afdaekning: 'Afdækning',
  undersoegelse: 'Børnefaglig undersøgelse',
  afgoerelse: 'Afgørelse',
  indsats: 'Indsats',
};

export function enkeltsagLabel(kind: string): string {
  return ENKELTSAG_KINDS[kind] ?? kind;
}

export const OUTCOMES: Choice[] = [
  { value: 'bevilget', label: 'Bevilget' },
  { value: 'afslag', label: 'Afslag' },
];

export function outcomeLabel(outcome: string): string {
  return OUTCOMES.find((o) => o.value === outcome)?.label ?? outcome;
}

/** "32" -> "§ 32". */
export function paragraphShort(paragraph: string | null | undefined): string {
  return paragraph ? `§ ${paragraph}` : '';
}

/** Activities the law wants done before the decision (they have no date of their own). */
const BEFORE_DECISION = new Set(['boernesamtale', 'partshoering', 'barnets-plan-47']);

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function isDate(value: string): boolean {
  return DATE.test(value);
}

const dkTime = new Intl.DateTimeFormat('da-DK', {
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZone: 'Europe/Copenhagen',
});

/**
 * A deadline: "07.03.2024" when it is the end of a day (most statutory deadlines),
 * otherwise with the time ("07.03.2024 kl. 14.05", e.g. the 24-hour assessment).
 */
export function formatDue(value: string | null | undefined): string {
  if (!value) return 'ingen frist';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  return dkTime.format(d).replace(':', '.') === '23.59' ? formatDeadlineDate(value) : formatDeadline(value);
}

/** The deadline text of an activity, also when it has none. */
export function dueText(activity: {
  due_at?: string | null;
  rule_id?: string | null;
  due_asap?: boolean;
  due_reason?: string | null;
}): string {
  if (activity.due_asap) return `snarest muligt${activity.due_reason ? ` (${activity.due_reason})` : ''}`;
  if (activity.due_at) return `frist ${formatDue(activity.due_at)}`;
  return activity.rule_id && BEFORE_DECISION.has(activity.rule_id) ? 'før afgørelsen' : 'ingen fast frist';
}

/** "Frist flyttet: Første opfølgning fra 07.03.2024 til 14.03.2024". */
export function movedLines(moved: MovedDeadline[]): string[] {
  if (moved.length === 0) return ['Ingen frister er flyttet.'];
  return moved.map((m) => `Frist flyttet: ${m.title} fra ${formatDue(m.old)} til ${formatDue(m.new)}`);
}

/**
 * The per-field messages of a 400 answer, like `fieldErrors`, but keeping the reason
 * fields of a decision whole: "exceptions.boernesamtale" stays that key.
 */
export function processErrors(err: unknown): Record<string, string> {
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
    const path = key.replace(/^(data|\$)\./, '');
    const name = path.startsWith('exceptions.') ? path : (path.split(/[.[]/)[0] ?? path);
    if (!out[name]) out[name] = typeof message === 'string' && message ? message : err.detail;
  }
  return out;
}

/** The message the API gives for a required step left without a reason. */
export function missingStepMessage(step: MissingStepRead): string {
  const basis = step.basis ? ` (${step.basis})` : '';
  return `Ikke gennemført: ${step.title}${basis}. Skriv begrundelsen for at træffe afgørelsen uden.`;
}

/**
 * Required steps the API named in a 400 that the page did not know about (e.g. the
 * decision was prepared meanwhile, or § 47 adds barnets plan): rebuilt from the message.
 */
export function stepsFromErrors(errors: Record<string, string>, known: MissingStepRead[]): MissingStepRead[] {
  const have = new Set(known.map((m) => m.rule_id));
  const out: MissingStepRead[] = [];
  for (const [key, message] of Object.entries(errors)) {
    if (!key.startsWith('exceptions.')) continue;
    const ruleId = key.slice('exceptions.'.length);
    if (!ruleId || have.has(ruleId)) continue;
    const m = /^Ikke gennemført: (.+?)(?: \((.+)\))?\. Skriv/.exec(message);
    out.push({ rule_id: ruleId, title: m?.[1] ?? ruleId, basis: m?.[2] ?? null });
  }
  return out;
}


// ---------------------------------------------------------------- support after 18 (§ 114)

/** The paragraph support after 18 (ungestøtte) is decided under. */
export const YOUTH_PARAGRAPH = '114';

function plusYears(iso: string, years: number): string {
  const [y, m, d] = iso.slice(0, 10).split('-').map(Number) as [number, number, number];
  const last = new Date(Date.UTC(y + years, m, 0)).getUTCDate(); // clamped like add_months
  const day = Math.min(d, last);
  return `${y + years}-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The first and last day support after 18 may run: the 18th birthday and the day before
 * the 23rd (the API checks the same). */
export function youthLimits(birthDate: string): { first: string; last: string } {
  const twentyThree = new Date(`${plusYears(birthDate, 23)}T00:00:00Z`);
  twentyThree.setUTCDate(twentyThree.getUTCDate() - 1);
  return { first: plusYears(birthDate, 18), last: twentyThree.toISOString().slice(0, 10) };
}
