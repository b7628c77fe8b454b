import { chmod, mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** The embedded database's folder is open to other users of the machine. */
export class DataDirectoryError extends Error {}

const OTHERS = 0o077;

/**
 * The embedded database's files hold the log and the password hashes: only the server's
 * own user may read or change them. As ssh does for keys, a data directory others can
 * reach is refused, naming the path, rather than used; a new one is made 0700.
 */
export async function claimDataDirectory(dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const mode = (await stat(dataDir)).mode & 0o777;
  if ((mode & OTHERS) !== 0) {
    throw new DataDirectoryError(
      `the data directory ${dataDir} is open to other users (mode ${mode.toString(8)}); run chmod -R go-rwx ${dataDir}`,
    );
  }
  // PostgreSQL creates files as it goes (WAL segments, new tables), with this process's
  // umask: nothing this process writes needs to be readable by anyone else.
  process.umask(process.umask() | OTHERS);
}

/**
 * PGlite writes the files of a new database from an archive whose modes are 0666, beside
 * the umask: they are made private after it opens.
 */
export async function makeFilesPrivate(dataDir: string): Promise<void> {
  for (const entry of await readdir(dataDir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    const mode = (await stat(path)).mode & 0o777;
    if ((mode & OTHERS) !== 0) await chmod(path, mode & ~OTHERS);
  }
}
