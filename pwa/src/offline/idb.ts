// A minimal promise wrapper around IndexedDB for the offline vault (no dependency).
//
// One database, three object stores, all with out-of-line keys:
//   meta     – the wrapped keys and the device's non-personal bookkeeping (plain values)
//   records  – what was downloaded (worklist, cases): {iv, ct} encrypted values
//   outbox   – what was written offline and not yet sent, and unsaved drafts: {iv, ct}
// Keys of `records` and `outbox` are HMACs (see crypto.ts): no personal data in any key,
// and there are no indexes at all.

export const DB_NAME = 'trekant-offline';
const VERSION = 1;
export const META = 'meta';
export const RECORDS = 'records';
export const OUTBOX = 'outbox';
export type StoreName = typeof META | typeof RECORDS | typeof OUTBOX;

let opening: Promise<IDBDatabase> | null = null;
let mayCreate = false;

/** Only setting up the vault creates the database; a late read after a wipe must not. */
export function allowCreate(): void {
  mayCreate = true;
}

export class NoDatabase extends Error {
  constructor() {
    super('Der er ingen offline-data på enheden');
    this.name = 'NoDatabase';
  }
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB-fejl'));
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB-transaktionen blev afbrudt'));
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB-fejl'));
  });
}

/** Whether the offline database exists, without creating it (where the browser can tell). */
export async function dbExists(): Promise<boolean> {
  if (typeof indexedDB === 'undefined') return false;
  if (typeof indexedDB.databases === 'function') {
    try {
      const list = await indexedDB.databases();
      return list.some((d) => d.name === DB_NAME);
    } catch {
      // fall through: open it (creates an empty database, which holds nothing)
    }
  }
  return true;
}

export function openDb(): Promise<IDBDatabase> {
  if (!opening) {
    opening = new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open(DB_NAME, VERSION);
      req.onupgradeneeded = (event) => {
        if (event.oldVersion === 0 && !mayCreate) {
          req.transaction?.abort(); // aborting the creation leaves no database behind
          return;
        }
        const db = req.result;
        for (const name of [META, RECORDS, OUTBOX]) {
          if (!db.objectStoreNames.contains(name)) db.createObjectStore(name);
        }
      };
      req.onsuccess = () => {
        const db = req.result;
        // Another tab wipes (deletes the database): let it.
        db.onversionchange = () => {
          db.close();
          opening = null;
        };
        db.onclose = () => {
          opening = null;
        };
        resolve(db);
      };
      req.onerror = () => {
        opening = null;
        reject(req.error?.name === 'AbortError' ? new NoDatabase() : (req.error ?? new Error('IndexedDB kunne ikke åbnes')));
      };
    });
  }
  return opening;
}

export async function get<T>(store: StoreName, key: string): Promise<T | undefined> {
  const db = await openDb();
  return (await request(db.transaction(store, 'readonly').objectStore(store).get(key))) as T | undefined;
}

export type Write = { store: StoreName; key: string; value?: unknown; remove?: boolean };

/** Several puts and deletes in one transaction: all happen or none. */
export async function write(writes: Write[]): Promise<void> {
  if (writes.length === 0) return;
  const db = await openDb();
  const stores = [...new Set(writes.map((w) => w.store))];
  const tx = db.transaction(stores, 'readwrite');
  for (const w of writes) {
    const s = tx.objectStore(w.store);
    if (w.remove) s.delete(w.key);
    else s.put(w.value, w.key);
  }
  await done(tx);
}

export async function clear(store: StoreName): Promise<void> {
  const db = await openDb();
  const tx = db.transaction(store, 'readwrite');
  tx.objectStore(store).clear();
  await done(tx);
}

/** Delete the whole database. Other tabs close their connection on `versionchange`. */
export async function deleteDb(): Promise<void> {
  mayCreate = false;
  if (opening) {
    try {
      (await opening).close();
    } catch {
      // not open
    }
    opening = null;
  }
  await new Promise<void>((resolve, reject) => {
    const req = indexedDB.deleteDatabase(DB_NAME);
    req.onsuccess = () => resolve();
    req.onerror = () => reject(req.error ?? new Error('IndexedDB kunne ikke slettes'));
    // `blocked`: another tab still holds it; it closes on versionchange and success follows.
  });
}

/** Everything stored, for tests and the "what is on this device" view: store -> keys. */
export async function keys(store: StoreName): Promise<string[]> {
  const db = await openDb();
  const all = await request(db.transaction(store, 'readonly').objectStore(store).getAllKeys());
  return all.map(String);
}
