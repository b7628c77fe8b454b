import { parseSearch } from '@auditlog/audit/search';
import { type KeyboardEvent, useId, useMemo, useRef, useState } from 'react';
import { type Completion, completionsAt } from './completions';

interface Props {
  value: string;
  onChange(next: string): void;
}

/**
 * The query-language box: what is wrong is underlined as it is typed (the same parser as
 * the server's, so the box and the API never disagree), and qualifiers and known values
 * are offered at the caret (↑ ↓ to choose, Enter or Tab to take, Escape to close).
 */
export function SearchBox({ value, onChange }: Props) {
  const input = useRef<HTMLInputElement>(null);
  const mirror = useRef<HTMLDivElement>(null);
  const ids = useId();
  const [caret, setCaret] = useState<number | null>(null);
  const [active, setActive] = useState(0);
  const problems = useMemo(() => parseSearch(value).problems, [value]);
  const options = caret === null ? [] : completionsAt(value, caret);
  const open = options.length > 0;

  const take = (completion: Completion) => {
    onChange(completion.text);
    setCaret(completion.caret);
    setActive(0);
    requestAnimationFrame(() =>
      input.current?.setSelectionRange(completion.caret, completion.caret),
    );
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (!open) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const step = e.key === 'ArrowDown' ? 1 : -1;
      setActive((i) => (i + step + options.length) % options.length);
    } else if (e.key === 'Enter' || e.key === 'Tab') {
      e.preventDefault();
      take(options[Math.min(active, options.length - 1)] as Completion);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      setCaret(null);
    }
  };
  const follow = () => {
    setCaret(input.current?.selectionStart ?? null);
    setActive(0);
    if (mirror.current && input.current) mirror.current.scrollLeft = input.current.scrollLeft;
  };

  return (
    <div className="search">
      <label htmlFor={`${ids}-input`}>Search</label>
      <div className="search-field">
        <div className="search-mirror" ref={mirror} aria-hidden="true">
          {underline(value, problems)}
        </div>
        <input
          id={`${ids}-input`}
          ref={input}
          type="search"
          role="combobox"
          autoComplete="off"
          spellCheck={false}
          placeholder='action:user.* -outcome:success actor:alice@example.com "free text"'
          value={value}
          aria-invalid={problems.length > 0}
          aria-describedby={problems.length > 0 ? `${ids}-problem` : undefined}
          aria-expanded={open}
          aria-controls={`${ids}-options`}
          aria-activedescendant={open ? `${ids}-option-${active}` : undefined}
          onChange={(e) => {
            onChange(e.target.value);
            setCaret(e.target.selectionStart);
            setActive(0);
          }}
          onKeyDown={onKeyDown}
          onSelect={follow}
          onScroll={follow}
          onBlur={() => setCaret(null)}
        />
        <div id={`${ids}-options`} role="listbox" aria-label="Suggestions" hidden={!open}>
          {options.map((option, i) => (
            <div
              key={option.label}
              tabIndex={-1}
              id={`${ids}-option-${i}`}
              role="option"
              aria-selected={i === active}
              // Taken before the input's blur closes the list.
              onMouseDown={(e) => {
                e.preventDefault();
                take(option);
              }}
            >
              {option.label}
            </div>
          ))}
        </div>
      </div>
      {problems[0] && (
        <p id={`${ids}-problem`} className="search-problem" role="alert">
          Search, at character {problems[0].start + 1}: {problems[0].message}
        </p>
      )}
    </div>
  );
}

/** The query's text with the characters at fault marked, for the mirror under the input. */
function underline(text: string, problems: { start: number; end: number }[]) {
  const parts = [];
  let at = 0;
  for (const [i, p] of problems.entries()) {
    if (p.start < at) continue;
    parts.push(text.slice(at, p.start));
    // An empty span (a missing value) still gets a visible mark.
    parts.push(<mark key={i}>{text.slice(p.start, p.end) || ' '}</mark>);
    at = p.end;
  }
  parts.push(text.slice(at));
  return parts;
}
