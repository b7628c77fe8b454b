import { procedureAction } from './action-name';
import type { AuditClient } from './audit-client';
import { type CaptureOptions, inputMetadata, record, resourceIdOf } from './capture';
import { auditScope } from './context';
import type { RequestInfo } from './request-info';

export interface TrpcCaptureOptions<Ctx> extends CaptureOptions<Ctx> {
  /** The action for a procedure path (default procedureAction: `invoice.refund` → `invoice.refunded`). */
  action?: (path: string, type: string) => string;
  /** Where the request came from, from the host's context (see nodeRequestInfo). */
  request?: (ctx: Ctx) => RequestInfo;
}

interface MiddlewareResult {
  ok: boolean;
  error?: { code: string };
}

/**
 * A tRPC middleware for the host application's router (`t.procedure.use(…)`): records
 * every mutation (and every query, with `reads`) with the actor from the host's context,
 * the action from the procedure path, the input as metadata (secrets masked), and the
 * outcome with the error code. The procedure runs in an audit context, so what it logs
 * itself names the same actor and request.
 */
export function auditTrpcMiddleware<Ctx>(client: AuditClient, options: TrpcCaptureOptions<Ctx>) {
  return async <Result extends MiddlewareResult>(opts: {
    path: string;
    type: string;
    ctx: Ctx;
    getRawInput: () => Promise<unknown>;
    next: () => Promise<Result>;
  }): Promise<Result> => {
    const info = options.request?.(opts.ctx) ?? {};
    const scope = auditScope({ ...info, actor: options.actor?.(opts.ctx) });
    if (opts.type === 'subscription' || (opts.type === 'query' && !options.reads)) {
      return scope.run(opts.next);
    }
    const result = await scope.run(opts.next);
    const input = await opts.getRawInput();
    await record(client, options, opts.ctx, {
      action: (options.action ?? procedureAction)(opts.path, opts.type),
      ok: result.ok,
      info,
      context: scope.store,
      resourceId: resourceIdOf(input),
      metadata: {
        procedure: opts.path,
        ...inputMetadata(input),
        ...(!result.ok && { error: result.error?.code ?? 'INTERNAL_SERVER_ERROR' }),
      },
    });
    return result;
  };
}
