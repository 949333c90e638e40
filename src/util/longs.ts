/**
 * 64-bit values in the internal event model. The record decoder reads them from the records;
 * the encoder (src/api/wire/writer.ts) takes numbers, decimal strings, bigints or Longs and
 * writes each as two 32-bit halves. Text is the dearest (bigint → string, then parsed back), so
 * the model holds numbers where they are exact and Longs built from the halves where they are
 * not (the timestamp): bench/longs.ts and docs/kernel-costs.md ("The event model's 64-bit
 * values") have the measurements. The generated input types admit numbers, strings and Longs,
 * not bigints.
 */
import Long from 'long';

const TWO_32 = 0x1_0000_0000;

/**
 * `v` as a number when that is exact, else as decimal text. Number() rounds a bigint beyond 2^53
 * to a double of at least 2^53 in magnitude, which isSafeInteger refuses; no bigint comparison
 * is needed (those cost as much as the text).
 */
export function longValue(v: bigint): number | string {
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v.toString();
}

/** Kernel CLOCK_MONOTONIC timestamps to ns since the epoch, as unsigned Longs, in 32-bit arithmetic. */
export class EpochClock {
  private readonly offLo: number;
  private readonly offHi: number;

  /** `offsetNs`: epoch minus monotonic time, in ns (positive). */
  constructor(offsetNs: bigint) {
    const off = BigInt.asUintN(64, offsetNs);
    this.offLo = Number(off & 0xffffffffn);
    this.offHi = Number(off >> 32n);
  }

  /** The monotonic timestamp whose little-endian halves are at `at` in `view`. */
  read(view: DataView, at: number): Long {
    const lo = view.getUint32(at, true) + this.offLo;
    const hi = view.getUint32(at + 4, true) + this.offHi + (lo >= TWO_32 ? 1 : 0);
    return Long.fromBits(lo >>> 0, hi >>> 0, true);
  }
}
