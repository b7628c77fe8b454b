import { auditEntrySchema, eventProblem } from '@auditlog/audit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appendBatch, prepareEntries } from '../append/append';
import { connectionsOf, TEST_DRIVERS, tamper } from '../test-databases';
import { useTestStore } from '../test-store';

// PostgreSQL rebuilds and hashes each leaf from the stored row, both when events join the
// tree and when it is verified (leaf-rows.ts); the offline verifier and the API rebuild it
// in TypeScript (packages/audit leaf.ts). Any text on which the two differ would make an
// intact log look tampered with to one of them, so both are fed the awkward cases.
const AWKWARD = [
  'quote " backslash \\ slash /',
  'controls \b\f\n\r\t \u0001 \u001f \u007f',
  'line separators \u2028 \u2029',
  'emoji 🚀 and astral 𝄞, CJK 漢字, RTL עברית',
  '</script><script>alert(1)</script>',
  '',
];

const entry = (text: string, metadata: Record<string, unknown>) =>
  auditEntrySchema.parse({
    actorId: text || 'empty',
    actorEmail: 'ünïcode@example.com',
    action: 'edge.case_recorded',
    resourceType: 'text',
    resourceId: text || undefined,
    requestId: text || undefined,
    userAgent: text,
    metadata,
    changes: { before: { text }, after: { [text || 'k']: metadata } },
  });

describe.each(TEST_DRIVERS)('canonical leaves rebuilt by SQL on %s', (driver) => {
  const t = useTestStore(driver);

  async function expectTypeScriptAgrees() {
    for await (const page of t.store.scan({})) {
      for (const event of page) expect(eventProblem(event), `event ${event.seq}`).toBeUndefined();
    }
  }

  it('match the TypeScript encoder on awkward text and numbers', async () => {
    await t.store.append(
      AWKWARD.map((text) =>
        entry(text, {
          [text]: text,
          numbers: [0, -0, 1, -1.5, 0.1, 1e21, 1.5e-7, 2 ** 53, 123456789.12345679, 1e-320],
          nested: { z: 1, a: [true, false, null], é: { B: 2, b: 1 } },
        }),
      ),
      'api_key:awk"ward\\ wrïter\n',
    );
    expect(await t.store.verify()).toMatchObject({ ok: true, checked: AWKWARD.length });
    await expectTypeScriptAgrees();
  });

  it('match it on arbitrary text and JSON', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'grapheme', maxLength: 30 }).filter((s) => !s.includes('\u0000')),
        fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
        async (text, metadata) => {
          const parsed = auditEntrySchema.safeParse({
            ...entry('x', {}),
            actorId: text || 'x',
            metadata,
          });
          if (!parsed.success) return;
          await t.store.append([parsed.data]);
          const result = await t.store.verify();
          expect(result.problem).toBeUndefined();
          await expectTypeScriptAgrees();
        },
      ),
      { numRuns: 40 },
    );
  });

  it('hash events stored before writers were recorded as version 1 leaves', async () => {
    const before = await t.store.integrated();
    // As an older server stored them: no writer. Taken in by the tree only afterwards.
    await appendBatch(connectionsOf(t.db).raw, prepareEntries([entry('old', {})]), new Set());
    await tamper(t.db, `UPDATE "AuditLog" SET writer = NULL WHERE seq = ${before}`);
    expect(await t.store.integrated()).toBe(before + 1);
    const [old] = (await t.store.query({ actor: 'old' }, { limit: 1 })).events;
    expect(old?.writer).toBeNull();
    expect(await t.store.verify()).toMatchObject({ ok: true });
    await expectTypeScriptAgrees();
  });
});
