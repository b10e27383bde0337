// WebCrypto for the offline vault.
//
// Two random keys protect what is stored: an AES-GCM-256 data key (every value, with a
// fresh 96-bit IV, the record's id as additional data so records cannot be swapped) and an
// HMAC-SHA-256 key that turns logical names ("case:<id>") into opaque record ids. Both are
// wrapped (AES-KW) by a key-encryption key derived from the caseworker's passphrase with
// PBKDF2-SHA-256 (600,000 iterations, random 128-bit salt) - and, where the device has
// WebAuthn PRF, by a second key from the authenticator (prf.ts). Unwrapped keys live only
// in memory and are not extractable.

export const PBKDF2_ITERATIONS = 600_000;
export const MIN_PASSPHRASE = 10;

const enc = new TextEncoder();
const dec = new TextDecoder();

export type Keys = { data: CryptoKey; mac: CryptoKey };
export type WrappedKeys = { data: ArrayBuffer; mac: ArrayBuffer };
export type Sealed = { iv: Uint8Array<ArrayBuffer>; ct: ArrayBuffer };

export function randomBytes(n: number): Uint8Array<ArrayBuffer> {
  return crypto.getRandomValues(new Uint8Array(new ArrayBuffer(n)));
}

export function randomId(): string {
  return crypto.randomUUID();
}

/** The key-encryption key from a passphrase (NFC-normalised, so the same text always works). */
export async function passphraseKek(
  passphrase: string,
  salt: Uint8Array<ArrayBuffer>,
  iterations: number,
): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey('raw', enc.encode(passphrase.normalize('NFC')), 'PBKDF2', false, [
    'deriveKey',
  ]);
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt, iterations },
    base,
    { name: 'AES-KW', length: 256 },
    false,
    ['wrapKey', 'unwrapKey'],
  );
}

/** A key-encryption key from 32 bytes of secret input (WebAuthn PRF output), via HKDF. */
export async function secretKek(secret: ArrayBuffer, salt: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey('raw', secret, 'HKDF', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt, info: enc.encode('trekant-offline-kek') },
    base,
    { name: 'AES-KW', length: 256 },
    false,
    ['wrapKey', 'unwrapKey'],
  );
}

/** Fresh keys, extractable only so they can be wrapped once. */
export async function newKeys(): Promise<Keys> {
  const data = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, true, ['encrypt', 'decrypt']);
  const mac = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256', length: 256 }, true, ['sign']);
  return { data, mac };
}

export async function wrapKeys(keys: Keys, kek: CryptoKey): Promise<WrappedKeys> {
  return {
    data: await crypto.subtle.wrapKey('raw', keys.data, kek, 'AES-KW'),
    mac: await crypto.subtle.wrapKey('raw', keys.mac, kek, 'AES-KW'),
  };
}

/** Unwrap; throws (OperationError) when the key-encryption key is wrong (AES-KW checks it). */
export async function unwrapKeys(wrapped: WrappedKeys, kek: CryptoKey, extractable = false): Promise<Keys> {
  const data = await crypto.subtle.unwrapKey(
    'raw',
    wrapped.data,
    kek,
    'AES-KW',
    { name: 'AES-GCM', length: 256 },
    extractable,
    ['encrypt', 'decrypt'],
  );
  const mac = await crypto.subtle.unwrapKey(
    'raw',
    wrapped.mac,
    kek,
    'AES-KW',
    { name: 'HMAC', hash: 'SHA-256', length: 256 },
    extractable,
    ['sign'],
  );
  return { data, mac };
}

function b64url(bytes: ArrayBuffer): string {
  let s = '';
  for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The opaque id of a logical record name: HMAC-SHA-256, 128 bits, base64url. */
export async function recordId(mac: CryptoKey, name: string): Promise<string> {
  const sig = await crypto.subtle.sign('HMAC', mac, enc.encode(`trekant-offline:${name}`));
  return b64url(sig.slice(0, 16));
}

export async function seal(key: CryptoKey, id: string, value: unknown): Promise<Sealed> {
  const iv = randomBytes(12);
  const ct = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: enc.encode(id) },
    key,
    enc.encode(JSON.stringify(value)),
  );
  return { iv, ct };
}

export async function unseal<T>(key: CryptoKey, id: string, sealed: Sealed): Promise<T> {
  const plain = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: sealed.iv, additionalData: enc.encode(id) },
    key,
    sealed.ct,
  );
  return JSON.parse(dec.decode(plain)) as T;
}
