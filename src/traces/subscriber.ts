/**
 * One StreamEvents stream: a bounded queue between the trace and a gRPC writable stream.
 *
 * The trace never waits for a subscriber. When the queue is full (in events or in bytes), new
 * events are dropped and counted; before the next event that fits, the subscriber gets an
 * EventsLost notice saying how many it missed. The notice takes the sequence number of the last
 * event it replaces, so the numbers a subscriber sees account for every event of the trace.
 *
 * The queue holds ranges of EventChunks, the trace's already-encoded events, so a batch written
 * to the stream is a byte slice of a chunk (or a few slices joined), never a re-encode.
 */
import type { Event } from '../api/generated/sctrace/v1/Event';
import { EventChunk } from './chunk';

/** Where a subscriber writes its batches: the part of a grpc-js ServerWritableStream it uses. */
export interface EventStream {
  /**
   * Writes one serialized StreamEventsResponse. Returns false when the transport's buffer is
   * full; 'drain' follows.
   */
  write(message: Buffer): boolean;
  once(event: 'drain', listener: () => void): unknown;
  /** Ends the stream with OK. */
  end(): void;
  /** Ends the stream with an error status carrying `error`'s message. */
  fail(error: Error): void;
}

/** Limits of one subscriber's queue and batches. */
export interface SubscriberLimits {
  queueEvents: number;
  /** Most encoded bytes queued (bounds memory when events carry long strings); 0: no limit. */
  queueBytes?: number;
  batchEvents: number;
  /** Most bytes of one batch: gRPC clients refuse messages over 4 MiB by default. */
  batchBytes: number;
}

/** A subscriber's counters. */
export interface SubscriberCounts {
  id: string;
  peer: string;
  delivered: number;
  lost: number;
}

/** Events [from, to) of a chunk. */
interface Segment {
  chunk: EventChunk;
  from: number;
  to: number;
}

/** What a consumed queue slot holds until the array is compacted. */
const RELEASED: Segment = { chunk: new EventChunk(Buffer.alloc(0), new Uint32Array(0), 0), from: 0, to: 0 };

/** Queues events for one stream and writes them in batches as fast as the transport allows. */
export class Subscriber {
  private queue: Segment[] = [];
  private head = 0;
  private queuedEvents = 0;
  private queuedBytes = 0;
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

  /** Queues a chunk of sequenced events; never blocks. */
  offer(chunk: EventChunk): void {
    if (this.ending) return;
    const count = chunk.count;
    const byteLimit = this.limits.queueBytes || Infinity;
    let take = Math.min(count, Math.max(0, this.limits.queueEvents - this.queuedEvents));
    if (take > 0 && this.queuedBytes + chunk.ends[take - 1] > byteLimit) {
      // An empty queue takes one event however large, so an oversized event cannot starve it.
      if (this.queuedEvents === 0) take = chunk.endWithin(0, take, byteLimit);
      else take = chunk.ends[0] + this.queuedBytes > byteLimit ? 0 : chunk.endWithin(0, take, byteLimit - this.queuedBytes);
    }
    if (take > 0) {
      if (this.pendingLost > 0) this.push(this.lostNotice());
      this.push({ chunk, from: 0, to: take });
    }
    if (take < count) {
      const dropped = count - take;
      this.pendingLost += dropped;
      this.lost += dropped;
      this.lastLostSequence = chunk.lastSequence;
    }
    this.schedule();
  }

  /**
   * Queues a loss notice of the trace (kernel or decode losses) past the queue limits: dropping
   * it would turn a counted loss into an unannounced one, and notices are few (one per loss
   * report, at most a few per second).
   */
  notify(notice: EventChunk): void {
    if (this.ending) return;
    if (this.pendingLost > 0) this.push(this.lostNotice());
    this.push({ chunk: notice, from: 0, to: notice.count });
    this.schedule();
  }

  /** Flushes what is queued, then ends the stream: OK, or with `failure` if the trace failed. */
  finish(failure?: Error): void {
    if (this.ending) return;
    this.ending = true;
    this.failure = failure;
    if (this.pendingLost > 0) this.push(this.lostNotice());
    this.schedule();
  }

  /** The client went away: drop everything, write nothing more. */
  abandon(): void {
    this.ending = true;
    this.ended = true;
    this.queue = [];
    this.head = 0;
    this.queuedEvents = 0;
    this.queuedBytes = 0;
  }

  /** Events the queue can still take. */
  room(): number {
    return this.ending ? 0 : Math.max(0, this.limits.queueEvents - this.queuedEvents);
  }

  counts(): SubscriberCounts {
    return { id: this.id, peer: this.peer, delivered: this.delivered, lost: this.lost };
  }

  private push(segment: Segment): void {
    this.queue.push(segment);
    this.queuedEvents += segment.to - segment.from;
    this.queuedBytes += segment.chunk.ends[segment.to - 1] - segment.chunk.start(segment.from);
  }

  private lostNotice(): Segment {
    const count = this.pendingLost;
    this.pendingLost = 0;
    const notice: Event = {
      sequence: this.lastLostSequence,
      timestamp_ns: String(BigInt(Date.now()) * 1_000_000n),
      lost: { count, where: 'subscriber' },
      kind: 'lost',
    };
    return { chunk: EventChunk.of([notice]), from: 0, to: 1 };
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
    while (this.writable && !this.ended && this.queuedEvents > 0) {
      const { bytes, events } = this.takeBatch();
      this.delivered += events;
      this.writable = this.stream.write(bytes);
      if (!this.writable) {
        this.stream.once('drain', () => {
          this.writable = true;
          this.pump();
        });
      }
    }
    if (this.queuedEvents === 0) {
      this.queue = [];
      this.head = 0;
      if (this.ending && !this.ended) {
        this.ended = true;
        if (this.failure) this.stream.fail(this.failure);
        else this.stream.end();
      }
    }
  }

  /** Up to batchEvents events and batchBytes bytes from the head of the queue, as one message. */
  private takeBatch(): { bytes: Buffer; events: number } {
    const { batchEvents, batchBytes } = this.limits;
    const parts: Buffer[] = [];
    let events = 0;
    let bytes = 0;
    while (this.head < this.queue.length && events < batchEvents) {
      const seg = this.queue[this.head];
      const room = batchBytes - bytes;
      if (room <= 0) break;
      const limit = Math.min(seg.to, seg.from + (batchEvents - events));
      // Always take at least one event into an empty batch, however large.
      const end = seg.chunk.endWithin(seg.from, limit, room);
      const startByte = seg.chunk.start(seg.from);
      const endByte = seg.chunk.ends[end - 1];
      if (events > 0 && endByte - startByte > room) break;
      parts.push(seg.chunk.bytes.subarray(startByte, endByte));
      events += end - seg.from;
      bytes += endByte - startByte;
      seg.from = end;
      if (seg.from === seg.to) {
        // Let go of the chunk now: a consumed slot must not keep its bytes alive until compaction.
        this.queue[this.head++] = RELEASED;
      }
    }
    this.queuedEvents -= events;
    this.queuedBytes -= bytes;
    // Compact now and then so the array does not grow without bound under steady load.
    if (this.head > 256 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    return { bytes: parts.length === 1 ? parts[0] : Buffer.concat(parts, bytes), events };
  }
}
