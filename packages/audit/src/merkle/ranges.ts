import { splitPoint } from './hash';

/** Leaves [start, end) of the tree; every proof element is the MTH of such a range. */
export type Range = readonly [start: number, end: number];

/** RFC 9162 §2.1.3.1 PATH(m, D[start:end]), as the ranges whose hashes form the proof. */
export function inclusionRanges(index: number, size: number): Range[] {
  let [start, end, m] = [0, size, index];
  const stack: Range[] = [];
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (m < k) {
      stack.push([start + k, end]);
      end = start + k;
    } else {
      stack.push([start, start + k]);
      start += k;
      m -= k;
    }
  }
  // The recursion lists the deepest sibling first.
  return stack.reverse();
}

/** RFC 9162 §2.1.4.1 PROOF(m, D[n]) = SUBPROOF(m, D[n], true), as ranges. */
export function consistencyRanges(oldSize: number, newSize: number): Range[] {
  if (oldSize <= 0 || oldSize >= newSize) return [];
  const stack: Range[] = [];
  let [start, end, m, complete] = [0, newSize, oldSize, true];
  while (true) {
    const n = end - start;
    if (m === n) {
      if (!complete) stack.push([start, end]);
      break;
    }
    const k = splitPoint(n);
    if (m <= k) {
      stack.push([start + k, end]);
      end = start + k;
    } else {
      stack.push([start, start + k]);
      start += k;
      m -= k;
      complete = false;
    }
  }
  return stack.reverse();
}

/**
 * The complete, aligned subtrees that make up [start, end), left to right, as
 * (level, index): the units in which hashes are stored and combined.
 */
export function completeSubtrees(start: number, end: number): { level: number; index: number }[] {
  const out: { level: number; index: number }[] = [];
  let position = start;
  while (position < end) {
    let level = 0;
    // Grow while the subtree stays aligned and inside the range.
    while (position % 2 ** (level + 1) === 0 && position + 2 ** (level + 1) <= end) level++;
    out.push({ level, index: position / 2 ** level });
    position += 2 ** level;
  }
  return out;
}
