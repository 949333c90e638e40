/**
 * Events already encoded for the wire, shared read-only by every subscriber of a trace: the trace
 * encodes each event once (src/api/wire/events.ts) into a chunk, keeps the chunk in its retention
 * window, and subscribers send byte slices of it.
 */
import type { Event } from '../api/generated/sctrace/v1/Event';
import { eventEncoder, type EncodedEventsStore } from '../api/wire/events';
import type { Slab, SlabEncoded } from './slabs';

/** What an EventsLost notice of the trace says: how many were lost, and where. */
export interface LossNotice {
  count: number;
  where: string;
}

/** Bytes a chunk costs besides its encoded events and offsets (objects, typed array headers). */
export const CHUNK_OVERHEAD_BYTES = 160;

export class EventChunk {
  /** Framed events, back to back: a valid StreamEventsResponse as a whole and in any run. */
  readonly bytes: Buffer;
  /** ends[i] is the end offset of event i in bytes. */
  readonly ends: Uint32Array;
  /** Sequence number of the first event; the others follow without gaps. */
  readonly firstSequence: number;
  /** Set when the chunk is one EventsLost notice of the trace (kernel or decode). */
  readonly notice: LossNotice | undefined;
  /** A notice's timestamp, Unix epoch milliseconds (0 for other chunks). */
  readonly timeMs: number;
  /** The slab holding the bytes, when they are a view into one (released by the window). */
  readonly slab: Slab | undefined;

  constructor(bytes: Buffer, ends: Uint32Array, firstSequence: number, notice?: LossNotice, timeMs = 0, slab?: Slab) {
    this.bytes = bytes;
    this.ends = ends;
    this.firstSequence = firstSequence;
    this.notice = notice;
    this.timeMs = timeMs;
    this.slab = slab;
  }

  /** Encodes `events`, which carry consecutive sequence numbers, into `store`'s memory if given. */
  static of(events: readonly Event[], store?: EncodedEventsStore): EventChunk {
    return EventChunk.run(events, 0, Infinity, store).chunk;
  }

  /**
   * Encodes events[from..] into one chunk of at most about `maxBytes` (at least one event), into
   * `store`'s memory if given; `next` is the index of the first event left out.
   */
  static run(events: readonly Event[], from: number, maxBytes: number, store?: EncodedEventsStore): { chunk: EventChunk; next: number } {
    const first = events.length > from ? Number(events[from].sequence) : 0;
    const { bytes, ends, slab, next } = eventEncoder().encodeEvents(events, store, from, maxBytes) as SlabEncoded & { next: number };
    return { chunk: new EventChunk(bytes, ends, first, undefined, 0, slab), next };
  }

  /**
   * One EventsLost event. Its bytes get a buffer of their own (not a slice of Node's shared
   * allocation pool), since a notice may be kept long after the events around it are gone.
   */
  static lost(sequence: number, notice: LossNotice, timeMs = Date.now()): EventChunk {
    const event: Event = {
      sequence,
      timestamp_ns: String(BigInt(timeMs) * 1_000_000n),
      lost: { count: notice.count, where: notice.where },
      kind: 'lost',
    };
    const { bytes, ends } = eventEncoder().encodeEvents([event]);
    const own = Buffer.allocUnsafeSlow(bytes.length);
    bytes.copy(own);
    return new EventChunk(own, ends, sequence, notice, timeMs);
  }

  get count(): number {
    return this.ends.length;
  }

  /** Sequence number of the last event. */
  get lastSequence(): number {
    return this.firstSequence + this.ends.length - 1;
  }

  /** What keeping the chunk costs, in bytes (what the retention window counts). */
  get footprint(): number {
    return this.bytes.length + this.ends.byteLength + CHUNK_OVERHEAD_BYTES;
  }

  /** Byte offset where event i starts. */
  start(i: number): number {
    return i === 0 ? 0 : this.ends[i - 1];
  }

  /**
   * The largest end index in (from, to] such that events [from, end) take at most `maxBytes`,
   * but at least from + 1, so an oversized event still goes out alone.
   */
  endWithin(from: number, to: number, maxBytes: number): number {
    const limit = this.start(from) + maxBytes;
    if (this.ends[to - 1] <= limit) return to;
    let best = from + 1;
    let lo = from + 1;
    let hi = to - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ends[mid - 1] <= limit) {
        best = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return best;
  }
}
