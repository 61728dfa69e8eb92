/**
 * Which sequence numbers of a device are already anchored.
 *
 * The sequence space of each device is cut into buckets of {@link BUCKET_SIZE}; one key per
 * (device, bucket) holds the anchored ranges falling in it, coalesced. A batch reads and writes
 * only the buckets its ranges touch, so batches for different devices never touch the same key
 * (no MVCC conflict between them), while two batches for the same device and bucket conflict —
 * which is exactly the case where one of them must be re-checked. No range query is needed
 * (Fabric's range queries cannot run backwards to find the range just below a sequence number).
 */
import type { SeqRange } from './records';

export const BUCKET_SIZE = 4096;

/** Anchored ranges of one device within one bucket, sorted, disjoint, non-adjacent: [first, last][]. */
export type Coverage = [number, number][];

export function bucketsOf(range: SeqRange): number[] {
  const buckets: number[] = [];
  for (let b = Math.floor(range.firstSeq / BUCKET_SIZE); b <= Math.floor(range.lastSeq / BUCKET_SIZE); b++) {
    buckets.push(b);
  }
  return buckets;
}

/** The part of `range` that falls in `bucket`. */
export function clip(range: SeqRange, bucket: number): [number, number] {
  const start = bucket * BUCKET_SIZE;
  return [Math.max(range.firstSeq, start), Math.min(range.lastSeq, start + BUCKET_SIZE - 1)];
}

/** The first anchored range overlapping [first, last], if any. */
export function findOverlap(
  coverage: Coverage,
  [first, last]: [number, number],
): [number, number] | undefined {
  return coverage.find(([a, b]) => a <= last && b >= first);
}

/** Adds a (non-overlapping) range and merges neighbours. */
export function addRange(coverage: Coverage, range: [number, number]): Coverage {
  const sorted = [...coverage, range].sort((x, y) => x[0] - y[0]);
  const merged: Coverage = [];
  for (const [a, b] of sorted) {
    const last = merged[merged.length - 1];
    if (last && a <= last[1] + 1) {
      last[1] = Math.max(last[1], b);
    } else {
      merged.push([a, b]);
    }
  }
  return merged;
}

export function isCovered(coverage: Coverage, seq: number): boolean {
  return coverage.some(([a, b]) => a <= seq && seq <= b);
}
