-- CreateEnum
CREATE TYPE "ActorType" AS ENUM ('user', 'service', 'system');

-- CreateEnum
CREATE TYPE "Outcome" AS ENUM ('success', 'failure');

-- CreateTable: range-partitioned by month on "createdAt". Partitions are created by the
-- store as events for a new month arrive (packages/db/src/partitions.ts), so retention
-- can drop a whole month instead of deleting rows one by one.
CREATE TABLE "AuditLog" (
    "id" UUID NOT NULL,
    "seq" BIGINT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,
    "actorId" TEXT NOT NULL,
    "actorEmail" TEXT NOT NULL,
    "actorType" "ActorType" NOT NULL DEFAULT 'user',
    "action" TEXT NOT NULL,
    "outcome" "Outcome" NOT NULL DEFAULT 'success',
    "resourceType" TEXT,
    "resourceId" TEXT,
    "metadata" JSONB,
    "changes" JSONB,
    "ip" TEXT,
    "userAgent" TEXT,
    "requestId" TEXT,

    CONSTRAINT "AuditLog_pkey" PRIMARY KEY ("id","createdAt")
) PARTITION BY RANGE ("createdAt");

-- CreateTable
CREATE TABLE "LogHead" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "size" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "LogHead_pkey" PRIMARY KEY ("id")
);

INSERT INTO "LogHead" ("id", "size") VALUES (1, 0);

-- CreateIndex
CREATE INDEX "AuditLog_createdAt_seq_idx" ON "AuditLog"("createdAt" DESC, "seq" DESC);

-- CreateIndex
CREATE INDEX "AuditLog_action_createdAt_idx" ON "AuditLog"("action", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "AuditLog_actorId_createdAt_idx" ON "AuditLog"("actorId", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "AuditLog_actorEmail_createdAt_idx" ON "AuditLog"("actorEmail", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "AuditLog_resourceType_resourceId_createdAt_idx" ON "AuditLog"("resourceType", "resourceId", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "AuditLog_seq_idx" ON "AuditLog"("seq");

-- An audit trail is append-only: refuse to rewrite or empty it through ordinary SQL.
-- (Someone with the rights to drop this trigger can still tamper; detecting that is the
-- job of the hash tree, not of this guard.)
CREATE FUNCTION "audit_log_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit log entries are append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER "AuditLog_no_update" BEFORE UPDATE ON "AuditLog"
  FOR EACH ROW EXECUTE FUNCTION "audit_log_append_only"();

CREATE TRIGGER "AuditLog_no_truncate" BEFORE TRUNCATE ON "AuditLog"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_log_append_only"();

CREATE TRIGGER "LogHead_no_delete" BEFORE DELETE OR TRUNCATE ON "LogHead"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_log_append_only"();
