/**
 * Memory for retention windows' encoded chunks: slabs of one size, filled front to back by one
 * window at a time and handed back to the pool once every chunk in them has been dropped.
 *
 * Why slabs: a window that turns over tens of megabytes a second would otherwise allocate as many
 * short-lived buffers, which the garbage collector frees late (they outlive the young
 * generation): on the reference VM a 64 MiB window of per-chunk buffers raised the service's peak
 * RSS by about 250 MB at 750k events/s. Why one pool for every window (RetentionBudget owns it):
 * under the service-wide budget a busy window grows by the slabs another window gives up, so the
 * memory is reused instead of freed by one window and allocated again by another (windows with
 * slabs of their own held up to two per window beyond what the budget counted: see README's
 * concurrency notes).
 *
 * A chunk's bytes are views into a slab, so a slab goes back to the pool only when every chunk in
 * it has been released (the window releases a chunk when it drops it) and no message written
 * from it is still held by a transport (a subscriber pins the slab from write() until the write's
 * callback).
 */

import type { EncodedEvents } from '../api/wire/events';

/** A chunk's memory and the slab it came from (none for one in a buffer of its own). */
export interface SlabEncoded extends EncodedEvents {
  slab: Slab | undefined;
}

/** What holds a slab: it is told when the slab's last chunk and last write are gone. */
export interface SlabHolder {
  slabUnused(slab: Slab): void;
}

/** One slab: `used` bytes handed out, `live` chunks in it not released yet, `pins` writes in flight. */
export class Slab {
  used = 0;
  live = 0;
  pins = 0;
  /** The window filling or holding it; undefined while it is free. */
  holder: SlabHolder | undefined;
  constructor(readonly buf: Buffer) {}

  get unused(): boolean {
    return this.live === 0 && this.pins === 0;
  }
}

export class SlabPool {
  private readonly free: Slab[] = [];
  /** Slabs allocated and not dropped (held by windows or free). */
  slabCount = 0;

  /** `maxFree`: most free slabs kept for reuse; the others are dropped (to the garbage collector). */
  constructor(
    readonly slabBytes: number,
    private readonly maxFree: number,
  ) {}

  /** Bytes of the free slabs. */
  get freeBytes(): number {
    return this.free.length * this.slabBytes;
  }

  get hasFree(): boolean {
    return this.free.length > 0;
  }

  /** A free slab, or a new one; held by `holder` from now on. */
  take(holder: SlabHolder): Slab {
    let slab = this.free.pop();
    if (slab === undefined) {
      this.slabCount++;
      slab = new Slab(Buffer.allocUnsafeSlow(this.slabBytes));
    }
    slab.holder = holder;
    return slab;
  }

  /** An unused slab comes back (its holder let it go). */
  give(slab: Slab): void {
    slab.holder = undefined;
    slab.used = 0;
    if (this.free.length < this.maxFree) this.free.push(slab);
    else this.slabCount--;
  }

  /** Drops one free slab; whether there was one. */
  dropFree(): boolean {
    if (this.free.pop() === undefined) return false;
    this.slabCount--;
    return true;
  }

  /** A message viewing `slab`'s memory was handed to a transport. */
  pin(slab: Slab): void {
    slab.pins++;
  }

  /** The transport is done with such a message. */
  unpin(slab: Slab): void {
    slab.pins--;
    if (slab.unused) slab.holder?.slabUnused(slab);
  }
}

/** Slab size (a power of two from 64 KiB to 1 MiB) for memory bounded by `limitBytes`: about a 512th of it. */
export function slabBytesFor(limitBytes: number): number {
  let size = 64 << 10;
  while (size < 1 << 20 && size * 2 * 512 <= limitBytes) size *= 2;
  return size;
}

/** Slabs a window needs at least to keep its memory in them: smaller windows get buffers of their own. */
export const MIN_SLABS_PER_WINDOW = 16;
