import type { JsonObject } from '@auditlog/audit';
import type { AuditClient } from './audit-client';
import type { AuditActor, AuditContext } from './context';
import type { RequestInfo } from './request-info';

/** What every capture helper (tRPC, Express, Fastify, fetch) is told by the host. */
export interface CaptureOptions<Source> {
  /**
   * Who is acting, from the host's request or context. Asked when the request starts and
   * again when it is recorded; failing both, whoever the handler named with setAuditActor,
   * else `anonymous`.
   */
  actor?: (source: Source) => AuditActor | undefined;
  /** Record reads too (queries, GET): HIPAA-style read logging. Default: changes only. */
  reads?: boolean;
  /**
   * Wait until each event is stored before the response goes out: the caller never sees
   * success for an action whose record could still be lost. Default: do not wait.
   */
  durable?: boolean;
  /** Where an event that could not even be made goes (default: console.error). */
  onError?: (error: unknown) => void;
}

// Metadata is at most 16 KiB: an input larger than this is named by its size instead.
const INPUT_BYTES = 8 * 1024;

/** The input as metadata: whole when small (redacted by the client), else its size. */
export function inputMetadata(input: unknown): JsonObject {
  if (input === undefined) return {};
  let text: string | undefined;
  try {
    text = JSON.stringify(input, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
  } catch {
    return { input: '[not serialisable]' };
  }
  if (text === undefined) return {};
  const bytes = Buffer.byteLength(text);
  return bytes <= INPUT_BYTES ? { input: JSON.parse(text) } : { inputBytes: bytes };
}

/** An id the input names (`{ id }`), as the resource the action touched. */
export function resourceIdOf(input: unknown): string | undefined {
  const id = (input as { id?: unknown } | null | undefined)?.id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
}

/**
 * Records one captured call. Never throws into the host's request: an event that cannot
 * be made (a bad actor from the host, say) goes to onError; with `durable`, waits for it.
 */
export async function record<Source>(
  client: AuditClient,
  options: CaptureOptions<Source>,
  source: Source,
  event: {
    action: string;
    ok: boolean;
    info: RequestInfo;
    metadata: JsonObject;
    resourceId?: string;
    /** The request's audit context, as the handler left it. */
    context: AuditContext;
  },
): Promise<void> {
  try {
    const actor = options.actor?.(source) ?? event.context.actor;
    const receipt = client.logAction({
      actorId: actor?.id ?? 'anonymous',
      actorEmail: actor?.email ?? '',
      actorType: actor?.type ?? 'user',
      action: event.action,
      outcome: event.ok ? 'success' : 'failure',
      resourceType: event.action.split('.')[0],
      resourceId: event.resourceId,
      metadata: event.metadata,
      ...event.info,
      requestId: event.context.requestId ?? event.info.requestId,
    });
    if (options.durable) await receipt;
  } catch (error) {
    (options.onError ?? ((e) => console.error('audit capture failed:', e)))(error);
  }
}
