import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '@auditlog/db';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { hashPassword } from '../auth/passwords';
import { recordOwnAction } from '../own-actions';
import { adminProcedure, router } from '../trpc';

const role = z.enum(['admin', 'auditor']);
const userId = z.object({ id: z.uuid() });

const publicUser = {
  id: true,
  email: true,
  name: true,
  role: true,
  createdAt: true,
  disabledAt: true,
} as const;

export const usersRouter = router({
  list: adminProcedure.query(({ ctx }) =>
    ctx.store.db.prisma.user.findMany({ select: publicUser, orderBy: { createdAt: 'asc' } }),
  ),

  create: adminProcedure
    .input(
      z.object({
        email: z.email().trim().toLowerCase().max(320),
        name: z.string().trim().min(1).max(200),
        role,
        // NIST SP 800-63B: length, not composition rules.
        password: z.string().min(12, 'must be at least 12 characters').max(1024),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const prisma = ctx.store.db.prisma;
      if (await prisma.user.findUnique({ where: { email: input.email } })) {
        throw new TRPCError({ code: 'CONFLICT', message: `${input.email} already has an account` });
      }
      const user = await prisma.user.create({
        data: {
          id: randomUUID(),
          email: input.email,
          name: input.name,
          role: input.role,
          passwordHash: await hashPassword(input.password),
        },
        select: publicUser,
      });
      await recordOwnAction(ctx, {
        action: 'user.created',
        resourceType: 'user',
        resourceId: user.id,
        changes: { after: { email: user.email, role: user.role } },
      });
      return user;
    }),

  setRole: adminProcedure.input(userId.extend({ role })).mutation(async ({ ctx, input }) => {
    const prisma = ctx.store.db.prisma;
    const user = await prisma.user.findUnique({ where: { id: input.id } });
    if (!user) throw new TRPCError({ code: 'NOT_FOUND', message: 'no such user' });
    if (user.role === 'admin' && input.role !== 'admin') await keepAnAdmin(prisma, user.id);
    const updated = await prisma.user.update({
      where: { id: input.id },
      data: { role: input.role },
      select: publicUser,
    });
    await recordOwnAction(ctx, {
      action: 'user.role_changed',
      resourceType: 'user',
      resourceId: user.id,
      changes: { before: { role: user.role }, after: { role: input.role } },
    });
    return updated;
  }),

  /** Disables an account and ends its sessions; its history stays in the log. */
  disable: adminProcedure.input(userId).mutation(async ({ ctx, input }) => {
    const prisma = ctx.store.db.prisma;
    const user = await prisma.user.findUnique({ where: { id: input.id } });
    if (!user) throw new TRPCError({ code: 'NOT_FOUND', message: 'no such user' });
    if (user.role === 'admin') await keepAnAdmin(prisma, user.id);
    const updated = await prisma.user.update({
      where: { id: input.id },
      data: { disabledAt: user.disabledAt ?? new Date(), sessions: { deleteMany: {} } },
      select: publicUser,
    });
    await recordOwnAction(ctx, {
      action: 'user.disabled',
      resourceType: 'user',
      resourceId: user.id,
    });
    return updated;
  }),
});

/** Refuses a change that would leave nobody able to manage users and keys. */
async function keepAnAdmin(prisma: PrismaClient, leaving: string) {
  const others = await prisma.user.count({
    where: { role: 'admin', disabledAt: null, id: { not: leaving } },
  });
  if (others === 0) {
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: 'the last active admin cannot be removed',
    });
  }
}
