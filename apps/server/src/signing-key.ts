import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from './config';

export interface SigningKeySource {
  SIGNING_KEY?: string;
  SIGNING_KEY_FILE?: string;
  DATA_DIR: string;
}

function ed25519(pem: string, where: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (error) {
    throw new ConfigError(`${where} is not a readable private key: ${(error as Error).message}`);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new ConfigError(
      `${where} is a ${key.asymmetricKeyType} key; checkpoints are signed with Ed25519`,
    );
  }
  return key;
}

/**
 * The checkpoint signing key: from SIGNING_KEY, else from the key file, which is
 * generated on first start and readable by its owner only. Every server process writing
 * to one database must use the same key, or their checkpoints cannot be told apart from
 * forgeries: give them SIGNING_KEY or a shared SIGNING_KEY_FILE.
 */
export async function loadSigningKey(
  source: SigningKeySource,
): Promise<{ key: KeyObject; origin: string }> {
  if (source.SIGNING_KEY)
    return { key: ed25519(source.SIGNING_KEY, 'SIGNING_KEY'), origin: 'SIGNING_KEY' };
  const file = source.SIGNING_KEY_FILE ?? join(source.DATA_DIR, 'signing-key.pem');
  const existing = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw new ConfigError(`cannot read the signing key ${file}: ${error.message}`);
  });
  if (existing !== undefined) {
    if (((await stat(file)).mode & 0o077) !== 0) {
      throw new ConfigError(`the signing key ${file} is readable by other users; chmod 600 it`);
    }
    return { key: ed25519(existing, file), origin: file };
  }
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  // 'wx' fails if another process created the file meanwhile; then use theirs.
  await writeFile(file, pem, { mode: 0o600, flag: 'wx' }).catch(
    async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST')
        throw new ConfigError(`cannot write the signing key ${file}: ${error.message}`);
    },
  );
  return { key: ed25519(await readFile(file, 'utf8'), file), origin: `${file} (new)` };
}
