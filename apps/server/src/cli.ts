import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { createGunzip } from 'node:zlib';
import {
  type AuditEvent,
  checkpointSchema,
  eventProofBundleSchema,
  type VerifyReport,
  verifyArchive,
  verifyEventProof,
  verifyExport,
} from '@auditlog/audit';

const USAGE = `Offline verification of the audit log: needs no server and no database.

  verify-export <export.json> --checkpoint <checkpoint.json> --public-key <key.pem>
      Checks a full JSON export (GET /export?format=json) against a signed checkpoint
      (GET /checkpoint.json): every event's content, their order, and the Merkle root.

  verify-event <event-proof.json> --public-key <key.pem>
      Checks one event with its inclusion proof (the tRPC \`integrity.get\` procedure's answer).

  verify-archive <archive.ndjson.gz> --public-key <key.pem>
      Checks a retention archive (ARCHIVE_DIR): every archived event's content, and that
      they lead to the root of the signed checkpoint written in it.

Exit status: 0 verified, 1 verification failed, 2 bad usage or unreadable input.`;

/** An archive's lines, gunzipped when the file is compressed (as the server writes it). */
function archiveLines(path: string): AsyncIterable<string> {
  const input = createReadStream(path);
  const text = path.endsWith('.gz') ? input.pipe(createGunzip()) : input;
  input.on('error', (error) => text.destroy(error));
  return createInterface({ input: text, crlfDelay: Infinity });
}

async function readJson(path: string): Promise<unknown> {
  return JSON.parse(await readFile(path, 'utf8'));
}

function report(result: VerifyReport): number {
  if (result.ok) {
    console.log(
      `OK: ${result.checked} event(s) verified against the signed checkpoint of ${result.treeSize} events.`,
    );
    return 0;
  }
  console.log(`FAILED${result.seq === null ? '' : ` at event ${result.seq}`}: ${result.reason}`);
  return 1;
}

async function run(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      checkpoint: { type: 'string' },
      'public-key': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  const [command, file] = positionals;
  const keyFile = values['public-key'];
  if (values.help || !command || !file || !keyFile) {
    console.error(USAGE);
    return 2;
  }
  const publicKey = await readFile(keyFile, 'utf8');
  if (command === 'verify-export' && values.checkpoint) {
    const events = (await readJson(file)) as AuditEvent[];
    if (!Array.isArray(events))
      throw new Error(`${file} is not a JSON export (an array of events)`);
    const checkpoint = checkpointSchema.parse(await readJson(values.checkpoint));
    return report(verifyExport(events, checkpoint, publicKey));
  }
  if (command === 'verify-archive') {
    const result = await verifyArchive(archiveLines(file), { publicKey });
    if (!result.ok) {
      console.log(`FAILED at line ${result.line}: ${result.reason}`);
      return 1;
    }
    console.log(
      `OK: ${result.events} archived event(s)` +
        `${result.firstSeq === null ? '' : ` (${result.firstSeq} to ${result.lastSeq})`}` +
        ` of run ${result.runId} verified against the signed checkpoint of ${result.checkpoint.treeSize} events.`,
    );
    return 0;
  }
  if (command === 'verify-event') {
    const bundle = eventProofBundleSchema.parse(await readJson(file));
    return report(verifyEventProof(bundle, publicKey));
  }
  console.error(USAGE);
  return 2;
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`audit-log: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
