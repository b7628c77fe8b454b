import {
  type AuditEntry,
  type ImportProblem,
  importDigest,
  importedEntry,
  LIMITS,
  uuid7Time,
} from '@auditlog/audit';
import type { AuditStore } from '@auditlog/db';
import type { Context } from './context';
import { recordOwnAction } from './own-actions';

/** What is wrong with a source, for a person: how many rows, and the first few. */
export function problemsMessage(problems: ImportProblem[]): string {
  const shown = problems
    .slice(0, 5)
    .map((p) => `row ${p.row}${p.sourceId ? ` (id ${p.sourceId})` : ''}: ${p.problem}`)
    .join('; ');
  return `${problems.length} row(s) cannot be imported, so none was: ${shown}${problems.length > 5 ? '; …' : ''}`;
}

/** Rows checked, in order: the problems found, the time range, and the rows' digest. */
export class ImportBatch {
  readonly problems: ImportProblem[] = [];
  private readonly digest = importDigest();
  /** Rows checked so far. */
  rows = 0;
  private from: Date | null = null;
  private to: Date | null = null;

  constructor(readonly source: string) {}

  /** Checks the next source row. */
  add(raw: Record<string, unknown>): AuditEntry | undefined {
    this.rows += 1;
    const checked = importedEntry(this.source, raw);
    if (!checked.ok) {
      this.problems.push({
        row: this.rows,
        sourceId: raw.id === undefined ? undefined : String(raw.id),
        problem: checked.problem,
      });
      return undefined;
    }
    const at = new Date(uuid7Time(checked.entry.id as string));
    if (!this.from || at < this.from) this.from = at;
    if (!this.to || at > this.to) this.to = at;
    this.digest.add(checked.entry);
    return checked.entry;
  }

  summary(imported: number, duplicates: number) {
    return {
      source: this.source,
      rows: this.rows,
      imported,
      duplicates,
      digest: `sha256:${this.digest.hex()}`,
      from: this.from?.toISOString() ?? null,
      to: this.to?.toISOString() ?? null,
    };
  }
}

export type ImportSummary = ReturnType<ImportBatch['summary']>;

/** Stores checked entries in batches, keeping their times; counts new and duplicate ones. */
export async function storeImported(
  store: AuditStore,
  entries: AuditEntry[],
  writer: string,
): Promise<{ imported: number; duplicates: number }> {
  let imported = 0;
  let duplicates = 0;
  for (let i = 0; i < entries.length; i += LIMITS.batch) {
    for (const result of await store.append(entries.slice(i, i + LIMITS.batch), writer)) {
      if (result.duplicate) duplicates += 1;
      else imported += 1;
    }
  }
  return { imported, duplicates };
}

/** The one log.imported event of an import: its counts, times and the source's digest. */
export function recordImport(
  ctx: Pick<Context, 'store' | 'ip' | 'userAgent' | 'principal'>,
  summary: ImportSummary,
) {
  return recordOwnAction(ctx, {
    ...(!ctx.principal && { actorId: 'audit-log-import', actorEmail: '', actorType: 'system' }),
    action: 'log.imported',
    resourceType: 'import',
    resourceId: summary.source.slice(0, LIMITS.resourceId),
    metadata: summary,
  });
}
