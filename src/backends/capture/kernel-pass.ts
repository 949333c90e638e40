/**
 * One kernel pass for every trace of a backend: the kernel side (programs or module probes, the
 * shared ring) is loaded with the first trace and unloaded after the last, and a trace is a slot
 * in its filter maps. This class is the lifecycle, the same for both backends; a KernelSide does
 * the backend's part (load, attach, read, unload).
 *
 * Starting a trace: attach what it needs (KernelSide.reconcile, before it is active, so nothing
 * it wants runs unattached), write its filter entries and activate its slot (TraceSet.add), start
 * feeding its sink. Stopping one: deactivate its slot, deliver what the ring still holds for it,
 * remove its entries, then re-plan the attachments for the traces left (or unload). Starts and
 * stops are serialized; the drain loop runs throughout.
 */
import type { CaptureSession, CaptureSink, CaptureSpec, CaptureStats, RingFill } from '../backend';
import { monotonicToEpochOffsetNs } from '../drain-loop';
import { RecordDecoder } from '../records';
import { fdTrackingSyscalls, tracesFdChanges } from '../../syscalls/fdeffects';
import type { SyscallResolver } from '../../syscalls/types';
import { Pipeline, TraceTap, type LossCounters, type RecordSource } from './pipeline';
import { TraceSet, type KernelFilters, type TraceSlot } from './trace-set';

/** What a loaded kernel side hands the pass. */
export interface KernelParts {
  filters: KernelFilters;
  source: RecordSource;
  counters: LossCounters;
}

/** A backend's kernel side. Calls are serialized by the pass. */
export interface KernelSide {
  /** Loads what every trace shares and starts nothing yet; throws a BackendError naming the step. */
  open(): Promise<KernelParts>;
  /**
   * Makes the attachments fit `specs` (the traces that run, or are about to) without a window in
   * which one of them misses an event. May keep attachments no trace needs for a while.
   */
  reconcile(specs: readonly CaptureSpec[]): Promise<void>;
  /** How a trace of `spec` is captured now, in a few words for the service log. */
  describe(spec: CaptureSpec): string;
  /** Detaches and frees everything. open() may follow. */
  close(): Promise<void>;
}

/** Options of a KernelPass. */
export interface KernelPassOptions {
  /** Ring size in bytes (the budgets are shares of it). */
  ringBytes: number;
  maxTraces: number;
  pollIntervalMs: number;
}

/** The loaded state of a pass. */
interface Loaded {
  parts: KernelParts;
  traces: TraceSet;
  pipeline: Pipeline;
  taps: Set<TraceTap>;
}

/** The running traces of one backend and the kernel side they share. */
export class KernelPass {
  private loaded: Loaded | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly side: KernelSide,
    private readonly syscalls: SyscallResolver,
    private readonly options: KernelPassOptions,
  ) {}

  /** Starts a trace of `spec` delivering to `sink`. */
  open(spec: CaptureSpec, sink: CaptureSink): Promise<CaptureSession> {
    return this.serialize(() => this.add(spec, sink));
  }

  /** The shared ring's fill, while the pass is loaded. */
  ringFill(): RingFill | undefined {
    const loaded = this.loaded;
    return loaded ? { pendingBytes: loaded.parts.source.pendingBytes(), sizeBytes: this.options.ringBytes } : undefined;
  }

  /** Running traces (for tests and the log). */
  get traceCount(): number {
    return this.loaded?.taps.size ?? 0;
  }

  private serialize<T>(step: () => Promise<T>): Promise<T> {
    const run = this.queue.then(step, step);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async add(spec: CaptureSpec, sink: CaptureSink): Promise<CaptureSession> {
    const loaded = this.loaded ?? (await this.load());
    // With exact fd paths (-y) the kernel also captures the fd-changing calls the trace does not
    // select (fdeffects.ts fdTrackingSyscalls); its tap decodes them into the fd table and
    // delivers none of them.
    const tracking = spec.trackFds ? fdTrackingSyscalls(spec.syscalls, this.syscalls) : [];
    const kernelSpec = tracking.length === 0 ? spec : { ...spec, syscalls: [...(spec.syscalls ?? []), ...tracking] };
    try {
      await this.side.reconcile([...[...loaded.taps].map((t) => t.trace.spec), kernelSpec]);
      for (const pid of spec.pids) loaded.pipeline.track(pid);
      const trace = loaded.traces.add(kernelSpec);
      const tap = new TraceTap(
        trace,
        sink,
        { stringMax: spec.stringMaxBytes, bufferBytes: spec.bufferBytes, execEnv: spec.execEnv },
        process.hrtime.bigint(),
        spec.rendering,
        tracesFdChanges(kernelSpec.syscalls, this.syscalls),
        tracking.length === 0 ? null : new Set(tracking),
      );
      loaded.pipeline.attach(tap);
      loaded.pipeline.regroup();
      loaded.taps.add(tap);
      return new TapSession(tap, this.side.describe(spec), loaded.pipeline, () => this.serialize(() => this.remove(loaded, tap)));
    } catch (err) {
      if (loaded.taps.size === 0) await this.unload(loaded);
      throw err;
    }
  }

  private async load(): Promise<Loaded> {
    const parts = await this.side.open();
    try {
      const traces = new TraceSet(parts.filters, { ringBytes: this.options.ringBytes, maxTraces: this.options.maxTraces });
      const decoder = new RecordDecoder(this.syscalls, monotonicToEpochOffsetNs());
      const pipeline = new Pipeline(
        parts.source,
        decoder,
        parts.counters,
        { pollIntervalMs: this.options.pollIntervalMs },
        (error) => void this.serialize(() => this.failAll(error)),
      );
      const loaded: Loaded = { parts, traces, pipeline, taps: new Set() };
      pipeline.start();
      this.loaded = loaded;
      return loaded;
    } catch (err) {
      await this.side.close();
      throw err;
    }
  }

  private async remove(loaded: Loaded, tap: TraceTap): Promise<void> {
    if (this.loaded !== loaded || !loaded.taps.has(tap)) return;
    loaded.traces.remove(tap.trace);
    await loaded.pipeline.detach(tap);
    loaded.taps.delete(tap);
    loaded.pipeline.regroup();
    if (loaded.taps.size === 0) await this.unload(loaded);
    else await this.side.reconcile([...loaded.taps].map((t) => t.trace.spec));
  }

  private async unload(loaded: Loaded): Promise<void> {
    loaded.pipeline.stop();
    if (this.loaded === loaded) this.loaded = undefined;
    await this.side.close();
  }

  /** The stream cannot go on: every trace ends with `error`, the kernel side is unloaded. */
  private async failAll(error: Error): Promise<void> {
    const loaded = this.loaded;
    if (!loaded) return;
    const taps = [...loaded.taps];
    for (const tap of taps) tap.closed = true;
    loaded.taps.clear();
    await this.unload(loaded);
    for (const tap of taps) tap.sink.failed(error);
  }
}

/** A trace's handle on the pass: the CaptureSession the trace manager holds. */
class TapSession implements CaptureSession {
  private closing: Promise<void> | undefined;

  constructor(
    private readonly tap: TraceTap,
    readonly detail: string,
    private readonly pipeline: Pipeline,
    private readonly release: () => Promise<void>,
  ) {}

  /** The slot, for tests and the log. */
  get trace(): TraceSlot {
    return this.tap.trace;
  }

  stats(): CaptureStats {
    return this.pipeline.stats(this.tap);
  }

  close(): Promise<void> {
    this.closing ??= this.release();
    return this.closing;
  }
}
