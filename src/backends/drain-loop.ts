/**
 * What the eBPF and kmod sessions share between their kernel buffer and the sink: when to drain
 * (DrainLoop), the batch of decoded events on its way to the sink (EventBatch), and the clock
 * offset that turns the kernel's CLOCK_MONOTONIC stamps into wall time.
 */
import koffi from 'koffi';
import type { Event } from '../api/generated/sctrace/v1/Event';
import type { CaptureSink } from './backend';

/** What a drain left: more to read now, nothing until the next tick, or the session ended. */
export type DrainOutcome = 'more' | 'idle' | 'ended';

/**
 * Drives a session's drains: on a timer (the kernel side normally submits without waking anyone,
 * since a wakeup costs the traced process ~12 µs, docs/kernel-costs.md), at once while a drain says there is
 * more, and when the kernel signals readiness on `fd` (a forced wakeup in a burst).
 *
 * Re-arming the readiness watch: a BPF ring fd polls readable while it holds any data, and
 * backpressure may leave data in it, so after a readiness callback its watch stays off until the
 * next timer drain (`rearmAfterReadiness` false): re-armed at once it would fire on every loop
 * turn of a busy trace, draining a few records at a time at full CPU. The kmod events file is
 * read until EAGAIN, so its watch is re-armed right after the drain.
 */
export class DrainLoop {
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private poller: ReturnType<typeof koffi.node.poll> | undefined;
  private polling = false;
  private stopped = false;

  /** `drain` reads one budget and says what it left. */
  constructor(
    private readonly intervalMs: number,
    private readonly drain: () => DrainOutcome,
    private readonly rearmAfterReadiness: boolean,
  ) {}

  /** Starts the timer, and the readiness watch on `fd` unless it is null (not pollable). */
  start(fd: number | null): void {
    if (fd !== null) {
      this.poller = koffi.node.poll(fd, { readable: true }, () => this.onReadable());
      this.polling = true;
    }
    this.schedule(this.intervalMs);
  }

  /** Stops every timer and the watch; no drain starts after it. Idempotent. */
  stop(): void {
    this.stopped = true;
    this.clear();
    this.poller?.close();
    this.poller = undefined;
  }

  private onReadable(): void {
    if (this.stopped) return;
    this.poller?.stop();
    this.polling = false;
    this.run(true);
  }

  private schedule(delayMs: number): void {
    if (this.stopped || this.timer || this.immediate) return;
    if (delayMs === 0) this.immediate = setImmediate(() => this.run(false));
    else this.timer = setTimeout(() => this.run(false), delayMs);
  }

  private clear(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
  }

  private run(fromReadiness: boolean): void {
    this.clear();
    if (this.stopped) return;
    const outcome = this.drain();
    if (this.stopped || outcome === 'ended') return;
    if (outcome === 'more') {
      this.schedule(0);
      return;
    }
    if ((this.rearmAfterReadiness || !fromReadiness) && !this.polling && this.poller) {
      this.poller.start({ readable: true }, () => this.onReadable());
      this.polling = true;
    }
    this.schedule(this.intervalMs);
  }
}

/** Decoded events waiting for the sink, and how many were delivered. */
export class EventBatch {
  /** Filled by the decoder; handed to the sink by flush(). */
  pending: Event[] = [];
  /** Events delivered to the sink so far. */
  received = 0;

  constructor(private readonly sink: CaptureSink) {}

  /** Hands the pending events to the sink, if any. */
  flush(): void {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.received += batch.length;
    this.sink.events(batch);
  }
}

/**
 * Realtime minus monotonic, in nanoseconds: both kernel sides stamp records with CLOCK_MONOTONIC
 * (bpf_ktime_get_ns, ktime_get_ns), which is process.hrtime's clock (libuv's uv_hrtime);
 * performance.timeOrigin + now() is epoch time with sub-millisecond precision.
 */
export function monotonicToEpochOffsetNs(): bigint {
  const mono = process.hrtime.bigint();
  const epochNs = BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
  return epochNs - mono;
}
