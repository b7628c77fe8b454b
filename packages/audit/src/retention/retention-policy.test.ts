import { describe, expect, it } from 'vitest';
import { legalHoldSchema, overridesInOrder, retentionPolicySchema } from './retention-policy';

describe('retention policy', () => {
  it('tries exact actions first, then the longest prefix, then actor types', () => {
    const policy = retentionPolicySchema.parse({
      defaultDays: 90,
      overrides: [
        { actorType: 'service', days: 10 },
        { action: 'auth.*', days: 400 },
        { action: 'auth.sign_in_failed', days: 100 },
        { action: 'auth.session.*', days: 200 },
      ],
    });
    expect(overridesInOrder(policy).map((o) => o.action ?? o.actorType)).toEqual([
      'auth.sign_in_failed',
      'auth.session.*',
      'auth.*',
      'service',
    ]);
  });

  it('refuses a period of no days, an override that matches nothing named, and a hold of nothing', () => {
    expect(retentionPolicySchema.safeParse({ defaultDays: -1 }).success).toBe(false);
    expect(retentionPolicySchema.safeParse({ defaultDays: 'never' }).success).toBe(false);
    // Archiving is asked for, never assumed.
    expect(retentionPolicySchema.safeParse({ defaultDays: 'forever' }).data).toEqual({
      defaultDays: 'forever',
      overrides: [],
      archive: false,
    });
    expect(
      retentionPolicySchema.safeParse({ defaultDays: 30, overrides: [{ days: 5 }] }).success,
    ).toBe(false);
    expect(
      retentionPolicySchema.safeParse({
        defaultDays: 30,
        overrides: [{ action: 'Auth.*', days: 5 }],
      }).success,
    ).toBe(false);
    expect(legalHoldSchema.safeParse({ reason: 'why' }).error?.issues[0]?.message).toBe(
      'a hold names what it keeps: an actor, an action, a resource or a time range',
    );
    expect(legalHoldSchema.safeParse({ reason: 'x', resourceId: '42' }).success).toBe(false);
  });
});
