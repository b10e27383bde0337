// What the offline vault holds, by logical name (every value encrypted, see vault.ts):
//   records/manifest          the worklist (OfflineManifest)
//   records/case:<hovedsag>   one case (OfflineCase)
//   outbox/outbox             the changes written offline, in order ({ops: Op[]})
//   outbox/draft:<hovedsag>   a note being written when the app locked

import type { components } from '../api/schema';
import { OUTBOX, RECORDS, type Write } from './idb';
import * as vault from './vault';

export type Manifest = components['schemas']['OfflineManifest'];
export type CaseRef = components['schemas']['OfflineCaseRef'];
export type OfflineCase = components['schemas']['OfflineCase'];
export type Member = components['schemas']['OfflineMember'];
export type Activity = components['schemas']['OfflineActivity'];
export type JournalEntry = components['schemas']['OfflineJournalEntry'];

export type OpState = 'pending' | 'conflict' | 'failed';

export type ConflictInfo = {
  message: string;
  status: number;
  changedBy?: string | null;
  changedAt?: string | null;
  current?: Record<string, string | null>;
  currentVersion?: number;
};

type OpBase = {
  /** The client's id for the change; sent as Idempotency-Key. */
  id: string;
  caseId: string;
  childName: string;
  createdAt: string;
  state: OpState;
  attempts: number;
  lastTriedAt?: string;
  lastError?: string;
  conflict?: ConflictInfo;
};

export type NoteOp = OpBase & { kind: 'note'; title: string; body: string };
export type CompleteOp = OpBase & {
  kind: 'complete';
  activityId: string;
  version: number;
  title: string;
  /** What the rule's completion form recorded (the 24-hour assessment on a home visit …). */
  record?: Record<string, string | boolean>;
  /** The form's title and the record as text: a note of it if the activity closed meanwhile. */
  recordTitle?: string;
  recordText?: string;
};
export type ContactOp = OpBase & {
  kind: 'contact';
  memberId: string;
  name: string;
  version: number;
  phone: string | null;
  email: string | null;
  before: { phone: string | null; email: string | null };
};
export type Op = NoteOp | CompleteOp | ContactOp;

type Outbox = { ops: Op[] };
export type Draft = { title: string; body: string };

export const caseName = (id: string) => `case:${id}`;
const draftName = (id: string) => `draft:${id}`;

export function getManifest(): Promise<Manifest | undefined> {
  return vault.read<Manifest>(RECORDS, 'manifest');
}

export function getCase(id: string): Promise<OfflineCase | undefined> {
  return vault.read<OfflineCase>(RECORDS, caseName(id));
}

export async function outbox(): Promise<Op[]> {
  return (await vault.read<Outbox>(OUTBOX, 'outbox'))?.ops ?? [];
}

// ---------------------------------------------------------------- one writer at a time

let chain: Promise<unknown> = Promise.resolve();

/** Serialise outbox changes in this tab and across tabs (Web Locks where available). */
function exclusive<T>(fn: () => Promise<T>): Promise<T> {
  const run = (): Promise<T> =>
    typeof navigator !== 'undefined' && navigator.locks
      ? (navigator.locks.request('trekant-offline-outbox', fn) as Promise<T>)
      : fn();
  const next = chain.then(run, run);
  chain = next.catch(() => undefined);
  return next;
}

// Locking waits for a change being written to the outbox (the keys are still needed).
vault.onBeforeLock(() => chain.then(() => undefined));

function counts(ops: Op[]): { pending: number; conflicts: number } {
  return {
    pending: ops.filter((o) => o.state === 'pending').length,
    conflicts: ops.filter((o) => o.state !== 'pending').length,
  };
}

/**
 * Change the outbox (and, in the same IndexedDB transaction, other records): `change`
 * gets the current ops and returns the new ones plus any other writes.
 */
export function updateOutbox<T>(
  change: (ops: Op[]) => Promise<{ ops: Op[]; writes?: Write[]; result: T }>,
): Promise<T> {
  return exclusive(async () => {
    const ops = await outbox();
    const next = await change(ops);
    const box = await vault.sealed(OUTBOX, 'outbox', { ops: next.ops } satisfies Outbox);
    await vault.commit([box, ...(next.writes ?? [])], counts(next.ops));
    return next.result;
  });
}

export type NewOp =
  | Omit<NoteOp, 'id' | 'createdAt' | 'state' | 'attempts'>
  | Omit<CompleteOp, 'id' | 'createdAt' | 'state' | 'attempts'>
  | Omit<ContactOp, 'id' | 'createdAt' | 'state' | 'attempts'>;

/** Queue a change; it shows at once and is sent when there is a connection. */
export async function enqueue(op: NewOp): Promise<Op> {
  const full = {
    ...op,
    id: crypto.randomUUID(),
    createdAt: new Date().toISOString(),
    state: 'pending',
    attempts: 0,
  } as Op;
  await updateOutbox(async (ops) => {
    const writes = op.kind === 'note' ? [await vault.removal(OUTBOX, draftName(op.caseId))] : [];
    return { ops: [...ops, full], writes, result: null };
  });
  return full;
}

export function replaceOp(op: Op): Promise<void> {
  return updateOutbox(async (ops) => ({ ops: ops.map((o) => (o.id === op.id ? op : o)), result: undefined }));
}

/** The caseworker chose to drop a change (after seeing it): never done by a timer. */
export function discardOp(id: string): Promise<void> {
  return updateOutbox(async (ops) => ({ ops: ops.filter((o) => o.id !== id), result: undefined }));
}

// ---------------------------------------------------------------- drafts

export function getDraft(caseId: string): Promise<Draft | undefined> {
  return vault.read<Draft>(OUTBOX, draftName(caseId));
}

export async function saveDraft(caseId: string, draft: Draft): Promise<void> {
  const empty = !draft.title.trim() && !draft.body.trim();
  const w = empty ? await vault.removal(OUTBOX, draftName(caseId)) : await vault.sealed(OUTBOX, draftName(caseId), draft);
  await vault.commit([w]);
}

// ---------------------------------------------------------------- what the case looks like now

export type Pending = {
  notes: NoteOp[];
  completes: Map<string, CompleteOp>;
  contacts: Map<string, ContactOp>;
};

/** The case's queued changes, to show on top of what was downloaded. */
export function pendingFor(ops: Op[], caseId: string): Pending {
  const mine = ops.filter((o) => o.caseId === caseId);
  const completes = new Map<string, CompleteOp>();
  const contacts = new Map<string, ContactOp>();
  for (const o of mine) {
    if (o.kind === 'complete') completes.set(o.activityId, o);
    if (o.kind === 'contact') contacts.set(o.memberId, o);
  }
  return { notes: mine.filter((o): o is NoteOp => o.kind === 'note'), completes, contacts };
}

// ---------------------------------------------------------------- after a successful send

function applyOne(stored: OfflineCase, op: Op, answer: unknown, author: string): OfflineCase {
  if (op.kind === 'note') {
    const id = (answer as { id?: number } | undefined)?.id;
    if (typeof id !== 'number' || stored.journal.some((e) => e.id === id)) return stored;
    const entry: JournalEntry = {
      id,
      at: new Date().toISOString(),
      author,
      kind: 'notat',
      title: op.title,
      body: op.body,
      corrects_id: null,
    };
    return { ...stored, journal: [entry, ...stored.journal], journal_total: stored.journal_total + 1 };
  }
  if (op.kind === 'complete') {
    return { ...stored, activities: stored.activities.filter((a) => a.id !== op.activityId) };
  }
  const member = answer as Member | undefined;
  if (!member || typeof member !== 'object' || !('id' in member)) return stored;
  return { ...stored, network: stored.network.map((m) => (m.id === member.id ? member : m)) };
}

/**
 * Apply changes the server accepted to the stored cases (each case read and written once),
 * as writes for the outbox's transaction.
 */
export async function appliedMany(done: { op: Op; answer: unknown }[], author: string): Promise<Write[]> {
  const byCase = new Map<string, { op: Op; answer: unknown }[]>();
  for (const d of done) byCase.set(d.op.caseId, [...(byCase.get(d.op.caseId) ?? []), d]);
  const writes: Write[] = [];
  for (const [caseId, items] of byCase) {
    const stored = await getCase(caseId);
    if (!stored) continue;
    let next = stored;
    for (const { op, answer } of items) next = applyOne(next, op, answer, author);
    writes.push(await vault.sealed(RECORDS, caseName(caseId), next));
  }
  return writes;
}

/** Keep the server's version of a network member (the caseworker chose it in a conflict). */
export async function keepServerMember(op: ContactOp): Promise<Write[]> {
  const stored = await getCase(op.caseId);
  const current = op.conflict?.current;
  if (!stored || !current) return [];
  const next: OfflineCase = {
    ...stored,
    network: stored.network.map((m) =>
      m.id === op.memberId
        ? {
            ...m,
            phone: current.phone ?? null,
            email: current.email ?? null,
            version: op.conflict?.currentVersion ?? m.version,
          }
        : m,
    ),
  };
  return [await vault.sealed(RECORDS, caseName(op.caseId), next)];
}

/** Drop an activity that turned out to be done already (conflict resolved that way). */
export async function dropActivity(caseId: string, activityId: string): Promise<Write[]> {
  const stored = await getCase(caseId);
  if (!stored) return [];
  const next = { ...stored, activities: stored.activities.filter((a) => a.id !== activityId) };
  return [await vault.sealed(RECORDS, caseName(caseId), next)];
}
