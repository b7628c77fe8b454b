import { parseSearch } from '@auditlog/audit/search';
import { type FormEvent, useEffect, useState } from 'react';
import { EMPTY_FORM, type FilterForm, filterFromForm, RANGES, searchFromForm } from '../filters';
import { SearchBox } from '../search/SearchBox';
import { instantOf, useTimeZone, wallTime } from './format';

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
  // Fixed bounds, shown and typed in the chosen zone, replace a relative range.
  const zone = useTimeZone();
  const bounds = filterFromForm({ ...EMPTY_FORM, from: draft.from, to: draft.to });
  const bound = (key: 'from' | 'to') => ({
    value: bounds[key] ? wallTime(bounds[key], zone) : '',
    onChange: (e: { target: { value: string } }) =>
      setDraft({ ...draft, [key]: instantOf(e.target.value, zone), range: '' }),
  });
  // Downloads take the applied view; edits not yet applied are flagged, not half-taken.
  const unapplied = searchFromForm(draft) !== searchFromForm(value);
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
          <option value="">Any time, or the dates beside</option>
          {Object.entries(RANGES).map(([key, range]) => (
            <option key={key} value={key}>
              {range}
            </option>
          ))}
        </select>
      </label>
      <label>
        From
        <input type="datetime-local" {...bound('from')} />
      </label>
      <label title="Events before this moment">
        Until
        <input type="datetime-local" {...bound('to')} min={bound('from').value || undefined} />
      </label>
      <div className="filter-actions">
        {unapplied && (
          <span className="unapplied" role="status">
            Not applied yet: the table and the downloads show the applied view
          </span>
        )}
        <button type="submit">Apply</button>
        <button type="button" className="secondary" onClick={() => onApply(EMPTY_FORM)}>
          Clear
        </button>
      </div>
    </form>
  );
}
