import type { JsonObject } from '@auditlog/audit';
import type { AuditClient } from './audit-client';
import type { AuditActor } from './context';
import type { Receipt } from './receipt';
import {
  fetchRequestInfo,
  type NodeRequest,
  nodeRequestInfo,
  type RequestInfo,
  type RequestInfoOptions,
} from './request-info';

/** A request as any of the helpers take it: Node's (Express, Fastify's raw) or fetch's. */
export type AnyRequest = NodeRequest | Request;

function infoOf(request: AnyRequest, options: RequestInfoOptions): RequestInfo {
  return request instanceof Request
    ? fetchRequestInfo(request, undefined, options)
    : nodeRequestInfo(request, options);
}

/**
 * One call per authentication event, each taking the request (for the address, user
 * agent and request id) and the person:
 *   auth.signed_in, auth.sign_in_failed, auth.signed_out, auth.password_changed,
 *   auth.mfa_enabled, auth.mfa_disabled, auth.session_revoked.
 * A failed sign-in names the account tried (an unknown email is recorded as given, with
 * an empty email when it is not one) and why, never the password.
 */
export function authEvents(client: AuditClient, options: RequestInfoOptions = {}) {
  const log = (
    action: string,
    request: AnyRequest,
    actor: AuditActor,
    extra: { outcome?: 'failure'; metadata?: JsonObject } = {},
  ): Receipt =>
    client.logAction({
      actorId: actor.id,
      actorEmail: actor.email ?? '',
      actorType: actor.type ?? 'user',
      action,
      resourceType: 'user',
      resourceId: actor.id,
      ...extra,
      ...infoOf(request, options),
    });
  return {
    signedIn: (request: AnyRequest, user: AuditActor, details?: { method?: string }) =>
      log('auth.signed_in', request, user, { metadata: { ...details } }),
    signInFailed: (request: AnyRequest, attempt: { email: string; reason: string }) =>
      log(
        'auth.sign_in_failed',
        request,
        { id: attempt.email, email: attempt.email.includes('@') ? attempt.email : '' },
        { outcome: 'failure', metadata: { reason: attempt.reason } },
      ),
    signedOut: (request: AnyRequest, user: AuditActor) => log('auth.signed_out', request, user),
    passwordChanged: (request: AnyRequest, user: AuditActor) =>
      log('auth.password_changed', request, user),
    mfaEnabled: (request: AnyRequest, user: AuditActor, details?: { method?: string }) =>
      log('auth.mfa_enabled', request, user, { metadata: { ...details } }),
    mfaDisabled: (request: AnyRequest, user: AuditActor, details?: { method?: string }) =>
      log('auth.mfa_disabled', request, user, { metadata: { ...details } }),
    sessionRevoked: (request: AnyRequest, user: AuditActor, details?: { sessionId?: string }) =>
      log('auth.session_revoked', request, user, { metadata: { ...details } }),
  };
}
