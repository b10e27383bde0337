// Pieces every Forløb form uses: the failure alert (with "Hent igen" on a 409), the
// submit/cancel row, and focus on the first field when a form is opened.
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { Alert } from '../../components/Alert';
import type { Failure } from './process';

/** An error that belongs to no field; a 409 says who changed what and offers "Hent igen". */
export function FailureAlert({
  failure,
  heading,
  onReload,
}: {
  failure: Failure | undefined;
  heading: string;
  onReload: () => void;
}) {
  if (!failure) return null;
  const conflict = failure.status === 409;
  return (
    <Alert
      variant="error"
      heading={conflict ? 'Oplysningerne er ændret af en anden' : heading}
      action={
        conflict ? (
          <button type="button" className="button button-secondary" onClick={onReload}>
            Hent igen
          </button>
        ) : null
      }
    >
      <p>{failure.message}</p>
    </Alert>
  );
}

/** The primary submit button and a "Fortryd" that closes the form. */
export function FormButtons({ busy, label, onCancel }: { busy: boolean; label: string; onCancel: () => void }) {
  return (
    <div className="process-buttons">
      <button
        type="submit"
        className={`button button-primary ${busy ? 'spinner-active' : ''}`.trim()}
        aria-disabled={busy || undefined}
      >
        {label}
      </button>
      <button type="button" className="button button-tertiary" onClick={onCancel}>
        Fortryd
      </button>
    </div>
  );
}

/** A form opened from a button: a titled form (a landmark) whose first field gets focus. */
export function ProcessForm({
  id,
  title,
  level = 3,
  onSubmit,
  children,
}: {
  id: string;
  title: string;
  level?: 3 | 4;
  onSubmit: (event: FormEvent) => void;
  children: ReactNode;
}) {
  const ref = useRef<HTMLFormElement>(null);
  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('input, select, textarea')?.focus();
  }, []);
  const headingId = `${id}-heading`;
  const Heading = level === 3 ? 'h3' : 'h4';
  return (
    <form
      id={id}
      ref={ref}
      onSubmit={onSubmit}
      noValidate
      aria-labelledby={headingId}
      className="admin-form case-form process-form"
    >
      <Heading id={headingId} className="h4 process-form-heading">
        {title}
      </Heading>
      {children}
    </form>
  );
}

/** What a saved form says on the page once its dialog has closed. */
export type Outcome = { heading: string; body?: ReactNode; variant?: 'success' | 'info' } | null;

/** The result of a form: an alert that takes focus when it appears (after its dialog closed). */
export function OutcomeAlert({ outcome }: { outcome: Outcome }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (outcome) ref.current?.focus();
  }, [outcome]);
  return (
    <div ref={ref} tabIndex={-1} className="case-outcome">
      {outcome ? (
        <Alert variant={outcome.variant ?? 'success'} heading={outcome.heading}>
          {outcome.body}
        </Alert>
      ) : null}
    </div>
  );
}

/**
 * A button that opens a form in a dialog (FormDialog) and closes it when the form is done:
 * `children(close)` renders the dialog while it is open.
 */
export function DialogButton({
  label,
  variant = 'secondary',
  children,
}: {
  label: string;
  variant?: 'primary' | 'secondary';
  children: (close: () => void) => ReactNode;
}) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className={`button button-${variant} case-action`}
        aria-haspopup="dialog"
        onClick={() => setOpen(true)}
      >
        {label}
      </button>
      {open ? children(() => setOpen(false)) : null}
    </>
  );
}
