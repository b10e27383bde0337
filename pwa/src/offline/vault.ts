// The offline vault: keys in memory, encrypted records in IndexedDB, and the state the UI
// shows (locked/unlocked, device bookkeeping, sync and download progress).
//
// Wipe = drop the keys from memory and delete the whole database. It happens on logout,
// on a user switch, when the server says the device or the user is revoked, and after
// MAX_ATTEMPTS wrong passphrases. After the kommune's maximum offline period the
// downloaded case data are deleted (the outbox of unsent changes stays encrypted and waits
// for the next login: nothing written is thrown away by a timer).

import * as c from './crypto';
import * as idb from './idb';

export const MAX_ATTEMPTS = 5;
export const AUTO_LOCK_MS = 15 * 60 * 1000;
const DAY = 24 * 60 * 60 * 1000;

export type PrfMeta = { credentialId: ArrayBuffer; salt: Uint8Array<ArrayBuffer>; wrapped: c.WrappedKeys };

type VaultMeta = {
  v: 1;
  salt: Uint8Array<ArrayBuffer>;
  iterations: number;
  wrapped: c.WrappedKeys;
  failed: number;
  createdAt: string;
  prf?: PrfMeta;
};

/** Non-personal bookkeeping, readable while locked (counts, dates, the device's id). */
export type DeviceMeta = {
  deviceId: string;
  deviceToken: string;
  maxOfflineDays: number;
  lastContactAt: string;
  savedAt: string | null;
  cases: number;
  bytes: number;
  pending: number;
  conflicts: number;
  expiredAt: string | null;
};

export type VaultStatus = 'starting' | 'none' | 'locked' | 'unlocked';

export type Download = {
  running: boolean;
  done: number;
  total: number;
  bytes: number;
  estimate: number;
  error?: string;
  finishedAt?: string;
};

export type SyncState = {
  running: boolean;
  needsLogin: boolean;
  offline: boolean;
  lastError?: string;
  lastSyncAt?: string;
  sent?: number;
};

export type Snapshot = {
  status: VaultStatus;
  device: DeviceMeta | null;
  failed: number;
  prf: boolean;
  revision: number;
  wiped: string | null;
  lockedBy: 'inaktivitet' | 'bruger' | null;
  online: boolean;
  download: Download | null;
  sync: SyncState;
};

export class Locked extends Error {
  constructor() {
    super('Offline-data er låst');
    this.name = 'Locked';
  }
}

let keys: c.Keys | null = null;
let snapshot: Snapshot = {
  status: 'starting',
  device: null,
  failed: 0,
  prf: false,
  revision: 0,
  wiped: null,
  lockedBy: null,
  online: typeof navigator === 'undefined' ? true : navigator.onLine,
  download: null,
  sync: { running: false, needsLogin: false, offline: false },
};
const listeners = new Set<() => void>();

export function getSnapshot(): Snapshot {
  return snapshot;
}

export function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function emit(patch: Partial<Snapshot>): void {
  snapshot = { ...snapshot, ...patch };
  for (const l of listeners) l();
}

export function emitSync(patch: Partial<SyncState>): void {
  emit({ sync: { ...snapshot.sync, ...patch } });
}

export function isUnlocked(): boolean {
  return keys !== null;
}

// ---------------------------------------------------------------- other tabs

type Broadcast = { type: 'wiped'; reason: string } | { type: 'changed' };
const channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel('trekant-offline');
channel?.addEventListener('message', (event: MessageEvent<Broadcast>) => {
  if (event.data?.type === 'wiped') {
    keys = null;
    emit({ status: 'none', device: null, wiped: event.data.reason, revision: snapshot.revision + 1 });
  } else if (event.data?.type === 'changed') {
    void idb.get<DeviceMeta>(idb.META, 'device').then((device) =>
      emit({ device: device ?? null, revision: snapshot.revision + 1 }),
    );
  }
});

// ---------------------------------------------------------------- start, set up, unlock

let started: Promise<void> | null = null;

/** Read the vault's state (once per page). Never creates the database. */
export function start(): Promise<void> {
  if (!started) started = load();
  return started;
}

async function load(): Promise<void> {
  try {
    if (!(await idb.dbExists())) {
      emit({ status: 'none' });
      return;
    }
    const meta = await idb.get<VaultMeta>(idb.META, 'vault');
    if (!meta) {
      await idb.deleteDb(); // an empty database left behind: nothing to keep
      emit({ status: 'none' });
      return;
    }
    const device = (await idb.get<DeviceMeta>(idb.META, 'device')) ?? null;
    emit({ status: keys ? 'unlocked' : 'locked', device, failed: meta.failed, prf: !!meta.prf });
    await checkExpiry();
  } catch (err) {
    console.warn('Trekant: offline-data kunne ikke læses', err);
    emit({ status: 'none' });
  }
}

/** Create the vault with a new passphrase (the device is registered first, see sync.ts). */
export async function setup(passphrase: string, device: DeviceMeta): Promise<void> {
  idb.allowCreate();
  const salt = c.randomBytes(16);
  const fresh = await c.newKeys();
  const kek = await c.passphraseKek(passphrase, salt, c.PBKDF2_ITERATIONS);
  const wrapped = await c.wrapKeys(fresh, kek);
  const live = await c.unwrapKeys(wrapped, kek, false); // in memory: not extractable
  const meta: VaultMeta = {
    v: 1,
    salt,
    iterations: c.PBKDF2_ITERATIONS,
    wrapped,
    failed: 0,
    createdAt: new Date().toISOString(),
  };
  await idb.write([
    { store: idb.META, key: 'vault', value: meta },
    { store: idb.META, key: 'device', value: device },
  ]);
  keys = live;
  started = Promise.resolve();
  emit({ status: 'unlocked', device, failed: 0, wiped: null, lockedBy: null, prf: false });
  touch();
}

export type UnlockResult = { ok: true } | { ok: false; remaining: number; wiped: boolean };

export async function unlock(passphrase: string): Promise<UnlockResult> {
  const meta = await idb.get<VaultMeta>(idb.META, 'vault');
  if (!meta) {
    emit({ status: 'none' });
    return { ok: false, remaining: 0, wiped: true };
  }
  const kek = await c.passphraseKek(passphrase, meta.salt, meta.iterations);
  try {
    keys = await c.unwrapKeys(meta.wrapped, kek);
  } catch {
    const failed = meta.failed + 1;
    if (failed >= MAX_ATTEMPTS) {
      await wipe(`Offline-data er slettet efter ${MAX_ATTEMPTS} forkerte adgangsfraser.`);
      return { ok: false, remaining: 0, wiped: true };
    }
    await idb.write([{ store: idb.META, key: 'vault', value: { ...meta, failed } }]);
    emit({ failed });
    return { ok: false, remaining: MAX_ATTEMPTS - failed, wiped: false };
  }
  if (meta.failed) await idb.write([{ store: idb.META, key: 'vault', value: { ...meta, failed: 0 } }]);
  emit({ status: 'unlocked', failed: 0, lockedBy: null, wiped: null });
  touch();
  await checkExpiry();
  return { ok: true };
}

/** Unlock with keys unwrapped some other way (WebAuthn PRF, prf.ts). */
export async function unlockWith(kek: CryptoKey): Promise<boolean> {
  const meta = await idb.get<VaultMeta>(idb.META, 'vault');
  if (!meta?.prf) return false;
  try {
    keys = await c.unwrapKeys(meta.prf.wrapped, kek);
  } catch {
    return false;
  }
  emit({ status: 'unlocked', failed: 0, lockedBy: null, wiped: null });
  touch();
  await checkExpiry();
  return true;
}

export async function prfMeta(): Promise<PrfMeta | undefined> {
  return (await idb.get<VaultMeta>(idb.META, 'vault'))?.prf;
}

/** Add a second wrapping of the keys (WebAuthn PRF). Needs the passphrase once more. */
export async function addPrf(passphrase: string, prf: Omit<PrfMeta, 'wrapped'>, prfKek: CryptoKey): Promise<boolean> {
  const meta = await idb.get<VaultMeta>(idb.META, 'vault');
  if (!meta) return false;
  let extractable: c.Keys;
  try {
    extractable = await c.unwrapKeys(meta.wrapped, await c.passphraseKek(passphrase, meta.salt, meta.iterations), true);
  } catch {
    return false;
  }
  const wrapped = await c.wrapKeys(extractable, prfKek);
  await idb.write([{ store: idb.META, key: 'vault', value: { ...meta, prf: { ...prf, wrapped } } }]);
  emit({ prf: true });
  return true;
}

const beforeLock = new Set<() => Promise<void>>();

/** Run before the keys are dropped (e.g. save a half-written note as an encrypted draft). */
export function onBeforeLock(hook: () => Promise<void>): () => void {
  beforeLock.add(hook);
  return () => beforeLock.delete(hook);
}

export async function lock(by: 'inaktivitet' | 'bruger' = 'bruger'): Promise<void> {
  if (!keys) return;
  const hooks = [...beforeLock].map((h) => h().catch(() => undefined));
  await Promise.race([Promise.all(hooks), new Promise((r) => setTimeout(r, 2000))]);
  keys = null;
  emit({ status: 'locked', lockedBy: by, revision: snapshot.revision + 1 });
}

/** Delete every offline datum on this device now. */
export async function wipe(reason: string): Promise<void> {
  keys = null;
  try {
    await idb.deleteDb();
  } finally {
    channel?.postMessage({ type: 'wiped', reason } satisfies Broadcast);
    emit({
      status: 'none',
      device: null,
      failed: 0,
      prf: false,
      wiped: reason,
      lockedBy: null,
      download: null,
      revision: snapshot.revision + 1,
      sync: { running: false, needsLogin: false, offline: snapshot.sync.offline },
    });
  }
}

// ---------------------------------------------------------------- records

async function idFor(name: string): Promise<string> {
  if (!keys) throw new Locked();
  return c.recordId(keys.mac, name);
}

export async function read<T>(store: typeof idb.RECORDS | typeof idb.OUTBOX, name: string): Promise<T | undefined> {
  const id = await idFor(name);
  const value = await idb.get<c.Sealed>(store, id);
  if (!value || !keys) return undefined;
  return c.unseal<T>(keys.data, id, value);
}

export async function sealed(store: typeof idb.RECORDS | typeof idb.OUTBOX, name: string, value: unknown): Promise<idb.Write> {
  const id = await idFor(name);
  if (!keys) throw new Locked();
  return { store, key: id, value: await c.seal(keys.data, id, value) };
}

export async function removal(store: typeof idb.RECORDS | typeof idb.OUTBOX, name: string): Promise<idb.Write> {
  return { store, key: await idFor(name), remove: true };
}

/** Write records and (optionally) change the device bookkeeping, in one transaction. */
export async function commit(writes: idb.Write[], device?: Partial<DeviceMeta>): Promise<void> {
  if (snapshot.status === 'none') return; // wiped meanwhile: write nothing
  let next = snapshot.device;
  if (device) {
    const current = (await idb.get<DeviceMeta>(idb.META, 'device')) ?? snapshot.device;
    if (current) {
      next = { ...current, ...device };
      writes = [...writes, { store: idb.META, key: 'device', value: next }];
    }
  }
  await idb.write(writes);
  channel?.postMessage({ type: 'changed' } satisfies Broadcast);
  emit({ device: next, revision: snapshot.revision + 1 });
}

export async function updateDevice(device: Partial<DeviceMeta>): Promise<void> {
  await commit([], device);
}

/** The server answered: the device is in contact (the offline period starts again). */
export async function contact(maxOfflineDays?: number | null): Promise<void> {
  if (!snapshot.device) return;
  await updateDevice({
    lastContactAt: new Date().toISOString(),
    ...(maxOfflineDays ? { maxOfflineDays } : {}),
  });
}

/** After the maximum offline period: delete the downloaded case data (keep the outbox). */
export async function checkExpiry(): Promise<void> {
  const d = snapshot.device;
  if (!d || d.expiredAt || !d.savedAt) return;
  if (Date.now() - Date.parse(d.lastContactAt) <= d.maxOfflineDays * DAY) return;
  await idb.clear(idb.RECORDS);
  await updateDevice({ expiredAt: new Date().toISOString(), savedAt: null, cases: 0, bytes: 0 });
}

// ---------------------------------------------------------------- auto-lock

let lastActivity = Date.now();

function touch(): void {
  lastActivity = Date.now();
}

if (typeof window !== 'undefined') {
  for (const event of ['pointerdown', 'keydown', 'touchstart', 'wheel']) {
    window.addEventListener(event, touch, { capture: true, passive: true });
  }
  const check = () => {
    if (keys && Date.now() - lastActivity > AUTO_LOCK_MS) void lock('inaktivitet');
    void checkExpiry().catch(() => undefined);
  };
  window.setInterval(check, 15_000);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') check();
  });
  window.addEventListener('online', () => emit({ online: true }));
  window.addEventListener('offline', () => emit({ online: false }));
}
