import { execFile } from 'node:child_process';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { auditEntrySchema } from '@auditlog/audit';
import { createTestDatabase } from '@auditlog/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app';
import { bearerWith, testServices } from './test-services';

const CLI = new URL('./cli.ts', import.meta.url).pathname;
let publicKey: KeyObject;

async function cli(...args: string[]) {
  return promisify(execFile)(process.execPath, ['--import', 'tsx', CLI, ...args]).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
  );
}

describe('the offline verifier CLI', () => {
  let dir: string;
  let exportJson: string;
  const files = { export: '', checkpoint: '', key: '', proof: '' };
  beforeAll(async () => {
    const db = await createTestDatabase('pglite');
    const { services, store, publicKey: key } = testServices(db);
    publicKey = key;
    await store.append(
      Array.from({ length: 300 }, (_, i) =>
        auditEntrySchema.parse({
          actorId: `u${i}`,
          actorEmail: 'a@example.com',
          action: 'doc.viewed',
          ip: '192.0.2.9',
        }),
      ),
    );
    const app = await buildApp({ services });
    const headers = await bearerWith(services.accounts, ['log:read', 'log:export']);
    exportJson = (await app.inject({ url: '/export?format=json', headers })).body;
    const checkpoint = (await app.inject({ url: '/checkpoint.json', headers })).body;
    const events = JSON.parse(exportJson) as { id: string }[];
    const input = encodeURIComponent(JSON.stringify({ id: events[42]?.id }));
    const proof = (await app.inject({ url: `/trpc/integrity.get?input=${input}`, headers })).json();
    await app.close();
    await store.close();
    await db.drop();

    dir = await mkdtemp(join(tmpdir(), 'cli-'));
    Object.assign(files, {
      export: join(dir, 'export.json'),
      checkpoint: join(dir, 'checkpoint.json'),
      key: join(dir, 'key.pem'),
      proof: join(dir, 'proof.json'),
    });
    await writeFile(files.export, exportJson);
    await writeFile(files.checkpoint, checkpoint);
    await writeFile(files.key, publicKey.export({ type: 'spki', format: 'pem' }));
    await writeFile(files.proof, JSON.stringify(proof.result.data));
  }, 60_000);
  afterAll(() => {});

  it('says OK for an intact export and an intact event proof', async () => {
    expect(
      await cli(
        'verify-export',
        files.export,
        '--checkpoint',
        files.checkpoint,
        '--public-key',
        files.key,
      ),
    ).toEqual({
      code: 0,
      stdout: 'OK: 301 event(s) verified against the signed checkpoint of 301 events.\n',
    });
    expect((await cli('verify-event', files.proof, '--public-key', files.key)).code).toBe(0);
  });

  it('names the event whose content was edited in the file', async () => {
    const events = JSON.parse(exportJson) as { actorId: string }[];
    (events[137] as { actorId: string }).actorId = 'u999';
    const edited = join(dir, 'edited.json');
    await writeFile(edited, JSON.stringify(events));
    const result = await cli(
      'verify-export',
      edited,
      '--checkpoint',
      files.checkpoint,
      '--public-key',
      files.key,
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^FAILED at event 137: .*content was changed/);
  });

  it('refuses a checkpoint checked with another key', async () => {
    const other = join(dir, 'other.pem');
    await writeFile(
      other,
      generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }),
    );
    const result = await cli(
      'verify-export',
      files.export,
      '--checkpoint',
      files.checkpoint,
      '--public-key',
      other,
    );
    expect(result).toEqual({
      code: 1,
      stdout: 'FAILED: the checkpoint is not signed by this public key\n',
    });
  });

  it('exits 2 with usage on bad arguments', async () => {
    expect((await cli('verify-export', files.export)).code).toBe(2);
  });
});
