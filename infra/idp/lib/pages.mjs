// Danish, self-contained HTML pages (no external resources, inline CSS only).

import { randomBytes } from 'node:crypto';

export const LOGIN_ERROR = 'Forkert brugernavn eller adgangskode';
export const DEV_NOTE = 'Udviklings-identitetsudbyder (ikke til drift)';

export function esc(value) {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const CSS = `
*{box-sizing:border-box}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;background:#f3f4f6;color:#111827;line-height:1.5}
main{max-width:26rem;margin:3rem auto;padding:2rem;background:#fff;border:1px solid #d1d5db;border-radius:.5rem}
h1{font-size:1.4rem;margin:0 0 .5rem}
.note{margin:0 0 1.5rem;padding:.5rem .75rem;background:#fef3c7;border-left:4px solid #b45309;color:#78350f;font-size:.9rem}
.error{margin:0 0 1rem;padding:.5rem .75rem;background:#fee2e2;border-left:4px solid #b91c1c;color:#7f1d1d}
label{display:block;font-weight:600;margin:.75rem 0 .25rem}
input[type=text],input[type=password]{display:block;width:100%;padding:.5rem;font-size:1rem;border:1px solid #6b7280;border-radius:.25rem}
input:focus,button:focus{outline:3px solid #2563eb;outline-offset:2px}
button{margin-top:1.25rem;padding:.6rem 1.2rem;font-size:1rem;font-weight:600;color:#fff;background:#1d4ed8;border:0;border-radius:.25rem;cursor:pointer}
button:hover{background:#1e40af}
pre{white-space:pre-wrap;word-break:break-word}
`;

function layout({ title, body }) {
  return `<!DOCTYPE html>
<html lang="da">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

/** Sets security headers for our own pages. `nonce` allows one inline script. */
export function setPageHeaders(ctx, { nonce } = {}) {
  const scriptSrc = nonce ? `'nonce-${nonce}'` : "'none'";
  // No form-action: Chromium applies it to the redirects after a form POST, and the
  // login and logout forms end in a redirect to the relying party (another origin).
  ctx.set(
    'Content-Security-Policy',
    `default-src 'none'; style-src 'unsafe-inline'; script-src ${scriptSrc}; base-uri 'none'; frame-ancestors 'none'`,
  );
  ctx.set('Cache-Control', 'no-store');
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Referrer-Policy', 'no-referrer');
}

export function loginPage({ realmName, action, username = '', error = false }) {
  const title = `Log ind – ${realmName}`;
  const invalid = error ? ' aria-invalid="true" aria-describedby="login-error"' : '';
  const body = `<h1>${esc(title)}</h1>
<p class="note">${esc(DEV_NOTE)}</p>
${error ? `<p class="error" id="login-error" role="alert">${esc(LOGIN_ERROR)}</p>\n` : ''}<form method="post" action="${esc(action)}" novalidate>
<label for="username">Brugernavn</label>
<input type="text" id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${esc(username)}"${invalid}${username ? '' : ' autofocus'}>
<label for="password">Adgangskode</label>
<input type="password" id="password" name="password" autocomplete="current-password" required${invalid}${username ? ' autofocus' : ''}>
<button type="submit">Log ind</button>
</form>`;
  return layout({ title, body });
}

export function messagePage({ title, message, details = [] }) {
  const body = `<h1>${esc(title)}</h1>
<p class="note">${esc(DEV_NOTE)}</p>
<p>${esc(message)}</p>
${details.map(([k, v]) => `<pre><strong>${esc(k)}</strong>: ${esc(v)}</pre>`).join('\n')}`;
  return layout({ title, body });
}

/**
 * Logout page that submits itself: oidc-provider's `form` (with its xsrf token) gets a
 * hidden logout=yes field, a nonce'd inline script submits it, and a <noscript> button
 * covers clients without JavaScript.
 */
export function logoutPage({ realmName, form }) {
  const nonce = randomBytes(16).toString('base64');
  const withLogout = form.replace('</form>', '<input type="hidden" name="logout" value="yes"></form>');
  const title = `Log ud – ${realmName}`;
  const body = `<h1>${esc(title)}</h1>
<p class="note">${esc(DEV_NOTE)}</p>
<p>Du bliver logget ud …</p>
${withLogout}
<noscript><button type="submit" form="op.logoutForm">Log ud</button></noscript>
<script nonce="${nonce}">document.getElementById('op.logoutForm').submit();</script>`;
  return { html: layout({ title, body }), nonce };
}
