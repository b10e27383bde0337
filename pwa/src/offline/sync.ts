// Talking to the server: register the device, download the cases ("Gem til hjemmebesøg"),
// send the outbox, ask whether to wipe. Sync runs on `online`, on returning to the app, at
// start (after unlock), on "Synkronisér nu", on the service worker's Background Sync
// message and on a back-off timer while something waits - never dropping anything.

import { api, NETWORK_ERROR, setCsrfToken, type SessionRead } from '../api/client';
import { RECORDS, type Write } from './idb';
import * as store from './store';
import * as vault from './vault';

const CHUNK = 10;
const PARALLEL_DOWNLOADS = 2;
const LANES = 4;
const REFRESH_AFTER_MS = 10 * 60 * 1000;

type SessionCheck =
  | { state: 'ok'; session: SessionRead }
  | { state: 'login' }
  | { state: 'offline' }
  | { state: 'error'; message: string };

function detail(error: unknown, fallback: string): string {
  if (error && typeof error === 'object' && 'detail' in error) {
    const d = (error as { detail: unknown }).detail;
    if (typeof d === 'string' && d) return d;
  }
  return fallback;
}

function extra(error: unknown): Record<string, unknown> {
  if (error && typeof error === 'object' && 'extra' in error) {
    const e = (error as { extra: unknown }).extra;
    if (e && typeof e === 'object' && !Array.isArray(e)) return e as Record<string, unknown>;
  }
  return {};
}

export async function checkSession(): Promise<SessionCheck> {
  try {
    const { data, error, response } = await api.GET('/api/session');
    if (response.ok && data) {
      setCsrfToken(data.csrf_token);
      vault.emitSync({ offline: false, needsLogin: false });
      return { state: 'ok', session: data };
    }
    if (response.status === 401) {
      vault.emitSync({ offline: false, needsLogin: true });
      return { state: 'login' };
    }
    return { state: 'error', message: detail(error, `Serveren svarede ${response.status}`) };
  } catch {
    vault.emitSync({ offline: true });
    return { state: 'offline' };
  }
}

// Downloads and sends never overlap: a download that read a case before a change was
// applied would otherwise store the older copy over the newer one.
let net: Promise<unknown> = Promise.resolve();

function oneAtATime<T>(fn: () => Promise<T>): Promise<T> {
  const next = net.then(fn, fn);
  net = next.catch(() => undefined);
  return next;
}

// ---------------------------------------------------------------- the device

function label(): string {
  const ua = navigator.userAgent;
  const browser = /Edg\//.test(ua) ? 'Edge' : /Chrom/.test(ua) ? 'Chrome' : /Firefox/.test(ua) ? 'Firefox' : /Safari/.test(ua) ? 'Safari' : 'Browser';
  const os = /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iOS' : /Windows/.test(ua) ? 'Windows' : /Mac OS/.test(ua) ? 'macOS' : /Linux/.test(ua) ? 'Linux' : '';
  return os ? `${browser} på ${os}` : browser;
}

/**
 * Is this device still allowed to hold offline data? With a session the server also checks
 * that the data belong to the logged-in user (a user switch wipes); without one the device
 * asks with its own token. Wipes when told to; any other answer keeps the data.
 */
export async function checkDevice(withSession: boolean): Promise<'ok' | 'wiped' | 'unknown'> {
  const device = vault.getSnapshot().device;
  if (!device) return 'unknown';
  try {
    const { data, response } = withSession
      ? await api.GET('/api/offline/enheder/{unit_id}/status', {
          params: { path: { unit_id: device.deviceId } },
        })
      : await api.POST('/api/offline/enhedsstatus', { body: { token: device.deviceToken } });
    if (!response.ok || !data) return 'unknown';
    if (data.wipe) {
      await vault.wipe(data.reason ?? 'Enheden er spærret i Trekant.');
      return 'wiped';
    }
    await vault.contact(data.max_offline_days);
    return 'ok';
  } catch {
    return 'unknown';
  }
}

/** First "Gem til hjemmebesøg": register the device with the server, then create the vault. */
export async function prepare(passphrase: string): Promise<void> {
  const s = await checkSession();
  if (s.state !== 'ok') throw new Error(s.state === 'offline' ? NETWORK_ERROR : 'Log ind for at gemme sager til hjemmebesøg.');
  const { data, error, response } = await api.POST('/api/offline/enheder', { body: { label: label() } });
  if (!response.ok || !data) throw new Error(detail(error, 'Enheden kunne ikke registreres.'));
  await vault.setup(passphrase, {
    deviceId: data.device_id,
    deviceToken: data.device_token,
    maxOfflineDays: data.max_offline_days,
    lastContactAt: new Date().toISOString(),
    savedAt: null,
    cases: 0,
    bytes: 0,
    pending: 0,
    conflicts: 0,
    expiredAt: null,
  });
}

// ---------------------------------------------------------------- download

let downloading: Promise<void> | null = null;

/** Download (or refresh) the worklist and its cases; progress in the vault's snapshot. */
export function download(): Promise<void> {
  if (!downloading) downloading = oneAtATime(doDownload).finally(() => (downloading = null));
  return downloading;
}

async function doDownload(): Promise<void> {
  const device = vault.getSnapshot().device;
  if (!device || !vault.isUnlocked()) throw new vault.Locked();
  const progress: vault.Download = { running: true, done: 0, total: 0, bytes: 0, estimate: 0 };
  const show = (patch: Partial<vault.Download>) => {
    Object.assign(progress, patch);
    vault.emit({ download: { ...progress } });
  };
  show({});
  try {
    const s = await checkSession();
    if (s.state === 'offline') throw new Error(NETWORK_ERROR);
    if (s.state !== 'ok') throw new Error('Log ind for at hente sagerne.');
    const path = { unit_id: device.deviceId };
    const m = await api.GET('/api/offline/enheder/{unit_id}/manifest', { params: { path }, parseAs: 'text' });
    if (m.response.status === 410) {
      const why = detail(safeJson(m.error), 'Enheden er spærret i Trekant.');
      await vault.wipe(why);
      throw new Error(why);
    }
    if (!m.response.ok || typeof m.data !== 'string') throw new Error(detail(safeJson(m.error), 'Arbejdslisten kunne ikke hentes.'));
    const manifest = JSON.parse(m.data) as store.Manifest;
    const ids = manifest.cases.map((c) => c.hovedsag_id);
    show({ total: ids.length, estimate: manifest.estimated_bytes, bytes: m.data.length });
    const previous = (await store.getManifest())?.cases.map((c) => c.hovedsag_id) ?? [];
    const missing = new Set<string>();
    const chunks: string[][] = [];
    for (let i = 0; i < ids.length; i += CHUNK) chunks.push(ids.slice(i, i + CHUNK));
    let next = 0;
    const worker = async () => {
      while (next < chunks.length) {
        const chunk = chunks[next++] ?? [];
        const r = await api.GET('/api/offline/enheder/{unit_id}/cases', {
          params: { path, query: { ids: chunk.join(',') } },
          parseAs: 'text',
        });
        if (!r.response.ok || typeof r.data !== 'string') throw new Error(detail(safeJson(r.error), 'Sagerne kunne ikke hentes.'));
        const body = JSON.parse(r.data) as { cases: store.OfflineCase[]; missing: string[] };
        const writes: Write[] = [];
        for (const c of body.cases) writes.push(await vault.sealed(RECORDS, store.caseName(c.hovedsag_id), c));
        for (const id of body.missing) {
          missing.add(id);
          writes.push(await vault.removal(RECORDS, store.caseName(id)));
        }
        await vault.commit(writes);
        show({ done: progress.done + chunk.length, bytes: progress.bytes + new Blob([r.data]).size });
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL_DOWNLOADS, chunks.length) }, worker));
    const kept = new Set(ids.filter((id) => !missing.has(id)));
    const gone = await Promise.all(
      previous.filter((id) => !kept.has(id)).map((id) => vault.removal(RECORDS, store.caseName(id))),
    );
    const finalManifest = { ...manifest, cases: manifest.cases.filter((c) => kept.has(c.hovedsag_id)) };
    const now = new Date().toISOString();
    await vault.commit([await vault.sealed(RECORDS, 'manifest', finalManifest), ...gone], {
      savedAt: now,
      lastContactAt: now,
      cases: kept.size,
      bytes: progress.bytes,
      maxOfflineDays: manifest.max_offline_days,
      expiredAt: null,
    });
    show({ running: false, finishedAt: now });
  } catch (err) {
    show({ running: false, error: err instanceof Error ? err.message : 'Hentningen mislykkedes.' });
    throw err;
  }
}

function safeJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------- sending the outbox

type Outcome =
  | { kind: 'done'; data: unknown }
  | { kind: 'conflict'; info: store.ConflictInfo }
  | { kind: 'failed'; message: string; status: number }
  | { kind: 'retry'; message: string; offline: boolean }
  | { kind: 'login' };

async function send(op: store.Op): Promise<Outcome> {
  const headers = { 'Idempotency-Key': op.id };
  let result: { data?: unknown; error?: unknown; response: Response };
  try {
    if (op.kind === 'note') {
      result = await api.POST('/api/cases/{case_id}/journal', {
        params: { path: { case_id: op.caseId } },
        body: { title: op.title, body: op.body, corrects_id: null, written_at: op.createdAt },
        headers,
      });
    } else if (op.kind === 'complete') {
      result = await api.POST('/api/activities/{activity_id}/complete', {
        params: { path: { activity_id: op.activityId } },
        body: { version: op.version, record: op.record ?? null },
        headers,
      });
    } else {
      result = await api.POST('/api/network/{member_id}/contact', {
        params: { path: { member_id: op.memberId } },
        body: { version: op.version, phone: op.phone, email: op.email },
        headers,
      });
    }
  } catch {
    return { kind: 'retry', message: NETWORK_ERROR, offline: true };
  }
  const { data, error, response } = result;
  const status = response.status;
  if (response.ok) return { kind: 'done', data };
  if (status === 401) return { kind: 'login' };
  const message = detail(error, `Serveren svarede ${status}`);
  if (status === 409) {
    const x = extra(error);
    return {
      kind: 'conflict',
      info: {
        message,
        status,
        changedBy: typeof x.changed_by_name === 'string' ? x.changed_by_name : null,
        changedAt: typeof x.changed_at === 'string' ? x.changed_at : null,
        current: x.current && typeof x.current === 'object' ? (x.current as Record<string, string | null>) : undefined,
        currentVersion: typeof x.current_version === 'number' ? x.current_version : undefined,
      },
    };
  }
  if (status === 408 || status === 429 || status >= 500) return { kind: 'retry', message, offline: false };
  return { kind: 'failed', message, status };
}

let syncing: Promise<void> | null = null;
let again = false;
let retryTimer: number | undefined;
let failures = 0;

/** Send what waits in the outbox (one run at a time; a call during a run runs once more). */
export function syncNow(): Promise<void> {
  if (syncing) {
    again = true;
    return syncing;
  }
  syncing = (async () => {
    do {
      again = false;
      try {
        await oneAtATime(runSync);
      } catch (err) {
        // Locked or wiped meanwhile, or storage trouble: nothing is lost, the outbox waits.
        vault.emitSync({ running: false, lastError: err instanceof Error ? err.message : 'Synkroniseringen stoppede.' });
      }
    } while (again);
  })().finally(() => (syncing = null));
  return syncing;
}

function scheduleRetry(): void {
  window.clearTimeout(retryTimer);
  failures += 1;
  const delay = Math.min(5 * 60_000, 2_000 * 2 ** Math.min(failures, 8));
  retryTimer = window.setTimeout(() => void syncNow(), delay);
}

async function runSync(): Promise<void> {
  if (!vault.isUnlocked() || !vault.getSnapshot().device) return;
  const lock = typeof navigator !== 'undefined' && navigator.locks;
  const body = async () => {
    const ops = await store.outbox();
    const s = await checkSession();
    if (s.state === 'offline') {
      if (ops.some((o) => o.state === 'pending')) scheduleRetry();
      return;
    }
    if (s.state === 'login') return; // the outbox waits for a fresh login
    if (s.state === 'error') {
      vault.emitSync({ lastError: s.message });
      scheduleRetry();
      return;
    }
    if ((await checkDevice(true)) === 'wiped') return;
    vault.emitSync({ running: true, lastError: undefined });
    let sent = 0;
    let stop: 'login' | 'retry' | null = null;
    // Accepted changes leave the outbox in batches: one encrypted write per ~25 notes
    // instead of one per note. Should the app die before a batch is written, those
    // changes are sent again with the same Idempotency-Key and the server replays them.
    const accepted: { op: store.Op; answer: unknown }[] = [];
    let flushing: Promise<void> = Promise.resolve();
    let flushedAt = Date.now();
    const flush = (): Promise<void> => {
      const items = accepted.splice(0);
      flushedAt = Date.now();
      if (items.length === 0) return flushing;
      const ids = new Set(items.map((i) => i.op.id));
      flushing = flushing
        .then(() =>
          store.updateOutbox(async (all) => ({
            ops: all.filter((o) => !ids.has(o.id)),
            writes: await store.appliedMany(items, s.session.username),
            result: undefined,
          })),
        )
        .catch((err: unknown) => console.warn('Trekant: sendte ændringer kunne ikke noteres', err));
      return flushing;
    };
    try {
      const pending = ops.filter((o) => o.state === 'pending');
      // Changes waiting on an unresolved conflict about the same record wait too.
      const blocked = new Set(ops.filter((o) => o.state !== 'pending').map(target));
      const lanes = new Map<string, store.Op[]>();
      for (const op of pending) lanes.set(op.caseId, [...(lanes.get(op.caseId) ?? []), op]);
      const queue = [...lanes.values()];
      const lane = async () => {
        for (let ops = queue.shift(); ops; ops = queue.shift()) {
          for (const op of ops) {
            if (stop) return;
            if (blocked.has(target(op))) continue;
            const outcome = await send(op);
            const tried = { attempts: op.attempts + 1, lastTriedAt: new Date().toISOString() };
            if (outcome.kind === 'done') {
              sent += 1;
              accepted.push({ op, answer: outcome.data });
              if (accepted.length >= 25 || Date.now() - flushedAt > 300) void flush();
              continue;
            }
            // Before recording anything else, record what went through.
            await flush();
            if (outcome.kind === 'conflict') {
              blocked.add(target(op));
              await store.replaceOp({ ...op, ...tried, state: 'conflict', conflict: outcome.info, lastError: outcome.info.message });
            } else if (outcome.kind === 'failed') {
              blocked.add(target(op));
              await store.replaceOp({
                ...op,
                ...tried,
                state: 'failed',
                lastError: outcome.message,
                conflict: { message: outcome.message, status: outcome.status },
              });
            } else if (outcome.kind === 'retry') {
              await store.replaceOp({ ...op, ...tried, lastError: outcome.message });
              stop = 'retry';
              if (outcome.offline) vault.emitSync({ offline: true });
              return;
            } else {
              stop = 'login';
              vault.emitSync({ needsLogin: true });
              return;
            }
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(LANES, queue.length) }, lane));
    } finally {
      await flush();
      vault.emitSync({ running: false, lastSyncAt: new Date().toISOString(), sent });
    }
    if (stop === 'retry') {
      scheduleRetry();
      return;
    }
    if (stop === 'login') return;
    failures = 0;
    await vault.contact();
    const saved = vault.getSnapshot().device?.savedAt;
    if (sent > 0 || !saved || Date.now() - Date.parse(saved) > REFRESH_AFTER_MS) {
      if (saved || vault.getSnapshot().device?.expiredAt) void download().catch(() => undefined);
    }
  };
  if (lock) await lock.request('trekant-offline-sync', { ifAvailable: true }, async (l) => (l ? body() : undefined));
  else await body();
}

function target(op: store.Op): string {
  if (op.kind === 'complete') return `activity:${op.activityId}`;
  if (op.kind === 'contact') return `member:${op.memberId}`;
  return `note:${op.id}`;
}

// ---------------------------------------------------------------- writing offline

/** Queue a change, show it at once, and send it when there is a connection. */
export async function queue(op: store.NewOp): Promise<store.Op> {
  const full = await store.enqueue(op);
  requestBackgroundSync();
  if (navigator.onLine) void syncNow();
  return full;
}

type SyncRegistration = ServiceWorkerRegistration & { sync?: { register(tag: string): Promise<void> } };

/** Where the browser has Background Sync, the worker wakes an open app when the network returns. */
function requestBackgroundSync(): void {
  if (!('serviceWorker' in navigator)) return;
  void navigator.serviceWorker.ready
    .then((r) => (r as SyncRegistration).sync?.register('trekant-outbox'))
    .catch(() => undefined);
}

// ---------------------------------------------------------------- resolving conflicts

/** "Send igen": the op goes back to pending, on the version the server has now. */
export async function retryOp(op: store.Op, version?: number): Promise<void> {
  const next = { ...op, state: 'pending', conflict: undefined, lastError: undefined } as store.Op;
  if (version !== undefined && (next.kind === 'complete' || next.kind === 'contact')) next.version = version;
  await store.replaceOp(next);
  void syncNow();
}

/**
 * "Markér som udført igen" (after a conflict, or a refusal such as "Aktiviteten er ikke
 * åben"): look the activity up on the server first. Open: send the completion again on the
 * server's version. Closed, or no longer on the case: the marking leaves the outbox (there is
 * nothing left to complete). The lookup failing (offline, 429, 5xx, …) throws a Danish
 * message and leaves the marking where it is, so it can be tried again.
 */
export async function retryCompletion(op: store.CompleteOp): Promise<'queued' | 'already-closed' | 'gone'> {
  const s = await checkSession();
  if (s.state === 'offline') throw new Error(NETWORK_ERROR);
  if (s.state !== 'ok') throw new Error('Log ind for at løse konflikten.');
  let r;
  try {
    r = await api.GET('/api/cases/{case_id}', { params: { path: { case_id: op.caseId } } });
  } catch {
    throw new Error(NETWORK_ERROR);
  }
  if (!r.response.ok || !r.data) {
    const why = detail(r.error, `Serveren svarede ${r.response.status}`);
    throw new Error(`Aktiviteten kunne ikke slås op i Trekant (${why}). Prøv igen om lidt.`);
  }
  const activity = r.data.activities.find((a) => a.id === op.activityId);
  if (!activity || activity.status !== 'open') {
    // A record written offline is never lost: it goes to the case's journal as a note.
    const note = op.record ? recordNote(op) : undefined;
    await store.updateOutbox(async (ops) => ({
      ops: note ? ops.map((o) => (o.id === op.id ? note : o)) : ops.filter((o) => o.id !== op.id),
      writes: await store.dropActivity(op.caseId, op.activityId),
      result: undefined,
    }));
    if (note) void syncNow();
    return activity ? 'already-closed' : 'gone';
  }
  await retryOp(op, activity.version);
  return 'queued';
}

/** A completion's record as a note on the case (what was written offline, as the journal reads it). */
function recordNote(op: store.CompleteOp): store.NoteOp {
  return {
    id: crypto.randomUUID(),
    kind: 'note',
    caseId: op.caseId,
    childName: op.childName,
    createdAt: op.createdAt,
    state: 'pending',
    attempts: 0,
    title: `${op.recordTitle ?? op.title} (skrevet offline)`,
    body: `${op.recordText ?? ''}\n\nSkrevet til: ${op.title}`.trim(),
  };
}

/** "Gem som notat": the record of a completion that cannot be sent becomes a note on the case. */
export async function keepRecordAsNote(op: store.CompleteOp): Promise<void> {
  const note = recordNote(op);
  await store.updateOutbox(async (ops) => ({ ops: ops.map((o) => (o.id === op.id ? note : o)), result: undefined }));
  void syncNow();
}

/** "Behold serverens": drop my correction and show the server's details. */
export async function keepServer(op: store.ContactOp): Promise<void> {
  await store.updateOutbox(async (ops) => ({
    ops: ops.filter((o) => o.id !== op.id),
    writes: await store.keepServerMember(op),
    result: undefined,
  }));
}

// ---------------------------------------------------------------- logout

/**
 * Before logging out: send what waits, warn if something could not be sent, tell the server
 * the device is done, and wipe. False: the caseworker chose to stay.
 */
export async function prepareLogout(): Promise<boolean> {
  await vault.start();
  const snap = vault.getSnapshot();
  if (snap.status === 'none' || snap.status === 'starting') return true;
  if (snap.status === 'unlocked') await syncNow().catch(() => undefined);
  const device = vault.getSnapshot().device;
  const waiting = (device?.pending ?? 0) + (device?.conflicts ?? 0);
  if (
    waiting > 0 &&
    !window.confirm(
      `${waiting === 1 ? '1 ændring' : `${waiting} ændringer`} skrevet på denne enhed er ikke sendt til Trekant og slettes, når du logger ud. Log ud alligevel?`,
    )
  ) {
    return false;
  }
  if (device) {
    await api
      .POST('/api/offline/enheder/{unit_id}/revoke', {
        params: { path: { unit_id: device.deviceId } },
        body: { reason: 'Logget ud' },
      })
      .catch(() => undefined);
  }
  await vault.wipe('Du er logget ud, og offline-data er slettet fra enheden.');
  return true;
}

// ---------------------------------------------------------------- triggers

let installed = false;

export function installTriggers(): void {
  if (installed || typeof window === 'undefined') return;
  installed = true;
  window.addEventListener('online', () => void syncNow());
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && navigator.onLine) void syncNow();
  });
  navigator.serviceWorker?.addEventListener('message', (event: MessageEvent) => {
    const data: unknown = event.data;
    if (data && typeof data === 'object' && (data as { type?: unknown }).type === 'SYNC_OUTBOX') void syncNow();
  });
  let was = vault.getSnapshot().status;
  vault.subscribe(() => {
    const now = vault.getSnapshot().status;
    if (now === 'unlocked' && was !== 'unlocked') void syncNow();
    was = now;
  });
  void vault.start().then(() => {
    if (vault.getSnapshot().device && navigator.onLine) void checkDevice(false);
  });
}


