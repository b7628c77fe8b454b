-- AlterTable: who wrote each event (an API key, a signed-in user, or the server itself),
-- committed in version 2 leaves; NULL for events stored before it was recorded.
ALTER TABLE "AuditLog" ADD COLUMN "writer" TEXT;
