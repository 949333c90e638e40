/**
 * One StreamEvents stream: a cursor into its trace's retention window (retention.ts), written to
 * a gRPC writable stream as fast as the transport takes it.
 *
 * A subscriber owns no queue: what it has not sent yet is the part of the shared window after its
 * cursor, so a slow or paused subscriber costs the trace and the other subscribers nothing (no
 * copy, no per-subscriber memory beyond a few numbers). When the window drops events the
 * subscriber has not sent, its next write (as soon as the transport has room, quiet trace or not)
 * is the EventsLost notice for them: the loss notices of the trace among them, then one where
 * "subscriber" numbered like the last event it replaces, so the numbers it sends stay gap-free.
 *
 * Batches are byte ranges of one of the window's chunks (a view, its slab pinned until the
 * transport is done with it), never a copy or a re-encode. A
 * heartbeat (a response without events: latest sequence, how far behind this stream is) goes out
 * when the stream starts and then every `heartbeatMs`.
 */
import { eventEncoder } from '../api/wire/events';
import type { EventChunk } from './chunk';
import type { Slab } from './slabs';
import type { RetentionWindow } from './retention';

/** Where a subscriber writes its batches: the part of a grpc-js ServerWritableStream it uses. */
export interface EventStream {
  /**
   * Writes one serialized StreamEventsResponse. Returns false when the transport's buffer is
   * full; 'drain' follows. `written` runs once the transport no longer needs `message`.
   */
  write(message: Buffer, written?: () => void): boolean;
  once(event: 'drain', listener: () => void): unknown;
  /** Ends the stream with OK. */
  end(): void;
  /** Ends the stream with an error status carrying `error`'s message. */
  fail(error: Error): void;
}

/** Limits of one subscriber's batches, and its heartbeat period. */
export interface SubscriberLimits {
  batchEvents: number;
  /** Most bytes of one batch: gRPC clients refuse messages over 4 MiB by default. */
  batchBytes: number;
  /** Longest time between two heartbeats, milliseconds. */
  heartbeatMs: number;
}

/** A subscriber's counters. */
export interface SubscriberCounts {
  id: string;
  peer: string;
  delivered: number;
  lost: number;
  /** The part of `lost` announced as "retention" (the stream started before the window); the rest fell out of it ("subscriber"). */
  lostRetention: number;
}

/** Sends a trace's window to one stream, from a starting sequence number on. */
export class Subscriber {
  /** The next chunk to send from (by ordinal in the window) and the event within it. */
  private ordinal: number;
  private index: number;
  /** Sequence number of the next event to send. */
  private nextSequence: number;
  /** Notices to send before the window's events (a skipped range), oldest first. */
  private notices: EventChunk[] = [];
  private writable = true;
  private scheduled = false;
  private heartbeatDue = false;
  private ending = false;
  private ended = false;
  private failure: Error | undefined;
  private timer: NodeJS.Timeout | undefined;
  private delivered = 0;
  private lost = 0;
  private lostRetention = 0;

  /**
   * Starts at `fromSequence`, which the trace has checked: 1 <= fromSequence <= latest + 1.
   * Older than the window, the stream starts with the EventsLost "retention" for the difference.
   */
  constructor(
    readonly id: string,
    readonly peer: string,
    private readonly stream: EventStream,
    private readonly limits: SubscriberLimits,
    private readonly window: RetentionWindow,
    fromSequence: number,
  ) {
    this.nextSequence = fromSequence;
    if (fromSequence < window.first) {
      this.takeSkip('retention');
    }
    const at = window.locate(this.nextSequence);
    this.ordinal = at.ordinal;
    this.index = at.index;
  }

  /** Sends the first heartbeat and whatever is already there; starts the heartbeat clock. */
  start(): void {
    this.heartbeat();
    this.timer = setInterval(() => this.onHeartbeatTimer(), this.limits.heartbeatMs);
    this.timer.unref();
    this.schedule();
  }

  /** The window has grown: send what is new. Never blocks. */
  wake(): void {
    if (this.writable) this.schedule();
  }

  /** Sends what is left of the window, then ends the stream: OK, or with `failure`. */
  finish(failure?: Error): void {
    if (this.ending) return;
    this.ending = true;
    this.failure = failure;
    this.schedule();
  }

  /** The client went away: write nothing more. */
  abandon(): void {
    this.ending = true;
    this.ended = true;
    this.notices = [];
    this.stopHeartbeats();
  }

  /** Events the trace has that this stream has not sent (its lag). */
  queued(): number {
    return this.window.latest - (this.nextSequence - 1);
  }

  /**
   * Bytes of the window this stream still needs (from the chunk it is reading): the window can
   * take its limit minus that before it drops what this stream has not sent. Infinity once that
   * has happened.
   */
  bytesBehind(): number {
    if (this.window.dropped(this.ordinal)) return Infinity;
    return this.window.bytesFrom(this.ordinal);
  }

  counts(): SubscriberCounts {
    return { id: this.id, peer: this.peer, delivered: this.delivered, lost: this.lost, lostRetention: this.lostRetention };
  }

  /** The window dropped events this stream had not sent: queue the notices that replace them. */
  private takeSkip(where: 'subscriber' | 'retention'): void {
    const { chunks, dropped } = this.window.skip(this.nextSequence, where);
    this.notices.push(...chunks);
    this.lost += dropped;
    if (where === 'retention') this.lostRetention += dropped;
    this.nextSequence = this.window.first;
    const at = this.window.locate(this.nextSequence);
    this.ordinal = at.ordinal;
    this.index = at.index;
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
    while (this.writable && !this.ended) {
      if (this.heartbeatDue) {
        this.heartbeat();
        continue;
      }
      if (this.window.dropped(this.ordinal)) this.takeSkip('subscriber');
      if (this.notices.length > 0) {
        this.write(this.takeNotices());
        continue;
      }
      if (!this.writeBatch()) break;
    }
    if (!this.ended && this.ending && this.sentAll()) {
      this.ended = true;
      this.stopHeartbeats();
      if (this.failure) this.stream.fail(this.failure);
      else this.stream.end();
    }
  }

  /**
   * Nothing is left to send: no notice waits and the cursor is past the window's end. A dropped
   * chunk is not there either, but its notice is still owed: a stream paused when StopTrace's
   * final drain pushed its unsent events out of the window must not end before it is written.
   */
  private sentAll(): boolean {
    return this.notices.length === 0 && !this.window.dropped(this.ordinal) && this.window.at(this.ordinal) === undefined;
  }

  private write(message: Buffer, slab?: Slab): void {
    if (slab) {
      const pool = this.window.pool;
      pool.pin(slab);
      this.writable = this.stream.write(message, () => pool.unpin(slab));
    } else {
      this.writable = this.stream.write(message);
    }
    if (!this.writable) {
      this.stream.once('drain', () => {
        this.writable = true;
        this.pump();
      });
    }
  }

  private takeNotices(): Buffer {
    const parts = this.notices.map((c) => c.bytes);
    this.delivered += parts.length;
    this.notices = [];
    return parts.length === 1 ? parts[0] : Buffer.concat(parts);
  }

  /**
   * Writes up to batchEvents events and batchBytes bytes from the cursor, all from one chunk, as
   * one message: a view of the chunk's memory, so nothing is copied here (joining chunks would
   * allocate a buffer per message, garbage the collector frees late). False when there is
   * nothing to send.
   */
  private writeBatch(): boolean {
    let chunk = this.window.at(this.ordinal);
    while (chunk !== undefined && this.index >= chunk.count) {
      this.ordinal++;
      this.index = 0;
      chunk = this.window.at(this.ordinal);
    }
    if (chunk === undefined) return false;
    const limit = Math.min(chunk.count, this.index + this.limits.batchEvents);
    // At least one event, however large.
    const end = chunk.endWithin(this.index, limit, this.limits.batchBytes);
    const message = chunk.bytes.subarray(chunk.start(this.index), chunk.ends[end - 1]);
    const events = end - this.index;
    this.index = end;
    this.nextSequence += events;
    this.delivered += events;
    this.write(message, chunk.slab);
    return true;
  }

  private onHeartbeatTimer(): void {
    // A stream whose transport is full gets its heartbeat when it drains: piling heartbeats up
    // behind a paused reader would only grow the transport's buffer.
    if (this.writable && !this.ended) this.heartbeat();
    else this.heartbeatDue = true;
  }

  private heartbeat(): void {
    this.heartbeatDue = false;
    if (this.ended) return;
    const message = eventEncoder().encodeResponse({
      latest_sequence: this.window.latest,
      queued_events: this.queued(),
      first_retained_sequence: this.window.latest === 0 ? 0 : this.window.first,
      server_time_ns: String(BigInt(Date.now()) * 1_000_000n),
      heartbeat_interval_ms: this.limits.heartbeatMs,
    });
    this.write(message);
  }

  private stopHeartbeats(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
