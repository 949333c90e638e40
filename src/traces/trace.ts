/**
 * One running trace: its capture session, its retention window, its subscribers, its sequence
 * numbers and counters.
 *
 * The trace is the capture session's sink. It numbers every event once (the same number in every
 * stream), encodes each batch once into its retention window (retention.ts), bounded in bytes and
 * kept also while nobody is subscribed, and wakes the subscribers, which read the window through
 * cursors of their own (subscriber.ts). Kernel and decode losses become EventsLost events of the
 * window, numbered like events.
 */
import type { Event } from '../api/generated/sctrace/v1/Event';
import type { GetProcessTreeResponse } from '../api/generated/sctrace/v1/GetProcessTreeResponse';
import type { TraceCounters } from '../api/generated/sctrace/v1/TraceCounters';
import type { TraceSpec } from '../api/generated/sctrace/v1/TraceSpec';
import type { BackendName, CaptureSession, CaptureSink, CaptureStats, LossSite } from '../backends/backend';
import type { Logger } from '../util/log';
import { EventChunk } from './chunk';
import { SequenceOutOfRangeError } from './errors';
import { RetentionWindow } from './retention';
import type { RetentionBudget } from './retention-budget';
import { ProcessTree } from './process-tree';
import { Subscriber, type EventStream, type SubscriberLimits } from './subscriber';

/** What a trace needs besides its capture session. */
export interface TraceOptions {
  id: string;
  spec: TraceSpec;
  backend: BackendName;
  /** The identity that started it. */
  owner: string;
  idleTimeoutMs: number;
  /** Bytes of encoded events retained (TraceSpec.retention_bytes, or the service default). */
  retentionBytes: number;
  /** The service-wide bound on retained bytes the window counts against (none: its own limit only). */
  budget?: RetentionBudget;
  limits: SubscriberLimits;
  log: Logger;
  /** Called once, after the trace has ended for whatever reason. */
  onEnded: (trace: Trace) => void;
  /** Most processes and threads its process tree keeps (sctraced --tree-max-nodes). */
  treeMaxNodes?: number;
}

/** A trace. Created by TraceManager; `attach` happens right after the capture session opens. */
export class Trace implements CaptureSink {
  /** events() numbers and encodes the batch before it returns and keeps no event object. */
  readonly borrowsEvents = true;
  readonly startedNs = BigInt(Date.now()) * 1_000_000n;
  private session: CaptureSession | undefined;
  private readonly subscribers = new Map<string, Subscriber>();
  private nextSubscriber = 1;
  private readonly window: RetentionWindow;
  private received = 0;
  private lostKernel = 0;
  private decodeErrors = 0;
  /** Counters of subscribers that have left, so the trace's totals never go down. */
  private pastDelivered = 0;
  private pastLost = 0;
  private pastLostRetention = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private stopping: Promise<TraceCounters> | undefined;
  /** The capture session has closed: no event comes after the window's last. */
  private ended = false;
  /**
   * A client may come back for the end of the stopped trace: it was not stopped for idleness. A
   * stream that was written the end may not have received it (it sat in the transport's buffers
   * when the connection dropped, e.g. when a client's stall timer fired while the stop drained
   * the kernel buffer): its client reconnects and must find the window, not NOT_FOUND with the
   * end of its trace unsent. The window then lingers (TraceManager) and gives way first in the
   * retention budget.
   */
  private awaited = false;
  private idleStop = false;
  /** release() was called: the window goes as soon as no stream reads it. */
  private forgotten = false;
  private windowReleased = false;
  private failure: Error | undefined;
  private readonly tree: ProcessTree;

  constructor(private readonly options: TraceOptions) {
    this.window = new RetentionWindow(options.retentionBytes, options.budget);
    this.tree = new ProcessTree(options.treeMaxNodes);
  }

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

  /** Sequence number of the newest event or notice; 0 before the first. */
  get latestSequence(): number {
    return this.window.latest;
  }

  /**
   * Adds a stream starting at `fromSequence` (0: the next event; N >= 1: event N, or the oldest
   * retained one after an EventsLost "retention"); returns a function the caller runs when the
   * client goes away. Throws SequenceOutOfRangeError for a sequence the trace has not reached.
   */
  subscribe(stream: EventStream, peer: string, fromSequence = 0): { subscriber: Subscriber; cancel: () => void } {
    const latest = this.window.latest;
    if (fromSequence > latest + 1) throw new SequenceOutOfRangeError(this.id, fromSequence, latest);
    const id = `s${this.nextSubscriber++}`;
    const start = fromSequence === 0 ? latest + 1 : fromSequence;
    // A stream that ended leaves the trace (its client is told the status; no cancel follows).
    const ending: EventStream = {
      write: (message, written) => stream.write(message, written),
      once: (event, listener) => stream.once(event, listener),
      end: () => {
        stream.end();
        this.retire(subscriber);
      },
      fail: (error) => {
        stream.fail(error);
        this.retire(subscriber);
      },
    };
    const subscriber: Subscriber = new Subscriber(id, peer, ending, this.options.limits, this.window, start);
    this.subscribers.set(id, subscriber);
    this.disarmIdleTimer();
    const from = fromSequence === 0 ? '' : ` from sequence ${fromSequence}`;
    this.options.log.info(`trace ${this.id}: subscriber ${id} from ${peer} attached${from}`);
    const cancel = () => {
      if (!this.subscribers.has(id)) return;
      subscriber.abandon();
      this.retire(subscriber);
      this.options.log.info(`trace ${this.id}: subscriber ${id} left`);
      this.armIdleTimer();
    };
    subscriber.start();
    // A stopped trace still serves its window to a client catching up on the end of it.
    if (this.ended) subscriber.finish(this.failure);
    return { subscriber, cancel };
  }

  events(batch: Event[]): void {
    if (batch.length === 0) return;
    this.received += batch.length;
    let seq = this.window.latest;
    for (const event of batch) event.sequence = ++seq;
    this.tree.observe(batch);
    // Encoded once here; every subscriber sends slices of the same bytes. Chunks of a bounded
    // size fill the window's slabs with little left over (RetentionWindow.chunkBytes).
    const max = this.window.chunkBytes;
    for (let i = 0; i < batch.length; ) {
      const { chunk, next } = EventChunk.run(batch, i, max, this.window);
      this.window.append(chunk);
      i = next;
    }
    for (const s of this.subscribers.values()) s.wake();
  }

  /**
   * How many more events the trace takes now without making its most up-to-date subscriber lose
   * any: the backend reads no more than that, so when even that subscriber is a full window
   * behind, the excess waits in the kernel buffer (whose overflow is counted there) instead of
   * being decoded only to push unsent events out of the window. Subscribers further behind do not
   * limit it: a paused one must not cost the others anything. Unbounded without subscribers
   * (the window keeps the newest events for whoever subscribes later).
   */
  demand(): number {
    if (this.subscribers.size === 0) return Infinity;
    let behind = Infinity;
    for (const s of this.subscribers.values()) behind = Math.min(behind, s.bytesBehind());
    // A sixteenth of the window (at least two slabs: memory is counted in whole slabs) is kept
    // in reserve: chunks are dropped whole, and a batch of larger than average events must not
    // push out the chunk that subscriber is reading.
    const window = this.window.roomBytes;
    const room = window - Math.max(window >> 4, 2 * this.window.slabBytes) - behind;
    if (room <= 0) return 0;
    return Math.floor(room / this.window.averageEventBytes());
  }

  lost(count: number, site: LossSite): void {
    if (count <= 0) return;
    if (site === 'kernel') this.lostKernel += count;
    else this.decodeErrors += count;
    this.append(EventChunk.lost(this.window.latest + 1, { count, where: site }));
  }

  private append(chunk: EventChunk): void {
    this.window.append(chunk);
    for (const s of this.subscribers.values()) s.wake();
  }

  failed(error: Error): void {
    this.failure = error;
    this.options.log.error(`trace ${this.id} failed: ${error.message}`);
    void this.stop();
  }

  /**
   * Whether the stopped trace can still be streamed from its window: it is not released yet. It
   * goes once no stream reads it unless a client may be coming back (see `awaited`), so a stream
   * whose cancel the server has not processed yet keeps it for its reconnecting client too.
   */
  get resumable(): boolean {
    return this.ended && !this.windowReleased;
  }

  /** Stopped by the idle timeout (nobody subscribed for that long: nobody is coming back). */
  get stoppedIdle(): boolean {
    return this.idleStop;
  }

  /** Why the trace ended early, if it failed. */
  get failedWith(): Error | undefined {
    return this.failure;
  }

  /** The processes and threads the trace has seen (GetProcessTree). */
  processTree(): GetProcessTreeResponse {
    return this.tree.snapshot();
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
   * What subscriber streams were told they lost, by where (metrics): "retention" for starts
   * older than the window, "subscriber" for streams that fell out of it. Their sum is
   * counters().lost_subscribers.
   */
  subscriberLosses(): { subscriber: number; retention: number } {
    let lost = this.pastLost;
    let retention = this.pastLostRetention;
    for (const s of this.subscribers.values()) {
      const c = s.counts();
      lost += c.lost;
      retention += c.lostRetention;
    }
    return { subscriber: lost - retention, retention };
  }

  /**
   * Detaches the kernel side, delivers what it still had, ends every stream once it has sent the
   * window, and returns the final counters. Safe to call more than once.
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
    this.ended = true;
    this.window.retired = true;
    this.awaited = !this.idleStop;
    const counters = this.counters();
    for (const s of this.subscribers.values()) s.finish(this.failure);
    this.options.onEnded(this);
    this.releaseIfDone();
    return counters;
  }

  /**
   * Gives the window's memory back: the trace has ended and no new stream will read it
   * (TraceManager calls it when a stopped trace's linger time is over). Streams still sending
   * the end of it keep it until they leave (it stays counted, and gives way first, in the budget).
   */
  release(): void {
    this.forgotten = true;
    if (this.subscribers.size === 0) this.releaseWindow();
  }

  private releaseIfDone(): void {
    if (this.ended && this.subscribers.size === 0 && (!this.awaited || this.forgotten)) this.releaseWindow();
  }

  private releaseWindow(): void {
    this.windowReleased = true;
    this.window.release();
  }

  private retire(subscriber: Subscriber): void {
    if (this.subscribers.get(subscriber.id) !== subscriber) return;
    const c = subscriber.counts();
    this.pastDelivered += c.delivered;
    this.pastLost += c.lost;
    this.pastLostRetention += c.lostRetention;
    this.subscribers.delete(subscriber.id);
    this.releaseIfDone();
  }

  private armIdleTimer(): void {
    if (this.stopping || this.subscribers.size > 0 || this.idleTimer) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      this.options.log.info(`trace ${this.id}: no subscriber for ${this.options.idleTimeoutMs / 1000} s, stopping it`);
      this.idleStop = true;
      void this.stop();
    }, this.options.idleTimeoutMs);
    this.idleTimer.unref();
  }

  private disarmIdleTimer(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }
}
