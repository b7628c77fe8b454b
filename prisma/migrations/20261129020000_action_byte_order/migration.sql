-- Action names are lower-case ASCII words and dots, compared by bytes: under the "C"
-- collation a prefix filter (`billing.*`, a LIKE 'billing.%') becomes a range on the
-- (action, createdAt) index instead of a scan of every row. Rebuilds the indexes on
-- action (1.4 s for 1,000,000 events on 2 cores).
ALTER TABLE "AuditLog" ALTER COLUMN "action" TYPE TEXT COLLATE "C";
