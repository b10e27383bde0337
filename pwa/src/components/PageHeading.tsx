import { useEffect, useRef, type ReactNode } from 'react';

/**
 * The page's single h1. It takes focus when the page changes (after the first load), so
 * screen-reader users hear where they landed, and sets the document title.
 */
let firstPage = true;

export function PageHeading({ children, title }: { children: ReactNode; title?: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  const text = title ?? (typeof children === 'string' ? children : '');
  useEffect(() => {
    if (text) document.title = `${text} – Trekant`;
    if (firstPage) {
      firstPage = false;
      return;
    }
    ref.current?.focus({ preventScroll: false });
  }, [text]);
  return (
    <h1 ref={ref} tabIndex={-1} className="page-heading">
      {children}
    </h1>
  );
}
