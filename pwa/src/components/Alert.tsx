import type { ReactNode } from 'react';
import { Icon } from './Icon';

type Variant = 'error' | 'warning' | 'info' | 'success';

const ICON: Record<Variant, string> = {
  error: 'error',
  warning: 'warning',
  info: 'info',
  success: 'success',
};

/** DKFDS alert. Errors use role="alert" so they are announced at once. */
export function Alert({
  variant,
  heading,
  children,
  action,
  role,
}: {
  role?: 'alert' | 'status' | 'note';
  variant: Variant;
  heading: string;
  children?: ReactNode;
  action?: ReactNode;
}) {
  return (
    <div
      className={`alert alert-${variant} has-icon`}
      role={role ?? (variant === 'error' ? 'alert' : 'status')}
    >
      <Icon name={ICON[variant]} className="alert-icon" />
      <div className="alert-body">
        <p className="alert-heading">{heading}</p>
        {children ? <div className="alert-text">{children}</div> : null}
        {action ? <div className="alert-action">{action}</div> : null}
      </div>
    </div>
  );
}
