/**
 * The operator console's audit labels. The kommune's audit log shows the backend's Danish
 * labels (backend/audit/labels.py, one table for both logs: action_label and details in the
 * API); the operator console moves to those too, and then this file goes.
 */
import { loginClaimLabel } from './loginClaims';

const OPERATOR_ACTIONS: Record<string, string> = {
  login: 'Log ind',
  'login.failed': 'Mislykket log ind',
  'kommune.onboarded': 'Kommune oprettet',
  'kommune.onboard_failed': 'Oprettelse af kommune fejlede',
  'kommune.suspended': 'Kommune lukket midlertidigt',
  'kommune.resumed': 'Kommune genåbnet',
  'kommuner.migrated': 'Kommunernes databaser opdateret',
};

export function actionLabel(action: string, _realm: 'operator' = 'operator'): string {
  return (Object.hasOwn(OPERATOR_ACTIONS, action) ? OPERATOR_ACTIONS[action] : undefined) ?? 'Anden hændelse';
}

const DETAIL_KEYS: Record<string, string> = {
  username: 'Brugernavn',
  roles: 'Roller',
  added: 'Tilføjet',
  removed: 'Fjernet',
  name: 'Navn',
  how: 'Hvordan',
  reason: 'Årsag',
  issuer: 'Udsteder',
  jit_provisioning: 'Automatisk oprettelse',
  jit_default_role: 'Standardrolle',
  view: 'Visning',
  admin: 'Administrator',
  error: 'Fejl',
  failed: 'Fejlede',
  user: 'Bruger',
  lookups: 'CPR-opslag',
  registrations: 'Registreringer',
  offline_roles: 'Roller til hjemmebesøg',
  before: 'Før',
  claim: 'Bundet via',
};

function detailValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return '–';
  if (typeof value === 'boolean') return value ? 'ja' : 'nej';
  if (Array.isArray(value)) return value.length ? value.map(detailValue).join(', ') : 'ingen';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** {username: "a@b.dk", roles: ["leder"]} -> [["Brugernavn", "a@b.dk"], ["Roller", "leder"]] */
export function detailEntries(detail: Record<string, unknown>): [string, string][] {
  return Object.entries(detail).map(([k, v]) => [
    DETAIL_KEYS[k] ?? 'Anden oplysning',
    k === 'claim' && typeof v === 'string' ? loginClaimLabel(v) : detailValue(v),
  ]);
}
