/**
 * A StreamEventsResponse kept as its bytes until its consumer reaches it: the form the event
 * iterator (events.ts) queues. Locating it reads only the framing of its events (tag and length
 * of each) and the sequence numbers of the first and last, which is what the subscription needs
 * to resume; the message is decoded in one call when the loop gets to it.
 *
 * Why: decoded on arrival, a message's events would wait in the queue as objects (several times
 * their encoded size) while the consumer works through the ones before, each young-generation
 * collection finding them alive and copying them, and a backlog of highWaterMark events would
 * cost its objects instead of its bytes.
 */
import type { Event__Output } from '../../src/api/generated/sctrace/v1/Event';
import type { StreamEventsResponse__Output } from '../../src/api/generated/sctrace/v1/StreamEventsResponse';
import { WireReader } from '../../src/api/wire/reader';
import type { DecodeFn } from './decoder';

/** Tag of StreamEventsResponse.events (field 1, length-delimited) and of Event.sequence (field 1, varint). */
const EVENTS_TAG = 0x0a;
const SEQUENCE_TAG = 0x08;

/** The events of one message numbered `min` or more. */
export class EventRun {
  constructor(
    readonly bytes: Buffer,
    /** Events in the run. */
    readonly length: number,
    /** Sequence numbers of its first and last events (0 when empty). */
    readonly firstSequence: number,
    readonly lastSequence: number,
    private readonly min = 0,
  ) {}

  /** The run without its events numbered below `sequence` (events are in increasing order). */
  from(sequence: number): EventRun {
    if (sequence <= this.firstSequence) return this;
    let n = 0;
    let first = 0;
    forEachEventRange(this.bytes, (start, end) => {
      const s = sequenceOf(this.bytes, start, end);
      if (s < sequence) return;
      if (n++ === 0) first = s;
    });
    return new EventRun(this.bytes, n, first, n === 0 ? 0 : this.lastSequence, sequence);
  }

  /** Its events, decoded by `decodeResponse` (sctrace.v1.StreamEventsResponse's decoder). */
  decode(decodeResponse: DecodeFn): Event__Output[] {
    const events = (decodeResponse(this.bytes) as StreamEventsResponse__Output).events;
    return this.min === 0 ? events : events.filter((e) => Number(e.sequence) >= this.min);
  }
}

/**
 * Locates the events of the StreamEventsResponse in `bytes` (its other fields are skipped).
 * Throws when the framing is broken: a length running past the message, a truncated varint.
 */
export function locateEvents(bytes: Buffer): EventRun {
  let n = 0;
  let firstStart = 0;
  let firstEnd = 0;
  let lastStart = 0;
  let lastEnd = 0;
  forEachEventRange(bytes, (start, end) => {
    if (n++ === 0) {
      firstStart = start;
      firstEnd = end;
    }
    lastStart = start;
    lastEnd = end;
  });
  if (n === 0) return new EventRun(bytes, 0, 0, 0);
  return new EventRun(bytes, n, sequenceOf(bytes, firstStart, firstEnd), sequenceOf(bytes, lastStart, lastEnd));
}

/** Calls `visit` with the byte range of each Event of the message (a short event's framing is read inline). */
function forEachEventRange(bytes: Buffer, visit: (start: number, end: number) => void): void {
  const size = bytes.length;
  let p = 0;
  while (p < size) {
    // The common case: the events tag, then a one-byte length.
    if (bytes[p] === EVENTS_TAG && p + 1 < size && bytes[p + 1] < 0x80) {
      const end = p + 2 + bytes[p + 1];
      if (end > size) throw new Error('decode: an event runs past the message');
      visit(p + 2, end);
      p = end;
      continue;
    }
    const r = new WireReader(bytes, p);
    const tag = r.varint();
    if (tag !== EVENTS_TAG) {
      r.skip(tag & 7);
      p = r.pos;
      continue;
    }
    const len = r.varint();
    const end = r.pos + len;
    if (end > size) throw new Error('decode: an event runs past the message');
    visit(r.pos, end);
    p = end;
  }
}

/** The sequence number of the Event in bytes [start, end) (0 when absent, as proto3 omits it). */
function sequenceOf(bytes: Buffer, start: number, end: number): number {
  const r = new WireReader(bytes, start, end);
  while (r.pos < r.end) {
    const tag = r.varint();
    if (tag === SEQUENCE_TAG) return r.varint();
    r.skip(tag & 7);
  }
  return 0;
}
