import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../test-databases';

const run = promisify(execFile);

describe('the tree worker thread on postgres', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('postgres');
  });
  afterAll(() => db?.drop());

  // vitest keeps its own event loop busy, so the process is a child of its own.
  it('keeps a process alive until it has closed, when closing is all that is left', async () => {
    const workerModule = new URL('./db-worker.ts', import.meta.url).href;
    const script = `
      import { DbWorker } from ${JSON.stringify(workerModule)};
      const worker = new DbWorker(${JSON.stringify(db.url)});
      await worker.integrate();
      await worker.close();
      console.log('closed');`;
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '--eval', script],
      { timeout: 60_000 },
    );
    expect(stdout.trim()).toBe('closed');
  }, 90_000);
});
