// Data restrictions (dataafgrænsninger) a role carries from Fælleskommunal Adgangsstyring,
// in Danish: "KLE 27.*", "Organisationsenhed: Familieteam Nord" (the unit's name when a team
// is mapped to it). Shown read-only: they are assigned in Fælleskommunalt Administrationsmodul.
import type { RoleRestriction, SessionRead } from './api/client';

export function restrictionParts(r: RoleRestriction): string[] {
  return [
    ...(r.kle ?? []).map((k) => `KLE ${k}`),
    ...(r.units ?? []).map(
      (u) => `Organisationsenhed: ${u.name ?? `ukendt enhed i Trekant (${u.uuid})`}`,
    ),
  ];
}

export function restrictionText(roleLabel: string, r: RoleRestriction): string {
  return `${roleLabel}: ${restrictionParts(r).join(', ')}`;
}

// The roles' Danish names as the API's role list gives them (backend/core/permissions.py
// `ROLES`), for a user's own "Din adgang", where that list (an administrator's) is not at hand.
export const ROLE_LABELS: Record<SessionRead['roles'][number], string> = {
  sagsbehandler: 'Sagsbehandler',
  leder: 'Leder',
  oekonomi: 'Økonomimedarbejder',
  administrator: 'Administrator',
  laeser: 'Læseadgang (fx revision)',
};

/** A user's own roles, each with its data restrictions if it has any (Danish, no codes). */
export function ownAccessLines(session: SessionRead): string[] {
  const restricted = new Map((session.restrictions ?? []).map((r) => [r.role, r]));
  return session.roles.map((role) => {
    const label = ROLE_LABELS[role] ?? role;
    const r = restricted.get(role);
    return r && restrictionParts(r).length > 0 ? restrictionText(label, r) : `${label}: uden dataafgrænsning`;
  });
}
