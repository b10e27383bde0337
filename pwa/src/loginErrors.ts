/** Who a user of a suspended kommune should ask (the picker and the login error say the same). */
export const SUSPENDED_CONTACT = 'Kontakt din kommunes it-afdeling eller administrator.';

/** Danish explanations of the `?fejl=<code>` the backend sends a failed login to. */
const MESSAGES: Record<string, string> = {
  'ukendt-kommune': 'Kommunen findes ikke i Trekant.',
  suspenderet: `Kommunen er midlertidigt lukket i Trekant, så du kan ikke logge ind lige nu. ${SUSPENDED_CONTACT}`,
  'ikke-konfigureret': 'Kommunens log-in er ikke sat op endnu. Kontakt driften.',
  udbyder: 'Kommunens log-in-tjeneste svarer ikke lige nu. Prøv igen om lidt.',
  afvist: 'Log-in blev afvist. Prøv igen.',
  'ugyldigt-svar': 'Log-in-svaret var ugyldigt eller udløbet. Prøv igen.',
  afbrudt: 'Log-in blev afbrudt.',
  'anden-browser':
    'Log-in blev ikke startet i denne browser, eller det tog for lang tid. Start log-in igen herfra.',
  deaktiveret: 'Din bruger er deaktiveret. Kontakt din kommunes administrator.',
  'ikke-oprettet': 'Du er ikke oprettet i Trekant.',
  // Fælleskommunal Adgangsstyring (KOMBIT's Context Handler)
  sikringsniveau:
    'Du er logget ind på et for lavt sikringsniveau (NSIS) til Trekant. Log ind igen med MitID Erhverv eller et andet log-in på mindst betydeligt niveau.',
  'ingen-roller':
    'Du har ingen rettigheder til Trekant i Fælleskommunal Adgangsstyring. Bed kommunens administrator om at tildele dig en rolle i Fælleskommunalt Administrationsmodul.',
  'ukendt-rolle':
    'Dine rettigheder fra Fælleskommunal Adgangsstyring giver ingen adgang til Trekant: rollen er ikke en af Trekants brugersystemroller. Bed kommunens administrator om at tildele dig en af Trekants roller i Fælleskommunalt Administrationsmodul.',
  'mangler-oplysninger':
    'Log-in fra Fælleskommunal Adgangsstyring manglede din e-mailadresse, så Trekant kan ikke genkende dig. Kontakt kommunens administrator.',
};

export const GENERIC_LOGIN_ERROR = 'Log-in mislykkedes. Prøv igen, eller kontakt driften, hvis det bliver ved.';

/** The `fejl` query parameter of the current address, if any. */
export function loginErrorCode(): string | null {
  const code = new URLSearchParams(window.location.search).get('fejl');
  return code && code.trim() ? code.trim() : null;
}

export function loginErrorMessage(code: string, realm: 'kommune' | 'operator' = 'kommune'): string {
  if (realm === 'operator' && code === 'ikke-oprettet')
    return 'Din bruger har ikke adgang til Trekants drift.';
  if (realm === 'operator' && code === 'ikke-konfigureret')
    return 'Driftens log-in er ikke sat op endnu.';
  if (realm === 'operator' && code === 'udbyder')
    return 'Driftens log-in-tjeneste svarer ikke lige nu. Prøv igen om lidt.';
  return (Object.hasOwn(MESSAGES, code) ? MESSAGES[code] : undefined) ?? GENERIC_LOGIN_ERROR;
}
