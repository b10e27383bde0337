// Reads and validates the IdP config file (see README.md for the format).

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

const REALM_ID = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

class ConfigError extends Error {}

function fail(msg) {
  throw new ConfigError(msg);
}

function strList(value, where) {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || !v)) {
    fail(`${where} must be a list of non-empty strings`);
  }
  return value;
}

function str(value, where, { optional = false } = {}) {
  if (value === undefined && optional) return undefined;
  if (typeof value !== 'string' || !value) fail(`${where} must be a non-empty string`);
  return value;
}

export function configPathFromArgs(argv, env) {
  const i = argv.indexOf('--config');
  if (i !== -1) {
    if (!argv[i + 1]) fail('--config needs a path');
    return resolve(argv[i + 1]);
  }
  const eq = argv.find((a) => a.startsWith('--config='));
  if (eq) return resolve(eq.slice('--config='.length));
  if (env.IDP_CONFIG) return resolve(env.IDP_CONFIG);
  fail('no config: pass --config /path/to/config.json or set IDP_CONFIG');
}

export function loadConfig(path) {
  let raw;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    fail(`cannot read config ${path}: ${err.message}`);
  }
  if (!raw || typeof raw !== 'object') fail('config must be a JSON object');

  const port = raw.port ?? 8010;
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail('port must be an integer 0-65535 (0 = any free port)');
  const host = str(raw.host ?? '127.0.0.1', 'host');

  if (!Array.isArray(raw.realms) || raw.realms.length === 0) fail('realms must be a non-empty list');
  const seen = new Set();
  const realms = raw.realms.map((r, ri) => {
    const where = `realms[${ri}]`;
    const id = str(r?.id, `${where}.id`);
    if (!REALM_ID.test(id)) fail(`${where}.id "${id}" may only contain letters, digits, "-" and "_"`);
    if (id === '__dev') fail(`${where}.id "__dev" is reserved`);
    if (seen.has(id)) fail(`duplicate realm id "${id}"`);
    seen.add(id);
    const name = str(r.name ?? id, `${where}.name`);

    if (!Array.isArray(r.clients) || r.clients.length === 0) fail(`${where}.clients must be a non-empty list`);
    const clientIds = new Set();
    const clients = r.clients.map((c, ci) => {
      const cw = `${where}.clients[${ci}]`;
      const client = {
        client_id: str(c?.client_id, `${cw}.client_id`),
        client_secret: str(c.client_secret, `${cw}.client_secret`),
        client_name: str(c.client_name, `${cw}.client_name`, { optional: true }),
        redirect_uris: strList(c.redirect_uris, `${cw}.redirect_uris`),
        post_logout_redirect_uris: strList(c.post_logout_redirect_uris, `${cw}.post_logout_redirect_uris`),
      };
      if (client.redirect_uris.length === 0) fail(`${cw}.redirect_uris must not be empty`);
      if (clientIds.has(client.client_id)) fail(`duplicate client_id "${client.client_id}" in realm ${id}`);
      clientIds.add(client.client_id);
      return client;
    });

    if (!Array.isArray(r.users)) fail(`${where}.users must be a list`);
    const subs = new Set();
    const usernames = new Set();
    const users = r.users.map((u, ui) => {
      const uw = `${where}.users[${ui}]`;
      const user = {
        sub: str(u?.sub, `${uw}.sub`),
        username: str(u.username, `${uw}.username`),
        password: str(u.password, `${uw}.password`),
        name: str(u.name ?? u.username, `${uw}.name`),
        email: str(u.email, `${uw}.email`, { optional: true }),
        email_verified: u.email_verified ?? true,
        given_name: str(u.given_name, `${uw}.given_name`, { optional: true }),
        family_name: str(u.family_name, `${uw}.family_name`, { optional: true }),
      };
      const uname = user.username.toLowerCase();
      if (subs.has(user.sub)) fail(`duplicate sub "${user.sub}" in realm ${id}`);
      if (usernames.has(uname)) fail(`duplicate username "${user.username}" in realm ${id}`);
      subs.add(user.sub);
      usernames.add(uname);
      return user;
    });

    return { id, name, clients, users };
  });

  const base = raw.issuer_base === undefined ? undefined : str(raw.issuer_base, 'issuer_base').replace(/\/+$/, '');
  const keysFile = raw.keys_file === undefined ? undefined : resolve(dirname(path), str(raw.keys_file, 'keys_file'));
  const cookieKeys = raw.cookie_keys === undefined ? undefined : strList(raw.cookie_keys, 'cookie_keys');
  const ttl = raw.ttl ?? {};
  if (typeof ttl !== 'object') fail('ttl must be an object');

  return {
    port,
    host,
    issuerBase: base,
    keysFile,
    cookieKeys: cookieKeys?.length ? cookieKeys : undefined,
    proxy: raw.proxy === true,
    devEndpoints: raw.dev_endpoints !== false,
    ttl,
    realms,
  };
}

export { ConfigError };
