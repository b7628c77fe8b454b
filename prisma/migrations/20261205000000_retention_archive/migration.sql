-- What a retention run archived before deleting: the file's name, its SHA-256, and the
-- events and seqs it holds (null: the run archived nothing).
ALTER TABLE "RetentionRun" ADD COLUMN "archive" JSONB;
