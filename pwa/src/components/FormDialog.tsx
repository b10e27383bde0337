// A DKFDS modal ("fds-modal") holding a form that opens when asked and closes when done:
// registering a notification, writing the 24-hour assessment, adding a person to the
// network. Built like ConfirmDialog on the native <dialog> shown with showModal(): the page
// behind is inert, focus moves to the first field, Escape (or "Luk") closes, and focus
// returns to the button that opened it. The form inside is the caller's (useSubmit's
// busy/error pattern, errors next to the fields); `busy` keeps the dialog open while a save
// is under way.
import { useEffect, useId, useRef, type ReactNode } from 'react';
import { Icon } from './Icon';
import './ConfirmDialog.css';

export type FormDialogProps = {
  /** The dialog's heading, e.g. "Registrér underretning". */
  title: string;
  /** A line under the heading saying whom or what the form concerns (the child, the case). */
  subtitle?: ReactNode;
  /** The form and its buttons. */
  children: ReactNode;
  /** While a save is under way, Escape and "Luk" do nothing. */
  busy?: boolean;
  /** Close without saving (Escape, "Luk"). */
  onClose: () => void;
  /** `wide` for forms with two columns or a table. */
  size?: 'normal' | 'wide';
};

/** Render it only while it is open: mounting shows it, unmounting closes it. */
export function FormDialog({ title, subtitle, children, busy = false, onClose, size = 'normal' }: FormDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  const closeRef = useRef(onClose);
  closeRef.current = onClose;
  const busyRef = useRef(busy);
  busyRef.current = busy;

  useEffect(() => {
    const dialog = ref.current;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (dialog && !dialog.open) dialog.showModal();
    // Focus the first field (not the close button): the person came to write.
    const first = dialog?.querySelector<HTMLElement>(
      '.modal-body input:not([type=hidden]):not([disabled]), .modal-body select:not([disabled]), .modal-body textarea:not([disabled])',
    );
    (first ?? dialog)?.focus();
    return () => {
      if (dialog?.open) dialog.close();
      if (opener && opener.isConnected) opener.focus();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      className={`fds-modal show-modal confirm-dialog form-dialog ${size === 'wide' ? 'form-dialog-wide' : ''}`.trim()}
      aria-labelledby={`${id}-title`}
      onCancel={(event) => {
        event.preventDefault();
        if (!busyRef.current) closeRef.current();
      }}
    >
      <div className="modal-content">
        <div className="modal-header">
          <h2 className="modal-title" id={`${id}-title`}>
            {title}
          </h2>
          <button type="button" className="modal-close function-link" onClick={onClose} disabled={busy}>
            <Icon name="close" />
            Luk
          </button>
        </div>
        <div className="modal-body">
          {subtitle ? <p className="form-dialog-subtitle">{subtitle}</p> : null}
          {children}
        </div>
      </div>
    </dialog>
  );
}

/** A dialog form's buttons: the save (a spinner while `busy`) and "Fortryd". */
export function DialogButtons({ label, busy, onCancel }: { label: ReactNode; busy: boolean; onCancel: () => void }) {
  return (
    <div className="process-buttons">
      <button type="submit" className={`button button-primary ${busy ? 'spinner-active' : ''}`.trim()} aria-disabled={busy || undefined}>
        {label}
      </button>
      <button type="button" className="button button-tertiary" onClick={onCancel} disabled={busy}>
        Fortryd
      </button>
    </div>
  );
}
