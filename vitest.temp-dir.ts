import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Vitest global setup for the packages whose tests write files: the run gets a directory
 * of its own as TMPDIR (what os.tmpdir() answers in the test workers and in the servers
 * and CLIs they start), removed with everything in it when the run ends, so that the
 * mkdtemp directories of data, keys and archives that tests make do not pile up.
 */
export default function setup() {
  const previous = process.env.TMPDIR;
  const dir = mkdtempSync(join(tmpdir(), 'auditlog-tests-'));
  process.env.TMPDIR = dir;
  return () => {
    rmSync(dir, { recursive: true, force: true });
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
  };
}
