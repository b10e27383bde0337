// Fails when src/api/schema.d.ts is not what openapi-typescript makes from openapi.json.
// Used by CI: `npm run check:api`. Fix with `npm run gen:api`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const checkedIn = join(root, 'src/api/schema.d.ts');
const dir = mkdtempSync(join(tmpdir(), 'trekant-api-'));
const fresh = join(dir, 'schema.d.ts');
try {
  const bin = join(root, 'node_modules/openapi-typescript/bin/cli.js');
  execFileSync(process.execPath, [bin, join(root, 'openapi.json'), '--default-non-nullable=false', '-o', fresh], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  let current = '';
  try {
    current = readFileSync(checkedIn, 'utf8');
  } catch {
    current = '';
  }
  if (readFileSync(fresh, 'utf8') !== current) {
    console.error('API-klienten er forældet: kør npm run gen:api');
    process.exit(1);
  }
  console.log('API-klienten svarer til openapi.json.');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
