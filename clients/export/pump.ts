/**
 * Moves a trace's StreamEventsResponse messages into JetStream as they came off the wire: the
 * bytes are published, not decoded and encoded again. Each message is walked once
 * (src/api/wire/walk.ts) for what the export needs: the events' sequence numbers (to skip what the
 * stream already holds and to name each publish), their byte ranges (to cut and join messages at
 * event boundaries) and EventsLost counts. Events are length-delimited fields 1 of the response,
 * so the bytes of any run of them, joined, are again a StreamEventsResponse of those events.
 *
 * Reading and publishing run side by side: the reader fills a bounded buffer (and stops reading
 * when it is full, which backpressures the gRPC stream), the writer publishes everything buffered
 * as one message (up to the limits), one message at a time.
 */
import type { EncodedBatch, JetStreamPublisher } from './jetstream';
import type { RelayMessage } from './source';

/** Limits of the pump. */
export interface PumpOptions {
  /** Most events per message. */
  batchEvents: number;
  /** Most events buffered before reading pauses. */
  bufferEvents: number;
}

export const PUMP_DEFAULTS: PumpOptions = { batchEvents: 8192, bufferEvents: 65_536 };

/** What an export did. */
export interface ExportCounts {
  events: number;
  messages: number;
  /** Publishes JetStream had stored already (a retry after a lost acknowledgement). */
  duplicates: number;
  /** Events the service announced lost (sum of EventsLost counts published). */
  announcedLost: number;
  lastSequence: number;
}

/** Bytes of framing a message may need beyond its events, and a margin for headers. */
const PAYLOAD_MARGIN = 4096;

/** A run of consecutive events of one response, as its bytes. */
export interface Piece extends EncodedBatch {
  /** Sum of the EventsLost counts among them. */
  lost: number;
}

/**
 * The events of one relayed StreamEventsResponse with sequence > `after`, as pieces of at most
 * `limit` bytes each. Events that sit next to each other in the bytes share a piece; anything
 * between them (a field other than events, such as heartbeat fields, or an event left out) cuts.
 */
export function piecesOf(message: RelayMessage, after: number, limit: number): Piece[] {
  const pieces: Piece[] = [];
  const { bytes, events } = message;
  let open: { start: number; end: number; first: number; last: number; count: number; lost: number } | undefined;
  const close = () => {
    if (open) pieces.push({ bytes: bytes.subarray(open.start, open.end), first: open.first, last: open.last, count: open.count, lost: open.lost });
    open = undefined;
  };
  for (const e of events) {
    if (e.sequence <= after) {
      close();
      continue;
    }
    if (e.end - e.start > limit) throw new Error(`event ${e.sequence} alone is ${e.end - e.start} bytes, over NATS's ${limit + PAYLOAD_MARGIN}-byte message limit`);
    if (open && (open.end !== e.start || e.end - open.start > limit)) close();
    open ??= { start: e.start, end: e.start, first: e.sequence, last: 0, count: 0, lost: 0 };
    open.end = e.end;
    open.last = e.sequence;
    open.count++;
    open.lost += e.lost;
  }
  close();
  return pieces;
}

/** Where the export starts, and what it says about gaps. */
export interface PumpStart {
  /** Events up to this sequence are in the stream already and are skipped. */
  after: number;
  /** Says which events the trace made that the stream will hold only as a loss (a gap at the start). */
  log?: (line: string) => void;
}

/**
 * Publishes every event of `messages` (StreamEventsResponses in sequence order, each event once,
 * as a relay subscription delivers them: source.ts) until it ends or throws.
 */
export async function pumpMessages(
  messages: AsyncIterable<RelayMessage>,
  publisher: Pick<JetStreamPublisher, 'publish' | 'maxPayload'>,
  start: PumpStart = { after: 0 },
  options: PumpOptions = PUMP_DEFAULTS,
  counts: ExportCounts = { events: 0, messages: 0, duplicates: 0, announcedLost: 0, lastSequence: 0 },
): Promise<ExportCounts> {
  const limit = publisher.maxPayload - PAYLOAD_MARGIN;
  let buffer: Piece[] = [];
  let buffered = 0;
  let done = false;
  let failure: unknown;
  let wakeWriter: (() => void) | undefined;
  let wakeReader: (() => void) | undefined;

  const reader = (async () => {
    let next = start.after + 1;
    try {
      for await (const message of messages) {
        const pieces = piecesOf(message, next - 1, limit);
        if (pieces.length === 0) continue;
        const first = pieces[0].first;
        if (first > next && next === start.after + 1) {
          // Resumed past what the trace still retains: the service's EventsLost notice (its
          // sequence the last event it stands for) goes into the stream in their place.
          const notice = message.events.find((e) => e.sequence === first)!.lost > 0;
          start.log?.(
            notice
              ? `events ${next}..${first} of the trace are no longer retained by the service: the stream gets its EventsLost notice for them`
              : `events ${next}..${first - 1} of the trace did not come and are not in the stream`,
          );
        }
        next = pieces[pieces.length - 1].last + 1;
        for (const piece of pieces) {
          buffer.push(piece);
          buffered += piece.count;
        }
        wakeWriter?.();
        if (buffered >= options.bufferEvents) await new Promise<void>((r) => (wakeReader = r));
      }
    } catch (err) {
      failure = err;
    } finally {
      done = true;
      wakeWriter?.();
    }
  })();

  while (true) {
    if (buffer.length === 0) {
      if (done) break;
      await new Promise<void>((r) => (wakeWriter = r));
      wakeWriter = undefined;
      continue;
    }
    const batch = take();
    wakeReader?.();
    wakeReader = undefined;
    if (await publisher.publish(batch)) counts.duplicates++;
    counts.messages++;
    counts.events += batch.count;
    counts.lastSequence = batch.last;
    counts.announcedLost += batch.lost;
  }
  await reader;
  if (failure) throw failure;
  return counts;

  /** The buffered pieces that fit one message, joined. */
  function take(): Piece {
    let n = 0;
    let bytes = 0;
    let events = 0;
    while (n < buffer.length && (n === 0 || (bytes + buffer[n].bytes.length <= limit && events + buffer[n].count <= options.batchEvents))) {
      bytes += buffer[n].bytes.length;
      events += buffer[n].count;
      n++;
    }
    const taken = buffer.slice(0, n);
    buffer = buffer.slice(n);
    buffered -= events;
    return {
      bytes: n === 1 ? taken[0].bytes : Buffer.concat(taken.map((p) => p.bytes), bytes),
      first: taken[0].first,
      last: taken[n - 1].last,
      count: events,
      lost: taken.reduce((sum, p) => sum + p.lost, 0),
    };
  }
}
