/**
 * TraceEvents: a trace's events as an async iterator over a resumable subscription
 * (subscription.ts). `for await (const event of client.events(id))` sees every event once, in
 * sequence order, across reconnects; EventsLost events say what was lost and where. A consumer
 * slower than the trace pauses the stream once `highWaterMark` events are waiting, so the
 * server holds the backlog (in its retention window) instead of this process's memory.
 *
 * Messages wait here as bytes (event-run.ts) and are decoded when the loop reaches them, so the
 * only decoded events alive are those of the message in hand; `batchesOf()` hands out the rest of
 * a message at a time, for a consumer that would rather pay one promise per batch than one per
 * event.
 */
import * as grpc from '@grpc/grpc-js';
import type { Event__Output } from '../../src/api/generated/sctrace/v1/Event';
import type { DecodeFn } from './decoder';
import type { FailureCause, RpcError } from './errors';
import { EventRun, locateEvents } from './event-run';
import type { EventSubscription, StreamMessage, StreamOpener } from './subscription';

/** Default number of events buffered before the stream is paused. */
const HIGH_WATER_MARK = 16_384;

/** A StreamEventsResponse whose events are still bytes (heartbeats are decoded in full). */
export interface RunMessage extends StreamMessage {
  events: EventRun;
}

/** What the iterator decodes with, and how it reports a message it cannot decode. */
export interface RunCodec {
  /** sctrace.v1.StreamEventsResponse's decoder. */
  decodeMessage: DecodeFn;
  rpcError(rpc: string, cause: FailureCause): RpcError;
}

/** A client's streams as RunMessages. */
export class RunOpener implements StreamOpener<RunMessage>, RunCodec {
  constructor(
    private readonly client: StreamOpener & { renew(): void },
    readonly decodeMessage: DecodeFn,
  ) {}

  get address(): string {
    return this.client.address;
  }

  openStream(traceId: string, fromSequence: number): grpc.ClientReadableStream<Buffer> {
    return this.client.openStream(traceId, fromSequence);
  }

  decodeResponse(bytes: Buffer): RunMessage {
    const events = locateEvents(bytes);
    if (events.length === 0) return { ...this.client.decodeResponse(bytes), events };
    return { events, latest_sequence: 0, queued_events: 0, first_retained_sequence: 0, server_time_ns: '0', heartbeat_interval_ms: 0 };
  }

  renew(): void {
    this.client.renew();
  }

  rpcError(rpc: string, cause: FailureCause): RpcError {
    return this.client.rpcError(rpc, cause);
  }
}

export class TraceEvents implements AsyncIterableIterator<Event__Output> {
  private runs: EventRun[] = [];
  /** The message in hand, decoded, and the next of its events to hand out. */
  private batch: Event__Output[] = [];
  private index = 0;
  private buffered = 0;
  private done = false;
  private failure: Error | undefined;
  private waiter: { resolve: (r: IteratorResult<Event__Output>) => void; reject: (e: Error) => void } | undefined;
  private returned = false;
  private pausedForBacklog = false;

  constructor(
    /** The subscription underneath: its lastSequence, pause(), 'reconnecting' and 'heartbeat' events. */
    readonly subscription: EventSubscription<RunMessage>,
    private readonly codec: RunCodec,
    private readonly highWaterMark = HIGH_WATER_MARK,
  ) {
    subscription.on('data', ({ events }: RunMessage) => this.push(events));
    subscription.on('end', () => this.finish(undefined));
    subscription.on('error', (err: Error) => this.finish(this.returned ? undefined : err));
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<Event__Output>> {
    if (this.index < this.batch.length) return Promise.resolve({ value: this.batch[this.index++], done: false });
    try {
      if (this.takeRun()) return Promise.resolve({ value: this.batch[this.index++], done: false });
    } catch (err) {
      return Promise.reject(err);
    }
    if (this.failure) return Promise.reject(this.failure);
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
  }

  /** Leaving the loop (break, return, throw) cancels the subscription. */
  return(): Promise<IteratorResult<Event__Output>> {
    this.returned = true;
    this.subscription.cancel();
    this.drop();
    this.done = true;
    return Promise.resolve({ value: undefined, done: true });
  }

  /**
   * The events as they arrive, the rest of a message at a time (one promise per batch instead of
   * one per event); leaving the loop cancels the subscription, as with the events one by one.
   */
  async *batchesOf(): AsyncGenerator<Event__Output[]> {
    try {
      for (;;) {
        const first = await this.next();
        if (first.done) return;
        // `first` is batch[index - 1], whichever way next() got it.
        const batch = this.batch.slice(this.index - 1);
        this.index = this.batch.length;
        yield batch;
      }
    } finally {
      if (!this.done) await this.return();
    }
  }

  /** The next message, decoded (false when none waits); one that does not decode ends the iteration. */
  private takeRun(): boolean {
    const next = this.runs.shift();
    if (next === undefined) return false;
    this.buffered -= next.length;
    if (this.pausedForBacklog && this.buffered <= this.highWaterMark >> 1) {
      this.pausedForBacklog = false;
      this.subscription.resume();
    }
    try {
      this.batch = next.decode(this.codec.decodeMessage);
    } catch (err) {
      const error = this.codec.rpcError('StreamEvents', { code: grpc.status.INTERNAL, details: (err as Error).message, message: '' });
      this.failure = error;
      this.returned = true;
      this.subscription.cancel();
      this.drop();
      this.done = true;
      throw error;
    }
    this.index = 0;
    return this.batch.length > 0 || this.takeRun();
  }

  private drop(): void {
    this.runs = [];
    this.batch = [];
    this.index = 0;
  }

  private push(events: EventRun): void {
    if (this.done) return;
    this.runs.push(events);
    this.buffered += events.length;
    if (this.waiter) {
      const waiter = this.waiter;
      this.waiter = undefined;
      try {
        if (this.takeRun()) waiter.resolve({ value: this.batch[this.index++], done: false });
        else this.waiter = waiter;
      } catch (err) {
        waiter.reject(err as Error);
      }
      return;
    }
    if (this.buffered > this.highWaterMark && !this.pausedForBacklog) {
      this.pausedForBacklog = true;
      this.subscription.pause();
    }
  }

  private finish(error: Error | undefined): void {
    if (this.done && !this.waiter) {
      this.failure ??= error;
      return;
    }
    this.done = true;
    this.failure = error;
    const waiter = this.waiter;
    this.waiter = undefined;
    if (!waiter) return;
    if (error) waiter.reject(error);
    else waiter.resolve({ value: undefined, done: true });
  }
}
