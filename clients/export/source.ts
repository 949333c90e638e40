/**
 * A trace's StreamEventsResponse messages for a relay, resumed by the TypeScript client library
 * (clients/ts EventSubscription: from_sequence after a broken stream, nothing twice) but left as
 * the bytes they came in: each message is walked once (src/api/wire/walk.ts) for its events'
 * sequence numbers and byte ranges, and only a heartbeat (a message without events, a few bytes)
 * is decoded in full. sctrace export publishes the bytes of each run of events as they are;
 * decoding and encoding every event again would cost the export most of its CPU.
 */
import * as grpc from '@grpc/grpc-js';
import { EventSubscription, type FailureCause, type SctraceClient, type StreamMessage, type StreamOpener, type SubscribeOptions } from '../ts';
import { KIND_LOST, forEachEvent } from '../../src/api/wire/walk';

/** One event of a relayed message: where it sits in the message's bytes. */
export interface RelayEvent {
  sequence: number;
  /** The Event's field in `bytes`, tag and length included. */
  start: number;
  end: number;
  /** EventsLost count (0 for any other event). */
  lost: number;
}

/** A StreamEventsResponse as its bytes, with what the subscription and the pump read of it. */
export interface RelayMessage extends StreamMessage {
  bytes: Buffer;
  events: RelayEvent[];
}

/** Walks `bytes` into a RelayMessage; `heartbeat` decodes a message without events in full. */
export function relayMessage(bytes: Buffer, heartbeat: (bytes: Buffer) => Omit<StreamMessage, 'events'>): RelayMessage {
  const events: RelayEvent[] = [];
  forEachEvent(bytes, (e) => events.push({ sequence: e.sequence, start: e.start, end: e.end, lost: e.kind === KIND_LOST ? e.lostCount : 0 }));
  if (events.length === 0) return { ...heartbeat(bytes), bytes, events };
  return { bytes, events, latest_sequence: 0, queued_events: 0, first_retained_sequence: 0, server_time_ns: '0', heartbeat_interval_ms: 0 };
}

/** The client's streams, as RelayMessages. */
class RelayOpener implements StreamOpener<RelayMessage> {
  constructor(private readonly client: SctraceClient) {}

  get address(): string {
    return this.client.address;
  }

  openStream(traceId: string, fromSequence: number): grpc.ClientReadableStream<Buffer> {
    return this.client.openStream(traceId, fromSequence);
  }

  decodeResponse(bytes: Buffer): RelayMessage {
    return relayMessage(bytes, (b) => this.client.decodeResponse(b));
  }

  renew(): void {
    this.client.renew();
  }

  rpcError(rpc: string, cause: FailureCause) {
    return this.client.rpcError(rpc, cause);
  }
}

/**
 * A resumable subscription to `traceId` whose 'data' are RelayMessages: every event once, in
 * sequence order, across reconnects (what the trace no longer retains comes as an EventsLost
 * where "retention", from the service).
 */
export function relaySubscription(client: SctraceClient, traceId: string, options: SubscribeOptions): EventSubscription<RelayMessage> {
  return new EventSubscription(new RelayOpener(client), traceId, options);
}

/**
 * The subscription's messages as an async iterator for the pump. At most `highWaterMark` events
 * wait here: beyond that the subscription is paused, so the service holds the backlog (in the
 * trace's retention window) instead of this process. The iteration ends when the trace ends,
 * and when the subscription is cancelled; any other failure is thrown (an RpcError).
 */
export async function* relayMessages(subscription: EventSubscription<RelayMessage>, highWaterMark = 65_536): AsyncGenerator<RelayMessage> {
  const queue: RelayMessage[] = [];
  let queued = 0;
  let paused = false;
  let settled: { error?: Error } | undefined;
  let wake: (() => void) | undefined;
  subscription.on('data', (m: RelayMessage) => {
    queue.push(m);
    queued += m.events.length;
    if (queued >= highWaterMark && !paused) {
      paused = true;
      subscription.pause();
    }
    wake?.();
  });
  subscription.on('end', () => {
    settled = {};
    wake?.();
  });
  subscription.on('error', (err: Error & { code?: number }) => {
    settled = err.code === grpc.status.CANCELLED ? {} : { error: err };
    wake?.();
  });
  try {
    for (;;) {
      const m = queue.shift();
      if (m) {
        queued -= m.events.length;
        if (paused && queued < highWaterMark / 2) {
          paused = false;
          subscription.resume();
        }
        yield m;
        continue;
      }
      if (settled) {
        if (settled.error) throw settled.error;
        return;
      }
      await new Promise<void>((r) => (wake = r));
      wake = undefined;
    }
  } finally {
    subscription.cancel();
  }
}
