/**
 * One running trace: its capture session, its subscribers, its sequence numbers and counters.
 *
 * The trace is the capture session's sink. It numbers every event once, fans each batch out to
 * the subscribers' bounded queues, and turns losses into EventsLost events in the stream. Events
 * that arrive while nobody is subscribed are counted as received and not kept: a subscriber gets
 * every event from the moment it subscribed.
 */
import type { Event } from '../api/generated/sctrace/v1/Event';
import type { TraceCounters } from '../api/generated/sctrace/v1/TraceCounters';
import type { TraceSpec } from '../api/generated/sctrace/v1/TraceSpec';
import type { BackendName, CaptureSession, CaptureSink, CaptureStats, LossSite } from '../backends/backend';
import type { Logger } from '../util/log';
import { EventChunk } from './chunk';
import { Subscriber, type EventStream, type SubscriberLimits } from './subscriber';

/** What a trace needs besides its capture session. */
export interface TraceOptions {
  id: string;
  spec: TraceSpec;
  backend: BackendName;
  /** The identity that started it. */
  owner: string;
  idleTimeoutMs: number;
  limits: SubscriberLimits;
  log: Logger;
  /** Called once, after the trace has ended for whatever reason. */
  onEnded: (trace: Trace) => void;
}

/** A trace. Created by TraceManager; `attach` happens right after the capture session opens. */
export class Trace implements CaptureSink {
  readonly startedNs = BigInt(Date.now()) * 1_000_000n;
  private session: CaptureSession | undefined;
  private readonly subscribers = new Map<string, Subscriber>();
  private nextSubscriber = 1;
  private sequence = 0;
  private received = 0;
  private lostKernel = 0;
  private decodeErrors = 0;
  /** Counters of subscribers that have left, so the trace's totals never go down. */
  private pastDelivered = 0;
  private pastLost = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private stopping: Promise<TraceCounters> | undefined;
  private failure: Error | undefined;

  constructor(private readonly options: TraceOptions) {}

  get id(): string {
    return this.options.id;
  }
  get backend(): BackendName {
    return this.options.backend;
  }
  get spec(): TraceSpec {
    return this.options.spec;
  }
  get owner(): string {
    return this.options.owner;
  }
  get subscriberCount(): number {
    return this.subscribers.size;
  }
  get stopped(): boolean {
    return this.stopping !== undefined;
  }

  /** Binds the opened capture session and starts the idle clock. */
  attach(session: CaptureSession): void {
    this.session = session;
    this.armIdleTimer();
  }

  /** Adds a stream; returns a function the caller runs when the client goes away. */
  subscribe(stream: EventStream, peer: string): { subscriber: Subscriber; cancel: () => void } {
    const id = `s${this.nextSubscriber++}`;
    const subscriber = new Subscriber(id, peer, stream, this.options.limits);
    this.subscribers.set(id, subscriber);
    this.disarmIdleTimer();
    this.options.log.info(`trace ${this.id}: subscriber ${id} from ${peer} attached`);
    const cancel = () => {
      if (!this.subscribers.has(id)) return;
      subscriber.abandon();
      this.retire(subscriber);
      this.options.log.info(`trace ${this.id}: subscriber ${id} left`);
      this.armIdleTimer();
    };
    return { subscriber, cancel };
  }

  events(batch: Event[]): void {
    this.received += batch.length;
    if (this.subscribers.size === 0) {
      this.sequence += batch.length;
      return;
    }
    let seq = this.sequence;
    for (const event of batch) event.sequence = ++seq;
    this.sequence = seq;
    // Encoded once here; every subscriber queues and sends slices of the same bytes.
    const chunk = EventChunk.of(batch);
    for (const s of this.subscribers.values()) s.offer(chunk);
  }

  /**
   * Room of the emptiest subscriber queue: the backend reads no more than that, so events no
   * subscriber could queue stay in the kernel buffer instead of being decoded and dropped here.
   * Unbounded without subscribers (events are counted and not kept).
   */
  demand(): number {
    if (this.subscribers.size === 0) return Infinity;
    let room = 0;
    for (const s of this.subscribers.values()) room = Math.max(room, s.room());
    return room;
  }

  lost(count: number, site: LossSite): void {
    if (site === 'kernel') this.lostKernel += count;
    else this.decodeErrors += count;
    const notice: Event = {
      sequence: ++this.sequence,
      timestamp_ns: String(BigInt(Date.now()) * 1_000_000n),
      lost: { count, where: site },
      kind: 'lost',
    };
    if (this.subscribers.size === 0) return;
    const chunk = EventChunk.of([notice]);
    for (const s of this.subscribers.values()) s.notify(chunk);
  }

  failed(error: Error): void {
    this.failure = error;
    this.options.log.error(`trace ${this.id} failed: ${error.message}`);
    void this.stop();
  }

  /** Why the trace ended early, if it failed. */
  get failedWith(): Error | undefined {
    return this.failure;
  }

  /** The capture session's counters, if it is attached. */
  captureStats(): CaptureStats | undefined {
    return this.session?.stats();
  }

  counters(): TraceCounters {
    const stats = this.session?.stats();
    let delivered = this.pastDelivered;
    let lost = this.pastLost;
    const perSubscriber = [...this.subscribers.values()].map((s) => s.counts());
    for (const c of perSubscriber) {
      delivered += c.delivered;
      lost += c.lost;
    }
    return {
      events_received: this.received,
      events_delivered: delivered,
      lost_kernel: Math.max(this.lostKernel, stats?.lostKernel ?? 0),
      lost_subscribers: lost,
      decode_errors: Math.max(this.decodeErrors, stats?.decodeErrors ?? 0),
      per_subscriber: perSubscriber,
    };
  }

  /**
   * Detaches the kernel side, delivers what it still had, ends every stream after its queue, and
   * returns the final counters. Safe to call more than once.
   */
  stop(): Promise<TraceCounters> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<TraceCounters> {
    this.disarmIdleTimer();
    try {
      await this.session?.close();
    } catch (err) {
      this.options.log.error(`trace ${this.id}: closing the capture session: ${(err as Error).message}`);
    }
    const counters = this.counters();
    for (const s of this.subscribers.values()) s.finish(this.failure);
    this.options.onEnded(this);
    return counters;
  }

  private retire(subscriber: Subscriber): void {
    const c = subscriber.counts();
    this.pastDelivered += c.delivered;
    this.pastLost += c.lost;
    this.subscribers.delete(subscriber.id);
  }

  private armIdleTimer(): void {
    if (this.stopping || this.subscribers.size > 0 || this.idleTimer) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      this.options.log.info(`trace ${this.id}: no subscriber for ${this.options.idleTimeoutMs / 1000} s, stopping it`);
      void this.stop();
    }, this.options.idleTimeoutMs);
    this.idleTimer.unref();
  }

  private disarmIdleTimer(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }
}
