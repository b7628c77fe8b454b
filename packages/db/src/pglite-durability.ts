import { fsyncSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';

/**
 * PGlite's defaults trade durability for speed twice over: it starts PostgreSQL with
 * `-F` (fsync off), and its Node filesystem (Emscripten's NODEFS) gives files no fsync
 * at all, so even with fsync on a commit stays in the OS's cache until it flushes. An
 * audit log acknowledges an event only once it is stored, so the embedded database
 * runs with fsync on, syncs the WAL with fsync() (its fdatasync() is a no-op), and
 * NODEFS's fsync reaches the real file.
 */
export const DURABLE_START_PARAMS = [
  ...PGlite.defaultStartParams.filter((param) => param !== '-F'),
  '-c',
  'wal_sync_method=fsync',
];

type NodeFsStream = { nfd?: number };

export function syncFilesToDisk(pglite: PGlite): void {
  const nodefs = (pglite.Module as unknown as { NODEFS?: { stream_ops: Record<string, unknown> } })
    .NODEFS;
  if (!nodefs) throw new Error('this PGlite build has no NODEFS: cannot make it durable');
  nodefs.stream_ops.fsync = (stream: NodeFsStream) => {
    if (stream.nfd !== undefined) fsyncSync(stream.nfd);
    return 0;
  };
}
