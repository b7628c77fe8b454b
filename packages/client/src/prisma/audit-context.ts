import { Prisma } from '@prisma/client/extension';
import { type AuditContext, currentAuditContext } from '../context';

const WRITES = new Set([
  'create',
  'createMany',
  'createManyAndReturn',
  'update',
  'updateMany',
  'updateManyAndReturn',
  'upsert',
  'delete',
  'deleteMany',
]);

/** The raw-SQL surface every Prisma client (and transaction client) has. */
interface RawClient {
  $executeRaw(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<number>;
  $transaction(queries: PromiseLike<unknown>[]): Promise<unknown[]>;
}

/** The statement that hands the audit context to the outbox trigger, for this transaction. */
const setContext = (client: unknown, context: AuditContext) =>
  (client as RawClient)
    .$executeRaw`SELECT set_config('audit.context', ${JSON.stringify(context)}, true)`;

/**
 * A Prisma Client extension that tells the outbox trigger who is acting: each write runs
 * in a transaction that first sets the audit context of the code calling it (actor,
 * address, request id; see withAuditContext). Writes inside a transaction of your own are
 * left as they are, since an extension cannot join it: open such transactions with
 * auditedTransaction, or their changes are recorded with the actor `unknown`.
 */
export function auditContext() {
  return Prisma.defineExtension((client) =>
    client.$extends({
      name: 'audit-context',
      query: {
        $allModels: {
          async $allOperations(params) {
            const { operation, args, query } = params;
            const context = currentAuditContext();
            // Prisma's own marker of a query inside a transaction (not in its typings).
            const inTransaction = (params as { __internalParams?: { transaction?: unknown } })
              .__internalParams?.transaction;
            if (!WRITES.has(operation) || !context || inTransaction) return query(args);
            const [, result] = await (client as unknown as RawClient).$transaction([
              setContext(client, context),
              query(args),
            ]);
            return result;
          },
        },
      },
    }),
  );
}

/**
 * An interactive transaction whose changes the outbox records with the current audit
 * context: use it instead of prisma.$transaction(fn) when the code writes audited tables.
 */
export function auditedTransaction<Tx, T>(
  prisma: { $transaction(fn: (tx: Tx) => Promise<T>): Promise<T> },
  fn: (tx: Tx) => Promise<T>,
): Promise<T> {
  return prisma.$transaction(async (tx: Tx) => {
    await setContext(tx, currentAuditContext() ?? {});
    return fn(tx);
  });
}
