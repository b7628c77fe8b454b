import { verifyConsistency, verifyEventProof } from '@auditlog/audit';
import { TEST_DRIVERS } from '@auditlog/db/testing';
import { useTestStore } from '@auditlog/db/testing/vitest';
import { beforeAll, describe, expect, it } from 'vitest';
import { testCaller } from './test-caller';

const entry = (i: number) => ({
  actorId: `usr_${i % 3}`,
  actorEmail: `p${i % 3}@example.com`,
  action: 'document.updated',
  resourceId: `doc_${i}`,
  ip: '192.0.2.1',
});

describe.each(TEST_DRIVERS)('integrity procedures on %s', (driver) => {
  const t = useTestStore(driver);
  let caller: ReturnType<typeof testCaller>;
  beforeAll(async () => {
    caller = testCaller(t.store);
    await caller.api.logMany(Array.from({ length: 40 }, (_, i) => entry(i)));
  });

  it('hands out an event with a proof that checks offline against the signed checkpoint', async () => {
    const { events } = await caller.api.query({ filter: { resourceId: 'doc_17' } });
    const bundle = await caller.api.integrity.get({ id: events[0]?.id as string });
    expect(bundle.contentMatches).toBe(true);
    expect(bundle.checkpoint.treeSize).toBe(40);
    expect(verifyEventProof(bundle, caller.publicKey)).toEqual({
      ok: true,
      treeSize: 40,
      checked: 1,
    });
    const { publicKey, tree } = await caller.api.integrity.checkpoint();
    expect(publicKey).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(tree).toEqual({ logSize: 40, treeSize: 40, failure: null });
  });

  it('proves an older checkpoint is a prefix of a newer one', async () => {
    const old = await caller.admin.integrity.issueCheckpoint();
    await caller.api.logMany(Array.from({ length: 13 }, (_, i) => entry(100 + i)));
    const now = await caller.admin.integrity.issueCheckpoint();
    const { proof } = await caller.api.integrity.consistency({
      from: old.treeSize,
      to: now.treeSize,
    });
    const b = (s: string) => Buffer.from(s, 'base64');
    expect(
      verifyConsistency(old.treeSize, now.treeSize, b(old.rootHash), b(now.rootHash), proof.map(b)),
    ).toBe(true);
    await expect(caller.api.integrity.consistency({ from: 5, to: 10_000 })).rejects.toThrow(
      /from <= to <=/,
    );
  });

  it('verifies in the background, reports progress, and records the verification', async () => {
    const started = await caller.api.integrity.verify();
    let job = started;
    while (!job.finishedAt) {
      await new Promise((r) => setTimeout(r, 20));
      job = await caller.api.integrity.verification({ id: started.id });
    }
    expect(job.result).toMatchObject({ ok: true, checked: job.total });
    await expect
      .poll(
        async () => (await caller.api.query({ filter: { action: 'log.verified' } })).events.length,
      )
      .toBe(1);
    const [recorded] = (await caller.api.query({ filter: { action: 'log.verified' } })).events;
    expect(recorded).toMatchObject({
      actorId: 'api_key:testprefix01',
      actorType: 'service',
      outcome: 'success',
      ip: '127.0.0.1',
    });
  });

  it('erases a person, keeps the proofs, and logs the erasure without their email', async () => {
    const erased = await caller.admin.privacy.erasePerson({ actor: 'p1@example.com' });
    expect(erased).toEqual([{ actorId: 'usr_1', events: expect.any(Number) }]);
    const [logged] = (await caller.api.query({ filter: { action: 'privacy.person_erased' } }))
      .events;
    expect(logged).toMatchObject({ resourceType: 'actor', resourceId: 'usr_1' });
    expect(JSON.stringify(logged)).not.toContain('p1@example.com');
    const { events } = await caller.api.query({ filter: { actor: 'usr_1' }, limit: 1 });
    const bundle = await caller.api.integrity.get({ id: events[0]?.id as string });
    expect(bundle.event.actorEmail).toBe('');
    expect(verifyEventProof(bundle, caller.publicKey)).toMatchObject({ ok: true });
  });
});
