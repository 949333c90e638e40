/**
 * Moves events from a trace's event iterator into JetStream in batches. Reading and publishing
 * run side by side: the reader fills a bounded buffer (and stops reading when it is full, which
 * backpressures the gRPC stream), the writer publishes everything buffered as one batch per
 * message, one message at a time.
 */
import type { Event } from '../../src/api/generated/sctrace/v1/Event';
import { EventEncoder } from '../../src/api/wire/events';
import type { EncodedBatch, JetStreamPublisher } from './jetstream';

/** Limits of the pump. */
export interface PumpOptions {
  /** Most events per message. */
  batchEvents: number;
  /** Most events buffered before reading pauses. */
  bufferEvents: number;
}

export const PUMP_DEFAULTS: PumpOptions = { batchEvents: 4096, bufferEvents: 65_536 };

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

/**
 * Publishes every event of `batches` (arrays of events in sequence order, as the stream's messages
 * bring them: iterating per message, not per event, keeps the per-event cost to a push) until it
 * ends or throws.
 */
export async function pumpEvents(
  batches: AsyncIterable<Event[]>,
  publisher: Pick<JetStreamPublisher, 'publish' | 'maxPayload'>,
  options: PumpOptions = PUMP_DEFAULTS,
  counts: ExportCounts = { events: 0, messages: 0, duplicates: 0, announcedLost: 0, lastSequence: 0 },
): Promise<ExportCounts> {
  const encoder = new EventEncoder();
  let buffer: Event[] = [];
  let done = false;
  let failure: unknown;
  let wakeWriter: (() => void) | undefined;
  let wakeReader: (() => void) | undefined;

  const reader = (async () => {
    try {
      for await (const events of batches) {
        for (const event of events) buffer.push(event);
        wakeWriter?.();
        if (buffer.length >= options.bufferEvents) await new Promise<void>((r) => (wakeReader = r));
      }
    } catch (err) {
      failure = err;
    } finally {
      done = true;
      wakeWriter?.();
    }
  })();

  const limit = publisher.maxPayload - PAYLOAD_MARGIN;
  while (true) {
    if (buffer.length === 0) {
      if (done) break;
      await new Promise<void>((r) => (wakeWriter = r));
      wakeWriter = undefined;
      continue;
    }
    const taken = buffer.length <= options.batchEvents ? buffer : buffer.slice(0, options.batchEvents);
    buffer = taken === buffer ? [] : buffer.slice(taken.length);
    wakeReader?.();
    wakeReader = undefined;
    for (const batch of encodeWithin(encoder, taken, limit)) {
      if (await publisher.publish(batch)) counts.duplicates++;
      counts.messages++;
      counts.events += batch.count;
      counts.lastSequence = batch.last;
    }
    for (const e of taken) if (e.lost) counts.announcedLost += Number(e.lost.count ?? 0);
  }
  await reader;
  if (failure) throw failure;
  return counts;
}

/** `events` as StreamEventsResponse messages of at most `limit` bytes each. */
function* encodeWithin(encoder: EventEncoder, events: Event[], limit: number): Generator<EncodedBatch> {
  const { bytes, ends } = encoder.encodeEvents(events);
  let start = 0;
  let offset = 0;
  while (start < events.length) {
    let end = start;
    while (end < events.length && ends[end] - offset <= limit) end++;
    if (end === start) throw new Error(`event ${events[start].sequence} alone is ${ends[start] - offset} bytes, over NATS's ${limit + PAYLOAD_MARGIN}-byte message limit`);
    // The framed events of [start, end) are exactly a StreamEventsResponse's bytes.
    yield {
      bytes: bytes.subarray(offset, ends[end - 1]),
      first: Number(events[start].sequence),
      last: Number(events[end - 1].sequence),
      count: end - start,
    };
    offset = ends[end - 1];
    start = end;
  }
}
