// A very small client-side router: the address (path and query) lives in history, <Link>
// pushes to it. Every screen is rendered from the address alone, so a reload (or a link
// shared with a colleague) shows the same screen; navigate() is the only way to change it.
import { createElement, useEffect, useState, type AnchorHTMLAttributes, type MouseEvent } from 'react';

const EVENT = 'trekant:navigate';

const here = () => window.location.pathname + window.location.search;

export function navigate(to: string, replace = false): void {
  if (to === here()) return;
  if (replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.dispatchEvent(new Event(EVENT));
}

/** The current path; re-renders on every change of path or query (?barn=…). */
export function usePath(): string {
  const [address, setAddress] = useState(here);
  useEffect(() => {
    const update = () => setAddress(here());
    window.addEventListener('popstate', update);
    window.addEventListener(EVENT, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(EVENT, update);
    };
  }, []);
  const query = address.indexOf('?');
  return query < 0 ? address : address.slice(0, query);
}

type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & { to: string };

export function Link({ to, onClick, ...rest }: LinkProps) {
  const handle = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (
      event.defaultPrevented ||
      event.button !== 0 ||
      event.metaKey ||
      event.ctrlKey ||
      event.shiftKey ||
      event.altKey
    )
      return;
    event.preventDefault();
    navigate(to);
  };
  return createElement('a', { ...rest, href: to, onClick: handle });
}
