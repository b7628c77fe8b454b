import { useState } from 'react';

/** Puts `text` on the clipboard, and says so (or why it could not). */
export function CopyButton({ label, text }: { label: string; text: string }) {
  const [said, setSaid] = useState<string>();
  const copy = () =>
    navigator.clipboard
      .writeText(text)
      .then(
        () => setSaid('Copied'),
        () => setSaid('Copy blocked by the browser'),
      )
      .then(() => setTimeout(() => setSaid(undefined), 2000));
  return (
    <button type="button" className="secondary" onClick={copy} aria-live="polite">
      {said ?? label}
    </button>
  );
}
