import { parseSearch } from '@auditlog/audit/search';
import { type FormEvent, useEffect, useState } from 'react';
import { EMPTY_FORM, type FilterForm, RANGES } from '../filters';
import { SearchBox } from '../search/SearchBox';

interface Props {
  value: FilterForm;
  onApply(next: FilterForm): void;
}

/** Filter inputs; applied on submit (Enter or the button), not on every keystroke. */
export function FilterBar({ value, onApply }: Props) {
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);

  const field = (key: keyof FilterForm) => ({
    value: draft[key],
    onChange: (e: { target: { value: string } }) => setDraft({ ...draft, [key]: e.target.value }),
  });
  // Whole days replace a relative range.
  const days = (key: 'from' | 'to') => ({
    value: draft[key],
    onChange: (e: { target: { value: string } }) =>
      setDraft({ ...draft, [key]: e.target.value, range: '' }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    // The box underlines what is wrong; the view keeps the last search that was valid.
    if (parseSearch(draft.q).problems.length === 0) onApply(draft);
  };

  return (
    <form className="filters" onSubmit={submit} aria-label="Filters">
      <SearchBox value={draft.q} onChange={(q) => setDraft({ ...draft, q })} />
      <label>
        Actor
        <input type="search" placeholder="id or email" {...field('actor')} />
      </label>
      <label>
        Action
        <input type="search" placeholder="user.role_changed or user.*" {...field('action')} />
      </label>
      <label>
        Resource
        <input type="search" placeholder="type or type:id" {...field('resource')} />
      </label>
      <label>
        Range
        <select
          value={draft.range}
          onChange={(e) => setDraft({ ...draft, range: e.target.value, from: '', to: '' })}
        >
          <option value="">Any time, or days below</option>
          {Object.entries(RANGES).map(([key, range]) => (
            <option key={key} value={key}>
              {range}
            </option>
          ))}
        </select>
      </label>
      <label>
        From
        <input type="date" {...days('from')} max={draft.to || undefined} />
      </label>
      <label>
        To
        <input type="date" {...days('to')} min={draft.from || undefined} />
      </label>
      <div className="filter-actions">
        <button type="submit">Apply</button>
        <button type="button" className="secondary" onClick={() => onApply(EMPTY_FORM)}>
          Clear
        </button>
      </div>
    </form>
  );
}
