/**
 * Counts events in StreamEventsResponse messages straight from their protobuf bytes, so the bench
 * client can keep up with the service without paying for a full decode of every event. The walk
 * over the bytes is src/api/wire/walk.ts (sctrace export relays with it too); this file adds the
 * loss accounting the bench and the soak test check.
 */
import { KIND_LOST, KIND_SYSCALL, forEachEvent, type WireEvent } from '../../src/api/wire/walk';

export { forEachEvent, type WireEvent };

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

/**
 * Adds one StreamEventsResponse to `counts`. `watchNr` is a syscall number to count separately
 * (the load generator's getppid), or -1.
 */
export function countMessage(buf: Uint8Array, counts: WireCounts, watchNr = -1): void {
  counts.messages++;
  counts.bytes += buf.length;
  forEachEvent(buf, (event) => countEvent(event, counts, watchNr));
}

function countEvent({ sequence, kind, nr, lostCount, lostWhere }: WireEvent, counts: WireCounts, watchNr: number): void {
  if (kind === KIND_LOST) {
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
  if (kind === KIND_SYSCALL) {
    counts.syscalls++;
    if (nr === watchNr) counts.watched++;
  } else if (kind === 11) counts.exec++;
  else if (kind === 12) counts.fork++;
  else if (kind === 13) counts.exit++;
  if (sequence !== counts.lastSequence + 1 && counts.lastSequence !== 0) counts.sequenceErrors++;
  counts.lastSequence = sequence;
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
