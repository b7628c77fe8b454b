import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { openDatabase } from './database';
import { testSql } from './test-databases';

it('runs the embedded database on disk with fsync on, syncing the WAL with fsync()', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'audit-durable-'));
  const db = await openDatabase({ dataDir });
  try {
    expect(await testSql(db, 'SHOW fsync')).toEqual([{ fsync: 'on' }]);
    expect(await testSql(db, 'SHOW wal_sync_method')).toEqual([{ wal_sync_method: 'fsync' }]);
  } finally {
    await db.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});
