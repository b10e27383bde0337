// A DKFDS modal ("fds-modal") that asks before a consequential action: it says what will
// happen (amount, period, child, rows, recipient …) and offers the action and "Fortryd".
// Built on the native <dialog> shown with showModal(): the page behind is inert, focus is
// kept inside, Escape cancels, and focus returns to the button that opened it.
import { useEffect, useId, useRef, type ReactNode } from 'react';
import { Alert } from './Alert';
import { Icon } from './Icon';
import './ConfirmDialog.css';

export type ConfirmDialogProps = {
  /** The question, e.g. "Godkend bevillingen?" */
  title: string;
  /** What will happen: the facts the person confirms. */
  children: ReactNode;
  /** The action's verb, the same words as the button that opened the dialog. */
  confirmLabel: string;
  cancelLabel?: string;
  busy?: boolean;
  /** Why the action failed, shown in the dialog (it stays open). */
  error?: string;
  onConfirm: () => void;
  onCancel: () => void;
};

/** Render it only while it is open: mounting shows it, unmounting closes it. */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  cancelLabel = 'Fortryd',
  busy = false,
  error,
  onConfirm,
  onCancel,
}: ConfirmDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const cancelButton = useRef<HTMLButtonElement>(null);
  const id = useId();
  const cancelRef = useRef(onCancel);
  cancelRef.current = onCancel;

  useEffect(() => {
    const dialog = ref.current;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (dialog && !dialog.open) dialog.showModal();
    // Start on "Fortryd": Enter on a consequential action must be a choice, not a reflex.
    cancelButton.current?.focus();
    return () => {
      if (dialog?.open) dialog.close();
      // The opener may have been replaced meanwhile; focus it only if it is still there.
      if (opener && opener.isConnected) opener.focus();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      className="fds-modal show-modal confirm-dialog"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-body`}
      onCancel={(event) => {
        // Escape: cancel (unless the action is under way).
        event.preventDefault();
        if (!busy) cancelRef.current();
      }}
    >
      <div className="modal-content">
        <div className="modal-header">
          <h2 className="modal-title" id={`${id}-title`}>
            {title}
          </h2>
          <button type="button" className="modal-close function-link" onClick={onCancel} disabled={busy}>
            <Icon name="close" />
            Luk
          </button>
        </div>
        <div className="modal-body" id={`${id}-body`}>
          {children}
          {error ? (
            <Alert variant="error" heading="Handlingen blev ikke gennemført">
              <p>{error}</p>
            </Alert>
          ) : null}
        </div>
        <div className="modal-footer">
          <button
            type="button"
            className={`button button-primary ${busy ? 'spinner-active' : ''}`.trim()}
            aria-disabled={busy || undefined}
            onClick={() => {
              if (!busy) onConfirm();
            }}
          >
            {confirmLabel}
          </button>
          <button type="button" className="button button-secondary" onClick={onCancel} disabled={busy} ref={cancelButton}>
            {cancelLabel}
          </button>
        </div>
      </div>
    </dialog>
  );
}
