import { useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { KommuneRead } from '../api/client';
import { SUSPENDED_CONTACT } from '../loginErrors';

export function isSuspended(k: KommuneRead): boolean {
  return k.status === 'suspended';
}

/** What the picker and the login form say about a kommune that is closed for now. */
export function suspendedMessage(k: KommuneRead): string {
  return `${k.name} er midlertidigt lukket i Trekant, så du kan ikke logge ind lige nu. ${SUSPENDED_CONTACT}`;
}

function normalise(text: string): string {
  return text.trim().toLocaleLowerCase('da-DK');
}

export function label(k: KommuneRead): string {
  return `${k.name} (${k.code})`;
}

/** The kommune that `text` names exactly: by name, code or "Navn (kode)". */
export function exactMatch(kommuner: KommuneRead[], text: string): KommuneRead | undefined {
  const t = normalise(text);
  if (!t) return undefined;
  return kommuner.find(
    (k) => normalise(k.name) === t || k.code === t || normalise(label(k)) === t,
  );
}

export function filterKommuner(kommuner: KommuneRead[], text: string): KommuneRead[] {
  const t = normalise(text);
  if (!t) return kommuner;
  return kommuner.filter((k) => normalise(k.name).includes(t) || k.code.startsWith(t));
}

/**
 * A searchable kommune field (ARIA 1.2 combobox with a list box of suggestions).
 * Type to filter; Pil ned/op moves through the list, Enter picks, Escape closes.
 * The typed text alone also works: the form resolves an exact name or code.
 */
export function KommunePicker({
  kommuner,
  value,
  onChange,
  selected,
  onSelect,
  error,
  hint,
}: {
  kommuner: KommuneRead[];
  value: string;
  onChange: (text: string) => void;
  selected: KommuneRead | null;
  onSelect: (k: KommuneRead | null) => void;
  error?: string;
  hint?: string;
}) {
  const id = useId();
  const inputId = `${id}-input`;
  const listId = `${id}-list`;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const inputRef = useRef<HTMLInputElement>(null);

  const matches = useMemo(() => {
    // Once a kommune is chosen, show the whole list again when reopened.
    if (selected && value === label(selected)) return kommuner;
    return filterKommuner(kommuner, value);
  }, [kommuner, value, selected]);

  const choose = (k: KommuneRead) => {
    onSelect(k);
    onChange(label(k));
    setOpen(false);
    setActive(-1);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    switch (event.key) {
      case 'ArrowDown':
        event.preventDefault();
        if (!open) {
          setOpen(true);
          setActive(0);
        } else setActive((i) => Math.min(i + 1, matches.length - 1));
        break;
      case 'ArrowUp':
        event.preventDefault();
        if (open) setActive((i) => Math.max(i - 1, 0));
        break;
      case 'Enter': {
        const k = open && active >= 0 ? matches[active] : undefined;
        if (k) {
          event.preventDefault();
          choose(k);
        }
        break;
      }
      case 'Escape':
        if (open) {
          event.preventDefault();
          setOpen(false);
          setActive(-1);
        } else if (value) {
          onChange('');
          onSelect(null);
        }
        break;
      default:
        break;
    }
  };

  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(' ');
  const expanded = open && matches.length > 0;
  const activeOption = expanded && active >= 0 ? `${id}-opt-${active}` : undefined;

  return (
    <div className={`form-group kommune-picker ${error ? 'form-error' : ''}`.trim()}>
      <label className="form-label" htmlFor={inputId}>
        Kommune
      </label>
      {hint ? (
        <span className="form-hint" id={hintId}>
          {hint}
        </span>
      ) : null}
      {error ? (
        <span className="form-error-message" id={errorId}>
          <span className="sr-only">Fejl: </span>
          {error}
        </span>
      ) : null}
      <div className="combobox">
        <input
          ref={inputRef}
          id={inputId}
          className="form-input input-width-l"
          type="text"
          role="combobox"
          autoComplete="off"
          spellCheck={false}
          aria-autocomplete="list"
          aria-expanded={expanded}
          aria-controls={listId}
          aria-activedescendant={activeOption}
          aria-describedby={describedBy || undefined}
          aria-invalid={error ? true : undefined}
          value={value}
          onChange={(e) => {
            onChange(e.target.value);
            const exact = exactMatch(kommuner, e.target.value);
            onSelect(exact ?? null);
            // An exact name or code needs no list (and the list would cover "Log ind").
            setOpen(!exact);
            setActive(-1);
          }}
          onClick={() => setOpen(true)}
          onBlur={() => {
            setOpen(false);
            setActive(-1);
          }}
          onKeyDown={onKeyDown}
        />
        <ul
          id={listId}
          role="listbox"
          aria-label="Forslag"
          className="combobox-list"
          hidden={!expanded}
        >
          {matches.map((k, i) => (
            <li
              key={k.code}
              id={`${id}-opt-${i}`}
              role="option"
              aria-selected={selected?.code === k.code}
              className={i === active ? 'active' : undefined}
              // mousedown, not click, so the input keeps focus and blur doesn't close first
              onMouseDown={(e) => {
                e.preventDefault();
                choose(k);
              }}
            >
              <span className="combobox-name">
                {k.name}
                {isSuspended(k) ? (
                  <span className="combobox-status"> Midlertidigt lukket – kontakt din kommunes it-afdeling</span>
                ) : null}
              </span>{' '}
              <span className="combobox-code">{k.code}</span>
            </li>
          ))}
        </ul>
      </div>
      <p className="sr-only" aria-live="polite">
        {open && value && !(selected && value === label(selected))
          ? matches.length === 0
            ? 'Ingen kommuner passer til søgningen'
            : `${matches.length} ${matches.length === 1 ? 'kommune passer' : 'kommuner passer'} til søgningen`
          : ''}
      </p>
    </div>
  );
}
