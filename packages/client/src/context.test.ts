import { describe, expect, it } from 'vitest';
import {
  captureAuditContext,
  currentAuditContext,
  setAuditActor,
  withAuditContext,
} from './context';

describe('the audit context', () => {
  it('follows the code through awaits and timers, and nests', async () => {
    const seen = await withAuditContext({ actor: { id: 'u1' }, requestId: 'r1' }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return withAuditContext(
        { ip: '192.0.2.1' },
        () => new Promise((resolve) => setImmediate(() => resolve(currentAuditContext()))),
      );
    });
    expect(seen).toEqual({ actor: { id: 'u1' }, requestId: 'r1', ip: '192.0.2.1' });
    expect(currentAuditContext()).toBeUndefined();
  });

  it('takes an actor found halfway, and carries a snapshot into a later job', async () => {
    const snapshot = withAuditContext({ requestId: 'r2' }, () => {
      setAuditActor({ id: 'u2', email: 'u2@example.com' });
      return captureAuditContext();
    });
    // The job runs later, outside the request, as the person who asked for it.
    const inJob = await new Promise((resolve) =>
      setTimeout(() => resolve(withAuditContext(snapshot, () => currentAuditContext())), 1),
    );
    expect(inJob).toEqual({ requestId: 'r2', actor: { id: 'u2', email: 'u2@example.com' } });
    expect(() => setAuditActor({ id: 'x' })).toThrow('needs an audit context');
  });
});
