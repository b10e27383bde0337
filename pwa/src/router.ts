// The app's navigation helpers, on top of React Router (the route table is in routes.tsx).
// The address (path and query) lives in history; every screen is rendered from it alone, so a
// reload (or a link shared with a colleague) shows the same screen. <Link> and navigate() are
// the ways to change it; navigate() also works outside components (after a save, in a callback).
import { createElement, type AnchorHTMLAttributes } from 'react';
import { Link as RouterLink, useLocation, useParams } from 'react-router';

/** What navigate() needs of the router: createBrowserRouter's instance, bound in routes.tsx. */
type Navigator = { navigate: (to: string, opts: { replace: boolean }) => Promise<void> };

let router: Navigator | null = null;

/** Called once by routes.tsx when the browser router exists. */
export function bindRouter(r: Navigator): void {
  router = r;
}

const here = () => window.location.pathname + window.location.search;

export function navigate(to: string, replace = false): void {
  if (to === here()) return;
  if (router) {
    void router.navigate(to, { replace });
    return;
  }
  // No router yet (never in the app; a module used on its own): plain history.
  if (replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
}

/** The current path; re-renders on every change of path or query (?barn=…). */
export function usePath(): string {
  return useLocation().pathname;
}

/** The current query (?barn=…), read from the router's location. */
export function useSearch(): URLSearchParams {
  return new URLSearchParams(useLocation().search);
}

/**
 * A route's parameters, typed by name: `useRouteParams('caseId')` gives `{ caseId: string }`.
 * The route table guarantees the names exist; an absent one comes back as ''.
 */
export function useRouteParams<K extends string>(...names: K[]): Record<K, string> {
  const params = useParams();
  const out = {} as Record<K, string>;
  for (const n of names) out[n] = params[n] ?? '';
  return out;
}

const UUID = /^[0-9a-f-]{36}$/i;

/** Whether a route parameter is an id (the table's `:caseId`, `:userId`, …). */
export function isId(value: string | undefined): value is string {
  return value !== undefined && UUID.test(value);
}

type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & { to: string };

/** A link inside the app: an <a href> that navigates without reloading (modifier keys open a tab). */
export function Link({ to, ...rest }: LinkProps) {
  return createElement(RouterLink, { ...rest, to });
}
