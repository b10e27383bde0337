// Data restrictions (dataafgrænsninger) a role carries from Fælleskommunal Adgangsstyring,
// in Danish: "KLE 27.*", "Organisationsenhed: Familieteam Nord" (the unit's name when a team
// is mapped to it). Shown read-only: they are assigned in Fælleskommunalt Administrationsmodul.
import type { RoleRestriction } from './api/client';

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
