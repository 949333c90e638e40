/**
 * Events already encoded for the wire, shared read-only by every subscriber of a trace: the trace
 * encodes each event once (src/api/wire/events.ts), subscribers queue index ranges of the chunk
 * and send byte slices of it.
 */
import type { Event } from '../api/generated/sctrace/v1/Event';
import { eventEncoder } from '../api/wire/events';

export class EventChunk {
  /** Framed events, back to back: a valid StreamEventsResponse as a whole and in any run. */
  readonly bytes: Buffer;
  /** ends[i] is the end offset of event i in bytes. */
  readonly ends: Uint32Array;
  /** Sequence number of the last event. */
  readonly lastSequence: number;

  constructor(bytes: Buffer, ends: Uint32Array, lastSequence: number) {
    this.bytes = bytes;
    this.ends = ends;
    this.lastSequence = lastSequence;
  }

  /** Encodes `events`, which already carry their sequence numbers. */
  static of(events: readonly Event[]): EventChunk {
    const { bytes, ends } = eventEncoder().encodeEvents(events);
    const last = events.length ? Number(events[events.length - 1].sequence) : 0;
    return new EventChunk(bytes, ends, last);
  }

  get count(): number {
    return this.ends.length;
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
