import sprite from 'dkfds/dist/img/all-svg-icons.svg?url';

/** A DKFDS icon from its sprite (bundled locally). Decorative: hidden from assistive tech. */
export function Icon({ name, className = '' }: { name: string; className?: string }) {
  return (
    <svg className={`icon-svg ${className}`.trim()} focusable="false" aria-hidden="true">
      <use href={`${sprite}#${name}`} />
    </svg>
  );
}
