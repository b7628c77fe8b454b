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

-- A write to a sealed month makes its summary wrong, so the summary goes in the writer's
-- transaction and a run reads the month again. Imports of old events forget the
-- summaries of their months as they append (append.ts): a row trigger on every insert
-- cost appends about a tenth of their INSERT time. Updates cannot change what a summary
-- holds (AuditLog_no_update refuses any change to a seq, an action or a time). Deletes
-- come only from retention, whose batches forget the months they delete from once per
-- batch, or from someone deleting by hand: this trigger forgets the month for them. Row
-- triggers on the log are cloned to every partition, where TG_TABLE_NAME names the month.
CREATE FUNCTION "MonthSummary_forget"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "MonthSummary" WHERE "partition" = TG_TABLE_NAME;
  RETURN NULL;
END
$$;

CREATE TRIGGER "AuditLog_summarised_delete" AFTER DELETE ON "AuditLog" FOR EACH ROW
    WHEN (current_setting('auditlog.retention_batch', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION "MonthSummary_forget"();
