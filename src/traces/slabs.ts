/**
 * Memory for a retention window's encoded chunks: a few large slabs, filled front to back and
 * reused once every chunk in them has been dropped. A window that turns over tens of megabytes a
 * second would otherwise allocate as many short-lived buffers, which the garbage collector frees
 * late (they outlive the young generation): on the reference VM a 64 MiB window of per-chunk
 * buffers raised the service's peak RSS by about 250 MB at 750k events/s. With slabs it holds
 * the window's bytes plus at most two slabs, allocated once.
 *
 * A chunk's bytes are views into a slab, so a slab is reused only when every chunk in it has been
 * released (the window releases a chunk when it drops it) and no message written from it is
 * still held by a transport (a subscriber pins the slab from write() until the write's callback).
 */
import type { EncodedEvents, EncodedEventsStore } from '../api/wire/events';

/** One slab: `used` bytes handed out, `live` chunks in it not released yet, `pins` writes in flight. */
export class Slab {
  used = 0;
  live = 0;
  pins = 0;
  constructor(readonly buf: Buffer) {}
}

/** A chunk's memory and the slab it came from (none for one too large for a slab). */
export interface SlabEncoded extends EncodedEvents {
  slab: Slab | undefined;
}

export class SlabPool implements EncodedEventsStore {
  private current: Slab | undefined;
  /** Slabs allocated so far (reused ones count once). */
  slabCount = 0;
  private readonly free: Slab[] = [];

  /** `slabBytes`: size of each slab; a chunk over a quarter of it gets a buffer of its own. */
  constructor(
    readonly slabBytes: number,
    private readonly maxFree: number,
  ) {}

  allocate(bytes: number, events: number): SlabEncoded {
    const endsAt = (bytes + 3) & ~3;
    const total = endsAt + events * 4;
    if (total > this.slabBytes >> 2) {
      const own = Buffer.allocUnsafeSlow(total);
      return { bytes: own.subarray(0, bytes), ends: new Uint32Array(own.buffer, own.byteOffset + endsAt, events), slab: undefined };
    }
    let slab = this.current;
    if (slab === undefined || slab.used + total > this.slabBytes) {
      const full = slab;
      this.current = undefined;
      if (full !== undefined) this.recycleIfUnused(full);
      slab = this.free.pop() ?? this.newSlab();
      this.current = slab;
    }
    const at = slab.used;
    slab.used += total;
    slab.live++;
    const buf = slab.buf;
    return { bytes: buf.subarray(at, at + bytes), ends: new Uint32Array(buf.buffer, buf.byteOffset + at + endsAt, events), slab };
  }

  /** A chunk from `slab` was dropped. */
  release(slab: Slab | undefined): void {
    if (slab === undefined) return;
    slab.live--;
    this.recycleIfUnused(slab);
  }

  /** A message viewing `slab`'s memory was handed to a transport. */
  pin(slab: Slab): void {
    slab.pins++;
  }

  /** The transport is done with such a message. */
  unpin(slab: Slab): void {
    slab.pins--;
    this.recycleIfUnused(slab);
  }

  private newSlab(): Slab {
    this.slabCount++;
    return new Slab(Buffer.allocUnsafeSlow(this.slabBytes));
  }

  private recycleIfUnused(slab: Slab): void {
    if (slab.live > 0 || slab.pins > 0 || slab === this.current) return;
    slab.used = 0;
    if (this.free.length < this.maxFree && !this.free.includes(slab)) this.free.push(slab);
  }
}

/**
 * Slab size for a window of `limitBytes`: a sixteenth of it, from 64 KiB to 1 MiB (a window holds
 * at most its bytes plus about three slabs, so with 64 traces the slabs stay under 200 MB).
 */
export function slabBytesFor(limitBytes: number): number {
  return Math.min(1 << 20, Math.max(64 << 10, Math.floor(limitBytes / 16 / 4096) * 4096));
}
