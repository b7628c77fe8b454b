-- The transactional outbox of @auditlog/client. Apply it as a migration of the host
-- application, then enable capture per table:
--   SELECT audit_enable('"Invoice"');                          -- key column "id"
--   SELECT audit_enable('"User"', 'id', ARRAY['passwordHash']); -- masked columns
-- Every INSERT, UPDATE and DELETE of an enabled table, through Prisma (createMany,
-- updateMany and deleteMany included) or plain SQL, writes one event here in the same
-- transaction: it commits with the change or not at all. The relay (createOutboxRelay)
-- delivers the events to the audit log by their ids, which the log stores once.

CREATE TABLE IF NOT EXISTS "AuditOutbox" (
  id UUID PRIMARY KEY,
  entry JSONB NOT NULL,
  "createdAt" TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
  -- A relay working on the event holds it until then; one that died lets it go.
  "claimedUntil" TIMESTAMPTZ,
  -- Why the audit log refused it: kept for a person to look at, never retried.
  error TEXT
);
CREATE INDEX IF NOT EXISTS "AuditOutbox_createdAt_idx" ON "AuditOutbox" ("createdAt", id);

-- A UUIDv7 dated now: the event's time in the audit log is the change's.
CREATE OR REPLACE FUNCTION audit_uuid7() RETURNS uuid LANGUAGE sql VOLATILE AS $$
  SELECT (lpad(to_hex(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0')
    || '7' || substr(r, 14, 3) || substr(r, 17, 4) || substr(r, 21, 12))::uuid
  FROM (SELECT replace(gen_random_uuid()::text, '-', '') AS r) random
$$;

-- The trigger: the changed columns before and after (all of them on insert and delete),
-- masked columns as "[changed]", and the actor, address and request id the application
-- set for this transaction (set_config('audit.context', …, true); the Prisma extension
-- auditContext does it). Without one the actor is `unknown`, a system actor.
CREATE OR REPLACE FUNCTION audit_capture() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ctx jsonb := coalesce(nullif(current_setting('audit.context', true), '')::jsonb, '{}');
  key_column text := TG_ARGV[0];
  masked text[] := TG_ARGV[1]::text[];
  old_row jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
  new_row jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
  before jsonb := '{}';
  after jsonb := '{}';
  k text;
  resource text := lower(regexp_replace(TG_TABLE_NAME, '([a-z0-9])([A-Z])', '\1_\2', 'g'));
  event_id uuid := audit_uuid7();
  entry jsonb;
BEGIN
  FOR k IN SELECT jsonb_object_keys(coalesce(new_row, old_row)) LOOP
    CONTINUE WHEN TG_OP = 'UPDATE' AND old_row -> k IS NOT DISTINCT FROM new_row -> k;
    IF old_row IS NOT NULL THEN
      before := before || jsonb_build_object(k, CASE WHEN k = ANY(masked) THEN '"[changed]"'::jsonb ELSE old_row -> k END);
    END IF;
    IF new_row IS NOT NULL THEN
      after := after || jsonb_build_object(k, CASE WHEN k = ANY(masked) THEN '"[changed]"'::jsonb ELSE new_row -> k END);
    END IF;
  END LOOP;
  IF TG_OP = 'UPDATE' AND after = '{}' THEN
    RETURN NULL;
  END IF;
  entry := jsonb_build_object(
    'id', event_id,
    'actorId', coalesce(ctx -> 'actor' ->> 'id', 'unknown'),
    'actorEmail', coalesce(ctx -> 'actor' ->> 'email', ''),
    'actorType', coalesce(ctx -> 'actor' ->> 'type', CASE WHEN ctx ? 'actor' THEN 'user' ELSE 'system' END),
    'action', resource || '.' || CASE TG_OP WHEN 'INSERT' THEN 'created' WHEN 'UPDATE' THEN 'updated' ELSE 'deleted' END,
    'resourceType', resource,
    'changes', CASE TG_OP
      WHEN 'INSERT' THEN jsonb_build_object('after', after)
      WHEN 'DELETE' THEN jsonb_build_object('before', before)
      ELSE jsonb_build_object('before', before, 'after', after) END,
    'metadata', jsonb_build_object('table', TG_TABLE_NAME, 'operation', lower(TG_OP)));
  IF coalesce(new_row, old_row) ->> key_column IS NOT NULL THEN
    entry := entry || jsonb_build_object('resourceId', coalesce(new_row, old_row) ->> key_column);
  END IF;
  IF ctx ? 'ip' THEN entry := entry || jsonb_build_object('ip', ctx -> 'ip'); END IF;
  IF ctx ? 'userAgent' THEN entry := entry || jsonb_build_object('userAgent', ctx -> 'userAgent'); END IF;
  IF ctx ? 'requestId' THEN entry := entry || jsonb_build_object('requestId', ctx -> 'requestId'); END IF;
  INSERT INTO "AuditOutbox" (id, entry) VALUES (event_id, entry);
  RETURN NULL;
END
$$;

-- Captures every change of `tbl` from now on; `key_column` names its resource id, and the
-- values of `masked` columns never leave the database.
CREATE OR REPLACE FUNCTION audit_enable(tbl regclass, key_column text DEFAULT 'id', masked text[] DEFAULT '{}')
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('DROP TRIGGER IF EXISTS audit_capture ON %s', tbl);
  EXECUTE format(
    'CREATE TRIGGER audit_capture AFTER INSERT OR UPDATE OR DELETE ON %s FOR EACH ROW EXECUTE FUNCTION audit_capture(%L, %L)',
    tbl, key_column, masked::text);
END
$$;
