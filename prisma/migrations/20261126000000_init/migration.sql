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
    "hash" BYTEA NOT NULL,
    "piiDigest" BYTEA NOT NULL,
    "piiSalt" BYTEA,
    "erasedAt" TIMESTAMPTZ(3),

    CONSTRAINT "AuditLog_pkey" PRIMARY KEY ("id","createdAt")
) PARTITION BY RANGE ("createdAt");

-- CreateTable
CREATE TABLE "LogHead" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "size" BIGINT NOT NULL DEFAULT 0,
    "frontier" BYTEA NOT NULL,

    CONSTRAINT "LogHead_pkey" PRIMARY KEY ("id")
);

INSERT INTO "LogHead" ("id", "size", "frontier") VALUES (1, 0, '\x');

-- CreateTable
CREATE TABLE "MerkleNode" (
    "level" INTEGER NOT NULL,
    "index" BIGINT NOT NULL,
    "hash" BYTEA NOT NULL,

    CONSTRAINT "MerkleNode_pkey" PRIMARY KEY ("level","index")
);

-- CreateTable
CREATE TABLE "Checkpoint" (
    "id" BIGSERIAL NOT NULL,
    "treeSize" BIGINT NOT NULL,
    "rootHash" BYTEA NOT NULL,
    "issuedAt" TIMESTAMPTZ(3) NOT NULL,
    "keyId" TEXT NOT NULL,
    "signature" BYTEA NOT NULL,

    CONSTRAINT "Checkpoint_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Checkpoint_treeSize_idx" ON "Checkpoint"("treeSize");

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
-- (Someone with the rights to drop these triggers can still tamper; detecting that is
-- the job of the hash tree, not of this guard.)
CREATE FUNCTION "audit_log_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit log entries are append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

-- The one permitted update is a GDPR erasure: blank the personal data, drop its salt,
-- stamp erasedAt, and change nothing else (the leaf commits only to piiDigest).
CREATE FUNCTION "audit_log_erasure_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."actorEmail" = '' AND NEW."ip" IS NULL AND NEW."userAgent" IS NULL
     AND NEW."piiSalt" IS NULL AND NEW."erasedAt" IS NOT NULL
     AND (NEW."id", NEW."seq", NEW."createdAt", NEW."actorId", NEW."actorType", NEW."action",
          NEW."outcome", NEW."resourceType", NEW."resourceId", NEW."metadata", NEW."changes",
          NEW."requestId", NEW."hash", NEW."piiDigest")
         IS NOT DISTINCT FROM
         (OLD."id", OLD."seq", OLD."createdAt", OLD."actorId", OLD."actorType", OLD."action",
          OLD."outcome", OLD."resourceType", OLD."resourceId", OLD."metadata", OLD."changes",
          OLD."requestId", OLD."hash", OLD."piiDigest")
  THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit log entries are append-only: only an erasure of personal data may update one'
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER "AuditLog_no_update" BEFORE UPDATE ON "AuditLog"
  FOR EACH ROW EXECUTE FUNCTION "audit_log_erasure_only"();

CREATE TRIGGER "AuditLog_no_truncate" BEFORE TRUNCATE ON "AuditLog"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_log_append_only"();

CREATE TRIGGER "LogHead_no_delete" BEFORE DELETE OR TRUNCATE ON "LogHead"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_log_append_only"();

CREATE TRIGGER "MerkleNode_no_update" BEFORE UPDATE OR DELETE OR TRUNCATE ON "MerkleNode"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_log_append_only"();

CREATE TRIGGER "Checkpoint_no_update" BEFORE UPDATE OR DELETE OR TRUNCATE ON "Checkpoint"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_log_append_only"();
