import { verifyConsistency, verifyEventProof } from '@auditlog/audit';
import { TEST_DRIVERS } from '@auditlog/db/testing';
import { useTestStore } from '@auditlog/db/testing/vitest';
import { beforeAll, describe, expect, it } from 'vitest';
import { principals, testCaller } from './test-caller';

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
    // Everyone who asks at once shares one verification.
    const asked = await Promise.all(
      Array.from({ length: 20 }, () => caller.api.integrity.verify()),
    );
    expect(new Set(asked.map((j) => j.id)).size).toBe(1);
    const started = asked[0] as (typeof asked)[number];
    let job = started;
    while (!job.finishedAt) {
      await new Promise((r) => setTimeout(r, 20));
      job = await caller.api.integrity.verification({ id: started.id });
    }
    expect(job.result).toMatchObject({ ok: true, checked: job.total });
    // Asking again right after it finished answers the same verification.
    expect((await caller.as(principals.auditor).integrity.verify()).id).toBe(started.id);
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

  it("refuses to erase a shared pseudo-actor, or an admin's own trail", async () => {
    for (const actor of ['unknown', 'anonymous', 'audit-log', 'api_key:testprefix01']) {
      await expect(caller.admin.privacy.erasePerson({ actor })).rejects.toThrow(
        /stands for many callers/,
      );
    }
    for (const actor of [principals.admin.user.id, principals.admin.user.email]) {
      await expect(caller.admin.privacy.erasePerson({ actor })).rejects.toThrow(
        /erased by another admin/,
      );
    }
  });

  it('keeps personal data the server records about its own work in erasable fields', async () => {
    const created = await caller.admin.users.create({
      email: 'newbie@example.com',
      name: 'Newbie',
      role: 'auditor',
      password: 'a long enough password',
    });
    await caller.api
      .export({ format: 'json', filter: { actor: 'p2@example.com' } })
      .then(async (chunks) => {
        for await (const _ of chunks) break;
      });
    const own = await caller.api.query({ filter: { action: 'user.created' } });
    expect(own.events[0]).toMatchObject({
      resourceId: created.id,
      changes: { after: { role: 'auditor' } },
    });
    const exported = await caller.api.query({ filter: { action: 'log.exported' } });
    const hashed = (e: { metadata: unknown; changes: unknown }) =>
      JSON.stringify([e.metadata, e.changes]);
    for (const e of [...own.events, ...exported.events]) {
      expect(hashed(e)).not.toMatch(/@example\.com/);
    }
    expect(exported.events[0]?.metadata).toMatchObject({ filter: { actor: '(an email address)' } });
  });
});
