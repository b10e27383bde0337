/** Danish labels for audit actions and their details (kommune and operator logs). */
import { loginClaimLabel } from './loginClaims';

export const KOMMUNE_ACTIONS: [string, string][] = [
  ['login', 'Log ind'],
  ['login.failed', 'Mislykket log ind'],
  ['user.provisioned', 'Bruger oprettet'],
  ['user.roles_changed', 'Roller ændret'],
  ['user.teams_changed', 'Teams ændret'],
  ['user.deactivated', 'Bruger deaktiveret'],
  ['user.reactivated', 'Bruger genaktiveret'],
  ['user.bound', 'Log-in bundet til bruger'],
  ['user.binding_reset', 'Log-in-binding nulstillet'],
  ['child.read', 'Opslag i barns sag'],
  ['team.created', 'Team oprettet'],
  ['settings.changed', 'Indstillinger ændret'],
  ['security.alert_raised', 'Sikkerhedsadvarsel: usædvanligt mange CPR-opslag'],
  ['security.alert_seen', 'Sikkerhedsadvarsel markeret som set'],
];

const OPERATOR_ACTIONS: Record<string, string> = {
  login: 'Log ind',
  'login.failed': 'Mislykket log ind',
  'kommune.onboarded': 'Kommune onboardet',
  'kommune.onboard_failed': 'Onboarding fejlede',
  'kommune.suspended': 'Kommune suspenderet',
  'kommune.resumed': 'Kommune genoptaget',
  'kommuner.migrated': 'Kommuner migreret',
};

const KOMMUNE_LABELS = Object.fromEntries(KOMMUNE_ACTIONS);

export function actionLabel(action: string, realm: 'kommune' | 'operator' = 'kommune'): string {
  const labels = realm === 'operator' ? OPERATOR_ACTIONS : KOMMUNE_LABELS;
  return Object.hasOwn(labels, action) ? (labels[action] ?? action) : action;
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
    DETAIL_KEYS[k] ?? k,
    k === 'claim' && typeof v === 'string' ? loginClaimLabel(v) : detailValue(v),
  ]);
}
