import { type EventFilter, parseSearch } from '@auditlog/audit';

export interface HistogramSpan {
  /** Bucket width in milliseconds. */
  width: number;
  /** The first bucket's start and the end of the last, aligned to the width. */
  from: number;
  to: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Bucket widths a histogram uses, the smallest that keeps it within MAX_BUCKETS bars. */
const WIDTHS = [
  MINUTE,
  5 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  7 * DAY,
  30 * DAY,
];
const MAX_BUCKETS = 120;
/** Buckets start at whole multiples of their width since this instant (UTC midnight). */
export const BUCKET_ORIGIN = Date.UTC(2000, 0, 3); // a Monday, so weeks start on Mondays

/**
 * The span a view covers, the latest `from` and earliest `to` among its filter and its
 * search's created: terms; without a start, the log's oldest event; without an end, now.
 */
export function histogramSpan(filter: EventFilter, oldest: number, now: number): HistogramSpan {
  let from = filter.from ? Date.parse(filter.from) : oldest;
  let to = filter.to ? Date.parse(filter.to) : now;
  for (const term of filter.q ? parseSearch(filter.q).terms : []) {
    if (term.kind !== 'created') continue;
    if (term.from) from = Math.max(from, Date.parse(term.from));
    if (term.to) to = Math.min(to, Date.parse(term.to));
  }
  to = Math.max(to, from + 1);
  const width = WIDTHS.find((w) => (to - from) / w <= MAX_BUCKETS) ?? (WIDTHS.at(-1) as number);
  const align = (t: number) => BUCKET_ORIGIN + Math.floor((t - BUCKET_ORIGIN) / width) * width;
  return { width, from: align(from), to: align(to - 1) + width };
}
