// Signing keys and cookie keys, persisted next to the config file so that restarts
// keep issued tokens verifiable. Development only: the file holds private keys in
// plain JSON (mode 0600).

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { calculateJwkThumbprint } from 'jose';

/** How many signing keys a realm keeps after a rotation (newest first). */
export const MAX_KEYS_PER_REALM = 3;

export async function newSigningKey() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' });
  const kid = await calculateJwkThumbprint(
    { kty: jwk.kty, n: jwk.n, e: jwk.e },
    'sha256',
  );
  return { ...jwk, kid, alg: 'RS256', use: 'sig' };
}

export function keysPathFor(configPath, override) {
  if (override) return override;
  return `${configPath.replace(/\.json$/i, '')}.keys.json`;
}

function readKeyFile(path) {
  if (!existsSync(path)) return { realms: {} };
  let data;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`key file ${path} is not valid JSON: ${err.message}`);
  }
  if (!data || typeof data !== 'object') throw new Error(`key file ${path} is malformed`);
  data.realms ??= {};
  return data;
}

export function writeKeyFile(path, data) {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}

/**
 * Loads (or creates) the key file. Returns { data, changed } where data is
 * { cookie_keys: [...], realms: { <id>: { keys: [jwk, ...] } } }.
 */
export async function loadOrCreateKeys(path, realmIds) {
  const data = readKeyFile(path);
  let changed = false;
  if (!Array.isArray(data.cookie_keys) || data.cookie_keys.length === 0) {
    data.cookie_keys = [randomBytes(32).toString('base64url')];
    changed = true;
  }
  for (const id of realmIds) {
    const entry = data.realms[id];
    if (!entry || !Array.isArray(entry.keys) || entry.keys.length === 0) {
      data.realms[id] = { keys: [await newSigningKey()] };
      changed = true;
    }
  }
  if (changed || !existsSync(path)) writeKeyFile(path, data);
  return data;
}
