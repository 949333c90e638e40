/**
 * Counts events in StreamEventsResponse messages straight from their protobuf bytes, so the bench
 * client can keep up with the service without paying for a full decode of every event. Reads only
 * what the loss accounting needs: each Event's sequence, its kind, the syscall number of a
 * SyscallEvent and the count/where of an EventsLost (field numbers from
 * proto/sctrace/v1/tracer.proto).
 */

/** Running totals over every message seen. */
export interface WireCounts {
  /** Events of any kind, EventsLost notices excluded. */
  events: number;
  syscalls: number;
  /** Syscall events whose number is `watchNr`. */
  watched: number;
  exec: number;
  fork: number;
  exit: number;
  /** EventsLost notices received, and the counts they announce by `where` (lostSubscriber: "subscriber" and "retention"). */
  notices: number;
  lostKernel: number;
  lostSubscriber: number;
  lostDecode: number;
  /** Largest sequence number seen. */
  lastSequence: number;
  /** Sequence numbers that went backwards or jumped without a notice covering the gap. */
  sequenceErrors: number;
  messages: number;
  bytes: number;
}

export function emptyCounts(): WireCounts {
  return {
    events: 0,
    syscalls: 0,
    watched: 0,
    exec: 0,
    fork: 0,
    exit: 0,
    notices: 0,
    lostKernel: 0,
    lostSubscriber: 0,
    lostDecode: 0,
    lastSequence: 0,
    sequenceErrors: 0,
    messages: 0,
    bytes: 0,
  };
}

/** Cursor over a protobuf buffer. */
class Reader {
  pos: number;
  constructor(
    readonly buf: Uint8Array,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
  }

  /** A varint as a double (exact below 2^53, which every count and sequence here is). */
  varint(): number {
    const buf = this.buf;
    let result = 0;
    let scale = 1;
    for (;;) {
      if (this.pos >= this.end) throw new Error('truncated varint');
      const b = buf[this.pos++];
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 128;
    }
  }

  /** Skips the value of a field with wire type `wt`. */
  skip(wt: number): void {
    if (wt === 0) this.varint();
    else if (wt === 1) this.pos += 8;
    else if (wt === 2) {
      // Not `this.pos += this.varint()`: that adds to the position from before the length.
      const len = this.varint();
      this.pos += len;
    }
    else if (wt === 5) this.pos += 4;
    else throw new Error(`unexpected wire type ${wt}`);
    if (this.pos > this.end) throw new Error('field runs past the message');
  }
}

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
}

/** Calls `visit` for each Event of one StreamEventsResponse, in order. */
export function forEachEvent(buf: Uint8Array, visit: (event: WireEvent) => void): void {
  const r = new Reader(buf, 0, buf.length);
  const event: WireEvent = { sequence: 0, kind: 0, nr: -1, lostCount: 0, lostWhere: '' };
  while (r.pos < r.end) {
    const tag = r.varint();
    if (tag !== 0x0a) {
      r.skip(tag & 7);
      continue;
    }
    const len = r.varint();
    const end = r.pos + len;
    if (end > r.end) throw new Error('event runs past the message');
    readEvent(new Reader(buf, r.pos, end), event);
    visit(event);
    r.pos = end;
  }
}

/**
 * Adds one StreamEventsResponse to `counts`. `watchNr` is a syscall number to count separately
 * (the load generator's getppid), or -1.
 */
export function countMessage(buf: Uint8Array, counts: WireCounts, watchNr = -1): void {
  counts.messages++;
  counts.bytes += buf.length;
  forEachEvent(buf, (event) => countEvent(event, counts, watchNr));
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
    } else if (field >= 10 && field <= 14 && wt === 2) {
      event.kind = field;
      const len = r.varint();
      const end = r.pos + len;
      if (field === 10) event.nr = firstVarint(r.buf, r.pos, end, 1);
      else if (field === 14) [event.lostCount, event.lostWhere] = lostFields(r.buf, r.pos, end);
      r.pos = end;
    } else {
      r.skip(wt);
    }
  }
}

function countEvent({ sequence, kind, nr, lostCount, lostWhere }: WireEvent, counts: WireCounts, watchNr: number): void {
  if (kind === 14) {
    counts.notices++;
    if (lostWhere === 'kernel') counts.lostKernel += lostCount;
    else if (lostWhere === 'decode') counts.lostDecode += lostCount;
    else counts.lostSubscriber += lostCount; // "subscriber", "retention": this client's own loss
    // A notice carries the sequence number of the last event it stands for.
    if (sequence < counts.lastSequence) counts.sequenceErrors++;
    counts.lastSequence = Math.max(counts.lastSequence, sequence);
    return;
  }
  counts.events++;
  if (kind === 10) {
    counts.syscalls++;
    if (nr === watchNr) counts.watched++;
  } else if (kind === 11) counts.exec++;
  else if (kind === 12) counts.fork++;
  else if (kind === 13) counts.exit++;
  if (sequence !== counts.lastSequence + 1 && counts.lastSequence !== 0) counts.sequenceErrors++;
  counts.lastSequence = sequence;
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

/** The fields of a decoded Event the counts need (proto-loader's or the client library's objects). */
export interface DecodedEvent {
  sequence: string;
  kind?: string;
  syscall?: { nr: number } | null;
  lost?: { count: string; where: string } | null;
}

/** Adds one decoded event to `counts`, as countMessage does from bytes. */
export function countDecodedEvent(e: DecodedEvent, counts: WireCounts, watchNr: number): void {
  const sequence = Number(e.sequence);
  if (e.kind === 'lost') {
    counts.notices++;
    const n = Number(e.lost!.count);
    if (e.lost!.where === 'kernel') counts.lostKernel += n;
    else if (e.lost!.where === 'decode') counts.lostDecode += n;
    else counts.lostSubscriber += n;
    if (sequence < counts.lastSequence) counts.sequenceErrors++;
    counts.lastSequence = Math.max(counts.lastSequence, sequence);
    return;
  }
  counts.events++;
  if (e.kind === 'syscall') {
    counts.syscalls++;
    if (e.syscall!.nr === watchNr) counts.watched++;
  } else if (e.kind === 'exec') counts.exec++;
  else if (e.kind === 'fork') counts.fork++;
  else if (e.kind === 'exit') counts.exit++;
  if (sequence !== counts.lastSequence + 1 && counts.lastSequence !== 0) counts.sequenceErrors++;
  counts.lastSequence = sequence;
}
