import { auditEntrySchema, type EventFilter, type ExportFormat } from '@auditlog/audit';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { connectionsOf } from '../database';
import { Prisma } from '../generated/prisma/client';
import { whereSql } from '../query/query';
import { testSql } from '../test-databases';
import { useTestStore } from '../test-store';
import { exportRowsSql, inlineValues } from './export-sql';
import { exportText, pageEndSql } from './export-text';

// Text a spreadsheet or a CSV reader could mistake: formulas, quotes, commas, line
// breaks, tabs, control characters, non-ASCII, empty text, keys JavaScript reorders.
const tricky = [
  {
    actorId: '=HYPERLINK("http://evil")',
    actorEmail: '',
    actorType: 'service',
    action: 'doc.shared',
    outcome: 'failure',
    resourceType: 'doc',
    resourceId: 'a,b "quoted"\nnext\rline',
    ip: '::1',
    userAgent: '\tTabbed, "agent"',
    requestId: '+1',
    metadata: { b: 1, 10: 'x', a: { z: [1, 2.5, 'é\u0001\u2028'] } },
    changes: { before: { x: 1 }, after: { x: 2 } },
  },
  { actorId: "o'brien\\", actorEmail: 'ob@example.com', action: 'doc.viewed' },
  { actorId: 'erased', actorEmail: 'gone@example.com', action: 'doc.viewed', ip: '10.0.0.9' },
  ...Array.from({ length: 7 }, (_, i) => ({
    actorId: `u${i}`,
    actorEmail: `u${i}@example.com`,
    action: 'doc.viewed',
  })),
].map((entry) => auditEntrySchema.parse(entry));

async function text(chunks: AsyncIterable<string>): Promise<string> {
  let all = '';
  for await (const chunk of chunks) all += chunk;
  return all;
}

describe('exports written by PostgreSQL (COPY)', () => {
  const t = useTestStore('postgres', async (store) => {
    for (const entry of tricky) await store.append([entry]);
    await store.erasePerson('erased');
    await store.integrated();
  });
  const copied = (filter: EventFilter, format: ExportFormat, pageRows?: number) =>
    text(exportText(connectionsOf(t.db), filter, format, pageRows));
  // The same events read into objects and written by packages/audit, as on PGlite.
  const written = (filter: EventFilter, format: ExportFormat) => {
    const { prisma, raw } = connectionsOf(t.db);
    return text(exportText({ prisma, raw: { ...raw, copyOut: undefined } }, filter, format));
  };

  it('writes the CSV byte for byte as packages/audit does, in pages of any size', async () => {
    const expected = await written({}, 'csv');
    expect(expected.split('\n')[0]).toContain('id,seq,createdAt,actorId');
    expect(expected).toContain(`"'=HYPERLINK(""http://evil"")"`);
    for (const pageRows of [3, 10, 1000]) expect(await copied({}, 'csv', pageRows)).toBe(expected);
  });

  it('writes the JSON with the same values, nested JSON as its canonical text', async () => {
    const expected = await written({}, 'json');
    for (const pageRows of [3, 10, 1000]) {
      const json = await copied({}, 'json', pageRows);
      expect(JSON.parse(json)).toEqual(JSON.parse(expected));
      expect(json).toContain('"metadata":{"10":"x","a":{"z":[1,2.5,"é\\u0001\u2028"]},"b":1}');
      expect(json.startsWith('[\n{"id":')).toBe(true);
      expect(json.endsWith('}\n]\n')).toBe(true);
    }
    const events = JSON.parse(expected) as { erasedAt: string | null; hash: string | null }[];
    expect(events.every((e) => e.hash)).toBe(true);
    expect(events.filter((e) => e.erasedAt)).toHaveLength(1);
  });

  it('takes filter values as data, never as SQL', async () => {
    const csv = await copied({ actor: "o'brien\\" }, 'csv');
    expect(csv.trim().split('\n')).toHaveLength(2);
    expect(await copied({ actor: "x' OR '1'='1" }, 'json')).toBe('[\n]\n');
    expect(await copied({ resourceId: '\'); DROP TABLE "AuditLog"; --' }, 'csv')).toBe(
      await written({ resourceId: 'none' }, 'csv'),
    );
    expect(await t.store.size()).toBe(tricky.length);
  });

  it('writes an empty selection as a header alone or an empty array', async () => {
    expect(await copied({ action: 'nothing.here' }, 'csv')).toBe(
      await written({ action: 'nothing.here' }, 'csv'),
    );
    expect(await copied({ action: 'nothing.here' }, 'json')).toBe(
      await written({ action: 'nothing.here' }, 'json'),
    );
  });
});

interface PlanNode {
  'Relation Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  Plans?: PlanNode[];
}

/** Rows the plan read from the log's partitions (produced or discarded). */
function logRowsRead(node: PlanNode): number {
  const own = node['Relation Name']?.startsWith('AuditLog')
    ? ((node['Actual Rows'] ?? 0) + (node['Rows Removed by Filter'] ?? 0)) *
      (node['Actual Loops'] ?? 1)
    : 0;
  return own + (node.Plans ?? []).reduce((sum, child) => sum + logRowsRead(child), 0);
}

describe('export pages (postgres)', () => {
  const t = useTestStore('postgres', async (store) => {
    for (let b = 0; b < 6; b++) {
      await store.append(
        Array.from({ length: 500 }, (_, i) =>
          auditEntrySchema.parse({ actorId: `u${i}`, actorEmail: '', action: 'doc.viewed' }),
        ),
      );
    }
    // Statistics, as autovacuum would have gathered on a real log.
    await testSql(store.db, 'ANALYZE "AuditLog"');
  });

  it('read about as many rows in the middle of an export as on its first page', async () => {
    const { prisma } = connectionsOf(t.db);
    // A small table is read whole anyway; with whole-table and bitmap scans off, the plan
    // shows what the conditions let the (createdAt, seq) index skip.
    const explain = (sql: Prisma.Sql | string) =>
      prisma.$transaction(async (tx) => {
        await tx.$executeRaw`SET LOCAL enable_seqscan = off`;
        await tx.$executeRaw`SET LOCAL enable_bitmapscan = off`;
        const [row] = await tx.$queryRaw<{ 'QUERY PLAN': [{ Plan: PlanNode }] }[]>(
          Prisma.sql`EXPLAIN (ANALYZE, FORMAT JSON) ${typeof sql === 'string' ? Prisma.raw(sql) : sql}`,
        );
        return logRowsRead(row?.['QUERY PLAN'][0].Plan ?? {});
      });
    // Each page: where it ends (an index read), then its rows (inside the COPY).
    const costOfPage = async (after?: { createdAt: Date; seq: number }) => {
      const [end] = await prisma.$queryRaw<{ createdAt: Date; seq: bigint }[]>(
        pageEndSql({}, after, 100),
      );
      if (!end) throw new Error('no page');
      const through = { createdAt: end.createdAt, seq: Number(end.seq) };
      const where = inlineValues(whereSql({}, after, 'oldest', through), pg.escapeLiteral);
      return {
        through,
        rows:
          (await explain(pageEndSql({}, after, 100))) +
          (await explain(exportRowsSql('csv', where))),
      };
    };
    const first = await costOfPage();
    let page = first;
    for (let i = 1; i < 15; i++) page = await costOfPage(page.through);
    // 3,000 events: a page of 100 (twice: its end, then its rows) reads its own rows and
    // a few that share its boundary's millisecond; the 1,400 before page 15 are skipped.
    expect(first.rows).toBeGreaterThanOrEqual(200);
    expect(first.rows).toBeLessThan(400);
    expect(page.rows).toBeGreaterThanOrEqual(200);
    expect(page.rows).toBeLessThan(400);
  });
});
