import type { Role } from '@auditlog/db';

export const scopes = ['log:write', 'log:read', 'log:export'] as const;
export type Scope = (typeof scopes)[number];
export type Permission = Scope | 'admin';

/** Who is calling: a signed-in person or a service holding an API key. */
export type Principal =
  | {
      kind: 'user';
      user: { id: string; email: string; name: string; role: Role };
      sessionId: string;
      sessionExpiresAt: Date;
    }
  | { kind: 'key'; key: { id: string; name: string; prefix: string; scopes: Scope[] } };

// People read, verify and export in the dashboard; recording events is for services.
const ROLE_PERMISSIONS: Record<Role, Permission[]> = {
  admin: ['admin', 'log:read', 'log:export'],
  auditor: ['log:read', 'log:export'],
};

export function can(principal: Principal, permission: Permission): boolean {
  if (principal.kind === 'user') return ROLE_PERMISSIONS[principal.user.role].includes(permission);
  return (principal.key.scopes as Permission[]).includes(permission);
}

/** What a refusal says, the same over tRPC and the plain HTTP routes. */
export const REFUSALS = {
  unauthenticated: 'sign in or send an API key',
  forbidden: (permission: Permission) =>
    permission === 'admin'
      ? 'this needs the admin role'
      : `this needs the ${permission} permission`,
};

/**
 * Who wrote an event, as its leaf records it: the key or the signed-in person that sent
 * it, whatever actor the event itself names.
 */
export function writerOf(principal: Principal): string {
  return principal.kind === 'key' ? `api_key:${principal.key.prefix}` : `user:${principal.user.id}`;
}

/** How the principal appears as the actor of the events the server records about it. */
export function actorOf(principal: Principal | null) {
  if (!principal) return { actorId: 'anonymous', actorEmail: '', actorType: 'user' as const };
  if (principal.kind === 'user') {
    return {
      actorId: principal.user.id,
      actorEmail: principal.user.email,
      actorType: 'user' as const,
    };
  }
  return {
    actorId: `api_key:${principal.key.prefix}`,
    actorEmail: '',
    actorType: 'service' as const,
  };
}
