/**
 * A resumable StreamEvents subscription. It keeps the sequence number of the next event it
 * wants; when the stream breaks (the connection dropped, the server went away for a moment, or
 * the stream went silent for longer than the server's heartbeat promise), it subscribes again
 * from that number after a backoff, so its consumer sees every event once, in order: the server
 * announces anything it no longer has as an EventsLost where "retention" (tracer.proto,
 * StreamEventsRequest.from_sequence), and anything the new stream sends twice is dropped here.
 *
 * Two ways to consume it: the events (`data`, `heartbeat`, `reconnecting`, `end`, `error`) of a
 * paused-able stream, as the CLI does; or TraceEvents (events.ts), an async iterator over it.
 */
import { EventEmitter } from 'node:events';
import * as grpc from '@grpc/grpc-js';
import type { StreamEventsResponse__Output } from '../../src/api/generated/sctrace/v1/StreamEventsResponse';
import { isTransient, type FailureCause, type RpcError } from './errors';

/** How a broken stream is retried. */
export interface RetryOptions {
  /** First delay before subscribing again, ms (default 100); doubled after each failure. */
  initialDelayMs?: number;
  /** Longest delay between two attempts, ms (default 5000). */
  maxDelayMs?: number;
  /** Give up (the subscription fails) after failing for this long without a stream, ms (default 120000). */
  giveUpAfterMs?: number;
}

export interface SubscribeOptions {
  /** 0 (default): events from now on; N >= 1: from event N while the trace retains it. */
  fromSequence?: number;
  retry?: RetryOptions;
  /**
   * A stream silent for this long is taken as dead and opened again, ms. Default: four of the
   * server's heartbeat intervals (it says its interval in its heartbeats), at least 5 s; 0: never.
   */
  stallTimeoutMs?: number;
}

/** A heartbeat: where the trace stands and how far behind this stream is. */
export interface Heartbeat {
  latestSequence: number;
  queuedEvents: number;
  firstRetainedSequence: number;
  serverTimeNs: string;
  intervalMs: number;
}

/** Why and when the subscription is about to subscribe again. */
export interface Reconnect {
  /** The failure of the stream that ended. */
  error: RpcError;
  /** Failed attempts in a row so far (1 for the first). */
  attempt: number;
  delayMs: number;
  /** The sequence the new stream will start from (0: from now). */
  fromSequence: number;
}

/**
 * Events left as bytes until read (clients/ts/event-run.ts, what the event iterator queues):
 * counted and cut by their sequence numbers without an object per event.
 */
export interface SequencedRun {
  readonly length: number;
  readonly firstSequence: number;
  readonly lastSequence: number;
  /** The events numbered `sequence` or more. */
  from(sequence: number): SequencedRun;
}

/**
 * What the subscription reads of a message: its events' sequence numbers, and the heartbeat
 * fields of a message without events. A StreamEventsResponse decoded in full is one; a relay
 * (sctrace export) gives a lighter form that keeps the message's bytes, the event iterator one
 * whose events are a SequencedRun.
 */
export interface StreamMessage {
  events: { sequence: string | number }[] | SequencedRun;
  latest_sequence: string | number;
  queued_events: string | number;
  first_retained_sequence: string | number;
  server_time_ns: string;
  heartbeat_interval_ms: number;
}

/** What the subscription needs from its connection; M is the form decodeResponse gives messages in. */
export interface StreamOpener<M extends StreamMessage = StreamEventsResponse__Output> {
  readonly address: string;
  /** Opens one StreamEvents call whose messages are raw bytes. */
  openStream(traceId: string, fromSequence: number): grpc.ClientReadableStream<Buffer>;
  /** Decodes one StreamEventsResponse (as far as M needs). */
  decodeResponse(bytes: Buffer): M;
  /** Makes the next streams use a new connection (after one went silent). */
  renew?(): void;
  /** An RpcError of a failure on this connection. */
  rpcError(rpc: string, cause: FailureCause): RpcError;
}

const RPC = 'StreamEvents';

/**
 * Emits: 'metadata' (once, the first stream's headers: the subscription is registered),
 * 'data' (a StreamEventsResponse: events in sequence order, each once), 'heartbeat' (Heartbeat),
 * 'reconnecting' (Reconnect), 'end' (the trace stopped and everything was received),
 * 'error' (RpcError: a refusal, the trace is gone or failed, retries ran out, or CANCELLED after
 * cancel()). Exactly one of 'end' and 'error' comes, once. 'data' carries messages in the form the
 * opener decodes them to (M), their events cut to those not delivered before.
 */
export class EventSubscription<M extends StreamMessage = StreamEventsResponse__Output> extends EventEmitter {
  private call: grpc.ClientReadableStream<Buffer> | undefined;
  /** Sequence of the next event wanted; 0 until the first stream says where "now" is. */
  private next: number;
  private failures = 0;
  private failingSince = 0;
  private paused = false;
  private settled = false;
  private cancelled = false;
  private headers = false;
  private heartbeatMs = 0;
  private stallTimer: NodeJS.Timeout | undefined;
  /** When the current stream last said something (Date.now()). */
  private lastMessageAt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly retry: Required<RetryOptions>;

  constructor(
    private readonly opener: StreamOpener<M>,
    readonly traceId: string,
    private readonly options: SubscribeOptions = {},
  ) {
    super();
    this.next = options.fromSequence ?? 0;
    this.retry = { initialDelayMs: 100, maxDelayMs: 5000, giveUpAfterMs: 120_000, ...options.retry };
    this.open();
  }

  /** The sequence number of the last event delivered; 0 before the first. */
  get lastSequence(): number {
    return this.next > 0 ? this.next - 1 : 0;
  }

  /** Stops delivering 'data' until resume(); the server holds what comes meanwhile. */
  pause(): void {
    this.paused = true;
    this.call?.pause();
  }

  resume(): void {
    this.paused = false;
    this.call?.resume();
    this.armStallTimer();
  }

  /** Ends the subscription ('error' with CANCELLED follows); the trace keeps running. */
  cancel(): void {
    if (this.settled) return;
    this.cancelled = true;
    this.clearTimers();
    const call = this.call;
    this.call = undefined;
    call?.cancel();
    this.fail(this.opener.rpcError(RPC, { code: grpc.status.CANCELLED, details: 'cancelled by the client', message: '' }));
  }

  private open(): void {
    const call = this.opener.openStream(this.traceId, this.next);
    this.call = call;
    if (this.paused) call.pause();
    call.on('metadata', () => {
      if (this.headers) return;
      this.headers = true;
      this.emit('metadata');
    });
    call.on('data', (bytes: Buffer) => {
      if (call === this.call) this.onMessage(bytes);
    });
    call.on('error', (err: grpc.ServiceError) => {
      if (call === this.call) this.onBroken(err);
    });
    call.on('end', () => {
      if (call !== this.call) return;
      this.call = undefined;
      this.clearTimers();
      this.settled = true;
      this.emit('end');
    });
    this.armStallTimer();
  }

  private onMessage(bytes: Buffer): void {
    let message: M;
    try {
      message = this.opener.decodeResponse(bytes);
    } catch (err) {
      this.call?.cancel();
      this.call = undefined;
      this.fail(this.opener.rpcError(RPC, { code: grpc.status.INTERNAL, details: (err as Error).message, message: '' }));
      return;
    }
    this.failures = 0;
    this.lastMessageAt = Date.now();
    const events = message.events;
    if (events.length === 0) {
      const beat = heartbeatOf(message);
      if (this.next === 0) this.next = beat.latestSequence + 1;
      if (beat.intervalMs > 0 && beat.intervalMs !== this.heartbeatMs) {
        this.heartbeatMs = beat.intervalMs;
        this.armStallTimer();
      }
      this.emit('heartbeat', beat);
      return;
    }
    let fresh = events;
    if (this.next > 0 && firstSequence(events) < this.next) {
      // A resumed stream repeating what was delivered (it cannot, by the contract; kept safe).
      fresh = from(events, this.next);
      if (fresh.length === 0) return;
    }
    this.next = lastSequence(fresh) + 1;
    message.events = fresh as M['events'];
    this.emit('data', message);
  }

  private onBroken(err: grpc.ServiceError): void {
    this.call = undefined;
    this.clearTimers();
    const error = this.opener.rpcError(RPC, err);
    if (this.cancelled || !isTransient(err.code)) {
      this.fail(error);
      return;
    }
    const now = Date.now();
    if (this.failures === 0) this.failingSince = now;
    this.failures++;
    if (now - this.failingSince > this.retry.giveUpAfterMs) {
      this.fail(this.opener.rpcError(RPC, { ...err, details: `${error.details} (gave up after retrying for ${Math.round((now - this.failingSince) / 1000)} s)` }));
      return;
    }
    const base = Math.min(this.retry.maxDelayMs, this.retry.initialDelayMs * 2 ** (this.failures - 1));
    const delayMs = Math.round(base * (0.5 + Math.random() / 2));
    this.emit('reconnecting', { error, attempt: this.failures, delayMs, fromSequence: this.next } satisfies Reconnect);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.settled) this.open();
    }, delayMs);
  }

  /**
   * A stream silent for longer than the heartbeats allow is cancelled and opened again. One timer
   * per stall period, not per message: it looks at when the last message came.
   */
  private armStallTimer(): void {
    if (this.stallTimer) clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
    const timeout = this.options.stallTimeoutMs ?? (this.heartbeatMs > 0 ? Math.max(5000, 4 * this.heartbeatMs) : 0);
    if (timeout <= 0 || this.settled) return;
    this.lastMessageAt = Date.now();
    const check = () => {
      this.stallTimer = undefined;
      const call = this.call;
      if (!call || this.paused || this.settled) return;
      const silent = Date.now() - this.lastMessageAt;
      if (silent < timeout) {
        this.stallTimer = setTimeout(check, timeout - silent);
        this.stallTimer.unref();
        return;
      }
      this.call = undefined;
      call.cancel();
      this.opener.renew?.();
      this.onBroken({ code: grpc.status.UNAVAILABLE, details: `no message for ${timeout} ms (the server sends a heartbeat every ${this.heartbeatMs} ms)`, message: '' } as grpc.ServiceError);
    };
    this.stallTimer = setTimeout(check, timeout);
    this.stallTimer.unref();
  }

  private clearTimers(): void {
    if (this.stallTimer) clearTimeout(this.stallTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.stallTimer = undefined;
    this.retryTimer = undefined;
  }

  private fail(error: RpcError): void {
    if (this.settled) return;
    this.settled = true;
    this.clearTimers();
    this.emit('error', error);
  }
}

function firstSequence(events: StreamMessage['events']): number {
  return Array.isArray(events) ? Number(events[0].sequence) : events.firstSequence;
}

function lastSequence(events: StreamMessage['events']): number {
  return Array.isArray(events) ? Number(events[events.length - 1].sequence) : events.lastSequence;
}

function from(events: StreamMessage['events'], sequence: number): StreamMessage['events'] {
  return Array.isArray(events) ? events.filter((e) => Number(e.sequence) >= sequence) : events.from(sequence);
}

function heartbeatOf(message: StreamMessage): Heartbeat {
  return {
    latestSequence: Number(message.latest_sequence),
    queuedEvents: Number(message.queued_events),
    firstRetainedSequence: Number(message.first_retained_sequence),
    serverTimeNs: String(message.server_time_ns),
    intervalMs: message.heartbeat_interval_ms,
  };
}
