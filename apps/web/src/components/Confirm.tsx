import { type ReactNode, useEffect, useRef } from 'react';

interface Props {
  /** What will happen, in a sentence the admin reads before it does. */
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  onConfirm(): void;
  onCancel(): void;
}

/**
 * An inline "are you sure": says what follows and waits for an explicit yes. Focus moves
 * to it so a keyboard user meets it at once, and Escape cancels.
 */
export function Confirm({ children, confirmLabel, danger, onConfirm, onCancel }: Props) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => box.current?.querySelector('button')?.focus(), []);
  return (
    <div
      ref={box}
      className="confirm"
      role="alertdialog"
      aria-label={confirmLabel}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onCancel();
      }}
    >
      <p>{children}</p>
      <button type="button" className={danger ? 'danger' : undefined} onClick={onConfirm}>
        {confirmLabel}
      </button>{' '}
      <button type="button" className="secondary" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}
