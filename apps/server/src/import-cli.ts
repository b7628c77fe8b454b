import { parseArgs } from 'node:util';
import { ImportBatch, problemsMessage, recordImport, storeImported } from '@auditlog/api';
import type { AuditEntry } from '@auditlog/audit';
import { loadConfig } from './config';
import { fileRows, type SourceRow, tableRows } from './import-sources';
import { loadSigningKey } from './signing-key';
import { openServices } from './start-up';

const USAGE = `Imports an existing audit table into the log, keeping its times.

  import --file <rows.csv | rows.ndjson | rows.json> [--source <name>]
  import --postgres <url> --table <name> [--source <name>]

Rows are shaped like the owner's seed model: id, actorId, actorEmail, action, resourceType,
resourceId, metadata, ip, userAgent, createdAt. Every row is checked before any is stored:
one bad row stops the import and nothing is stored. Importing the same rows again stores
nothing new. One log.imported event records the count and a digest of the source.`;

const STORE_ROWS = 1000;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      file: { type: 'string' },
      postgres: { type: 'string' },
      table: { type: 'string' },
      source: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  const rows = values.file
    ? () => fileRows(values.file as string)
    : values.postgres && values.table
      ? () => tableRows(values.postgres as string, values.table as string)
      : undefined;
  if (values.help || !rows) {
    console.error(USAGE);
    return 2;
  }
  const source = values.source ?? values.file ?? `${values.table}`;

  // First pass: every row checked, nothing stored.
  const check = new ImportBatch(source);
  for await (const row of rows()) {
    check.add(row);
    if (check.rows % 10_000 === 0) progress(`checked ${check.rows} rows`);
  }
  if (check.problems.length > 0) {
    console.error(`\n${problemsMessage(check.problems)}`);
    return 1;
  }
  const total = check.rows;
  progress(`checked ${total} rows: all can be imported`);

  const config = loadConfig();
  // An import may come first, into a log no server has opened yet: it migrates.
  const { db, store, services } = await openServices(config, (await loadSigningKey(config)).key, {
    migrate: true,
  });
  try {
    // Second pass: the same rows, stored a thousand at a time.
    const batch = new ImportBatch(source);
    let pending: AuditEntry[] = [];
    const done = { imported: 0, duplicates: 0 };
    const flush = async () => {
      const stored = await storeImported(store, pending, 'import');
      done.imported += stored.imported;
      done.duplicates += stored.duplicates;
      pending = [];
      progress(`imported ${done.imported + done.duplicates} of ${total} rows`);
    };
    for await (const row of rows()) {
      const entry = batch.add(row as SourceRow);
      if (!entry)
        throw new Error(`the source changed while importing: ${problemsMessage(batch.problems)}`);
      pending.push(entry);
      if (pending.length === STORE_ROWS) await flush();
    }
    if (pending.length > 0) await flush();
    const summary = batch.summary(done.imported, done.duplicates);
    await recordImport(
      { ...services, principal: null, ip: undefined, userAgent: undefined },
      summary,
    );
    console.error('');
    console.log(
      `Imported ${summary.imported} event(s) from ${summary.source}` +
        `${summary.duplicates > 0 ? ` (${summary.duplicates} already there)` : ''}` +
        `, ${summary.from ?? '–'} to ${summary.to ?? '–'}; source digest ${summary.digest}.`,
    );
    return 0;
  } finally {
    await store.close();
    await db.close();
  }
}

const progress = (text: string) => process.stderr.write(`\r${text}`);

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`import: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
