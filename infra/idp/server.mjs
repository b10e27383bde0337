#!/usr/bin/env node
// Trekant development identity provider: several OpenID Connect issuers ("realms")
// in one process, built on oidc-provider. DEVELOPMENT AND TESTS ONLY.
//
//   node infra/idp/server.mjs --config /path/to/config.json     (or IDP_CONFIG=...)
//
// Prints "idp listening on http://HOST:PORT" when ready; exits 0 on SIGTERM/SIGINT.

import { createHash, timingSafeEqual } from 'node:crypto';
import Koa from 'koa';
import mount from 'koa-mount';
import compose from 'koa-compose';
import Provider from 'oidc-provider';

import { createRealmStore } from './lib/adapter.mjs';
import { ConfigError, configPathFromArgs, loadConfig } from './lib/config.mjs';
import {
  MAX_KEYS_PER_REALM, keysPathFor, loadOrCreateKeys, newSigningKey, writeKeyFile,
} from './lib/keys.mjs';
import {
  esc, loginPage, logoutPage, messagePage, setPageHeaders,
} from './lib/pages.mjs';

const SCOPE_CLAIMS = {
  openid: ['sub'],
  email: ['email', 'email_verified'],
  profile: ['name', 'preferred_username', 'given_name', 'family_name'],
};
const SUPPORTED_SCOPES = new Set(Object.keys(SCOPE_CLAIMS));
const SUPPORTED_CLAIMS = new Set(Object.values(SCOPE_CLAIMS).flat());

const DEFAULT_TTL = {
  IdToken: 600,
  AccessToken: 600,
  AuthorizationCode: 120,
  Interaction: 3600,
  Session: 8 * 3600,
  Grant: 8 * 3600,
};

function digest(value) {
  return createHash('sha256').update(String(value)).digest();
}

function sameSecret(a, b) {
  return timingSafeEqual(digest(a), digest(b));
}

async function readForm(req, limit = 16 * 1024) {
  const type = String(req.headers['content-type'] || '');
  if (!type.startsWith('application/x-www-form-urlencoded')) return new URLSearchParams();
  let size = 0;
  const chunks = [];
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limit) {
      const err = new Error('request body too large');
      err.status = 413;
      err.expose = true;
      throw err;
    }
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function accountClaims(user) {
  const claims = {
    sub: user.sub,
    name: user.name,
    preferred_username: user.username,
  };
  if (user.email) {
    claims.email = user.email;
    claims.email_verified = user.email_verified;
  }
  if (user.given_name) claims.given_name = user.given_name;
  if (user.family_name) claims.family_name = user.family_name;
  return claims;
}

/** Grants the requested (supported) scopes/claims for the client without a consent screen. */
async function autoGrant(ctx) {
  const { oidc } = ctx;
  const { client, session } = oidc;
  const grantId = oidc.result?.consent?.grantId || session.grantIdFor(client.clientId);
  let grant = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
  if (grant && grant.accountId !== session.accountId) grant = undefined;
  if (!grant) {
    grant = new oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
  }
  const scopes = String(oidc.params?.scope ?? 'openid').split(' ').filter((s) => SUPPORTED_SCOPES.has(s));
  if (scopes.length) grant.addOIDCScope(scopes.join(' '));
  const claims = [...(oidc.requestParamClaims ?? [])].filter((c) => SUPPORTED_CLAIMS.has(c));
  if (claims.length) grant.addOIDCClaims(claims);
  await grant.save();
  return grant;
}

function buildProvider(realm, settings) {
  const { issuer, cookieKeys, ttl, proxy } = settings;
  const usersBySub = new Map(realm.users.map((u) => [u.sub, u]));

  const provider = new Provider(issuer, {
    adapter: realm.Adapter,
    clients: realm.clients.map((c) => ({
      client_id: c.client_id,
      client_secret: c.client_secret,
      ...(c.client_name ? { client_name: c.client_name } : {}),
      redirect_uris: c.redirect_uris,
      post_logout_redirect_uris: c.post_logout_redirect_uris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'RS256',
    })),
    jwks: { keys: realm.keys },
    claims: SCOPE_CLAIMS,
    scopes: ['openid', 'email', 'profile'],
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    responseTypes: ['code'],
    clientAuthMethods: ['client_secret_basic'],
    enabledJWA: { idTokenSigningAlgValues: ['RS256'] },
    cookies: {
      keys: cookieKeys,
      // Realm-specific names and path: all realms (and the Trekant backend) share the
      // host 127.0.0.1, and cookies are not separated by port.
      names: {
        session: `trekant_idp_${realm.id}_session`,
        interaction: `trekant_idp_${realm.id}_interaction`,
        resume: `trekant_idp_${realm.id}_resume`,
      },
      // No `secure` flag: the dev IdP runs on plain http.
      long: { httpOnly: true, sameSite: 'lax', path: `/${realm.id}/` },
      short: { httpOnly: true, sameSite: 'lax' },
    },
    ttl: { ...DEFAULT_TTL, ...ttl },
    features: {
      devInteractions: { enabled: false },
      userinfo: { enabled: true },
      revocation: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx, form) {
          const { html, nonce } = logoutPage({ realmName: realm.name, form });
          setPageHeaders(ctx, { nonce });
          ctx.type = 'html';
          ctx.body = html;
        },
        async postLogoutSuccessSource(ctx) {
          setPageHeaders(ctx);
          ctx.type = 'html';
          ctx.body = messagePage({
            title: `Logget ud – ${realm.name}`,
            message: 'Du er nu logget ud.',
          });
        },
      },
    },
    interactions: {
      url: (_ctx, interaction) => `/${realm.id}/interaction/${interaction.uid}`,
    },
    loadExistingGrant: autoGrant,
    async findAccount(_ctx, sub) {
      const user = usersBySub.get(sub);
      if (!user) return undefined;
      return {
        accountId: user.sub,
        async claims() {
          return accountClaims(user);
        },
      };
    },
    clientBasedCORS: () => false,
    async renderError(ctx, out) {
      setPageHeaders(ctx);
      ctx.type = 'html';
      ctx.body = messagePage({
        title: `Fejl – ${realm.name}`,
        message: 'Log ind kunne ikke gennemføres. Start forfra fra Trekant.',
        details: Object.entries(out),
      });
    },
  });
  provider.proxy = proxy;
  provider.on('server_error', (_ctx, err) => {
    console.error(`[idp ${realm.id}] server_error:`, err);
  });
  return provider;
}

async function main() {
  let configPath;
  let config;
  try {
    configPath = configPathFromArgs(process.argv.slice(2), process.env);
    config = loadConfig(configPath);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`idp: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }

  const keysPath = keysPathFor(configPath, config.keysFile);
  const keyData = await loadOrCreateKeys(keysPath, config.realms.map((r) => r.id));
  const cookieKeys = config.cookieKeys ?? keyData.cookie_keys;

  const realms = new Map(config.realms.map((r) => [r.id, {
    ...r,
    keys: keyData.realms[r.id].keys,
    Adapter: createRealmStore(),
    provider: undefined,
    handler: undefined,
    issuer: undefined,
  }]));

  let settings;
  function install(realm) {
    realm.provider = buildProvider(realm, { ...settings, issuer: realm.issuer });
    realm.handler = compose(realm.provider.middleware);
  }

  const app = new Koa();
  app.keys = cookieKeys; // koa-mount runs the provider on this app's context
  app.proxy = config.proxy;
  app.silent = true;

  // Last-resort error handler: log, answer with a short Danish page, never a stack trace.
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      const status = err.status && err.status < 500 ? err.status : 500;
      if (status >= 500) console.error(`[idp] ${ctx.method} ${ctx.path}:`, err);
      ctx.status = status;
      setPageHeaders(ctx);
      ctx.type = 'html';
      ctx.body = messagePage({
        title: 'Fejl',
        message: status >= 500 ? 'Der opstod en intern fejl i udviklings-identitetsudbyderen.' : (err.expose ? err.message : 'Ugyldig forespørgsel.'),
      });
    }
  });

  const ROUTE = /^\/([^/]+)\/(__dev\/health|__dev\/rotate-keys|interaction\/([^/]+))$/;

  app.use(async (ctx, next) => {
    if (ctx.path === '/__dev/health' && ctx.method === 'GET') {
      ctx.body = { status: 'ok', realms: [...realms.values()].map((r) => ({ id: r.id, issuer: r.issuer })) };
      return;
    }
    const m = ROUTE.exec(ctx.path);
    const realm = m && realms.get(m[1]);
    if (!realm || !realm.provider) return next();
    const [, , route, uid] = m;

    if (route === '__dev/health') {
      if (!config.devEndpoints) return next();
      ctx.body = { status: 'ok', realm: realm.id, issuer: realm.issuer };
      return;
    }

    if (route === '__dev/rotate-keys') {
      if (!config.devEndpoints) return next();
      if (ctx.method !== 'POST') {
        ctx.status = 405;
        ctx.set('Allow', 'POST');
        return;
      }
      const key = await newSigningKey();
      const previous = realm.keys.map((k) => k.kid);
      realm.keys = [key, ...realm.keys].slice(0, MAX_KEYS_PER_REALM);
      keyData.realms[realm.id].keys = realm.keys;
      writeKeyFile(keysPath, keyData);
      install(realm); // same store: sessions, grants and tokens survive
      console.error(`[idp ${realm.id}] rotated signing key: ${key.kid}`);
      ctx.body = { realm: realm.id, kid: key.kid, previous, kids: realm.keys.map((k) => k.kid) };
      return;
    }

    // Login interaction: GET shows the form, POST checks the credentials.
    if (ctx.method !== 'GET' && ctx.method !== 'POST') {
      ctx.status = 405;
      ctx.set('Allow', 'GET, POST');
      return;
    }
    const { provider } = realm;
    let details;
    try {
      details = await provider.interactionDetails(ctx.req, ctx.res);
    } catch {
      details = undefined;
    }
    if (!details || details.uid !== uid) {
      ctx.status = 400;
      setPageHeaders(ctx);
      ctx.type = 'html';
      ctx.body = messagePage({
        title: `Log ind – ${realm.name}`,
        message: 'Login-sessionen er udløbet eller ugyldig. Start forfra fra Trekant.',
      });
      return;
    }

    const finish = async (result) => {
      const to = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
      ctx.status = 303;
      ctx.set('Cache-Control', 'no-store');
      ctx.redirect(to);
    };

    if (details.prompt.name === 'consent') {
      // Not expected (grants are automatic), but never show a consent screen.
      const grant = new provider.Grant({ clientId: details.params.client_id, accountId: details.session.accountId });
      const scopes = String(details.params.scope ?? 'openid').split(' ').filter((s) => SUPPORTED_SCOPES.has(s));
      grant.addOIDCScope(scopes.join(' '));
      await finish({ consent: { grantId: await grant.save() } });
      return;
    }
    if (details.prompt.name !== 'login') {
      await finish({ error: 'access_denied', error_description: `unsupported prompt ${details.prompt.name}` });
      return;
    }

    const action = `/${realm.id}/interaction/${esc(uid)}`;
    if (ctx.method === 'GET') {
      setPageHeaders(ctx);
      ctx.type = 'html';
      ctx.body = loginPage({ realmName: realm.name, action, username: details.params.login_hint ?? '' });
      return;
    }

    const form = await readForm(ctx.req);
    const username = (form.get('username') ?? '').trim();
    const password = form.get('password') ?? '';
    const user = realm.users.find((u) => u.username.toLowerCase() === username.toLowerCase());
    // Compare even for unknown users so both failures look the same.
    const ok = sameSecret(password, user ? user.password : '\0no-such-user') && Boolean(user);
    if (!ok) {
      ctx.status = 401;
      setPageHeaders(ctx);
      ctx.type = 'html';
      ctx.body = loginPage({ realmName: realm.name, action, username, error: true });
      return;
    }
    await finish({ login: { accountId: user.sub, remember: true } });
  });

  for (const realm of realms.values()) {
    app.use(mount(`/${realm.id}`, (ctx, next) => realm.handler(ctx, next)));
  }

  const server = app.listen(config.port, config.host);
  await new Promise((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address();
  const hostForUrl = config.host.includes(':') ? `[${config.host}]` : config.host;
  const base = config.issuerBase ?? `http://${hostForUrl}:${port}`;
  settings = { cookieKeys, ttl: config.ttl, proxy: config.proxy };
  for (const realm of realms.values()) {
    realm.issuer = `${base}/${realm.id}`;
    install(realm);
  }

  let stopping = false;
  const stop = (signal) => {
    if (stopping) return;
    stopping = true;
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => {
      console.error(`idp: forced exit after ${signal}`);
      process.exit(1);
    }, 3000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  console.log(`idp listening on http://${hostForUrl}:${port}`);
}

main().catch((err) => {
  console.error('idp: failed to start:', err);
  process.exit(1);
});
