import { useId, useRef, useState, type KeyboardEvent } from 'react';
import type { SessionRead } from '../api/client';
import { ownAccessLines } from '../restrictions';

/**
 * "Din adgang" under the user's name in the header: her roles and their data restrictions
 * (dataafgrænsninger) from Fælleskommunal Adgangsstyring, e.g. "Sagsbehandler: KLE 27.*,
 * Organisationsenhed: Familieteam Nord". A disclosure button (WAI-ARIA disclosure pattern);
 * Escape closes it and returns focus. Only shown for a user with at least one restriction.
 */
export function DinAdgang({ session }: { session: SessionRead }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const toggle = useRef<HTMLButtonElement>(null);
  if (!session.restrictions || session.restrictions.length === 0) return null;
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && open) {
      setOpen(false);
      toggle.current?.focus();
    }
  };
  return (
    <div className="trekant-access" onKeyDown={onKeyDown}>
      <button
        ref={toggle}
        type="button"
        className="trekant-access-toggle"
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpen((o) => !o)}
      >
        Din adgang
      </button>
      <div id={id} className="trekant-access-panel" hidden={!open}>
        <p className="trekant-access-heading" id={`${id}-heading`}>
          Dine roller og dataafgrænsninger
        </p>
        <ul className="nobullet-list" aria-labelledby={`${id}-heading`}>
          {ownAccessLines(session).map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
        <p className="form-hint">
          Du ser kun de sager, dataafgrænsningerne giver adgang til. Roller og dataafgrænsninger tildeles i
          Fælleskommunalt Administrationsmodul.
        </p>
      </div>
    </div>
  );
}
