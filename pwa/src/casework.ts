// Danish labels for the casework API's codes. The codes' types come from the generated API
// schema (api/schema.d.ts): while a field is `str` in the backend they are `string`; once the
// backend narrows it to a Literal they become unions, and a table here that misses or misspells
// a code no longer compiles (the `satisfies` / Record<Code, …> below).
import type { components } from './api/schema';
import type { Choice } from './components/Form';

type Schemas = components['schemas'];
export type Stage = Schemas['CaseRead']['stage'];
export type NotifierKind = Schemas['UnderretningCreate']['notifier_kind'];
export type Source = Schemas['UnderretningCreate']['source'];
export type IntakeKind = Schemas['UnderretningRead']['kind'];
export type JournalKind = Schemas['JournalEntryRead']['kind'];

/** A choice whose value is one of the API's codes. */
type CodeChoice<Code extends string> = Choice & { value: Code };

export const STAGE_LABELS: Record<Stage, string> = {
  afklaring: 'Afklaring',
  undersoegelse: 'Børnefaglig undersøgelse',
  afgoerelse: 'Visitation og afgørelse',
  indsats: 'Indsats og opfølgning',
  afsluttet: 'Afsluttet',
};

export function stageLabel(stage: string): string {
  return (STAGE_LABELS as Record<string, string>)[stage] ?? stage;
}

export const NOTIFIER_KINDS = [
  { value: 'fagperson', label: 'Fagperson' },
  { value: 'privat', label: 'Privatperson' },
  { value: 'anonym', label: 'Anonym' },
] satisfies CodeChoice<NotifierKind>[];

export const SOURCES = [
  { value: 'politi', label: 'Politiet' },
  { value: 'skole', label: 'Skole' },
  { value: 'dagtilbud', label: 'Dagtilbud' },
  { value: 'sundhed', label: 'Sundhedsvæsenet' },
  { value: 'familie', label: 'Familie' },
  { value: 'nabo', label: 'Nabo eller bekendt' },
  { value: 'barnet', label: 'Barnet selv' },
  { value: 'anonym', label: 'Anonym' },
  { value: 'andet', label: 'Andet' },
] satisfies CodeChoice<Source>[];

/** What an underretning is about: Danmarks Statistik's causes (backend/core/vocab.py
 * NOTIFICATION_CAUSES), one or more. */
export const NOTIFICATION_CAUSES = [
  { value: 'overgreb', label: 'Overgreb mod barnet, fx seksuelt eller voldeligt' },
  { value: 'vold_i_hjemmet', label: 'Højt konfliktniveau eller vold mellem de voksne i hjemmet' },
  { value: 'misbrug_foraeldre', label: 'Misbrug hos forældre' },
  { value: 'omsorg', label: 'Utilstrækkelig omsorg' },
  { value: 'bolig', label: 'Fogedsag, hjemløshed eller udsættelse fra bolig' },
  { value: 'sundhed_barn', label: 'Sundhedsforhold hos barnet' },
  { value: 'misbrug_barn', label: 'Misbrug hos barnet' },
  { value: 'kriminalitet_barn', label: 'Kriminalitet hos barnet' },
  { value: 'skole', label: 'Skoleproblemer, fx fravær' },
  { value: 'andet', label: 'Andet' },
];

/** The kinds of intake (underretning.kind): what came in. */
export const INTAKE_KINDS = [
  { value: 'underretning', label: 'Underretning' },
  { value: 'henvendelse', label: 'Henvendelse' },
  { value: 'ansoegning', label: 'Ansøgning' },
] satisfies CodeChoice<IntakeKind>[];

export function intakeKindLabel(kind: string): string {
  return INTAKE_KINDS.find((k) => k.value === kind)?.label ?? kind;
}

export function sourceLabel(source: string): string {
  return SOURCES.find((s) => s.value === source)?.label ?? source;
}

export function notifierKindLabel(kind: string): string {
  return NOTIFIER_KINDS.find((k) => k.value === kind)?.label ?? kind;
}

export const JOURNAL_KINDS = [
  { value: 'haendelse', label: 'Hændelse' },
  { value: 'notat', label: 'Notat' },
  { value: 'rettelse', label: 'Rettelse' },
] satisfies CodeChoice<JournalKind>[];

export function journalKindLabel(kind: string): string {
  return JOURNAL_KINDS.find((k) => k.value === kind)?.label ?? kind;
}

/** The case page's address; with the child's id it can show the child's name. */
export function casePath(hovedsagId: string, childId?: string | null): string {
  return childId ? `/sager/${hovedsagId}?barn=${encodeURIComponent(childId)}` : `/sager/${hovedsagId}`;
}

/** A one-shot message for the next page (e.g. "Barnet findes allerede"), shown once. */
export type Flash = { variant: 'success' | 'info'; heading: string; text?: string };
let flash: Flash | null = null;

export function setFlash(value: Flash | null): void {
  flash = value;
}

/** The pending message, if any; clear it with setFlash(null) once shown. */
export function peekFlash(): Flash | null {
  return flash;
}

type Relation = components['schemas']['MemberRead']['relation'];
type Circle = components['schemas']['MemberRead']['circle'];

// The vocabularies are the API's (Literal types in backend/network/schemas.py): a value the
// API adds or drops fails the type check here until it has its Danish label.
const RELATION_LABELS: Record<Relation, string> = {
  mor: 'Mor',
  far: 'Far',
  forælder: 'Forælder',
  søskende: 'Søskende',
  bedsteforælder: 'Bedsteforælder',
  anden_familie: 'Anden familie',
  netværk: 'Netværk (venner, naboer)',
  plejefamilie: 'Plejefamilie',
  skole: 'Skole',
  dagtilbud: 'Dagtilbud',
  læge: 'Læge',
  sundhedspleje: 'Sundhedsplejerske',
  politi: 'Politi',
  anden_fagperson: 'Anden fagperson',
};

/** The relations of a person in the child's network (POST /api/children/{id}/network). */
export const RELATIONS: Choice[] = Object.entries(RELATION_LABELS).map(([value, label]) => ({ value, label }));

export function relationLabel(relation: string): string {
  return RELATION_LABELS[relation as Relation] ?? 'Anden relation';
}

const CIRCLE_LABELS: Record<Circle, string> = {
  forældre: 'Forældre',
  primært: 'Primært netværk',
  sekundært: 'Sekundært netværk',
  professionelt: 'Professionelle',
};

/** The network's circles in the order the API sorts them. */
export const CIRCLES: Choice[] = Object.entries(CIRCLE_LABELS).map(([value, label]) => ({ value, label }));
