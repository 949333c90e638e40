/**
 * A StreamEventsResponse kept as its bytes with its events located but not decoded: the form the
 * event iterator (events.ts) queues, decoding each event only when its consumer reaches it.
 *
 * Why: decoded on arrival, a message's events (about 500 bytes of objects each for a getppid)
 * wait in the queue and the gRPC buffers while the consumer works through the ones before, so
 * every young-generation collection finds a batch or more of them alive and copies them (the
 * collector's cost is what survives); decoded one at a time as the loop asks, only the event in
 * hand is alive. Locating is one pass over the framing (tag and length of each event); sequence
 * numbers are read from the bytes only where the subscription needs them (the first and last
 * events, and a resumed stream's overlap).
 */
import type { Event__Output } from '../../src/api/generated/sctrace/v1/Event';
import { WireReader } from '../../src/api/wire/reader';
import type { DecodeFn } from './decoder';

/** Tag of StreamEventsResponse.events (field 1, length-delimited) and of Event.sequence (field 1, varint). */
const EVENTS_TAG = 0x0a;
const SEQUENCE_TAG = 0x08;

/** Offsets of the events of the message being located, reused (copied out per message). */
let scratch = new Int32Array(2048);

/** The events of one message from its event `first` on: event k's bytes are [offsets[2k], offsets[2k + 1]). */
export class EventRun {
  constructor(
    readonly bytes: Buffer,
    private readonly offsets: Int32Array,
    private readonly first = 0,
  ) {}

  /** Events in the run. */
  get length(): number {
    return (this.offsets.length >> 1) - this.first;
  }

  /** The sequence number of event i of the run, read from its bytes (0 when absent, as proto3 omits it). */
  sequenceAt(i: number): number {
    const k = 2 * (this.first + i);
    const r = new WireReader(this.bytes, this.offsets[k], this.offsets[k + 1]);
    while (r.pos < r.end) {
      const tag = r.varint();
      if (tag === SEQUENCE_TAG) return r.varint();
      r.skip(tag & 7);
    }
    return 0;
  }

  /** The run without its events numbered below `sequence` (events are in increasing order). */
  from(sequence: number): EventRun {
    let i = 0;
    while (i < this.length && this.sequenceAt(i) < sequence) i++;
    return i === 0 ? this : new EventRun(this.bytes, this.offsets, this.first + i);
  }

  /** Event i of the run, decoded by `decodeEvent` (sctrace.v1.Event's decoder). */
  decode(i: number, decodeEvent: DecodeFn): Event__Output {
    const k = 2 * (this.first + i);
    return decodeEvent(this.bytes, this.offsets[k], this.offsets[k + 1]) as Event__Output;
  }

  /** Every event of the run, decoded. */
  decodeAll(decodeEvent: DecodeFn): Event__Output[] {
    const out = new Array<Event__Output>(this.length);
    for (let i = 0; i < out.length; i++) out[i] = this.decode(i, decodeEvent);
    return out;
  }
}

/**
 * Locates the events of the StreamEventsResponse in `bytes` (its other fields are skipped).
 * Throws when the framing is broken: a length running past the message, a truncated varint.
 */
export function locateEvents(bytes: Buffer): EventRun {
  const r = new WireReader(bytes);
  let n = 0;
  while (r.pos < r.end) {
    const tag = r.varint();
    if (tag !== EVENTS_TAG) {
      r.skip(tag & 7);
      continue;
    }
    const len = r.varint();
    const end = r.pos + len;
    if (end > r.end) throw new Error('decode: an event runs past the message');
    if (2 * n + 2 > scratch.length) {
      const grown = new Int32Array(scratch.length * 2);
      grown.set(scratch);
      scratch = grown;
    }
    scratch[2 * n] = r.pos;
    scratch[2 * n + 1] = end;
    n++;
    r.pos = end;
  }
  return new EventRun(bytes, scratch.slice(0, 2 * n));
}
