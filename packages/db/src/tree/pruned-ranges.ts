import type { PrismaClient } from '../generated/prisma/client';

interface Range {
  from: number;
  /** Inclusive. */
  to: number;
  runId: string;
}

/**
 * The seqs retention runs deleted on purpose (PrunedRange), for verification to tell
 * them from events deleted behind the log's back.
 */
export class PrunedRanges {
  private constructor(private readonly ranges: Range[]) {}

  static async load(prisma: PrismaClient): Promise<PrunedRanges> {
    const rows = await prisma.prunedRange.findMany({ orderBy: { fromSeq: 'asc' } });
    return new PrunedRanges(
      rows.map((r) => ({ from: Number(r.fromSeq), to: Number(r.toSeq), runId: r.runId })),
    );
  }

  static readonly none = new PrunedRanges([]);

  /** Events deleted by retention, in all. */
  get events(): number {
    return this.ranges.reduce((n, r) => n + r.to - r.from + 1, 0);
  }

  /** The runs that deleted any. */
  get runs(): string[] {
    return [...new Set(this.ranges.map((r) => r.runId))];
  }

  /** Whether any event from `from` to `to` - 1 was deleted by retention. */
  overlaps(from: number, to: number): boolean {
    const i = this.firstEndingAtOrAfter(from);
    const range = this.ranges[i];
    return range !== undefined && range.from < to;
  }

  /** The run that deleted `seq`, if one did. */
  runOf(seq: number): string | undefined {
    const range = this.ranges[this.firstEndingAtOrAfter(seq)];
    return range && range.from <= seq ? range.runId : undefined;
  }

  /** Index of the first range whose end is at or after `seq` (ranges never overlap). */
  private firstEndingAtOrAfter(seq: number): number {
    let lo = 0;
    let hi = this.ranges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.ranges[mid] as Range).to < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
