/**
 * TraceEvents: a trace's events as an async iterator over a resumable subscription
 * (subscription.ts). `for await (const event of client.events(id))` sees every event once, in
 * sequence order, across reconnects; EventsLost events say what was lost and where. A consumer
 * slower than the trace pauses the stream once `highWaterMark` events are waiting, so the
 * server holds the backlog (in its retention window) instead of this process's memory.
 */
import type { Event__Output } from '../../src/api/generated/sctrace/v1/Event';
import type { EventSubscription } from './subscription';

/** Default number of events buffered before the stream is paused. */
const HIGH_WATER_MARK = 16_384;

export class TraceEvents implements AsyncIterableIterator<Event__Output> {
  private batches: Event__Output[][] = [];
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
    readonly subscription: EventSubscription,
    private readonly highWaterMark = HIGH_WATER_MARK,
  ) {
    subscription.on('data', ({ events }: { events: Event__Output[] }) => this.push(events));
    subscription.on('end', () => this.finish(undefined));
    subscription.on('error', (err: Error) => this.finish(this.returned ? undefined : err));
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<Event__Output>> {
    if (this.index < this.batch.length) return Promise.resolve({ value: this.batch[this.index++], done: false });
    if (this.takeBatch()) return Promise.resolve({ value: this.batch[this.index++], done: false });
    if (this.failure) return Promise.reject(this.failure);
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
  }

  /** Leaving the loop (break, return, throw) cancels the subscription. */
  return(): Promise<IteratorResult<Event__Output>> {
    this.returned = true;
    this.subscription.cancel();
    this.batches = [];
    this.batch = [];
    this.done = true;
    return Promise.resolve({ value: undefined, done: true });
  }

  /** The events as they arrive, a batch at a time (fewer promises for a fast consumer). */
  async *batchesOf(): AsyncGenerator<Event__Output[]> {
    for (;;) {
      const first = await this.next();
      if (first.done) return;
      const rest = this.batch.slice(this.index);
      this.index = this.batch.length;
      yield rest.length ? [first.value, ...rest] : [first.value];
    }
  }

  private push(events: Event__Output[]): void {
    if (this.done) return;
    if (this.waiter) {
      const waiter = this.waiter;
      this.waiter = undefined;
      this.batch = events;
      this.index = 1;
      waiter.resolve({ value: events[0], done: false });
      return;
    }
    this.batches.push(events);
    this.buffered += events.length;
    if (this.buffered > this.highWaterMark && !this.pausedForBacklog) {
      this.pausedForBacklog = true;
      this.subscription.pause();
    }
  }

  private takeBatch(): boolean {
    const next = this.batches.shift();
    if (next === undefined) return false;
    this.buffered -= next.length;
    if (this.pausedForBacklog && this.buffered <= this.highWaterMark >> 1) {
      this.pausedForBacklog = false;
      this.subscription.resume();
    }
    this.batch = next;
    this.index = 0;
    return true;
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
