-- What a retention run records when it drops a month (its events per action and its seq
-- ranges), taken once the month is sealed so that the run need not read the month while
-- appends wait for the disk and CPU. One row per month partition.
CREATE TABLE "MonthSummary" (
    "partition" TEXT NOT NULL,
    "events" BIGINT NOT NULL,
    "byAction" JSONB NOT NULL,
    "ranges" JSONB NOT NULL,
    "summarizedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MonthSummary_pkey" PRIMARY KEY ("partition")
);

-- A write to a sealed month makes its summary wrong: the summary goes, in the writer's
-- transaction, and a run reads the month again. Row triggers on the log are cloned to
-- every partition, where TG_TABLE_NAME names the month written.
CREATE FUNCTION "MonthSummary_forget"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "MonthSummary" WHERE "partition" = TG_TABLE_NAME;
  RETURN NULL;
END
$$;

-- Only rows dated 8 days back or more call the function: appends (a client id dates an
-- event at most 7 days back) only evaluate the condition. Imports of old events and
-- deletes by hand call it. Updates need no trigger: AuditLog_no_update refuses any that
-- would change a seq, an action or a time.
CREATE TRIGGER "AuditLog_sealed_insert" AFTER INSERT ON "AuditLog" FOR EACH ROW
    WHEN (NEW."createdAt" < now() - interval '8 days')
    EXECUTE FUNCTION "MonthSummary_forget"();

-- A retention run's own batches forget the months they delete from themselves, once per
-- batch rather than once per row.
CREATE TRIGGER "AuditLog_sealed_delete" AFTER DELETE ON "AuditLog" FOR EACH ROW
    WHEN (OLD."createdAt" < now() - interval '8 days'
        AND current_setting('auditlog.retention_batch', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION "MonthSummary_forget"();
