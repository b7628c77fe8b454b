import { canonicalJson, logViewSchema, safeText } from '@auditlog/audit';
import type { SavedView, SavedViewChange } from '@auditlog/db';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { recordOwnAction } from '../own-actions';
import { readProcedure, router } from '../trpc';

/** Saved views are people's: an API key reads the log but keeps no views. */
const personProcedure = readProcedure.use(({ ctx, next }) => {
  if (ctx.principal.kind !== 'user') {
    throw new TRPCError({
      code: 'FORBIDDEN',
      message: 'saved views belong to people who sign in; an API key has none',
    });
  }
  return next({ ctx: { ...ctx, me: ctx.principal.user } });
});

const name = safeText(100).trim().min(1, 'a view needs a name');
const viewId = z.object({ id: z.uuid() });

export const viewsRouter = router({
  /** The caller's views and every shared one, pinned first. */
  list: personProcedure.query(({ ctx }) => ctx.views.list(ctx.me.id)),

  create: personProcedure
    .input(
      z.object({
        name,
        query: logViewSchema,
        shared: z.boolean().default(false),
        pinned: z.boolean().default(false),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const view = await ctx.views.create({ ownerId: ctx.me.id, ...input });
      await recordOwnAction(ctx, {
        action: 'saved_view.created',
        resourceType: 'saved_view',
        resourceId: view.id,
        metadata: { name: view.name, query: view.query, shared: view.shared, pinned: view.pinned },
      });
      return view;
    }),

  /**
   * Renames a view, replaces what it shows, shares or pins it. Anyone who can see a view
   * may pin it; the rest is for its owner, and for admins once it is shared.
   */
  update: personProcedure
    .input(
      viewId.extend({
        name: name.optional(),
        query: logViewSchema.optional(),
        shared: z.boolean().optional(),
        pinned: z.boolean().optional(),
      }),
    )
    .mutation(async ({ ctx, input: { id, ...change } }) => {
      const view = await visibleView(ctx, id);
      const onlyPin = Object.keys(change).every((key) => key === 'pinned');
      if (!onlyPin) mayManage(ctx, view);
      const { before, after } = await ctx.views.update(id, change);
      const changed = changedFields(before, after, change);
      if (changed.length > 0) {
        await recordOwnAction(ctx, {
          action: 'saved_view.changed',
          resourceType: 'saved_view',
          resourceId: id,
          metadata: { name: after.name },
          changes: {
            before: Object.fromEntries(changed.map((k) => [k, before[k]])),
            after: Object.fromEntries(changed.map((k) => [k, after[k]])),
          },
        });
      }
      return after;
    }),

  delete: personProcedure.input(viewId).mutation(async ({ ctx, input }) => {
    mayManage(ctx, await visibleView(ctx, input.id));
    const view = await ctx.views.delete(input.id);
    await recordOwnAction(ctx, {
      action: 'saved_view.deleted',
      resourceType: 'saved_view',
      resourceId: view.id,
      metadata: { name: view.name, query: view.query, shared: view.shared },
    });
    return view;
  }),
});

type PersonContext = Parameters<Parameters<typeof personProcedure.query>[0]>[0]['ctx'];

/** The view, if the caller may see it; someone else's private view is not found. */
async function visibleView(ctx: PersonContext, id: string): Promise<SavedView> {
  const view = await ctx.views.get(id);
  if (!view || (view.owner.id !== ctx.me.id && !view.shared)) {
    throw new TRPCError({ code: 'NOT_FOUND', message: 'no such saved view' });
  }
  return view;
}

function mayManage(ctx: PersonContext, view: SavedView): void {
  if (view.owner.id === ctx.me.id || ctx.me.role === 'admin') return;
  throw new TRPCError({
    code: 'FORBIDDEN',
    message: `only ${view.owner.email} or an admin can change or delete this view`,
  });
}

/** The fields a change asked for whose values really differ. */
function changedFields(before: SavedView, after: SavedView, change: SavedViewChange) {
  return (Object.keys(change) as (keyof SavedViewChange)[]).filter(
    (key) => canonicalJson(before[key]) !== canonicalJson(after[key]),
  );
}
