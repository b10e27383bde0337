/** Danish names of the claim a kommune's identity provider names its users by. */
export const LOGIN_CLAIM_LABELS: Record<string, string> = {
  preferred_username: 'Brugernavn',
  upn: 'UPN (Entra ID-brugernavn)',
  email: 'Bekræftet e-mailadresse',
};

export function loginClaimLabel(claim: string | null | undefined): string {
  if (!claim) return 'ukendt';
  return Object.hasOwn(LOGIN_CLAIM_LABELS, claim) ? (LOGIN_CLAIM_LABELS[claim] ?? claim) : 'ukendt';
}
