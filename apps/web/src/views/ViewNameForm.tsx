import { useEffect, useRef, useState } from 'react';

interface Props {
  label: string;
  submitLabel: string;
  initialName?: string;
  /** Offer sharing with the team and pinning, as when a view is first saved. */
  choices?: boolean;
  onSubmit(value: { name: string; shared: boolean; pinned: boolean }): void;
  onCancel(): void;
}

/** The name of a view (and, when saving, who sees it); Escape cancels. */
export function ViewNameForm({
  label,
  submitLabel,
  initialName = '',
  choices,
  onSubmit,
  onCancel,
}: Props) {
  const [name, setName] = useState(initialName);
  const [shared, setShared] = useState(false);
  const [pinned, setPinned] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.select(), []);
  return (
    <form
      className="view-form"
      aria-label={label}
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit({ name: name.trim(), shared, pinned });
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onCancel();
      }}
    >
      <label>
        {label}
        <input
          ref={input}
          required
          maxLength={100}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
      </label>
      {choices && (
        <>
          <label className="check">
            <input type="checkbox" checked={shared} onChange={(e) => setShared(e.target.checked)} />
            Share with the team
          </label>
          <label className="check">
            <input type="checkbox" checked={pinned} onChange={(e) => setPinned(e.target.checked)} />
            Pin above the log
          </label>
        </>
      )}
      <button type="submit">{submitLabel}</button>
      <button type="button" className="secondary" onClick={onCancel}>
        Cancel
      </button>
    </form>
  );
}
