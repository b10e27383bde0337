#!/usr/bin/env node
// End-to-end self test of the development IdP: starts server.mjs as a child process
// with a temporary two-realm config and logs in over HTTP with plain fetch.
//   node infra/idp/selftest.mjs      -> prints "selftest ok" and exits 0, or fails non-zero

import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';

const HERE = dirname(fileURLToPath(import.meta.url));
const SERVER = join(HERE, 'server.mjs');
const REDIRECT_URI = 'http://127.0.0.1:8000/api/auth/callback';
const POST_LOGOUT = 'http://127.0.0.1:8000/';

let step = 'setup';
function check(cond, msg) {
  if (!cond) throw new Error(`${step}: ${msg}`);
}
function log(msg) {
  console.log(`  ok  ${msg}`);
}

const b64url = (buf) => Buffer.from(buf).toString('base64url');

// --- minimal cookie jar (name + path, enough for this server) -----------------------
class Jar {
  constructor() {
    this.cookies = new Map(); // `${path}\0${name}` -> { name, value, path }
  }

  store(res) {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      let path = '/';
      let expired = value === '';
      for (const a of attrs) {
        const [k, v = ''] = a.split('=');
        const key = k.toLowerCase();
        if (key === 'path') path = v;
        if (key === 'max-age' && Number(v) <= 0) expired = true;
        if (key === 'expires' && Date.parse(v) < Date.now()) expired = true;
        if (key === 'secure') throw new Error(`cookie ${name} is Secure; the dev IdP runs on http`);
      }
      const id = `${path}\0${name}`;
      if (expired) this.cookies.delete(id);
      else this.cookies.set(id, { name, value, path });
    }
  }

  header(url) {
    const { pathname } = new URL(url);
    const matches = [...this.cookies.values()].filter((c) => pathname === c.path
      || pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`));
    return matches.map((c) => `${c.name}=${c.value}`).join('; ');
  }

  names() {
    return [...this.cookies.values()].map((c) => c.name);
  }
}

async function request(jar, url, { method = 'GET', headers = {}, body } = {}) {
  const h = { ...headers };
  const cookie = jar?.header(url);
  if (cookie) h.cookie = cookie;
  const res = await fetch(url, { method, headers: h, body, redirect: 'manual' });
  jar?.store(res);
  return res;
}

/** Follows redirects (with cookies) until one points at `stopPrefix`; returns that URL or the last response. */
async function follow(jar, res, base, stopPrefix) {
  for (let hops = 0; hops < 10; hops += 1) {
    if (res.status < 300 || res.status >= 400) return { res };
    const location = new URL(res.headers.get('location'), base).href;
    if (location.startsWith(stopPrefix)) return { location };
    res = await request(jar, location);
  }
  throw new Error(`${step}: too many redirects`);
}

function formFields(html) {
  const fields = {};
  for (const m of html.matchAll(/<input\b([^>]*)>/g)) {
    const name = /name="([^"]*)"/.exec(m[1])?.[1];
    const value = /value="([^"]*)"/.exec(m[1])?.[1] ?? '';
    if (name) fields[name] = value.replace(/&amp;/g, '&').replace(/&quot;/g, '"');
  }
  return fields;
}

function pkce() {
  const verifier = b64url(randomBytes(32));
  const challenge = b64url(createHash('sha256').update(verifier).digest());
  return { verifier, challenge };
}

function authorizeUrl(discovery, clientId, { challenge, state, nonce, method = 'S256', extra = {} }) {
  const u = new URL(discovery.authorization_endpoint);
  const params = {
    client_id: clientId,
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    scope: 'openid email profile',
    state,
    nonce,
    ...(challenge ? { code_challenge: challenge, code_challenge_method: method } : {}),
    ...extra,
  };
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.href;
}

function basicAuth(id, secret) {
  const enc = (s) => encodeURIComponent(s).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${enc(id)}:${enc(secret)}`).toString('base64')}`;
}

// --- server process -------------------------------------------------------------------
function startServer(configPath) {
  const child = spawn(process.execPath, [SERVER, '--config', configPath], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const ready = new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start in time\n${stderr}`)), 20_000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /^idp listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited early (${code})\n${stderr}`));
    });
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, ready, exited, stderr: () => stderr };
}

async function stopServer(server, signal = 'SIGTERM') {
  server.child.kill(signal);
  const timeout = new Promise((resolve) => setTimeout(() => resolve('timeout'), 5000));
  const result = await Promise.race([server.exited, timeout]);
  check(result !== 'timeout', `server did not exit within 5 s of ${signal}`);
  check(result.code === 0, `server exit code after ${signal} was ${result.code} (signal ${result.signal})\n${server.stderr()}`);
}

async function getJson(url, init) {
  const res = await fetch(url, init);
  check(res.ok, `${url} -> HTTP ${res.status}`);
  return res.json();
}

// --- the test ------------------------------------------------------------------------
async function login(jar, disc, client, user, password) {
  const { verifier, challenge } = pkce();
  const state = b64url(randomBytes(12));
  const nonce = b64url(randomBytes(12));
  let res = await request(jar, authorizeUrl(disc, client.client_id, { challenge, state, nonce }));
  check(res.status === 303 || res.status === 302, `authorize should redirect, got ${res.status}`);
  const interactionUrl = new URL(res.headers.get('location'), disc.issuer).href;
  check(interactionUrl.startsWith(`${disc.issuer}/interaction/`), `unexpected interaction url ${interactionUrl}`);
  res = await request(jar, interactionUrl);
  check(res.status === 200, `login form HTTP ${res.status}`);
  const html = await res.text();
  const action = new URL(/<form method="post" action="([^"]+)"/.exec(html)[1], disc.issuer).href;
  res = await request(jar, action, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: user.username, password }).toString(),
  });
  return { res, html, action, verifier, state, nonce };
}

async function run() {
  const dir = mkdtempSync(join(tmpdir(), 'trekant-idp-selftest-'));
  const configPath = join(dir, 'idp.json');
  const users = {
    '0101': { sub: 'b7c1e2f0-0101-4a8e-9d6e-000000000001', username: 'sagsbehandler@koebenhavn.dk', password: 'demo', name: 'Sara Sagsbehandler', email: 'sagsbehandler@koebenhavn.dk' },
    '0461': { sub: 'c8d2f3a1-0461-4b9f-8e7f-000000000002', username: 'leder@odense.dk', password: 'hemmelig', name: 'Lars Leder', email: 'leder@odense.dk' },
  };
  const clients = {
    '0101': { client_id: 'trekant-0101', client_secret: 'dev-secret-0101', redirect_uris: [REDIRECT_URI], post_logout_redirect_uris: [POST_LOGOUT] },
    '0461': { client_id: 'trekant-0461', client_secret: 'dev-secret-0461', redirect_uris: [REDIRECT_URI], post_logout_redirect_uris: [POST_LOGOUT] },
  };
  writeFileSync(configPath, JSON.stringify({
    port: 0,
    host: '127.0.0.1',
    realms: [
      { id: '0101', name: 'Københavns Kommune', clients: [clients['0101']], users: [users['0101']] },
      { id: '0461', name: 'Odense Kommune', clients: [clients['0461']], users: [users['0461']] },
    ],
  }, null, 2));

  let server = startServer(configPath);
  currentServer = server;
  try {
    step = 'start';
    const base = await server.ready;
    log(`server started at ${base}`);

    step = 'discovery';
    const d1 = await getJson(`${base}/0101/.well-known/openid-configuration`);
    const d2 = await getJson(`${base}/0461/.well-known/openid-configuration`);
    check(d1.issuer === `${base}/0101`, `issuer 1 is ${d1.issuer}`);
    check(d2.issuer === `${base}/0461`, `issuer 2 is ${d2.issuer}`);
    check(d1.issuer !== d2.issuer, 'issuers must differ');
    for (const d of [d1, d2]) {
      for (const k of ['authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'jwks_uri', 'end_session_endpoint']) {
        check(typeof d[k] === 'string' && d[k].startsWith(`${d.issuer}/`), `${k} missing or not under issuer: ${d[k]}`);
      }
      check(JSON.stringify(d.code_challenge_methods_supported) === '["S256"]', 'only S256 PKCE');
      check(d.id_token_signing_alg_values_supported.includes('RS256'), 'RS256 supported');
    }
    const health = await fetch(`${base}/0101/__dev/health`);
    check(health.status === 200, `health HTTP ${health.status}`);
    log('discovery for two realms, distinct issuers; health 200');

    step = 'pkce required';
    {
      const url = authorizeUrl(d1, clients['0101'].client_id, { state: 's', nonce: 'n' });
      const res = await request(new Jar(), url);
      const loc = res.headers.get('location') ?? '';
      check(loc.startsWith(REDIRECT_URI) && new URL(loc).searchParams.get('error') === 'invalid_request',
        `authorize without PKCE should fail with invalid_request, got ${res.status} ${loc}`);
      const plain = await request(new Jar(), authorizeUrl(d1, clients['0101'].client_id, { challenge: 'x'.repeat(43), method: 'plain', state: 's', nonce: 'n' }));
      const ploc = plain.headers.get('location') ?? '';
      check(ploc.startsWith(REDIRECT_URI) && new URL(ploc).searchParams.get('error'), `plain PKCE must be rejected, got ${plain.status} ${ploc}`);
    }
    log('authorization without PKCE / with plain PKCE is rejected');

    step = 'login form';
    const jar = new Jar();
    const user = users['0101'];
    const client = clients['0101'];
    {
      // Wrong password and unknown user re-show the form with the Danish error.
      const bad = await login(jar, d1, client, user, 'forkert');
      const { html } = bad;
      check(html.includes('<html lang="da">'), 'lang="da"');
      check(html.includes('Log ind – Københavns Kommune'), 'heading with realm name');
      check(html.includes('Udviklings-identitetsudbyder (ikke til drift)'), 'dev note');
      check(/<label for="username">Brugernavn<\/label>/.test(html), 'label Brugernavn');
      check(/<label for="password">Adgangskode<\/label>/.test(html), 'label Adgangskode');
      check(/<button type="submit">Log ind<\/button>/.test(html), 'button Log ind');
      check(!/<script|https?:\/\/(?!127\.0\.0\.1)/.test(html.replace(/action="[^"]*"/, '')), 'no scripts or external resources');
      check(!html.includes('Forkert brugernavn eller adgangskode'), 'no error on first show');
      check([401, 200].includes(bad.res.status), `wrong password status ${bad.res.status}`);
      const badHtml = await bad.res.text();
      check(badHtml.includes('Forkert brugernavn eller adgangskode'), 'Danish error shown for wrong password');
      check(badHtml.includes('name="username"') && badHtml.includes('name="password"'), 'form re-shown');
      check(!/\bat .+:\d+:\d+\)?/.test(badHtml), 'no stack trace');

      const res = await request(jar, bad.action, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username: 'ukendt@koebenhavn.dk', password: 'demo' }).toString(),
      });
      check([401, 200].includes(res.status), `unknown user status ${res.status}`);
      check((await res.text()).includes('Forkert brugernavn eller adgangskode'), 'Danish error for unknown user');

      // Another realm's user can't log in here either.
      const other = await request(jar, bad.action, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username: users['0461'].username, password: users['0461'].password }).toString(),
      });
      check(other.status === 401, `other realm's user must fail, got ${other.status}`);
    }
    log('Danish login form; wrong password / unknown user -> "Forkert brugernavn eller adgangskode" (401)');

    step = 'authorization code flow';
    const flow = await login(jar, d1, client, user, user.password);
    check(flow.res.status === 303, `login POST should redirect 303, got ${flow.res.status}`);
    const { location } = await follow(jar, flow.res, d1.issuer, REDIRECT_URI);
    check(location, 'never reached the redirect_uri');
    const cb = new URL(location).searchParams;
    check(!cb.get('error'), `authorization error ${cb.get('error')}: ${cb.get('error_description')}`);
    check(cb.get('state') === flow.state, 'state round-trips');
    check(cb.get('iss') === d1.issuer, 'iss parameter in authorization response');
    const code = cb.get('code');
    check(code, 'code present');
    check(jar.names().includes('trekant_idp_0101_session'), `session cookie set (${jar.names()})`);
    log('authorize -> login -> redirect_uri with code (no consent screen)');

    step = 'token';
    const tokenBody = (c, verifier) => new URLSearchParams({
      grant_type: 'authorization_code', code: c, redirect_uri: REDIRECT_URI, code_verifier: verifier,
    }).toString();
    const tokenRes = await fetch(d1.token_endpoint, {
      method: 'POST',
      headers: { authorization: basicAuth(client.client_id, client.client_secret), 'content-type': 'application/x-www-form-urlencoded' },
      body: tokenBody(code, flow.verifier),
    });
    const tokens = await tokenRes.json();
    check(tokenRes.status === 200, `token HTTP ${tokenRes.status} ${JSON.stringify(tokens)}`);
    check(tokens.id_token && tokens.access_token && tokens.token_type, 'tokens present');
    log('token endpoint with client_secret_basic + code_verifier');

    step = 'id token';
    const jwks1 = await getJson(d1.jwks_uri);
    const { payload, protectedHeader } = await jwtVerify(tokens.id_token, createLocalJWKSet(jwks1), {
      issuer: d1.issuer, audience: client.client_id, algorithms: ['RS256'],
    });
    check(protectedHeader.alg === 'RS256', 'RS256');
    check(protectedHeader.kid === jwks1.keys[0].kid, 'signed with first JWKS key');
    check(payload.nonce === flow.nonce, 'nonce');
    check(payload.sub === user.sub, 'sub');
    check(payload.email === user.email, 'email in ID token');
    check(payload.name === user.name, 'name in ID token');
    check(payload.preferred_username === user.username, 'preferred_username in ID token');
    check(payload.exp - payload.iat === 600, `ID token lifetime ${payload.exp - payload.iat}`);
    const jwks2 = await getJson(d2.jwks_uri);
    check(!jwks2.keys.some((k) => k.kid === protectedHeader.kid), 'realms have separate keys');
    const ui = await getJson(d1.userinfo_endpoint, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    check(ui.sub === user.sub && ui.email === user.email, 'userinfo');
    const replay = await fetch(d1.token_endpoint, {
      method: 'POST',
      headers: { authorization: basicAuth(client.client_id, client.client_secret), 'content-type': 'application/x-www-form-urlencoded' },
      body: tokenBody(code, flow.verifier),
    });
    check(replay.status === 400, `code reuse must fail, got ${replay.status}`);
    const revoked = await fetch(d1.userinfo_endpoint, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    check(revoked.status === 401, 'code reuse revokes the access token');
    log(`ID token verified with realm JWKS (iss, aud, nonce, sub, email, name, preferred_username); userinfo ok; code reuse rejected and revokes tokens: ${JSON.stringify({ email: payload.email, preferred_username: payload.preferred_username })}`);

    step = 'single sign-on';
    {
      const { challenge } = pkce();
      const res = await request(jar, authorizeUrl(d1, client.client_id, { challenge, state: 'sso', nonce: 'sso' }));
      const sso = await follow(jar, res, d1.issuer, REDIRECT_URI);
      check(sso.location && new URL(sso.location).searchParams.get('code'), 'second authorize with session cookie returns a code directly');
      const forced = await request(jar, authorizeUrl(d1, client.client_id, { challenge, state: 'c', nonce: 'c', extra: { prompt: 'consent' } }));
      const fc = await follow(jar, forced, d1.issuer, REDIRECT_URI);
      check(fc.location && new URL(fc.location).searchParams.get('code'), `prompt=consent is granted automatically (${fc.location ?? fc.res?.status})`);
    }
    log('existing session: authorize returns straight to redirect_uri (also with prompt=consent)');

    step = 'logout';
    {
      const u = new URL(d1.end_session_endpoint);
      u.searchParams.set('id_token_hint', tokens.id_token);
      u.searchParams.set('post_logout_redirect_uri', POST_LOGOUT);
      u.searchParams.set('state', 'bye');
      let res = await request(jar, u.href);
      check(res.status === 200, `end_session HTTP ${res.status}`);
      const csp = res.headers.get('content-security-policy') ?? '';
      const html = await res.text();
      const nonce = /<script nonce="([^"]+)">/.exec(html)?.[1];
      check(nonce && csp.includes(`'nonce-${nonce}'`), 'auto-submit script allowed by CSP nonce');
      const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
      const fields = formFields(html);
      check(action && fields.xsrf && fields.logout === 'yes', `auto-submit logout form (${JSON.stringify(fields)})`);
      res = await request(jar, new URL(action.replace(/&amp;/g, '&'), d1.issuer).href, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
      });
      check(res.status === 303 || res.status === 302, `logout confirm HTTP ${res.status}`);
      const loc = new URL(res.headers.get('location'));
      check(`${loc.origin}${loc.pathname}` === POST_LOGOUT && loc.searchParams.get('state') === 'bye', `redirected to ${loc}`);
      check(!jar.names().includes('trekant_idp_0101_session'), 'session cookie cleared');
      const { challenge } = pkce();
      const again = await request(jar, authorizeUrl(d1, client.client_id, { challenge, state: 's', nonce: 'n' }));
      check(new URL(again.headers.get('location'), d1.issuer).pathname.startsWith('/0101/interaction/'), 'after logout a new login is required');
    }
    log('RP-initiated logout: auto-submitting page -> post_logout_redirect_uri with state; session ended');

    step = 'realm 2 login';
    {
      const jar2 = new Jar();
      const f = await login(jar2, d2, clients['0461'], users['0461'], users['0461'].password);
      check(f.html.includes('Log ind – Odense Kommune'), 'realm 2 heading');
      const { location: loc } = await follow(jar2, f.res, d2.issuer, REDIRECT_URI);
      check(loc && new URL(loc).searchParams.get('iss') === d2.issuer, 'realm 2 code issued by realm 2');
    }
    log('realm 2 login works independently');

    step = 'key rotation';
    const before = await getJson(d1.jwks_uri);
    const rot = await fetch(`${base}/0101/__dev/rotate-keys`, { method: 'POST' });
    check(rot.status === 200, `rotate HTTP ${rot.status}`);
    const rotBody = await rot.json();
    const after = await getJson(d1.jwks_uri);
    check(after.keys[0].kid === rotBody.kid, 'new key first in JWKS');
    check(after.keys[0].kid !== before.keys[0].kid, 'first key changed');
    check(after.keys.some((k) => k.kid === before.keys[0].kid), 'previous key kept');
    check(after.keys.every((k) => !k.d && !k.p), 'JWKS exposes public keys only');
    await jwtVerify(tokens.id_token, createLocalJWKSet(after), { issuer: d1.issuer, audience: client.client_id });
    const still2 = await getJson(d2.jwks_uri);
    check(JSON.stringify(still2) === JSON.stringify(jwks2), 'other realm unaffected');
    const keyFile = JSON.parse(readFileSync(join(dir, 'idp.keys.json'), 'utf8'));
    check(keyFile.realms['0101'].keys[0].kid === rotBody.kid, 'rotation persisted');
    {
      const j = new Jar();
      const f = await login(j, d1, client, user, user.password);
      const { location: loc } = await follow(j, f.res, d1.issuer, REDIRECT_URI);
      check(loc, 'login after rotation reaches redirect_uri');
      const r = await fetch(d1.token_endpoint, {
        method: 'POST',
        headers: { authorization: basicAuth(client.client_id, client.client_secret), 'content-type': 'application/x-www-form-urlencoded' },
        body: tokenBody(new URL(loc).searchParams.get('code'), f.verifier),
      });
      const t = await r.json();
      check(r.status === 200, `token after rotation ${JSON.stringify(t)}`);
      check(decodeProtectedHeader(t.id_token).kid === rotBody.kid, 'new ID tokens signed with the new key');
    }
    log(`rotate-keys: first kid ${before.keys[0].kid.slice(0, 8)}… -> ${rotBody.kid.slice(0, 8)}…, old key kept, old token still verifies, new tokens use new key`);

    step = 'shutdown';
    await stopServer(server, 'SIGTERM');
    log('SIGTERM -> clean exit 0');

    step = 'restart keeps keys';
    server = startServer(configPath);
    currentServer = server;
    const base2 = await server.ready;
    const reloaded = await getJson(`${base2}/0101/jwks`);
    check(JSON.stringify(reloaded.keys.map((k) => k.kid)) === JSON.stringify(after.keys.map((k) => k.kid)), 'same keys after restart');
    await stopServer(server, 'SIGINT');
    log('restart reuses the key file; SIGINT -> clean exit 0');
  } finally {
    if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

let currentServer;

const watchdog = setTimeout(() => {
  console.error('selftest FAILED: timed out');
  process.exit(1);
}, 90_000);
watchdog.unref();

run().then(() => {
  console.log('selftest ok');
  process.exit(0);
}, (err) => {
  console.error(`selftest FAILED: ${err.stack ?? err}`);
  if (currentServer) console.error(`--- server stderr ---\n${currentServer.stderr()}`);
  process.exit(1);
});
