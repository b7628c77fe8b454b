import { randomBytes } from 'node:crypto';
import { createUserAccount, type Services } from '@auditlog/api';

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
  services: Pick<Services, 'store' | 'accounts'>,
  input: { email: string; name: string; password?: string },
): Promise<FirstAdmin> {
  const password = input.password ?? randomBytes(15).toString('base64url');
  const user = await createUserAccount(
    { ...services, principal: null, ip: undefined, userAgent: undefined },
    { email: input.email.toLowerCase(), name: input.name, role: 'admin', password },
    { actorId: 'audit-log', actorType: 'system', metadata: { reason: 'first admin' } },
  );
  return { email: user.email, name: user.name, password, generated: input.password === undefined };
}
