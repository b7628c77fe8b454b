-- Hashing moves off the append path. An append now only stores the event and numbers it
-- under the LogHead lock; an integrator (packages/db/src/integrate.ts) later reads the
-- committed events back, hashes them as stored and extends the Merkle tree, whose state
-- has its own row (TreeHead) so that integrating never blocks appending. This is how
-- Trillian's sequencer and Tessera work: sequencing is durable at once, integration
-- follows within milliseconds.

-- Leaf hashes, 256 to a tile (tile t holds events 256t .. 256t+255 in seq order). The
-- last tile grows as events are integrated; complete tiles never change.
CREATE TABLE "LeafTile" (
    "tile" BIGINT NOT NULL,
    "hashes" BYTEA NOT NULL,

    CONSTRAINT "LeafTile_pkey" PRIMARY KEY ("tile")
);

-- Hashes do not compress: spare PostgreSQL the attempt each time the last tile grows.
ALTER TABLE "LeafTile" ALTER COLUMN "hashes" SET STORAGE EXTERNAL;

INSERT INTO "LeafTile" ("tile", "hashes")
SELECT "seq" / 256, string_agg("hash", ''::bytea ORDER BY "seq")
FROM "AuditLog"
GROUP BY "seq" / 256;

-- How far the tree reaches, and its right edge (the roots of its perfect subtrees).
CREATE TABLE "TreeHead" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "size" BIGINT NOT NULL DEFAULT 0,
    "frontier" BYTEA NOT NULL,

    CONSTRAINT "TreeHead_pkey" PRIMARY KEY ("id")
);

INSERT INTO "TreeHead" ("id", "size", "frontier") SELECT "id", "size", "frontier" FROM "LogHead";

ALTER TABLE "LogHead" DROP COLUMN "frontier";

-- An erasure now records the digest it keeps (piiDigest), computed from the salt and the
-- data it removes; until then the digest is derived from them.
ALTER TABLE "AuditLog" DROP COLUMN "hash";
ALTER TABLE "AuditLog" ALTER COLUMN "piiDigest" DROP NOT NULL;

-- metadata and changes are kept as the RFC 8785 canonical JSON text the leaf commits to,
-- byte for byte, rather than as jsonb (which re-serialises on the way out): PostgreSQL can
-- then rebuild and hash a whole leaf by itself, which is what makes verification fast.
-- Events stored before keep jsonb's text form; verification canonicalises those itself.
ALTER TABLE "AuditLog"
  ALTER COLUMN "metadata" TYPE TEXT USING "metadata"::text,
  ALTER COLUMN "changes" TYPE TEXT USING "changes"::text;

-- The erasure trigger (init migration) gets a function that leaves out the dropped hash
-- column and lets an erasure record the digest.
CREATE OR REPLACE FUNCTION "audit_log_erasure_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."actorEmail" = '' AND NEW."ip" IS NULL AND NEW."userAgent" IS NULL
     AND NEW."piiSalt" IS NULL AND NEW."erasedAt" IS NOT NULL AND NEW."piiDigest" IS NOT NULL
     AND (OLD."piiDigest" IS NULL OR NEW."piiDigest" = OLD."piiDigest")
     AND (NEW."id", NEW."seq", NEW."createdAt", NEW."actorId", NEW."actorType", NEW."action",
          NEW."outcome", NEW."resourceType", NEW."resourceId", NEW."metadata", NEW."changes",
          NEW."requestId")
         IS NOT DISTINCT FROM
         (OLD."id", OLD."seq", OLD."createdAt", OLD."actorId", OLD."actorType", OLD."action",
          OLD."outcome", OLD."resourceType", OLD."resourceId", OLD."metadata", OLD."changes",
          OLD."requestId")
  THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit log entries are append-only: only an erasure of personal data may update one'
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

-- A tile may only grow at its end.
CREATE FUNCTION "leaf_tile_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."tile" = OLD."tile" AND length(NEW."hashes") > length(OLD."hashes")
     AND substring(NEW."hashes" FROM 1 FOR length(OLD."hashes")) = OLD."hashes"
  THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'leaf tiles are append-only: a tile may only be extended'
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER "LeafTile_append_only" BEFORE UPDATE ON "LeafTile"
  FOR EACH ROW EXECUTE FUNCTION "leaf_tile_append_only"();

CREATE TRIGGER "LeafTile_no_delete" BEFORE DELETE OR TRUNCATE ON "LeafTile"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_log_append_only"();

CREATE TRIGGER "TreeHead_no_delete" BEFORE DELETE OR TRUNCATE ON "TreeHead"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_log_append_only"();
