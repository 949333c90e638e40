/**
 * One StreamEvents stream: a bounded queue between the trace and a gRPC writable stream.
 *
 * The trace never waits for a subscriber. When the queue is full, new events are dropped and
 * counted; before the next event that fits, the subscriber gets an EventsLost notice saying how
 * many it missed. The notice takes the sequence number of the last event it replaces, so the
 * numbers a subscriber sees account for every event of the trace.
 */
import type { Event } from '../api/generated/sctrace/v1/Event';

/** Where a subscriber writes its batches: the part of a grpc-js ServerWritableStream it uses. */
export interface EventStream {
  /** Returns false when the transport's buffer is full; 'drain' follows. */
  write(message: { events: Event[] }): boolean;
  once(event: 'drain', listener: () => void): unknown;
  /** Ends the stream with OK. */
  end(): void;
  /** Ends the stream with an error status carrying `error`'s message. */
  fail(error: Error): void;
}

/** Limits of one subscriber's queue and batches. */
export interface SubscriberLimits {
  queueEvents: number;
  batchEvents: number;
  /** Most (approximate) bytes of one batch: gRPC clients refuse messages over 4 MiB by default. */
  batchBytes: number;
}

/** A subscriber's counters. */
export interface SubscriberCounts {
  id: string;
  peer: string;
  delivered: number;
  lost: number;
}

/** Queues events for one stream and writes them in batches as fast as the transport allows. */
export class Subscriber {
  private queue: Event[] = [];
  private head = 0;
  private pendingLost = 0;
  private lastLostSequence = 0;
  private writable = true;
  private scheduled = false;
  private ending = false;
  private ended = false;
  private failure: Error | undefined;
  private delivered = 0;
  private lost = 0;

  constructor(
    readonly id: string,
    readonly peer: string,
    private readonly stream: EventStream,
    private readonly limits: SubscriberLimits,
  ) {}

  /** Queues a batch of sequenced events; never blocks. */
  offer(batch: readonly Event[]): void {
    if (this.ending) return;
    let i = 0;
    for (; i < batch.length; i++) {
      if (this.queued() >= this.limits.queueEvents) break;
      if (this.pendingLost > 0) this.queue.push(this.lostNotice());
      this.queue.push(batch[i]);
    }
    if (i < batch.length) {
      const dropped = batch.length - i;
      this.pendingLost += dropped;
      this.lost += dropped;
      this.lastLostSequence = Number(batch[batch.length - 1].sequence);
    }
    this.schedule();
  }

  /** Flushes what is queued, then ends the stream: OK, or with `failure` if the trace failed. */
  finish(failure?: Error): void {
    if (this.ending) return;
    this.ending = true;
    this.failure = failure;
    if (this.pendingLost > 0) this.queue.push(this.lostNotice());
    this.schedule();
  }

  /** The client went away: drop everything, write nothing more. */
  abandon(): void {
    this.ending = true;
    this.ended = true;
    this.queue = [];
    this.head = 0;
  }

  counts(): SubscriberCounts {
    return { id: this.id, peer: this.peer, delivered: this.delivered, lost: this.lost };
  }

  private queued(): number {
    return this.queue.length - this.head;
  }

  private lostNotice(): Event {
    const count = this.pendingLost;
    this.pendingLost = 0;
    return {
      sequence: this.lastLostSequence,
      timestamp_ns: String(BigInt(Date.now()) * 1_000_000n),
      lost: { count, where: 'subscriber' },
      kind: 'lost',
    };
  }

  private schedule(): void {
    if (this.scheduled || this.ended) return;
    this.scheduled = true;
    // Coalesce the backend's batches of one drain into fewer, larger messages.
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.writable && !this.ended && this.queued() > 0) {
      const batch = this.takeBatch();
      this.delivered += batch.length;
      this.writable = this.stream.write({ events: batch });
      if (!this.writable) {
        this.stream.once('drain', () => {
          this.writable = true;
          this.pump();
        });
      }
    }
    if (this.queued() === 0) {
      this.queue = [];
      this.head = 0;
      if (this.ending && !this.ended) {
        this.ended = true;
        if (this.failure) this.stream.fail(this.failure);
        else this.stream.end();
      }
    }
  }

  private takeBatch(): Event[] {
    const { batchEvents, batchBytes } = this.limits;
    const start = this.head;
    let end = start;
    let bytes = 0;
    const limit = Math.min(this.queue.length, start + batchEvents);
    while (end < limit) {
      bytes += approximateSize(this.queue[end]);
      if (bytes > batchBytes && end > start) break;
      end++;
    }
    this.head = end;
    const batch = this.queue.slice(start, end);
    // Compact now and then so the array does not grow without bound under steady load.
    if (this.head > 65_536 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    return batch;
  }
}

/** Upper estimate of an event's encoded size: fixed part plus its strings. */
function approximateSize(event: Event): number {
  let bytes = 160;
  if (event.syscall?.decoded) {
    for (const arg of event.syscall.decoded) bytes += 24 + (arg.str?.length ?? 0) + (arg.symbolic?.length ?? 0);
  } else if (event.exec) {
    bytes += event.exec.filename?.length ?? 0;
    for (const a of event.exec.argv ?? []) bytes += a.length + 2;
  }
  return bytes;
}
