import { type EventFilter, FACET_NAMES, type FacetName, filterWithoutFacet } from '@auditlog/audit';
import { Prisma, type PrismaClient } from '../generated/prisma/client';
import { BUCKET_ORIGIN, type HistogramSpan, histogramSpan } from './histogram-bins';
import { whereSql, whereSqlWith } from './query';
import { likeLiteral } from './search-sql';

export interface FacetValue {
  /** null: events without one (no resource, say). */
  value: string | null;
  count: number;
}

export interface FacetCounts {
  /** Events matching the whole filter: exact up to EXACT_UP_TO, then an estimate. */
  total: number;
  totalExact: boolean;
  /** Each facet's most frequent values, counted under every selection but its own. */
  facets: Record<FacetName, FacetValue[]>;
  /** The facets whose counts are estimates from a sample (more than EXACT_UP_TO events). */
  approximate: FacetName[];
  /** Events over time, by outcome, under the whole filter (estimated like the total). */
  histogram: Histogram;
}

export interface Histogram {
  /** Bucket width in milliseconds. */
  width: number;
  /** Every bucket from the view's start to its end, empty ones included. */
  buckets: { start: string; success: number; failure: number }[];
}

/** Up to this many matching events, every count is exact. */
export const EXACT_UP_TO = 100_000;
/**
 * Past it, counts come from a sample of the table's pages sized to read about this many
 * rows whatever the log's size (TABLESAMPLE SYSTEM, the same pages on every refresh),
 * scaled up: a 30-day view of 1,000,000 events took 1.5 s to count exactly on 2 cores,
 * the whole log 4.3 s.
 */
const SAMPLE_ROWS = 100_000;

// What each facet counts; an actor shows as their email when they have one, as the table does.
const FACET_SQL: Record<FacetName, string> = {
  action: 'action',
  actor: `coalesce(nullif("actorEmail", ''), "actorId")`,
  resourceType: '"resourceType"',
  outcome: 'outcome::text',
  actorType: '"actorType"::text',
};

/**
 * The total and the facets' counts for a filter. Facets whose counts share a WHERE (all
 * of them, until the view selects on some) are counted in one read of the matching rows
 * with GROUPING SETS, the total among them; a facet with a selection of its own takes
 * one more read without it. Each read first counts up to EXACT_UP_TO + 1 matching rows
 * on the indexes, and samples past that.
 */
export async function facetCounts(
  prisma: PrismaClient,
  filter: EventFilter,
  top: number,
): Promise<FacetCounts> {
  const groups = new Map<string, { filter: EventFilter; facets: FacetName[] }>();
  for (const facet of FACET_NAMES) {
    const own = filterWithoutFacet(filter, facet);
    const key = JSON.stringify(own);
    const group = groups.get(key) ?? { filter: own, facets: [] };
    group.facets.push(facet);
    groups.set(key, group);
  }
  const totalKey = JSON.stringify(filter);
  if (!groups.has(totalKey)) groups.set(totalKey, { filter, facets: [] });
  const [head] = await prisma.$queryRaw<{ size: bigint; oldest: Date | null }[]>`
    SELECT size, (SELECT min("createdAt") FROM "AuditLog") AS oldest FROM "LogHead"`;
  const logSize = Number(head?.size ?? 0);
  const span = histogramSpan(filter, head?.oldest?.getTime() ?? Date.now(), Date.now());
  const counted = await Promise.all(
    [...groups].map(([key, group]) =>
      countGroup(prisma, group, logSize, key === totalKey ? span : undefined),
    ),
  );
  const result: FacetCounts = {
    total: 0,
    totalExact: true,
    facets: Object.fromEntries(FACET_NAMES.map((f) => [f, []])) as unknown as FacetCounts['facets'],
    approximate: [],
    histogram: { width: span.width, buckets: [] },
  };
  for (const part of counted) {
    if (part.total !== undefined) {
      result.total = part.total;
      result.totalExact = !part.sampled;
      result.histogram.buckets = denseBuckets(span, part.bars);
    }
    for (const [facet, values] of Object.entries(part.facets) as [FacetName, FacetValue[]][]) {
      result.facets[facet] = values.sort((a, b) => b.count - a.count).slice(0, top);
      if (part.sampled) result.approximate.push(facet);
    }
  }
  return result;
}

/** How many events match a WHERE, counting no further than `bound`. */
async function countUpTo(prisma: PrismaClient, where: Prisma.Sql, bound: number) {
  const [row] = await prisma.$queryRaw<{ n: bigint }[]>`
    SELECT count(*) AS n FROM (SELECT 1 FROM "AuditLog" ${where} LIMIT ${bound}) matching`;
  return Number(row?.n ?? 0);
}

/**
 * What the rows matching a WHERE are read from: the whole table while they are few enough
 * to count exactly, else a sample of its pages, and how much to scale the sample's counts.
 */
async function countedRows(prisma: PrismaClient, where: Prisma.Sql, logSize: number) {
  const matching = await countUpTo(prisma, where, EXACT_UP_TO + 1);
  return { matching, ...sampleOf(matching > EXACT_UP_TO, logSize) };
}

function sampleOf(sampled: boolean, logSize: number) {
  const percent = sampled ? Math.min(100, (100 * SAMPLE_ROWS) / Math.max(logSize, 1)) : 100;
  const from = sampled
    ? Prisma.raw(`"AuditLog" TABLESAMPLE SYSTEM (${percent.toFixed(4)}) REPEATABLE (0)`)
    : Prisma.raw('"AuditLog"');
  return { sampled, from, scale: 100 / percent };
}

/**
 * One facet's values that contain `text` in any case, most frequent first, counted under
 * every selection but the facet's own: how a long list (thousands of actors) is searched
 * rather than scrolled. The matching rows are grouped as they are counted, up to
 * EXACT_UP_TO + 1 of them, so a search that matches few reads them once; one that
 * matches more is answered from the sample, as the facets are.
 */
export async function facetValuesContaining(
  prisma: PrismaClient,
  filter: EventFilter,
  facet: FacetName,
  text: string,
  top: number,
): Promise<{ values: FacetValue[]; approximate: boolean }> {
  const value = Prisma.raw(FACET_SQL[facet]);
  const where = whereSqlWith(filterWithoutFacet(filter, facet), [
    Prisma.sql`${value} ILIKE ${`%${likeLiteral(text)}%`}`,
  ]);
  const exact = await prisma.$queryRaw<{ v: string | null; n: bigint; matched: bigint }[]>`
    SELECT v, count(*) AS n, sum(count(*)) OVER () AS matched
    FROM (SELECT ${value} AS v FROM "AuditLog" ${where} LIMIT ${EXACT_UP_TO + 1}) matching
    GROUP BY v ORDER BY n DESC, v LIMIT ${top}`;
  const sampled = Number(exact[0]?.matched ?? 0) > EXACT_UP_TO;
  if (!sampled) {
    return { values: exact.map((r) => ({ value: r.v, count: Number(r.n) })), approximate: false };
  }
  const { from, scale } = sampleOf(true, await logSize(prisma));
  const rows = await prisma.$queryRaw<{ v: string | null; n: bigint }[]>`
    SELECT ${value} AS v, count(*) AS n FROM ${from} ${where}
    GROUP BY 1 ORDER BY n DESC, v LIMIT ${top}`;
  return {
    values: rows.map((r) => ({ value: r.v, count: Math.round(Number(r.n) * scale) })),
    approximate: true,
  };
}

async function logSize(prisma: PrismaClient): Promise<number> {
  const [head] = await prisma.$queryRaw<{ size: bigint }[]>`SELECT size FROM "LogHead"`;
  return Number(head?.size ?? 0);
}

/**
 * One read of the rows matching a group's filter: its facets' counts and, for the whole
 * filter (`span` given), the total and the histogram's bars.
 */
async function countGroup(
  prisma: PrismaClient,
  group: { filter: EventFilter; facets: FacetName[] },
  logSize: number,
  span?: HistogramSpan,
): Promise<{
  total?: number;
  sampled: boolean;
  facets: Partial<Record<FacetName, FacetValue[]>>;
  bars: Map<number, { success: number; failure: number }>;
}> {
  const where = whereSql(group.filter, undefined, 'newest');
  const { matching, sampled, from, scale } = await countedRows(prisma, where, logSize);
  const sets = group.facets.map((f) => `(${FACET_SQL[f]})`);
  // GROUPING(x) is 0 on the rows grouped by x: it tells each row's facet apart, even
  // where the value itself is NULL.
  const columns = group.facets.map(
    (f, i) => `${FACET_SQL[f]} AS v${i}, GROUPING(${FACET_SQL[f]}) AS g${i}`,
  );
  const bucket = span
    ? `date_bin('${span.width} milliseconds'::interval, "createdAt", '${new Date(BUCKET_ORIGIN).toISOString()}'::timestamptz)`
    : undefined;
  if (bucket) {
    sets.push('()', `(${bucket}, outcome::text)`);
    columns.push(`${bucket} AS hb, outcome::text AS ho, GROUPING(${bucket}) AS hg`);
  }
  const rows = await prisma.$queryRaw<Record<string, string | number | bigint | null>[]>`
    SELECT ${Prisma.raw([...columns, 'count(*) AS n'].join(', '))}
    FROM ${from} ${where}
    GROUP BY GROUPING SETS (${Prisma.raw(sets.join(', '))})`;
  const facets: Partial<Record<FacetName, FacetValue[]>> = {};
  for (const facet of group.facets) facets[facet] = [];
  let total: number | undefined = span ? matching : undefined;
  const bars = new Map<number, { success: number; failure: number }>();
  for (const row of rows) {
    const count = Math.round(Number(row.n) * scale);
    if (bucket && Number(row.hg) === 0) {
      const start = (row.hb as unknown as Date).getTime();
      const bar = bars.get(start) ?? { success: 0, failure: 0 };
      bar[row.ho as 'success' | 'failure'] += count;
      bars.set(start, bar);
      continue;
    }
    const i = group.facets.findIndex((_, j) => Number(row[`g${j}`]) === 0);
    // A sample can only say there are more than were counted exactly.
    if (i < 0) total = sampled ? Math.max(count, EXACT_UP_TO + 1) : count;
    else
      facets[group.facets[i] as FacetName]?.push({ value: row[`v${i}`] as string | null, count });
  }
  return { total, sampled, facets, bars };
}

/** A bar for every bucket of the span, zero where no event fell. */
function denseBuckets(
  span: HistogramSpan,
  bars: Map<number, { success: number; failure: number }>,
): Histogram['buckets'] {
  const buckets: Histogram['buckets'] = [];
  for (let start = span.from; start < span.to; start += span.width) {
    buckets.push({
      start: new Date(start).toISOString(),
      ...(bars.get(start) ?? { success: 0, failure: 0 }),
    });
  }
  return buckets;
}
