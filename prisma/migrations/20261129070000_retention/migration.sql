-- CreateTable
CREATE TABLE "RetentionSettings" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "policy" JSONB NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RetentionSettings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LegalHold" (
    "id" UUID NOT NULL,
    "reason" TEXT NOT NULL,
    "criteria" JSONB NOT NULL,
    "placedBy" TEXT NOT NULL,
    "placedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "releasedBy" TEXT,
    "releasedAt" TIMESTAMPTZ(3),

    CONSTRAINT "LegalHold_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RetentionRun" (
    "id" UUID NOT NULL,
    "dryRun" BOOLEAN NOT NULL,
    "status" TEXT NOT NULL,
    "startedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "leaseUntil" TIMESTAMPTZ(3) NOT NULL,
    "finishedAt" TIMESTAMPTZ(3),
    "checkpointSize" BIGINT NOT NULL,
    "checkpointRoot" TEXT NOT NULL,
    "policy" JSONB NOT NULL,
    "deleted" BIGINT NOT NULL DEFAULT 0,
    "byAction" JSONB NOT NULL DEFAULT '{}',
    "partitionsDropped" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "error" TEXT,

    CONSTRAINT "RetentionRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PrunedRange" (
    "fromSeq" BIGINT NOT NULL,
    "toSeq" BIGINT NOT NULL,
    "runId" UUID NOT NULL,

    CONSTRAINT "PrunedRange_pkey" PRIMARY KEY ("fromSeq")
);

-- CreateIndex
CREATE INDEX "PrunedRange_runId_idx" ON "PrunedRange"("runId");
