-- An email names one person in any case (Alice@Example.com is alice@example.com): the
-- actor filter, the search's actor: and erasure compare lower("actorEmail"), which this
-- index serves in place of the plain one. Prisma's schema cannot state an expression
-- index; drift.test.ts lists it. (About 2 s per 1,000,000 events on 2 cores.)
DROP INDEX "AuditLog_actorEmail_createdAt_idx";
CREATE INDEX "AuditLog_lower_actorEmail_createdAt_idx" ON "AuditLog" (lower("actorEmail"), "createdAt" DESC);
