// WebAuthn PRF: unlock the offline data with the device's own screen lock (fingerprint,
// face, PIN) where the platform authenticator offers the PRF extension. The authenticator
// returns the same 32 secret bytes for our salt each time (HMAC inside the authenticator,
// after user verification); HKDF turns them into a second key-encryption key that wraps
// the same data keys as the passphrase does. The passphrase stays the fallback.
//
// WebAuthn needs a domain name: on an IP address (http://127.0.0.1) it is not offered.

import { randomBytes, secretKek } from './crypto';
import * as vault from './vault';

type PrfOutput = { enabled?: boolean; results?: { first?: ArrayBuffer | ArrayBufferView } };

function prfOf(credential: Credential | null): PrfOutput | undefined {
  if (!credential || !('getClientExtensionResults' in credential)) return undefined;
  const results = (credential as PublicKeyCredential).getClientExtensionResults() as { prf?: PrfOutput };
  return results.prf;
}

function bytes(value: ArrayBuffer | ArrayBufferView | undefined): ArrayBuffer | undefined {
  if (!value) return undefined;
  if (value instanceof ArrayBuffer) return value;
  return new Uint8Array(value.buffer, value.byteOffset, value.byteLength).slice().buffer;
}

/** Could this page use WebAuthn at all (secure context, a domain name, the API)? */
export function prfPossible(): boolean {
  return (
    typeof window !== 'undefined' &&
    window.isSecureContext &&
    typeof PublicKeyCredential !== 'undefined' &&
    !!navigator.credentials &&
    !/^(\d+\.){3}\d+$|^\[/.test(window.location.hostname)
  );
}

/** Does the device have a platform authenticator that may offer PRF? */
export async function prfAvailable(): Promise<boolean> {
  if (!prfPossible()) return false;
  try {
    const pkc = PublicKeyCredential as unknown as {
      getClientCapabilities?: () => Promise<Record<string, boolean>>;
    };
    const caps = pkc.getClientCapabilities ? await pkc.getClientCapabilities() : undefined;
    if (caps && caps['extension:prf'] === false) return false;
    return await PublicKeyCredential.isUserVerifyingPlatformAuthenticatorAvailable();
  } catch {
    return false;
  }
}

async function evaluate(credentialId: ArrayBuffer, salt: Uint8Array<ArrayBuffer>): Promise<ArrayBuffer | undefined> {
  const assertion = await navigator.credentials.get({
    publicKey: {
      challenge: randomBytes(32),
      rpId: window.location.hostname,
      allowCredentials: [{ type: 'public-key', id: credentialId }],
      userVerification: 'required',
      timeout: 60_000,
      extensions: { prf: { eval: { first: salt } } } as AuthenticationExtensionsClientInputs,
    },
  });
  return bytes(prfOf(assertion)?.results?.first);
}

/**
 * Turn on unlocking with the screen lock: a new platform credential with PRF, and a second
 * wrapping of the data keys. Needs the passphrase once more. False: not offered here.
 */
export async function enroll(passphrase: string): Promise<boolean> {
  const salt = randomBytes(32);
  const credential = await navigator.credentials.create({
    publicKey: {
      rp: { name: 'Trekant', id: window.location.hostname },
      user: { id: randomBytes(16), name: 'trekant-offline', displayName: 'Trekant offline-data' },
      challenge: randomBytes(32),
      pubKeyCredParams: [
        { type: 'public-key', alg: -7 },
        { type: 'public-key', alg: -257 },
      ],
      authenticatorSelection: {
        authenticatorAttachment: 'platform',
        userVerification: 'required',
        residentKey: 'discouraged',
      },
      timeout: 60_000,
      extensions: { prf: { eval: { first: salt } } } as AuthenticationExtensionsClientInputs,
    },
  });
  const prf = prfOf(credential);
  if (!credential || !prf?.enabled) return false;
  const id = (credential as PublicKeyCredential).rawId;
  const secret = bytes(prf.results?.first) ?? (await evaluate(id, salt));
  if (!secret) return false;
  return vault.addPrf(passphrase, { credentialId: id, salt }, await secretKek(secret, salt));
}

/** Unlock with the screen lock. False: cancelled, or the authenticator gave no PRF. */
export async function unlockWithDevice(): Promise<boolean> {
  const meta = await vault.prfMeta();
  if (!meta) return false;
  const secret = await evaluate(meta.credentialId, meta.salt);
  if (!secret) return false;
  return vault.unlockWith(await secretKek(secret, meta.salt));
}
