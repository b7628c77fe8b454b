import { AsyncLocalStorage } from 'node:async_hooks';
import type { AuditEntry } from '@auditlog/audit';

/** Who is acting: a signed-in person, a service, or the system itself. */
export interface AuditActor {
  id: string;
  email?: string;
  type?: AuditEntry['actorType'];
}

/** What every event recorded within a request (or a job) shares. */
export interface AuditContext {
  actor?: AuditActor;
  ip?: string;
  userAgent?: string;
  requestId?: string;
}

const storage = new AsyncLocalStorage<AuditContext>();

/**
 * Runs `fn` with `context` (merged over any enclosing one): every event recorded inside,
 * through awaits, timers and callbacks, takes its actor, address and request id from it.
 */
export function withAuditContext<T>(context: AuditContext, fn: () => T): T {
  return auditScope(context).run(fn);
}

/**
 * A context to run code in, and the object holding it: what the code sets with
 * setAuditActor is there to read once it is done (how capture helpers learn an actor that
 * authentication found halfway through a request).
 */
export function auditScope(context: AuditContext) {
  const store: AuditContext = { ...storage.getStore(), ...context };
  return { store, run: <T>(fn: () => T): T => storage.run(store, fn) };
}

/** The context of the code running now, if any. */
export function currentAuditContext(): AuditContext | undefined {
  return storage.getStore();
}

/**
 * Names the actor for the rest of the current context, once authentication has found
 * them (a middleware opened the context before it knew who was calling).
 */
export function setAuditActor(actor: AuditActor): void {
  const store = storage.getStore();
  if (!store) throw new Error('setAuditActor needs an audit context (withAuditContext)');
  store.actor = actor;
}

/**
 * The context to carry into a background job: store it with the job and run the job in
 * `withAuditContext(saved, …)`, so what the job records names who asked for it.
 */
export function captureAuditContext(): AuditContext {
  const store = storage.getStore();
  return store ? structuredClone(store) : {};
}
