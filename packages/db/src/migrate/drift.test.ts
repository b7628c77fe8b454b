import { readFile } from 'node:fs/promises';
import { get_dmmf } from '@prisma/prisma-schema-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, TEST_DRIVERS, type TestDatabase, testSql } from '../test-databases';

// The schema the generated client was built from, read through Prisma's own parser so
// the test sees exactly the model Prisma Client believes in.
const schemaUrl = new URL('../../../../prisma/schema.prisma', import.meta.url);

interface DmmfField {
  name: string;
  kind: 'scalar' | 'enum' | 'object';
  type: string;
  isRequired: boolean;
  isList: boolean;
  nativeType: [string, string[]] | null;
}
interface DmmfIndex {
  model: string;
  type: 'id' | 'normal' | 'unique';
  fields: { name: string; sortOrder?: 'asc' | 'desc' }[];
}
interface Dmmf {
  datamodel: { models: { name: string; fields: DmmfField[] }[]; indexes: DmmfIndex[] };
}

const SCALAR_TYPES: Record<string, string> = {
  String: 'text',
  BigInt: 'int8',
  Int: 'int4',
  DateTime: 'timestamp',
  Json: 'jsonb',
  Boolean: 'bool',
  Bytes: 'bytea',
};
const NATIVE_TYPES: Record<string, string> = { Uuid: 'uuid', Timestamptz: 'timestamptz' };

function expectedType(field: DmmfField): string {
  if (field.isList) return `_${expectedType({ ...field, isList: false })}`;
  if (field.kind === 'enum') return field.type;
  if (field.nativeType) return NATIVE_TYPES[field.nativeType[0]] ?? field.nativeType[0];
  return SCALAR_TYPES[field.type] ?? field.type;
}

/** Prisma's default constraint names: Model_pkey, Model_a_b_key, Model_a_b_idx. */
function expectedIndex(index: DmmfIndex): [string, string] {
  const suffix = { id: 'pkey', unique: 'key', normal: 'idx' }[index.type];
  const name =
    index.type === 'id'
      ? `${index.model}_pkey`
      : `${index.model}_${index.fields.map((f) => f.name).join('_')}_${suffix}`;
  const columns = index.fields
    .map((f) => (f.sortOrder === 'desc' ? `${f.name} DESC` : f.name))
    .join(', ');
  return [name, columns];
}

/** Indexes schema.prisma cannot state (on expressions, trigram GIN): made by migrations. */
const MIGRATION_ONLY_INDEXES: Record<string, Record<string, string>> = {
  AuditLog: {
    AuditLog_lower_actorEmail_createdAt_idx: 'lower(actorEmail), createdAt DESC',
    AuditLog_metadata_trgm_idx: 'metadata gin_trgm_ops',
    AuditLog_resourceId_trgm_idx: 'resourceId gin_trgm_ops',
  },
};

describe.each(TEST_DRIVERS)('schema.prisma and the migrated %s database', (driver) => {
  let db: TestDatabase;
  let dmmf: Dmmf;
  beforeAll(async () => {
    db = await createTestDatabase(driver);
    const schema = await readFile(schemaUrl, 'utf8');
    dmmf = JSON.parse(get_dmmf(JSON.stringify({ prismaSchema: schema })));
  });
  afterAll(() => db?.drop());

  const sql = <Row>(text: string, params?: unknown[]) => testSql<Row>(db, text, params);

  it('have the same tables', async () => {
    const tables = await sql<{ name: string }>(
      `SELECT relname AS name FROM pg_class
       WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p') AND NOT relispartition
       ORDER BY 1`,
    );
    expect(tables.map((t) => t.name)).toEqual(
      [...dmmf.datamodel.models.map((m) => m.name), '_prisma_migrations'].sort(),
    );
  });

  it('have the same columns, types and nullability', async () => {
    for (const model of dmmf.datamodel.models) {
      const columns = await sql<{ name: string; type: string; nullable: string }>(
        `SELECT column_name AS name, udt_name AS type, is_nullable AS nullable
         FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1
         ORDER BY ordinal_position`,
        [model.name],
      );
      const expected = model.fields
        .filter((f) => f.kind !== 'object')
        .map((f) => ({
          name: f.name,
          type: expectedType(f),
          // Prisma creates list columns nullable and treats NULL as an empty list.
          nullable: f.isRequired && !f.isList ? 'NO' : 'YES',
        }));
      expect(columns, model.name).toEqual(expected);
    }
  });

  it('have the same indexes', async () => {
    for (const model of dmmf.datamodel.models) {
      const rows = await sql<{ name: string; definition: string }>(
        `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition
         FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
         WHERE i.indrelid = $1::regclass`,
        [`"${model.name}"`],
      );
      const actual = Object.fromEntries(
        rows.map((r) => [
          r.name,
          (/USING \w+ \((.*)\)$/.exec(r.definition)?.[1] ?? '').replaceAll('"', ''),
        ]),
      );
      const expected = Object.fromEntries([
        ...dmmf.datamodel.indexes.filter((i) => i.model === model.name).map(expectedIndex),
        ...Object.entries(MIGRATION_ONLY_INDEXES[model.name] ?? {}),
      ]);
      expect(actual, model.name).toEqual(expected);
    }
  });
});
