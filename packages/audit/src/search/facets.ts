import type { EventFilter } from '../query';
import { type Qualifier, withoutQualifier } from './search-syntax';

/**
 * The facets of the log's events: what the dashboard counts for the current view, and
 * the qualifier a click on a value adds to the search (`action:user.deleted`).
 */
export const FACETS = {
  action: { label: 'Action', qualifier: 'action' },
  actor: { label: 'Actor', qualifier: 'actor' },
  resourceType: { label: 'Resource type', qualifier: 'resource' },
  outcome: { label: 'Outcome', qualifier: 'outcome' },
  actorType: { label: 'Actor type', qualifier: 'actor_type' },
} as const satisfies Record<string, { label: string; qualifier: Qualifier }>;

export type FacetName = keyof typeof FACETS;
export const FACET_NAMES = Object.keys(FACETS) as FacetName[];

// The filter fields that select on each facet, besides its qualifier in the search.
const FIELDS: Record<FacetName, (keyof EventFilter)[]> = {
  action: ['action'],
  actor: ['actor'],
  resourceType: ['resourceType', 'resourceId'],
  outcome: ['outcome'],
  actorType: [],
};

/**
 * The filter a facet's counts are taken under: every selection but the facet's own, so
 * that picking `action:user.deleted` still shows how many events each other action has
 * (as every faceted search does), while the other facets narrow to it.
 */
export function filterWithoutFacet(filter: EventFilter, facet: FacetName): EventFilter {
  const rest: EventFilter = { ...filter };
  for (const field of FIELDS[facet]) delete rest[field];
  if (rest.q !== undefined) {
    const q = withoutQualifier(rest.q, FACETS[facet].qualifier);
    if (q) rest.q = q;
    else delete rest.q;
  }
  return rest;
}
