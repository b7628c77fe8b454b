import { type EventFilter, encodeCursor } from '@auditlog/audit';
import type { Database } from '@auditlog/db';
import { eventPageSql, testSql } from '@auditlog/db/testing';
import { percentile } from './workloads';

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  Plans?: PlanNode[];
}

export interface DashboardQuery {
  name: string;
  filter: EventFilter;
  order?: 'newest' | 'oldest';
  /** Where the page starts: the event at this seq (a deep keyset page). */
  afterSeq?: number;
}

export interface PlanReport {
  name: string;
  indexes: string[];
  /** Rows every scan produced or discarded: what the query had to read. */
  rowsRead: number;
  buffers: number;
  executionMs: number;
  rawP50: number;
  rawP95: number;
}

function walk(node: PlanNode, report: { indexes: Set<string>; rowsRead: number }) {
  if (node['Index Name']) report.indexes.add(node['Index Name']);
  if (node['Node Type'].includes('Scan')) {
    report.rowsRead +=
      (node['Actual Rows'] ?? 0) * (node['Actual Loops'] ?? 1) +
      (node['Rows Removed by Filter'] ?? 0);
  }
  for (const child of node.Plans ?? []) walk(child, report);
}

/**
 * EXPLAIN (ANALYZE, BUFFERS) of each query the dashboard sends (a first page of 50 rows),
 * and the same SQL timed raw, with nothing around it.
 */
export async function explainAll(db: Database, queries: DashboardQuery[]): Promise<PlanReport[]> {
  const reports: PlanReport[] = [];
  for (const query of queries) {
    let cursor: string | undefined;
    if (query.afterSeq !== undefined) {
      const [at] = await testSql<{ createdAt: Date }>(
        db,
        'SELECT "createdAt" FROM "AuditLog" WHERE seq = $1',
        [query.afterSeq],
      );
      if (at) cursor = encodeCursor({ createdAt: at.createdAt, seq: query.afterSeq }, query.order);
    }
    const sql = eventPageSql(query.filter, { cursor, limit: 50, order: query.order });
    const values = sql.values.map((v) => (typeof v === 'bigint' ? v.toString() : v));
    const [explained] = await testSql<{
      'QUERY PLAN': [{ Plan: PlanNode; 'Execution Time': number }];
    }>(db, `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql.text}`, values);
    const plan = explained?.['QUERY PLAN'][0];
    if (!plan) throw new Error(`no plan for ${query.name}`);
    const found = { indexes: new Set<string>(), rowsRead: 0 };
    walk(plan.Plan, found);
    const raw: number[] = [];
    for (let i = 0; i < 50; i++) {
      const start = performance.now();
      await testSql(db, sql.text, values);
      raw.push(performance.now() - start);
    }
    reports.push({
      name: query.name,
      indexes: [...found.indexes],
      rowsRead: found.rowsRead,
      buffers: (plan.Plan['Shared Hit Blocks'] ?? 0) + (plan.Plan['Shared Read Blocks'] ?? 0),
      executionMs: plan['Execution Time'],
      rawP50: percentile(raw, 50),
      rawP95: percentile(raw, 95),
    });
  }
  return reports;
}
