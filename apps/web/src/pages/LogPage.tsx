import type { AuditEvent } from '@auditlog/audit';
import { keepPreviousData, skipToken, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { useLocation, useSearch } from 'wouter';
import { DownloadButtons } from '../components/DownloadButtons';
import { EventDetail } from '../components/EventDetail';
import { EventTable } from '../components/EventTable';
import { FilterBar } from '../components/FilterBar';
import { Histogram } from '../components/Histogram';
import { IntegrityPanel } from '../components/IntegrityPanel';
import { LoadMore } from '../components/LoadMore';
import { TableSettings } from '../components/TableSettings';
import { useTablePreferences } from '../components/table-preferences';
import { FacetPanel } from '../facets/FacetPanel';
import {
  type FilterForm,
  filterFromForm,
  formFromSearch,
  rememberLogView,
  searchFromForm,
} from '../filters';
import { useLiveTail } from '../search/live-tail';
import { useLogKeys } from '../search/log-keys';
import { withCreatedRange, withTerm } from '../search/search-edits';
import { useTRPC } from '../trpc';
import { SavedViews } from '../views/SavedViews';

// Values listed per facet; a facet with more offers a search of its values.
const FACET_TOP = 8;
// Rows per keyset page: a screenful or two, so the first answer stays quick.
const PAGE_SIZE = 100;

/** The log: filters, the table, an event's detail, integrity and downloads. */
export function LogPage({ me }: { me: { id: string; role: 'admin' | 'auditor' } }) {
  const trpc = useTRPC();
  // The URL is the view: a reload, back / forward or a pasted link shows the same one.
  const search = useSearch();
  const [, navigate] = useLocation();
  const { form, problems } = useMemo(() => formFromSearch(search), [search]);
  // A relative range is anchored when the view is opened, not moved with the clock: a
  // reader scrolled deep into the list keeps their place (Live brings what is new).
  const filter = useMemo(() => filterFromForm(form), [form]);
  // The open event is in the URL too, so a link (or a reload) opens it again.
  const selectedId = form.event || undefined;
  const select = (id: string | undefined) =>
    navigate(`/${searchFromForm({ ...form, event: id ?? '' })}`, { replace: true });

  useEffect(() => rememberLogView(search), [search]);

  // Keyset pages, further on as the reader scrolls: each starts where the last one ended.
  const order = form.sort === 'oldest' ? 'oldest' : 'newest';
  const pages = useInfiniteQuery(
    trpc.query.infiniteQueryOptions(
      { filter, order, limit: PAGE_SIZE },
      { getNextPageParam: (last) => last.nextCursor, placeholderData: keepPreviousData },
    ),
  );
  const counts = useQuery({
    ...trpc.facets.queryOptions({ filter, top: FACET_TOP }),
    placeholderData: keepPreviousData,
  });
  const status = pages.isError
    ? 'failed'
    : pages.isPending
      ? 'loading'
      : pages.isPlaceholderData
        ? 'updating'
        : 'ready';
  const loaded = useMemo(() => pages.data?.pages.flatMap((p) => p.events), [pages.data]);
  const pageEvents = pages.isError ? undefined : loaded;
  // Live: new events of the view stream in on top (newest first only: oldest first, they
  // would belong after the last page).
  const [liveChosen, setLive] = useState(false);
  const live = liveChosen && order === 'newest';
  const tail = useLiveTail(live, filter, status === 'ready' ? pageEvents : undefined);
  const events = pageEvents && live ? withArrived(tail.arrived, pageEvents) : pageEvents;
  // A stale page's cursor belongs to the previous filter: more is asked only when ready.
  const loadMore =
    status === 'ready' && pages.hasNextPage && !pages.isFetchingNextPage
      ? () => void pages.fetchNextPage()
      : undefined;
  const preferences = useTablePreferences(me.id);
  const onPage = events?.find((e) => e.id === selectedId);
  // An event opened by a link may be on no page loaded here: it is fetched by its id.
  const linked = useQuery(
    trpc.integrity.get.queryOptions(selectedId && !onPage ? { id: selectedId } : skipToken),
  );
  const selected = onPage ?? linked.data?.event;

  const applyFilter = (next: FilterForm) => navigate(`/${searchFromForm({ ...next, event: '' })}`);
  // Focus goes back to the event's row, where the keyboard left off.
  const closeDetail = () => {
    select(undefined);
    if (selectedId) document.querySelector<HTMLElement>(`tr[data-id="${selectedId}"]`)?.focus();
  };
  useLogKeys();

  return (
    <>
      <div className="page-title">
        <h1>Audit log</h1>
        <DownloadButtons filter={filter} />
      </div>
      <IntegrityPanel />
      <SavedViews form={form} me={me} onOpen={applyFilter} />
      <FilterBar value={form} onApply={applyFilter} />
      {problems.length > 0 && (
        <div className="error" role="alert">
          {problems.map((problem) => (
            <p key={problem}>{problem}</p>
          ))}
        </div>
      )}
      {pages.error && (
        <p className="error" role="alert">
          {pages.error.message}{' '}
          <button type="button" className="secondary" onClick={() => void pages.refetch()}>
            Try again
          </button>
        </p>
      )}
      <main className="content">
        <FacetPanel
          facets={counts.data?.facets}
          approximate={counts.data?.approximate ?? []}
          q={form.q}
          stale={counts.isPlaceholderData}
          filter={filter}
          top={FACET_TOP}
          onSearch={(q) => applyFilter({ ...form, q })}
        />
        <section className="results" aria-busy={pages.isFetching}>
          <div className="live">
            <label>
              <input
                type="checkbox"
                checked={live}
                disabled={order !== 'newest'}
                onChange={(e) => setLive(e.target.checked)}
              />
              Live: new events appear on top
            </label>
            {live && tail.held > 0 && (
              <button type="button" onClick={tail.showHeld}>
                {tail.held} new event{tail.held === 1 ? '' : 's'}: show
              </button>
            )}
            <TableSettings preferences={preferences} />
          </div>
          <p className="result-count" role="status">
            {counts.isError
              ? 'The matching events could not be counted.'
              : counts.data && !counts.isPlaceholderData
                ? totalText(counts.data.total, counts.data.totalExact)
                : 'Counting matching events…'}
          </p>
          {counts.data && (
            <Histogram
              histogram={counts.data.histogram}
              approximate={!counts.data.totalExact}
              stale={counts.isPlaceholderData}
              onRange={(from, to) =>
                applyFilter({
                  ...form,
                  range: '',
                  from: '',
                  to: '',
                  q: withCreatedRange(form.q, from, to),
                })
              }
            />
          )}
          <EventTable
            events={events}
            status={status}
            selectedId={selectedId}
            onSelect={select}
            preferences={preferences}
            onNearEnd={loadMore}
            order={order}
            onOrder={(next) => applyFilter({ ...form, sort: next === 'oldest' ? 'oldest' : '' })}
          />
          <LoadMore
            shown={status === 'loading' || status === 'failed' ? undefined : (events?.length ?? 0)}
            remaining={
              status === 'updating'
                ? 'unknown'
                : pages.isFetchingNextPage
                  ? 'loading'
                  : pages.hasNextPage
                    ? 'more'
                    : 'none'
            }
            order={order}
            onMore={loadMore}
          />
        </section>
        {selected && (
          <EventDetail
            event={selected}
            canErase={me.role === 'admin'}
            onClose={closeDetail}
            onSearch={(qualifier, value) =>
              applyFilter({ ...form, q: withTerm(form.q, qualifier, value) })
            }
          />
        )}
      </main>
    </>
  );
}

/** "1,234 matching events", or past the exact bound "about 560,000 …" and why. */
function totalText(total: number, exact: boolean): string {
  if (exact) return `${total.toLocaleString()} matching event${total === 1 ? '' : 's'}`;
  const rounded = Number(total.toPrecision(2));
  return `About ${rounded.toLocaleString()} matching events (more than 100,000: estimated from a sample)`;
}

/** Arrived events on top of the page, each once (a refetched page may hold some too). */
function withArrived(arrived: AuditEvent[], page: AuditEvent[]): AuditEvent[] {
  const onPage = new Set(page.map((e) => e.id));
  return [...arrived.filter((e) => !onPage.has(e.id)), ...page];
}
