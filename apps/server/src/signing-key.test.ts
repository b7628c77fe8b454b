import { generateKeyPairSync } from 'node:crypto';
import { chmod, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './config';
import { loadSigningKey } from './signing-key';

describe('loadSigningKey', () => {
  it('generates an Ed25519 key once, readable by its owner only, and reuses it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'key-'));
    const first = await loadSigningKey({ DATA_DIR: dir });
    expect(first.key.asymmetricKeyType).toBe('ed25519');
    expect((await stat(join(dir, 'signing-key.pem'))).mode & 0o777).toBe(0o600);
    const again = await loadSigningKey({ DATA_DIR: dir });
    expect(again.key.export({ format: 'pem', type: 'pkcs8' })).toBe(
      await readFile(join(dir, 'signing-key.pem'), 'utf8'),
    );
  });

  it('refuses a key file others can read', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'key-'));
    await loadSigningKey({ DATA_DIR: dir });
    await chmod(join(dir, 'signing-key.pem'), 0o644);
    await expect(loadSigningKey({ DATA_DIR: dir })).rejects.toThrow(/readable by other users/);
  });

  it('refuses a key that is not Ed25519, naming where it came from', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    });
    const dir = await mkdtemp(join(tmpdir(), 'key-'));
    await expect(loadSigningKey({ DATA_DIR: dir, SIGNING_KEY: rsa.toString() })).rejects.toThrow(
      ConfigError,
    );
    await writeFile(join(dir, 'other.pem'), 'not a key', { mode: 0o600 });
    await expect(
      loadSigningKey({ DATA_DIR: dir, SIGNING_KEY_FILE: join(dir, 'other.pem') }),
    ).rejects.toThrow(/other\.pem is not a readable private key/);
  });
});
