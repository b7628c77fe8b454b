import { randomBytes, randomUUID } from 'node:crypto';
import { hashPassword, recordOwnAction } from '@auditlog/api';
import type { AuditStore } from '@auditlog/db';

export interface FirstAdmin {
  email: string;
  name: string;
  password: string;
  /** True when the password was made up here and must be shown once. */
  generated: boolean;
}

/**
 * Creates an admin account, recorded in the log as the system's doing. There is never a
 * default password: it comes from the operator, or is random and shown once.
 */
export async function createAdmin(
  store: AuditStore,
  input: { email: string; name: string; password?: string },
): Promise<FirstAdmin> {
  const password = input.password ?? randomBytes(15).toString('base64url');
  const user = await store.db.prisma.user.create({
    data: {
      id: randomUUID(),
      email: input.email.toLowerCase(),
      name: input.name,
      role: 'admin',
      passwordHash: await hashPassword(password),
    },
  });
  await recordOwnAction(
    { store, principal: null, ip: undefined, userAgent: undefined },
    {
      actorId: 'audit-log',
      actorType: 'system',
      action: 'user.created',
      resourceType: 'user',
      resourceId: user.id,
      changes: { after: { email: user.email, role: user.role } },
      metadata: { reason: 'first admin' },
    },
  );
  return { email: user.email, name: user.name, password, generated: input.password === undefined };
}

export async function hasUsers(store: AuditStore): Promise<boolean> {
  return (await store.db.prisma.user.count()) > 0;
}
