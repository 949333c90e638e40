/**
 * The one capture pipeline of a kernel pass, the same for both backends: a record source (the
 * eBPF ring, the module's /proc file) only reads raw records; this reads them on the drain loop,
 * decodes each record once, hands it to every trace it is for (cut to that trace's settings),
 * places loss notices where the gaps are, and keeps per-trace counters.
 *
 * Per-trace rules:
 * - A trace gets the records whose mask has its bit, except syscalls that entered before it was
 *   activated: its slot may have belonged to a trace that stopped, and a trace alone would not
 *   have seen a call already in progress when its programs were attached either.
 * - Kernel losses are counted per trace in the kernel (struct sct_control.lost) and announced to
 *   that trace only, after the events decoded before the counter moved.
 * - Traces with the same limits and renderings (a TraceView) share one decoding of each record;
 *   a record several views want is decoded once per view, with the decode state updated once.
 * - The fd table is kept from events for a record when one of its traces selects every call that
 *   changes fds; otherwise its fd paths come from /proc (src/syscalls/fdstate.ts). A trace of
 *   some calls also captures the fd-changing ones it did not select (TraceTap.trackingOnly):
 *   they are decoded for the table and delivered to no trace.
 * - A trace whose consumers can take nothing (CaptureSink.demand() is 0) is paused in the kernel:
 *   its records are dropped there, counted, at no decoding cost, and the other traces go on.
 */
import type { Event } from '../../api/generated/sctrace/v1/Event';
import type { CaptureSink, CaptureStats } from '../backend';
import { DrainLoop, EventBatch, type DrainOutcome } from '../drain-loop';
import { BackendError, CorruptRecordError } from '../errors';
import { HeaderFlag, Kind, Layout, type RecordDecoder } from '../records';
import { ENUMS } from '../ebpf/generated/bpf';
import type { RecordHandler } from '../ebpf/ringbuf';
import { DEFAULT_RENDERING, sameView, type Rendering, type TraceView, type ViewLimits } from '../../syscalls/types';
import type { TraceSlot } from './trace-set';

/** Where raw records come from. */
export interface RecordSource {
  /** A descriptor that polls readable when the kernel forces a wakeup, or null. */
  readonly pollFd: number | null;
  /** Whether the readiness watch may be re-armed right after a drain (see DrainLoop). */
  readonly rearmAfterReadiness: boolean;
  /**
   * Hands up to `budget` committed records to `handler`, in order; `view`/`bytes` alias the
   * source's memory only until the handler returns. Returns how many were handed over. Throws a
   * BackendError when reading fails.
   */
  read(handler: RecordHandler, budget: number): number;
  /** Bytes committed by the kernel and not read yet. */
  pendingBytes(): number;
  /** Bytes read so far, in the units of pendingBytes(). */
  consumedBytes(): number;
}

/** What the pipeline asks of the kernel side while it runs. */
export interface LossCounters {
  /** Records the trace in `slot` lost in the kernel since the pass was loaded, all causes. */
  lost(slot: number): number;
  /** The same by cause (enum sct_loss order: ring, budget, paused, inflight). */
  lostByCause(slot: number): number[];
  /** Traces to drop in the kernel because their consumers are full (bit per slot). */
  setPaused(traces: bigint): void;
  /** Gives `bytes` back to the ring budget of the trace in `slot` (records it charged were read). */
  credit(slot: number, bytes: number): void;
}

/** Records decoded per drain before yielding to the event loop (gRPC must get its turn). */
const DRAIN_BUDGET = 4096;
/** How often the kernel's loss counters are read, in milliseconds. */
const STATS_INTERVAL_MS = 100;

/** One trace as the pipeline feeds it. */
export class TraceTap {
  readonly batch: EventBatch;
  /** Undecodable records for this trace since its last event (one notice per run). */
  undecodable = 0;
  decodeErrors = 0;
  /** Kernel losses announced so far, and the counter's value at activation. */
  lostReported = 0;
  lostBase = 0;
  /** Set once its slot is released: nothing more is delivered. */
  closed = false;
  /** Its counters when it was detached. */
  final: CaptureStats | undefined;
  /** Which of the pipeline's views it takes (Pipeline.regroup). */
  view = 0;
  /** Its limits and renderings: the key its view is shared by. */
  readonly decodeView: TraceView;
  /** activeSinceNs is set, and its 32-bit halves (compared per record without a bigint). */
  readonly activeSince: boolean;
  readonly activeSinceHi: number;
  readonly activeSinceLo: number;

  constructor(
    readonly trace: TraceSlot,
    readonly sink: CaptureSink,
    readonly limits: ViewLimits,
    /** CLOCK_MONOTONIC ns at activation: calls that entered before belong to someone else. */
    readonly activeSinceNs: bigint,
    rendering: Rendering = DEFAULT_RENDERING,
    /** It selects every call that changes fds (src/syscalls/fdeffects.ts tracesFdChanges). */
    readonly fdChangesTraced = true,
    /**
     * Syscall numbers its kernel filter captures only to keep the fd table (fdeffects.ts
     * fdTrackingSyscalls): decoded, never delivered to it.
     */
    readonly trackingOnly: ReadonlySet<number> | null = null,
  ) {
    this.batch = new EventBatch(sink);
    this.decodeView = { ...limits, ...rendering };
    this.activeSince = activeSinceNs > 0n;
    this.activeSinceHi = Number(BigInt.asUintN(64, activeSinceNs) >> 32n);
    this.activeSinceLo = Number(BigInt.asUintN(32, activeSinceNs));
  }

  /** Counter values by cause at activation. */
  causesBase: number[] = [0, 0, 0, 0];

  stats(lostNow: number, causesNow?: number[]): CaptureStats {
    const stats: CaptureStats = { received: this.batch.received, lostKernel: Math.max(this.lostReported, lostNow - this.lostBase), decodeErrors: this.decodeErrors };
    if (causesNow) {
      const c = causesNow.map((n, i) => n - (this.causesBase[i] ?? 0));
      stats.lostKernelCauses = { ring: c[0] ?? 0, budget: c[1] ?? 0, paused: c[2] ?? 0, inflight: c[3] ?? 0 };
    }
    return stats;
  }
}

/** Options of a Pipeline. */
export interface PipelineOptions {
  pollIntervalMs: number;
}

/** What a record charged to a ring budget costs beyond its size (SCT_CHARGE_OVERHEAD). */
const CHARGE_OVERHEAD = ENUMS.sct_charge.SCT_CHARGE_OVERHEAD;

/** Decodes a source's records once and feeds every trace they are for. */
export class Pipeline {
  private readonly taps: (TraceTap | undefined)[] = new Array(64);
  /** Views the records are decoded in: one per distinct TraceView of the taps (as delivered before regroup). */
  private views: (TraceView | undefined)[] = [undefined];
  /** Every tap keeps fd tables from events (no record needs to ask which of its traces do). */
  private allFdChangesTraced = true;
  private readonly loop: DrainLoop;
  private statsTimer: NodeJS.Timeout | undefined;
  private paused = 0n;
  /** Budget bytes to give back per slot after this drain (records flagged SCT_F_CHARGED). */
  private readonly credits = new Array<number>(64).fill(0);
  private stopped = false;
  private failure: Error | undefined;

  constructor(
    private readonly source: RecordSource,
    private readonly decoder: RecordDecoder,
    private readonly counters: LossCounters,
    private readonly options: PipelineOptions,
    /** Called once if the stream cannot go on (a corrupt record, a read error). */
    private readonly onFailure: (error: Error) => void,
  ) {
    this.loop = new DrainLoop(options.pollIntervalMs, () => this.drainTurn(), source.rearmAfterReadiness);
  }

  start(): void {
    this.loop.start(this.source.pollFd);
    this.statsTimer = setInterval(() => this.reportKernelLoss(), STATS_INTERVAL_MS);
    this.statsTimer.unref();
  }

  /** Starts feeding `tap` (its trace is active in the kernel from now on). */
  attach(tap: TraceTap): void {
    tap.lostBase = this.counters.lost(tap.trace.slot);
    tap.causesBase = this.counters.lostByCause(tap.trace.slot);
    this.taps[tap.trace.slot] = tap;
  }

  /**
   * After `tap`'s trace was deactivated in the kernel: delivers what the source still holds for
   * it (everything committed until now), its last loss notice, and detaches it.
   */
  async detach(tap: TraceTap): Promise<void> {
    const target = this.source.consumedBytes() + this.source.pendingBytes();
    while (!this.stopped && this.source.consumedBytes() < target) {
      if (this.drainOnce(DRAIN_BUDGET) === 0) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.reportLoss(tap);
    tap.final = tap.stats(this.counters.lost(tap.trace.slot), this.counters.lostByCause(tap.trace.slot));
    tap.closed = true;
    if (this.taps[tap.trace.slot] === tap) this.taps[tap.trace.slot] = undefined;
  }

  /** A tap's counters (as of its detach, once detached). */
  stats(tap: TraceTap): CaptureStats {
    if (tap.final || this.stopped) return tap.final ?? tap.stats(0);
    return tap.stats(this.counters.lost(tap.trace.slot), this.counters.lostByCause(tap.trace.slot));
  }

  /**
   * Groups the traces by view after a trace came or went: one view per distinct set of limits
   * and renderings, so traces with equal ones share one decoding. The kernel reads at the
   * largest limits of the traces (TraceSet.maxLimits); each view is cut from that.
   */
  regroup(): void {
    const views: TraceView[] = [];
    let allFdChangesTraced = true;
    for (const tap of this.taps) {
      if (!tap || tap.closed) continue;
      let i = views.findIndex((v) => sameView(v, tap.decodeView));
      if (i < 0) i = views.push(tap.decodeView) - 1;
      tap.view = i;
      allFdChangesTraced &&= tap.fdChangesTraced;
    }
    this.views = views.length > 0 ? views : [undefined];
    this.allFdChangesTraced = allFdChangesTraced;
  }

  /** Stops draining. Idempotent; the taps are left as they are. */
  stop(): void {
    this.stopped = true;
    this.loop.stop();
    if (this.statsTimer) clearInterval(this.statsTimer);
  }

  private drainTurn(): DrainOutcome {
    if (this.stopped) return 'ended';
    const handled = this.drainOnce(DRAIN_BUDGET);
    if (this.stopped) return 'ended';
    this.updatePaused();
    return handled >= DRAIN_BUDGET ? 'more' : 'idle';
  }

  /** Reads up to `budget` records, hands their events out, flushes every trace's batch. */
  private drainOnce(budget: number): number {
    if (this.stopped) return 0;
    let handled = 0;
    try {
      handled = this.source.read(this.onRecord, budget);
    } catch (err) {
      this.fail(err instanceof BackendError ? err : new BackendError(`read the capture source: ${(err as Error).message}`, { cause: err }));
    }
    for (let slot = 0; slot < this.credits.length; slot++) {
      if (this.credits[slot] === 0) continue;
      this.counters.credit(slot, this.credits[slot]);
      this.credits[slot] = 0;
    }
    for (const tap of this.taps) {
      if (!tap) continue;
      tap.batch.flush();
      if (tap.undecodable > 0) {
        tap.sink.lost(tap.undecodable, 'decode');
        tap.undecodable = 0;
      }
    }
    return handled;
  }

  /** A record charged to its first trace's ring budget (its lowest slot) is read: it gets the bytes back. */
  private creditRecord(lo: number, hi: number, len: number): void {
    const slot = lo !== 0 ? 31 - Math.clz32(lo & -lo) : 32 + 31 - Math.clz32(hi & -hi);
    if ((lo | hi) !== 0) this.credits[slot] += len + CHARGE_OVERHEAD;
  }

  private readonly onRecord: RecordHandler = (view, bytes, off, len) => {
    if (this.failure) return;
    // A record too short for its header is corrupt: the decoder says so. Otherwise a record no
    // open trace takes (its trace stopped, or the call began before its trace) is not decoded.
    let n = 0;
    if (len >= Layout.header.SIZE) {
      // The trace mask (sct_header.traces) as two 32-bit halves: bit s is bit s of lo for s < 32,
      // bit s - 32 of hi otherwise.
      const lo = view.getUint32(off + Layout.header.traces, true);
      const hi = view.getUint32(off + Layout.header.traces + 4, true);
      if (view.getUint32(off + Layout.header.flags, true) & HeaderFlag.CHARGED) this.creditRecord(lo, hi, len);
      n = this.collectTaps(lo, hi, view, off);
      if (n === 0) {
        // Only captured to keep the fd table: decoded for its effect on it, delivered to nobody.
        if (this.tracking) this.decodeForState(view, bytes, off, len);
        return;
      }
    }
    const taps = this.matched;
    // The views this record's traces take (almost always just the first), and whether one of
    // them keeps the fd table from events.
    let wanted = 0;
    let fdChangesTraced = this.allFdChangesTraced || this.tracking;
    if (this.views.length > 1 || !fdChangesTraced) {
      for (let i = 0; i < n; i++) {
        const tap = taps[i];
        wanted |= tap.view < 31 ? 1 << tap.view : -1;
        fdChangesTraced ||= tap.fdChangesTraced;
      }
    }
    let events: Event[] | null;
    let event: Event | null = null;
    // More than 31 distinct views: every view is decoded (rare; each tap finds its own by index).
    const picked = wanted < 0 ? this.views : wanted > 1 ? this.views.filter((_, i) => wanted & (1 << i)) : undefined;
    try {
      if (picked) events = this.decoder.decodeViews(view, bytes, off, len, picked, fdChangesTraced);
      else {
        event = this.decoder.decode(view, bytes, off, len, this.views[0], fdChangesTraced);
        events = null;
      }
    } catch (err) {
      if (err instanceof CorruptRecordError) {
        this.fail(new BackendError(`corrupt record from the kernel: ${err.message}`, { cause: err }));
        return;
      }
      for (let i = 0; i < n; i++) {
        const tap = taps[i];
        if (tap.undecodable === 0) tap.batch.flush();
        tap.undecodable++;
        tap.decodeErrors++;
      }
      return;
    }
    if (events === null && event === null) return;
    if (n === 1) {
      // One trace (the usual case): it gets the decoded object, whatever kind of sink it is.
      const tap = taps[0];
      this.announceUndecodable(tap);
      tap.batch.pending.push(event ?? events![picked === this.views ? tap.view : bitIndex(wanted, tap.view)]);
      return;
    }
    const lent = this.lent;
    const owned = this.owned;
    lent.length = 0;
    owned.length = 0;
    for (let i = 0; i < n; i++) {
      const tap = taps[i];
      this.announceUndecodable(tap);
      const one = event ?? events![picked === this.views ? tap.view : bitIndex(wanted, tap.view)];
      // Sinks that borrow their events (traces: they encode the batch at once) share the decoded
      // object; one that owns them (it may keep them) gets it only if no other sink has it.
      let given = one;
      if (owned.includes(one) || (!tap.sink.borrowsEvents && lent.includes(one))) given = { ...one };
      else (tap.sink.borrowsEvents ? lent : owned).push(one);
      tap.batch.pending.push(given);
    }
  };

  /** Decodes a record no tap takes but one keeps its fd table by (TraceTap.trackingOnly). */
  private decodeForState(view: DataView, bytes: Uint8Array, off: number, len: number): void {
    try {
      this.decoder.decode(view, bytes, off, len, this.views[0], true);
    } catch (err) {
      if (err instanceof CorruptRecordError) this.fail(new BackendError(`corrupt record from the kernel: ${err.message}`, { cause: err }));
      // Otherwise the fd table may miss this call; it delivers nothing, so no trace loses an event.
    }
  }

  /** Before `tap`'s next event: the notice for the records it could not decode since its last one. */
  private announceUndecodable(tap: TraceTap): void {
    if (tap.undecodable === 0) return;
    tap.batch.flush();
    tap.sink.lost(tap.undecodable, 'decode');
    tap.undecodable = 0;
  }

  /** The decoded events of the current record lent to borrowing sinks and given to owning ones (reused). */
  private readonly lent: Event[] = [];
  private readonly owned: Event[] = [];
  /** The taps the current record is for: the first collectTaps() entries (reused, never shrunk). */
  private readonly matched: TraceTap[] = [];
  /** The current record is one a matched trace captures only for its fd table (set by collectTaps). */
  private tracking = false;

  /**
   * Fills `matched` with the open taps whose bit is set in lo/hi and that the record at `off`
   * belongs to (a syscall that entered before a tap was activated is not its); returns how many.
   */
  private collectTaps(lo: number, hi: number, view: DataView, off: number): number {
    let n = 0;
    this.tracking = false;
    let nr = -1;
    // enter_ns as two 32-bit halves, read once the first tap needs it (no bigint per record).
    let enterHi = -1;
    let enterLo = 0;
    for (let half = 0; half < 2; half++) {
      let bits = half === 0 ? lo : hi;
      while (bits !== 0) {
        const bit = 31 - Math.clz32(bits & -bits);
        bits &= bits - 1;
        const tap = this.taps[half * 32 + bit];
        if (!tap || tap.closed) continue;
        if (tap.activeSince && view.getUint16(off + Layout.header.kind, true) === Kind.SYSCALL) {
          if (enterHi < 0) {
            enterLo = view.getUint32(off + Layout.syscall.enter_ns, true);
            enterHi = view.getUint32(off + Layout.syscall.enter_ns + 4, true);
          }
          if (enterHi < tap.activeSinceHi || (enterHi === tap.activeSinceHi && enterLo < tap.activeSinceLo)) continue;
        }
        if (tap.trackingOnly !== null && view.getUint16(off + Layout.header.kind, true) === Kind.SYSCALL) {
          if (nr < 0) nr = view.getUint32(off + Layout.syscall.nr, true);
          if (tap.trackingOnly.has(nr)) {
            this.tracking = true;
            continue;
          }
        }
        this.matched[n++] = tap;
      }
    }
    return n;
  }

  /** Reads the kernel's per-trace loss counters; announces what moved, after what was decoded. */
  private reportKernelLoss(): void {
    if (this.stopped) return;
    let moved = false;
    for (const tap of this.taps) if (tap && this.counters.lost(tap.trace.slot) - tap.lostBase > tap.lostReported) moved = true;
    if (!moved) return;
    // Deliver what was committed before the counters moved, so each notice lands where its gap is.
    this.drainOnce(DRAIN_BUDGET);
    for (const tap of this.taps) if (tap) this.reportLoss(tap);
  }

  private reportLoss(tap: TraceTap): void {
    if (tap.closed || this.stopped) return;
    const lost = this.counters.lost(tap.trace.slot) - tap.lostBase;
    if (lost > tap.lostReported) {
      tap.sink.lost(lost - tap.lostReported, 'kernel');
      tap.lostReported = lost;
    }
  }

  /** Pauses in the kernel the traces whose consumers are full, resumes the others. */
  private updatePaused(): void {
    let paused = 0n;
    for (const tap of this.taps) {
      if (tap && !tap.closed && tap.sink.demand && tap.sink.demand() <= 0) paused |= tap.trace.bit;
    }
    if (paused !== this.paused) {
      this.paused = paused;
      this.counters.setPaused(paused);
    }
  }

  /** Tracks `pid`'s fd table from now (a new trace's target). */
  track(pid: number): void {
    this.decoder.state?.track?.(pid);
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    this.stop();
    this.onFailure(error);
  }
}

/** The position of bit `bit` among the set bits of `mask` (how many set bits are below it). */
function bitIndex(mask: number, bit: number): number {
  let n = 0;
  for (let i = 0; i < bit; i++) if (mask & (1 << i)) n++;
  return n;
}
