import type { KeyObject } from 'node:crypto';
import { Frontier, leafHash, verifyCheckpointSignature } from '@auditlog/audit';
import canonicalize from 'canonicalize';
import { allCheckpoints } from './checkpoints';
import type { PrismaClient } from './generated/prisma/client';
import { STORED_LEVEL_STEP } from './merkle-nodes';

export interface VerificationResult {
  ok: boolean;
  /** Events checked (the log's size when it started). */
  checked: number;
  treeSize: number;
  checkpoints: number;
  /** The first problem found, with the seq of the event where it shows. */
  problem?: { seq: number | null; reason: string };
}

export interface VerifyOptions {
  /** Checkpoint signatures are checked against it when given. */
  publicKey?: KeyObject;
  onProgress?: (checked: number, total: number) => void;
  pageSize?: number;
}

/**
 * Recomputes the whole tree from the stored events, in seq order, and holds it to
 * everything recorded about it: each event's own hash and personal-data digest, the
 * stored tree nodes, every signed checkpoint, and the log head. Stops at the first
 * discrepancy and says where it is.
 */
export async function verifyLog(
  prisma: PrismaClient,
  options: VerifyOptions = {},
): Promise<VerificationResult> {
  const head = await prisma.logHead.findUniqueOrThrow({ where: { id: 1 } });
  const total = Number(head.size);
  const checkpoints = (await allCheckpoints(prisma)).filter((c) => c.treeSize <= total);
  const storedNodes = new Map(
    (await prisma.merkleNode.findMany()).map((n) => [`${n.level}/${n.index}`, Buffer.from(n.hash)]),
  );
  const frontier = Frontier.empty();
  const result = (problem?: VerificationResult['problem']): VerificationResult => ({
    ok: !problem,
    checked: frontier.size,
    treeSize: total,
    checkpoints: checkpoints.length,
    ...(problem && { problem }),
  });

  if (options.publicKey) {
    const forged = checkpoints.find(
      (c) => !verifyCheckpointSignature(c, options.publicKey as KeyObject),
    );
    if (forged) {
      return result({
        seq: null,
        reason: `the checkpoint of ${forged.treeSize} events issued ${forged.issuedAt} is not signed by this server's key`,
      });
    }
  }

  let nextCheckpoint = 0;
  let lastGood = 0;
  const pageSize = options.pageSize ?? 10_000;
  const page = (from: number) => {
    const read = readPage(prisma, from, Math.min(from + pageSize, total));
    // A page read ahead is dropped when a problem ends the run early; its failure then
    // has nobody to report to.
    read.catch(() => {});
    return read;
  };
  let next = page(0);
  while (frontier.size < total) {
    const rows = await next;
    // Read the next page while this one is hashed: the database and the hashing then
    // use both cores.
    const following = frontier.size + pageSize;
    if (following < total) next = page(following);
    for (const row of rows) {
      const expected = frontier.size;
      if (row.seq < expected)
        return result({ seq: row.seq, reason: `event ${row.seq} is stored twice` });
      if (row.seq > expected)
        return result({ seq: expected, reason: `event ${expected} is missing` });
      const problem = rowProblem(row);
      if (problem) return result({ seq: expected, reason: `event ${expected}: ${problem}` });

      let nodeProblem: VerificationResult['problem'];
      frontier.push(Buffer.from(row.hash, 'hex'), ({ level, index, hash }) => {
        if (level % STORED_LEVEL_STEP !== 0 || nodeProblem) return;
        const stored = storedNodes.get(`${level}/${index}`);
        if (!stored?.equals(hash)) {
          const first = index * 2 ** level;
          nodeProblem = {
            seq: first,
            reason: `the stored tree node over events ${first}–${first + 2 ** level - 1} ${stored ? 'does not match them: one of them was changed and its hash rewritten' : 'is missing'}`,
          };
        }
      });
      if (nodeProblem) return result(nodeProblem);

      while (checkpoints[nextCheckpoint]?.treeSize === frontier.size) {
        const checkpoint = checkpoints[nextCheckpoint++];
        if (checkpoint && frontier.root().toString('base64') !== checkpoint.rootHash) {
          return result({
            seq: lastGood,
            reason: `the events no longer produce the root signed in the checkpoint of ${checkpoint.treeSize} events (${checkpoint.issuedAt}): an event from ${lastGood} to ${checkpoint.treeSize - 1} was changed and its hash rewritten`,
          });
        }
        lastGood = frontier.size;
      }
    }
    if (rows.length === 0)
      return result({ seq: frontier.size, reason: `event ${frontier.size} is missing` });
    options.onProgress?.(frontier.size, total);
  }

  const extra = await prisma.auditLog.count({ where: { seq: { gte: BigInt(total) } } });
  if (extra > 0) {
    return result({
      seq: total,
      reason: `${extra} event(s) numbered ${total} or above were inserted without going through the log`,
    });
  }
  const headFrontier = Frontier.decode(total, head.frontier);
  if (!headFrontier.root().equals(frontier.root())) {
    return result({
      seq: lastGood,
      reason: 'the log head records a different tree than the events make',
    });
  }
  return result();
}

/**
 * One stored event as a verifier needs it. PostgreSQL writes the canonical leaf text
 * around the two nested JSON values (whose RFC 8785 form only the canonicalize package
 * produces) and checks the salted personal-data digest itself; `canonical.test.ts`
 * holds this SQL to the reference encoder in packages/audit.
 */
interface LeafRow {
  seq: number;
  hash: string;
  piiOk: boolean;
  head: string;
  changes: string | null;
  middle: string;
  metadata: string | null;
  tail: string;
}

// Functions are schema-qualified so that nothing placed earlier on the search_path can
// stand in for them. Enum values and actions (which the API restricts to [a-z0-9_.])
// need no JSON escaping; a tampered value that would have needed it simply no longer
// matches its hash, which is the right verdict.
const str = (column: string) => `pg_catalog.to_json(${column})::text`;
const nullable = (column: string) => `coalesce(${str(column)}, 'null')`;

const LEAF_SQL = `
  SELECT seq::float8 AS seq, pg_catalog.encode(hash, 'hex') AS hash,
    "piiSalt" IS NULL OR pg_catalog.sha256("piiSalt" || pg_catalog.convert_to(
      '[' || ${str('"actorEmail"')} || ',' || ${nullable('ip')} || ',' || ${nullable('"userAgent"')} || ']',
      'UTF8')) = "piiDigest" AS "piiOk",
    '{"_v":1,"action":"' || action || '","actorId":' || ${str('"actorId"')}
      || ',"actorType":"' || "actorType"::text || '","changes":' AS head,
    changes::text AS changes,
    ',"createdAt":"' || pg_catalog.to_char("createdAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
      || '","id":"' || id::text || '","metadata":' AS middle,
    metadata::text AS metadata,
    ',"outcome":"' || outcome::text || '","piiDigest":"' || pg_catalog.encode("piiDigest", 'hex')
      || '","requestId":' || ${nullable('"requestId"')} || ',"resourceId":' || ${nullable('"resourceId"')}
      || ',"resourceType":' || ${nullable('"resourceType"')} || ',"seq":' || seq::text || '}' AS tail
  FROM "AuditLog" WHERE seq >= $1 AND seq < $2 ORDER BY seq`;

async function readPage(prisma: PrismaClient, from: number, to: number): Promise<LeafRow[]> {
  return prisma.$queryRawUnsafe<LeafRow[]>(LEAF_SQL, from, to);
}

const nested = (text: string | null) =>
  text === null ? 'null' : (canonicalize(JSON.parse(text)) as string);

/** What is wrong with a stored event, judged from its columns alone. */
function rowProblem(row: LeafRow): string | undefined {
  if (!row.piiOk) return 'its actorEmail, ip or userAgent was changed after it was recorded';
  const leaf = row.head + nested(row.changes) + row.middle + nested(row.metadata) + row.tail;
  if (leafHash(leaf).toString('hex') !== row.hash) {
    return 'its content was changed after it was recorded (it no longer matches its hash)';
  }
  return undefined;
}
