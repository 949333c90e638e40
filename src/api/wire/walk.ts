/**
 * A walk over the events of an encoded StreamEventsResponse that reads only what relaying and
 * counting need, straight from the protobuf bytes: each Event's sequence, its kind, the syscall
 * number of a SyscallEvent, the count/where of an EventsLost, and where the Event sits in the
 * bytes (field numbers from proto/sctrace/v1/tracer.proto). No objects are built, so a relay
 * (sctrace export) or a counting consumer (the bench client, the soak test) keeps up with the
 * service without paying for a full decode of every event.
 */

import { WireReader as Reader } from './reader';

/** Event kinds: the field number of the Event's oneof member. */
export const KIND_SYSCALL = 10;
export const KIND_LOST = 14;

/** One event as the walk sees it; the same object is reused for every event of a walk. */
export interface WireEvent {
  sequence: number;
  /** Field number of the Event's kind: 10 syscall, 11 exec, 12 fork, 13 exit, 14 lost; 0 none. */
  kind: number;
  /** The syscall number of a SyscallEvent, else -1. */
  nr: number;
  /** EventsLost's count and where, for kind 14. */
  lostCount: number;
  lostWhere: string;
  /**
   * The Event's field in the message, tag and length included: bytes [start, end) of one
   * response, or several such ranges one after another, are a StreamEventsResponse of those events.
   */
  start: number;
  end: number;
}

/** Calls `visit` for each Event of one StreamEventsResponse, in order; other fields are skipped. */
export function forEachEvent(buf: Uint8Array, visit: (event: WireEvent) => void): void {
  const r = new Reader(buf, 0, buf.length);
  const event: WireEvent = { sequence: 0, kind: 0, nr: -1, lostCount: 0, lostWhere: '', start: 0, end: 0 };
  while (r.pos < r.end) {
    const start = r.pos;
    const tag = r.varint();
    if (tag !== 0x0a) {
      r.skip(tag & 7);
      continue;
    }
    const len = r.varint();
    const end = r.pos + len;
    if (end > r.end) throw new Error('event runs past the message');
    readEvent(new Reader(buf, r.pos, end), event);
    event.start = start;
    event.end = end;
    visit(event);
    r.pos = end;
  }
}

function readEvent(r: Reader, event: WireEvent): void {
  event.sequence = 0;
  event.kind = 0;
  event.nr = -1;
  event.lostCount = 0;
  event.lostWhere = '';
  while (r.pos < r.end) {
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    const wt = tag & 7;
    if (field === 1 && wt === 0) {
      event.sequence = r.varint();
    } else if (field >= 10 && field <= 19 && wt === 2) {
      event.kind = field;
      const len = r.varint();
      const end = r.pos + len;
      if (field === KIND_SYSCALL) event.nr = firstVarint(r.buf, r.pos, end, 1);
      else if (field === KIND_LOST) [event.lostCount, event.lostWhere] = lostFields(r.buf, r.pos, end);
      r.pos = end;
    } else {
      r.skip(wt);
    }
  }
}

/** The first varint field `field` of the message in [start, end), or -1; proto3 omits zeros, so absent means 0. */
function firstVarint(buf: Uint8Array, start: number, end: number, field: number): number {
  const r = new Reader(buf, start, end);
  while (r.pos < r.end) {
    const tag = r.varint();
    if (tag === field * 8) return r.varint();
    r.skip(tag & 7);
  }
  return 0;
}

/** EventsLost { uint64 count = 1; string where = 2; } */
function lostFields(buf: Uint8Array, start: number, end: number): [number, string] {
  const r = new Reader(buf, start, end);
  let count = 0;
  let where = '';
  while (r.pos < r.end) {
    const tag = r.varint();
    if (tag === 0x08) count = r.varint();
    else if (tag === 0x12) {
      const len = r.varint();
      where = Buffer.from(buf.buffer, buf.byteOffset + r.pos, len).toString('utf8');
      r.pos += len;
    } else r.skip(tag & 7);
  }
  return [count, where];
}
