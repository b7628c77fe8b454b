import type { EventFilter } from '@auditlog/audit';
import { FACET_NAMES, FACETS, type FacetName } from '@auditlog/audit/search';
import { keepPreviousData, skipToken, useQuery } from '@tanstack/react-query';
import { useDeferredValue, useState } from 'react';
import { termState, toggleTerm } from '../search/search-edits';
import { useTRPC } from '../trpc';

type Counts = Record<FacetName, { value: string | null; count: number }[]>;

interface Props {
  /** Undefined until the first counts arrive. */
  facets: Counts | undefined;
  /** Facets whose counts are estimates from a sample. */
  approximate: FacetName[];
  /** The applied search: what is selected. */
  q: string;
  /** Counts shown are the previous view's while the new ones load. */
  stale: boolean;
  /** The applied filter, which a facet's value search counts under. */
  filter: EventFilter;
  /** How many values each facet lists: a facet that fills them offers a search. */
  top: number;
  onSearch(q: string): void;
}

/**
 * Each facet's most frequent values in the current view, with counts: a click includes a
 * value (or takes it out again), − excludes it. Actions come grouped by domain, and a
 * domain's heading selects all of it (`auth.*`).
 */
export function FacetPanel({ facets, approximate, q, stale, filter, top, onSearch }: Props) {
  // On a phone the facets start folded, so the events come first on the screen.
  const [open] = useState(() => !window.matchMedia('(max-width: 760px)').matches);
  return (
    <nav className={stale ? 'facets stale' : 'facets'} aria-label="Facets" aria-busy={stale}>
      <details open={open}>
        <summary>Facets</summary>
        {FACET_NAMES.map((facet) => (
          <section key={facet} aria-label={`${FACETS[facet].label} facet`}>
            <h2>
              {FACETS[facet].label}
              {approximate.includes(facet) && (
                <span
                  className="muted"
                  title="Estimated from a sample: the view holds more than 100,000 events"
                >
                  {' '}
                  ≈
                </span>
              )}
            </h2>
            {facets !== undefined && facets[facet].length >= top && facet !== 'outcome' && (
              <FacetFinder facet={facet} filter={filter} q={q} onSearch={onSearch} />
            )}
            {facets === undefined ? (
              <p className="muted">Counting…</p>
            ) : facets[facet].length === 0 ? (
              <p className="muted">None in this view</p>
            ) : facet === 'action' ? (
              byDomain(facets.action).map(([domain, values]) => (
                <div key={domain} className="facet-domain">
                  <FacetValue
                    facet={facet}
                    value={`${domain}.*`}
                    q={q}
                    onSearch={onSearch}
                    heading
                  />
                  {values.map((v) => (
                    <FacetValue
                      key={v.value}
                      facet={facet}
                      {...v}
                      q={q}
                      onSearch={onSearch}
                      nested
                    />
                  ))}
                </div>
              ))
            ) : (
              facets[facet].map((v) => (
                <FacetValue key={v.value ?? ''} facet={facet} {...v} q={q} onSearch={onSearch} />
              ))
            )}
          </section>
        ))}
      </details>
    </nav>
  );
}

/**
 * A box that searches one facet's values (any part, any case) when the list is longer
 * than what is shown; the values found can be picked and excluded like the others.
 */
function FacetFinder(props: {
  facet: FacetName;
  filter: EventFilter;
  q: string;
  onSearch(q: string): void;
}) {
  const { facet, filter, q, onSearch } = props;
  const trpc = useTRPC();
  const [text, setText] = useState('');
  const wanted = useDeferredValue(text.trim());
  const found = useQuery({
    ...trpc.facetValues.queryOptions(wanted ? { filter, facet, text: wanted } : skipToken),
    placeholderData: keepPreviousData,
  });
  const label = FACETS[facet].label.toLowerCase();
  return (
    <div className="facet-finder">
      <input
        type="search"
        value={text}
        maxLength={200}
        placeholder={`Find ${label}…`}
        aria-label={`Find ${label}`}
        onChange={(e) => setText(e.target.value)}
      />
      {wanted &&
        (found.isError ? (
          <p className="error">{found.error.message}</p>
        ) : !found.data ? (
          <p className="muted">Looking…</p>
        ) : found.data.values.length === 0 ? (
          <p className="muted">
            No {label} contains “{wanted}” in this view
          </p>
        ) : (
          <section
            className="facet-found"
            aria-label={`${FACETS[facet].label} values containing “${wanted}”`}
          >
            {found.data.values.map((v) => (
              <FacetValue key={v.value ?? ''} facet={facet} {...v} q={q} onSearch={onSearch} />
            ))}
          </section>
        ))}
    </div>
  );
}

function FacetValue(props: {
  facet: FacetName;
  value: string | null;
  count?: number;
  q: string;
  heading?: boolean;
  nested?: boolean;
  onSearch(q: string): void;
}) {
  const { facet, value, count, q, heading, nested, onSearch } = props;
  const qualifier = FACETS[facet].qualifier;
  if (value === null) {
    // "No resource" cannot be said in the search; it is counted, not offered.
    return (
      <div className="facet-value">
        <span className="facet-name muted">(none)</span>
        <span className="facet-count">{count?.toLocaleString()}</span>
      </div>
    );
  }
  const state = termState(q, qualifier, value);
  return (
    <div
      className={['facet-value', state, heading && 'heading', nested && 'nested']
        .filter(Boolean)
        .join(' ')}
    >
      <button
        type="button"
        className="facet-name"
        aria-pressed={state === 'included'}
        title={`${qualifier}:${value}`}
        onClick={() => onSearch(toggleTerm(q, qualifier, value))}
      >
        {value}
      </button>
      {count !== undefined && <span className="facet-count">{count.toLocaleString()}</span>}
      <button
        type="button"
        className="facet-exclude"
        aria-pressed={state === 'excluded'}
        aria-label={`Exclude ${value}`}
        title={`-${qualifier}:${value}`}
        onClick={() => onSearch(toggleTerm(q, qualifier, value, true))}
      >
        −
      </button>
    </div>
  );
}

/** Actions under their domain (the part before the first dot), biggest domain first. */
function byDomain(values: { value: string | null; count: number }[]) {
  const domains = new Map<string, { value: string; count: number }[]>();
  for (const v of values) {
    if (v.value === null) continue;
    const domain = v.value.split('.', 1)[0] as string;
    domains.set(domain, [...(domains.get(domain) ?? []), { value: v.value, count: v.count }]);
  }
  return [...domains].sort(
    ([, a], [, b]) => b.reduce((n, v) => n + v.count, 0) - a.reduce((n, v) => n + v.count, 0),
  );
}
