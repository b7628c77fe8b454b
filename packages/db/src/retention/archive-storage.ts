import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';

/**
 * Where retention archives are kept. A directory here; an object store (S3 with Object
 * Lock, say) fits behind the same calls, since an archive is written once and only read.
 */
export interface ArchiveStorage {
  /** Stores `name` from its bytes, resolving once they are durable. */
  write(name: string, body: AsyncIterable<Uint8Array>): Promise<void>;
  /** The bytes stored under `name`. */
  read(name: string): AsyncIterable<Uint8Array>;
  /** Where people find a stored archive: a path or a URL. */
  locate(name: string): string;
}

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function checked(name: string): string {
  if (!SAFE_NAME.test(name)) throw new Error(`"${name}" is not an archive name`);
  return name;
}

/**
 * Archives as files in `dir` (ARCHIVE_DIR). A file is written under a temporary name,
 * flushed to disk, then renamed, so a crash never leaves a half-written archive under
 * its real name.
 */
export function directoryArchiveStorage(dir: string): ArchiveStorage {
  const root = resolve(dir);
  return {
    async write(name, body) {
      await mkdir(root, { recursive: true });
      const path = join(root, checked(name));
      const partial = `${path}.partial`;
      try {
        await pipeline(body, createWriteStream(partial, { flags: 'wx' }));
        await flush(partial);
      } catch (error) {
        await rm(partial, { force: true });
        throw error;
      }
      await rename(partial, path);
      // The rename itself is durable only once the directory is flushed.
      await flush(root);
    },
    read: (name) => createReadStream(join(root, checked(name))),
    locate: (name) => join(root, checked(name)),
  };
}

/** fsync: the file's (or directory's) data on disk, whichever descriptor wrote it. */
async function flush(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
