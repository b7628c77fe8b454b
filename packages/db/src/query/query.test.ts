import { auditEntrySchema } from '@auditlog/audit';
import { describe, expect, it } from 'vitest';
import { Prisma } from '../generated/prisma/client';
import { connectionsOf, TEST_DRIVERS } from '../test-databases';
import { useTestStore } from '../test-store';
import { eventPageSql, queryEvents } from './query';

type PlanNode = {
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  Plans?: PlanNode[];
};

/** Rows every node of the plan produced or discarded: what the query had to read. */
function rowsRead(node: PlanNode): number {
  const own =
    ((node['Actual Rows'] ?? 0) + (node['Rows Removed by Filter'] ?? 0)) *
    (node['Actual Loops'] ?? 1);
  return own + (node.Plans ?? []).reduce((sum, child) => sum + rowsRead(child), 0);
}

describe.each(TEST_DRIVERS)('keyset pages on %s', (driver) => {
  const t = useTestStore(driver, async (store) => {
    for (let b = 0; b < 6; b++) {
      await store.append(
        Array.from({ length: 500 }, (_, i) =>
          auditEntrySchema.parse({
            actorId: `u${i % 13}`,
            actorEmail: '',
            actorType: 'service',
            action: i % 2 ? 'doc.viewed' : 'doc.shared',
          }),
        ),
      );
    }
  });

  it('read no more rows on page 200 of a walk, or in the middle of an export, than on page 1', async () => {
    const { prisma } = connectionsOf(t.db);
    const explain = async (cursor?: string, filter = {}) => {
      const sql = eventPageSql(filter, { cursor, limit: 10, order: 'oldest' });
      const [row] = await prisma.$queryRaw<{ 'QUERY PLAN': [{ Plan: PlanNode }] }[]>(
        Prisma.sql`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`,
      );
      return rowsRead(row?.['QUERY PLAN'][0].Plan ?? {});
    };
    let cursor: string | undefined;
    for (let page = 1; page < 200; page++) {
      cursor = (await queryEvents(prisma, {}, { cursor, limit: 10, order: 'oldest' })).nextCursor;
    }
    const first = await explain();
    expect(first).toBeGreaterThan(0);
    expect(await explain(cursor)).toBeLessThanOrEqual(first);
  });

  it('filter an action prefix through the action index, as a byte range', async () => {
    const { prisma } = connectionsOf(t.db);
    const sql = eventPageSql({ action: 'rare_thing.*' }, { limit: 10 });
    // A small table is scanned whole anyway; with that option off, only a condition the
    // index can serve avoids it.
    const plan = await prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SET LOCAL enable_seqscan = off`;
      return tx.$queryRaw<{ 'QUERY PLAN': string }[]>(Prisma.sql`EXPLAIN ${sql}`);
    });
    expect(plan.map((row) => row['QUERY PLAN']).join('\n')).toMatch(
      /Index Cond: \(\(action >= 'rare_thing\.'::text\) AND \(action < 'rare_thing\/'::text\)\)/,
    );
  });
});
