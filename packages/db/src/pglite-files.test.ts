import { chmod, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openDatabase } from './database';
import { DataDirectoryError } from './pglite-files';

const parent = await mkdtemp(join(tmpdir(), 'audit-files-'));
afterAll(() => rm(parent, { recursive: true, force: true }));

async function openToOthers(dir: string): Promise<string[]> {
  const open: string[] = [];
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    if (((await stat(path)).mode & 0o077) !== 0) open.push(path);
  }
  return open;
}

it('keeps the embedded database in a 0700 folder whose files only its user can read', async () => {
  const dataDir = join(parent, 'new');
  const db = await openDatabase({ dataDir });
  try {
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    expect(await openToOthers(dataDir)).toEqual([]);
  } finally {
    await db.close();
  }
  // Files PostgreSQL made while it ran are private too.
  expect(await openToOthers(dataDir)).toEqual([]);
});

it('refuses a data directory other users can reach, naming it', async () => {
  const dataDir = join(parent, 'shared');
  await (await openDatabase({ dataDir })).close();
  await chmod(dataDir, 0o755);
  const refused = openDatabase({ dataDir });
  await expect(refused).rejects.toThrow(DataDirectoryError);
  await expect(refused).rejects.toThrow(`${dataDir} is open to other users (mode 755)`);
});
