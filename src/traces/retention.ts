/**
 * A trace's retention window: its most recent encoded events, bounded in bytes, from which every
 * subscriber stream reads through its own cursor (subscriber.ts), and from which a late or
 * reconnecting client starts at a given sequence number.
 *
 * The window is a run of EventChunks covering consecutive sequence numbers: every number the
 * trace hands out lands in exactly one chunk (event batches, and kernel or decode loss notices as
 * one-event chunks). When the window is over its byte limit the oldest chunks are dropped, but
 * the loss notices among them are remembered (a few bytes each), so that a stream skipping a
 * dropped range still receives them and its counts stay exact: what it is told it lost is what
 * the range held.
 */
import type { EncodedEventsStore } from '../api/wire/events';
import { CHUNK_OVERHEAD_BYTES, EventChunk, type LossNotice } from './chunk';
import type { BudgetedWindow, RetentionBudget } from './retention-budget';
import { MIN_SLABS_PER_WINDOW, SlabPool, slabBytesFor, type Slab, type SlabEncoded, type SlabHolder } from './slabs';

/** Where a stream stands in the window: the next chunk (by ordinal) and event within it. */
export interface Position {
  ordinal: number;
  index: number;
}

/**
 * Loss notices whose chunks were dropped, as parallel arrays (oldest first). When full, the older
 * half is folded into one total per site; see `noticesIn` for what that costs in precision.
 */
class KeptNotices {
  private seqs: Float64Array;
  private counts: Float64Array;
  private times: Float64Array;
  private kernel: Uint8Array;
  private length = 0;
  /** Folded notices per site: the sequence range they had, how many, and their summed count. */
  private readonly folded = new Map<string, { first: number; last: number; taken: number; count: number; timeMs: number }>();

  constructor(private readonly capacity: number) {
    this.seqs = new Float64Array(Math.min(256, capacity));
    this.counts = new Float64Array(this.seqs.length);
    this.times = new Float64Array(this.seqs.length);
    this.kernel = new Uint8Array(this.seqs.length);
  }

  add(sequence: number, notice: LossNotice, timeMs: number): void {
    if (this.length === this.seqs.length) {
      if (this.length >= this.capacity) this.fold(this.length >> 1);
      else this.grow();
    }
    const i = this.length++;
    this.seqs[i] = sequence;
    this.counts[i] = notice.count;
    this.times[i] = timeMs;
    this.kernel[i] = notice.where === 'kernel' ? 1 : 0;
  }

  /**
   * The kept notices with sequence numbers in [from, to], as events to deliver, and how many
   * sequence numbers they take. Exact unless notices of the range were folded and the range
   * starts inside the folded span: then the whole folded total is announced (never less than was
   * lost; a client resuming there may be told again of losses it already saw).
   */
  noticesIn(from: number, to: number): { chunks: EventChunk[]; taken: Set<number>; takenCount: number } {
    const chunks: EventChunk[] = [];
    const taken = new Set<number>();
    let takenCount = 0;
    for (const [where, f] of this.folded) {
      if (f.last < from || f.first > to) continue;
      chunks.push(EventChunk.lost(f.last, { count: f.count, where }, f.timeMs));
      taken.add(f.last);
      takenCount += Math.min(f.taken, f.last - from + 1);
    }
    for (let i = this.lowerBound(from); i < this.length && this.seqs[i] <= to; i++) {
      const where = this.kernel[i] ? 'kernel' : 'decode';
      chunks.push(EventChunk.lost(this.seqs[i], { count: this.counts[i], where }, this.times[i]));
      taken.add(this.seqs[i]);
      takenCount++;
    }
    chunks.sort((a, b) => a.firstSequence - b.firstSequence);
    return { chunks, taken, takenCount };
  }

  private lowerBound(sequence: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.seqs[mid] < sequence) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private grow(): void {
    const size = Math.min(this.capacity, this.seqs.length * 2);
    const copy = <T extends Float64Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.seqs = copy(this.seqs, (n) => new Float64Array(n));
    this.counts = copy(this.counts, (n) => new Float64Array(n));
    this.times = copy(this.times, (n) => new Float64Array(n));
    this.kernel = copy(this.kernel, (n) => new Uint8Array(n));
  }

  private fold(n: number): void {
    for (let i = 0; i < n; i++) {
      const where = this.kernel[i] ? 'kernel' : 'decode';
      const f = this.folded.get(where);
      if (f) {
        f.last = this.seqs[i];
        f.taken++;
        f.count += this.counts[i];
        f.timeMs = this.times[i];
      } else {
        this.folded.set(where, { first: this.seqs[i], last: this.seqs[i], taken: 1, count: this.counts[i], timeMs: this.times[i] });
      }
    }
    for (const a of [this.seqs, this.counts, this.times, this.kernel]) a.copyWithin(0, n, this.length);
    this.length -= n;
  }
}

/** Most dropped loss notices remembered one by one (17 bytes each) before the older half is folded. */
const KEPT_NOTICES = 65_536;

export class RetentionWindow implements BudgetedWindow, EncodedEventsStore, SlabHolder {
  private chunks: EventChunk[] = [];
  /** offsets[i]: bytes appended before chunks[i], over the trace's life. */
  private offsets: number[] = [];
  private appended = 0;
  private head = 0;
  /** Ordinal (count of chunks ever appended before it) of chunks[head]. */
  private baseOrdinal = 0;
  /** Memory held: the slabs it holds, whole, and the chunks in buffers of their own. */
  private bytes = 0;
  private events = 0;
  private readonly kept: KeptNotices;
  /** The slab new chunks go to, and every slab holding its chunks (the current one included). */
  private current: Slab | undefined;
  private readonly slabs = new Set<Slab>();
  /** Its memory was given back: slabs still pinned by a write go to the pool when it is done. */
  private released = false;
  /** Sequence number of the newest event; 0 before the first. */
  latest = 0;
  /** Its trace has ended (set by the trace, once): the budget takes from it first. */
  get retired(): boolean {
    return this.isRetired;
  }
  set retired(value: boolean) {
    if (!value || this.isRetired) return;
    this.isRetired = true;
    this.budget?.retire(this);
  }
  private isRetired = false;
  /** Memory for the window's chunks: the budget's (shared by every window), or its own. */
  readonly pool: SlabPool;
  /** Whether chunks go into slabs (else each gets a buffer of its own: a window of a few slabs). */
  private readonly inSlabs: boolean;

  /**
   * `limitBytes`: most memory held (encoded events, and the slack of the slabs holding them); the
   * newest chunk is kept whatever its size. `budget`: the service-wide bound this window shares
   * with the others (release() leaves it). `keptNotices`: most dropped loss notices remembered
   * one by one.
   */
  constructor(
    readonly limitBytes: number,
    private readonly budget?: RetentionBudget,
    keptNotices = KEPT_NOTICES,
  ) {
    budget?.add(this);
    this.kept = new KeptNotices(keptNotices);
    // Alone, one free slab suffices to reuse memory as the window turns over (the oldest slab
    // empties before the newest is full).
    this.pool = budget?.pool ?? new SlabPool(slabBytesFor(limitBytes), 1);
    this.inSlabs = limitBytes >= MIN_SLABS_PER_WINDOW * this.pool.slabBytes;
  }

  /**
   * Most bytes of one chunk (Trace.events cuts its batches to it): a slab holds several, so the
   * end of a slab too small for the next chunk wastes little.
   */
  get chunkBytes(): number {
    return this.inSlabs ? this.pool.slabBytes >> 2 : Math.max(4096, this.limitBytes >> 4);
  }

  /** EncodedEventsStore: room for the next chunk's bytes, in the current slab or a new one. */
  allocate(bytes: number, events: number): SlabEncoded {
    const endsAt = (bytes + 3) & ~3;
    const total = endsAt + events * 4;
    if (!this.inSlabs || total > this.pool.slabBytes >> 1) {
      const own = Buffer.allocUnsafeSlow(total);
      return { bytes: own.subarray(0, bytes), ends: new Uint32Array(own.buffer, own.byteOffset + endsAt, events), slab: undefined };
    }
    let slab = this.current;
    if (slab === undefined || slab.used + total > this.pool.slabBytes) {
      this.current = undefined;
      if (slab !== undefined && slab.unused) this.slabUnused(slab);
      slab = this.newSlab();
      this.current = slab;
    }
    const at = slab.used;
    slab.used += total;
    slab.live++;
    const buf = slab.buf;
    return { bytes: buf.subarray(at, at + bytes), ends: new Uint32Array(buf.buffer, buf.byteOffset + at + endsAt, events), slab };
  }

  /**
   * A slab for the next chunks: first the window drops its own oldest chunks while one more slab
   * would take it over its limit, then the budget makes room (RetentionBudget.makeRoom).
   */
  private newSlab(): Slab {
    const size = this.pool.slabBytes;
    while (this.bytes + size > this.limitBytes && this.chunks.length - this.head > 1) this.evictOldest();
    this.budget?.makeRoom(size);
    const slab = this.pool.take(this);
    this.slabs.add(slab);
    this.grow(size);
    return slab;
  }

  /** SlabHolder: a slab's last chunk was dropped and its last write is done. */
  slabUnused(slab: Slab): void {
    // The current slab takes the next chunks, unless nothing will be appended or read again.
    if (slab === this.current && !this.released && !(this.retired && this.chunks.length === this.head)) return;
    if (!this.slabs.delete(slab)) return;
    if (slab === this.current) this.current = undefined;
    this.pool.give(slab);
    if (!this.released) this.grow(-this.pool.slabBytes);
  }

  private grow(delta: number): void {
    this.bytes += delta;
    this.budget?.changed(this, delta);
  }

  /** Appends a chunk that continues the sequence, then drops the oldest chunks over the limit. */
  append(chunk: EventChunk): void {
    if (chunk.firstSequence !== this.latest + 1) {
      throw new Error(`retention: chunk starts at ${chunk.firstSequence}, expected ${this.latest + 1}`);
    }
    this.chunks.push(chunk);
    this.offsets.push(this.appended);
    this.appended += chunk.footprint;
    this.grow(heldBytes(chunk));
    this.events += chunk.count;
    this.latest = chunk.lastSequence;
    while (this.bytes > this.limitBytes && this.chunks.length - this.head > 1) this.evictOldest();
    this.budget?.enforce();
  }

  /**
   * BudgetedWindow: the service-wide budget drops this window's oldest chunk (never the newest,
   * unless the trace has ended: then the window may be emptied).
   */
  evictForBudget(): boolean {
    if (this.chunks.length - this.head <= (this.retired ? 0 : 1)) return false;
    this.evictOldest();
    return true;
  }

  /**
   * Bytes this window can hold before it drops anything: its limit, or less while the
   * service-wide budget is short (RetentionBudget.roomFor).
   */
  get roomBytes(): number {
    return this.budget ? Math.min(this.limitBytes, this.budget.roomFor(this)) : this.limitBytes;
  }

  /**
   * Gives the window's memory back (its slabs to the pool, as soon as no write holds them) and
   * leaves the service-wide budget; the trace is being forgotten: nothing reads the window again.
   */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.budget?.remove(this);
    this.current = undefined;
    for (const slab of [...this.slabs]) if (slab.pins === 0) this.slabUnused(slab);
    this.chunks = [];
    this.offsets = [];
    this.head = 0;
    this.budget?.trim();
  }

  /** The oldest sequence number retained; latest + 1 when nothing is. */
  get first(): number {
    return this.head < this.chunks.length ? this.chunks[this.head].firstSequence : this.latest + 1;
  }

  /** Memory held (what the limit bounds): whole slabs, and chunks in buffers of their own. */
  get retainedBytes(): number {
    return this.bytes;
  }

  /** Memory per retained event, on average (a guess of 64 before the first). */
  averageEventBytes(): number {
    return this.events > 0 ? this.bytes / this.events : 64;
  }

  /** Bytes of the slabs it fills: what the memory held exceeds the chunks in it by, at most about twice. */
  get slabBytes(): number {
    return this.inSlabs ? this.pool.slabBytes : 0;
  }

  /** The ordinal the next appended chunk will get. */
  get endOrdinal(): number {
    return this.baseOrdinal + this.chunks.length - this.head;
  }

  /** The retained chunk with this ordinal, if it is still retained. */
  at(ordinal: number): EventChunk | undefined {
    const i = ordinal - this.baseOrdinal;
    return i >= 0 && ordinal < this.endOrdinal ? this.chunks[this.head + i] : undefined;
  }

  /**
   * Bytes of the window from the start of chunk `ordinal` to the end (0 past the end): what must
   * stay retained for a stream reading that chunk, since chunks are dropped whole.
   */
  bytesFrom(ordinal: number): number {
    if (this.at(ordinal) === undefined) return 0;
    return this.appended - this.offsets[this.head + ordinal - this.baseOrdinal];
  }

  /** Whether the chunk with this ordinal has been dropped. */
  dropped(ordinal: number): boolean {
    return ordinal < this.baseOrdinal;
  }

  /** Where `sequence` is, for first <= sequence <= latest + 1 (latest + 1: the next chunk). */
  locate(sequence: number): Position {
    if (sequence > this.latest) return { ordinal: this.endOrdinal, index: 0 };
    let lo = this.head;
    let hi = this.chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.chunks[mid].lastSequence < sequence) lo = mid + 1;
      else hi = mid;
    }
    const chunk = this.chunks[lo];
    return { ordinal: this.baseOrdinal + lo - this.head, index: Math.max(0, sequence - chunk.firstSequence) };
  }

  /**
   * What a stream that stands at `from`, before the retained window, is sent instead of the
   * dropped events [from, first): the loss notices of that range, and one EventsLost `where`
   * (subscriber or retention) for the other events, numbered like the last of them.
   */
  skip(from: number, where: 'subscriber' | 'retention'): { chunks: EventChunk[]; dropped: number } {
    const to = this.first - 1;
    if (from > to) return { chunks: [], dropped: 0 };
    const { chunks, taken, takenCount } = this.kept.noticesIn(from, to);
    const dropped = Math.max(0, to - from + 1 - takenCount);
    if (dropped > 0) {
      let last = to;
      while (taken.has(last) && last > from) last--;
      chunks.push(EventChunk.lost(last, { count: dropped, where }));
      chunks.sort((a, b) => a.firstSequence - b.firstSequence);
    }
    return { chunks, dropped };
  }

  private evictOldest(): void {
    const chunk = this.chunks[this.head];
    this.chunks[this.head++] = RELEASED;
    this.baseOrdinal++;
    this.grow(-heldBytes(chunk));
    this.events -= chunk.count;
    const slab = chunk.slab;
    if (slab !== undefined) {
      slab.live--;
      if (slab.unused) this.slabUnused(slab);
    }
    if (chunk.notice) this.kept.add(chunk.firstSequence, chunk.notice, chunk.timeMs);
    if (this.head > 1024 && this.head * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.offsets = this.offsets.slice(this.head);
      this.head = 0;
    }
  }
}

/** Memory a chunk holds besides its slab's: its objects, and its bytes when they are not in a slab. */
function heldBytes(chunk: EventChunk): number {
  return chunk.slab === undefined ? chunk.footprint : CHUNK_OVERHEAD_BYTES;
}

/** What a dropped slot of the chunk array holds until the array is compacted. */
const RELEASED = new EventChunk(Buffer.alloc(0), new Uint32Array(0), 0);
