/**
 * The traces of one kernel pass as the kernel sees them: slots, and the masks of the filter maps
 * and the control block (struct sct_control in bpf/shared/sctrace_event.h). Shared by both
 * backends: each applies the changes to its own kernel side through KernelFilters.
 *
 * A trace is a slot 0..63. For each filter kind the kernel holds a map from a value to the mask
 * of the traces whose filter lists it, plus a mask of the traces that do not filter on that kind
 * (*_any); one evaluation per event gives every trace that wants it (bpf/shared/sctrace_masks.h).
 * Adding or removing a trace rewrites only the entries of the values it lists.
 */
import type { CaptureSpec } from '../backend';
import { BackendError, CapacityError } from '../errors';
import { ENUMS } from '../ebpf/generated/bpf';

/** SCT_TRACES_MAX: bits in a mask. */
export const TRACE_SLOTS = ENUMS.sct_limits.SCT_TRACES_MAX;
/** SCT_NR_MAX: syscall numbers the kernel's tables cover. */
const NR_MAX = ENUMS.sct_limits.SCT_NR_MAX;
const ALL_SYSCALLS: readonly number[] = Array.from({ length: NR_MAX }, (_, nr) => nr);

import type { ViewLimits } from '../../syscalls/types';

/** What user space writes into the control block (besides mode, paused and the counters). */
export interface ControlBlock {
  active: bigint;
  pidAny: bigint;
  commAny: bigint;
  uidAny: bigint;
  cgroupAny: bigint;
  follow: bigint;
  procEvents: bigint;
  buffers: bigint;
  execEnv: bigint;
  /** Traces that want context switches. */
  sched: bigint;
  /** Traces that want signal deliveries. */
  signals: bigint;
  /** The largest string_max of the active traces; 0 without traces. */
  stringMax: number;
  /** The largest buffer_bytes. */
  bufferBytes: number;
  /** Ring fill (bytes) from which the budgets apply. */
  pressureBytes: number;
  /** Per slot: bytes the trace may add to the ring while it is under pressure. */
  budgets: number[];
}

/**
 * A kernel side's filter maps and control block. Calls come from the main thread, in the order
 * TraceSet documents; each may throw a BackendError naming the map and the kernel's errno. Every
 * change to the tgid map or to pid_any invalidates the kernel's cached pid verdicts
 * (sct_control.pid_gen): addTgid, removeFromTgids and writeControl bump it.
 */
export interface KernelFilters {
  /** The traces that want syscall `nr` (0n: none). */
  setSyscall(nr: number, traces: bigint): void;
  /** Adds `traces` to tgid's entry (creating it). */
  addTgid(tgid: number, traces: bigint): void;
  /** Removes `traces` from every tgid entry: the pids a trace listed and the children it followed. */
  removeFromTgids(traces: bigint): void;
  /** The traces whose comm filter lists `comm` (at most 15 bytes; 0n deletes the entry). */
  setComm(comm: string, traces: bigint): void;
  setUid(uid: number, traces: bigint): void;
  setCgroup(id: bigint, traces: bigint): void;
  /** Writes the masks and settings, then invalidates cached pid verdicts (sct_control.pid_gen). */
  writeControl(control: ControlBlock): void;
}

/** One running trace's kernel-visible part. */
export interface TraceSlot {
  slot: number;
  bit: bigint;
  spec: CaptureSpec;
  /** Bytes of the ring guaranteed to it under pressure (CaptureSpec.ringBytes, or a fair share). */
  budget: number;
}

/** Options of a TraceSet. */
export interface TraceSetOptions {
  /** Ring size in bytes: the pressure threshold and the budgets derive from it. */
  ringBytes: number;
  /** Most traces at once (at most TRACE_SLOTS). */
  maxTraces: number;
}

/**
 * The part of the ring the budgets share: they apply once half the ring is used, and sum to
 * three quarters of the other half, so that records charged to several traces at once, and
 * CPUs racing past the threshold, still find room.
 */
const BUDGET_SHARE = 3 / 8;

/** Slots and masks of one kernel pass. */
export class TraceSet {
  private readonly slots: (TraceSlot | undefined)[] = new Array(TRACE_SLOTS);

  constructor(
    private readonly filters: KernelFilters,
    private readonly options: TraceSetOptions,
  ) {
    if (options.maxTraces < 1 || options.maxTraces > TRACE_SLOTS) {
      throw new BackendError(`trace slots: ${options.maxTraces} traces asked for, the kernel pass holds 1 to ${TRACE_SLOTS}`);
    }
  }

  /** The running traces, by slot. */
  all(): TraceSlot[] {
    return this.slots.filter((s): s is TraceSlot => s !== undefined);
  }

  get size(): number {
    return this.all().length;
  }

  /** The trace in `slot`, if any. */
  get(slot: number): TraceSlot | undefined {
    return this.slots[slot];
  }

  /** The settings the kernel reads at: the largest of the running traces'. */
  maxLimits(): ViewLimits {
    let stringMax = 0;
    let bufferBytes = 0;
    let execEnv = false;
    for (const t of this.all()) {
      stringMax = Math.max(stringMax, t.spec.stringMaxBytes);
      bufferBytes = Math.max(bufferBytes, t.spec.bufferBytes);
      execEnv ||= t.spec.execEnv;
    }
    return { stringMax, bufferBytes, execEnv };
  }

  /**
   * Takes the lowest free slot for `spec`, writes its filter entries and activates it (its bit in
   * `active` last, so no program sees a half-written trace). Throws when every slot is taken or
   * the budgets cannot be met; nothing is left written then.
   */
  add(spec: CaptureSpec): TraceSlot {
    const slot = this.slots.findIndex((s, i) => s === undefined && i < this.options.maxTraces);
    if (slot < 0) throw new CapacityError(`all ${this.options.maxTraces} trace slots of the kernel pass are in use (sctraced --max-traces)`);
    const trace: TraceSlot = { slot, bit: 1n << BigInt(slot), spec, budget: 0 };
    this.slots[slot] = trace;
    try {
      this.assignBudgets();
      this.writeValues(trace);
      this.filters.writeControl(this.control());
    } catch (err) {
      // Leave no entry behind for a slot that never became active: the next trace in it would
      // inherit them (its pids, its bits in the value maps).
      this.slots[slot] = undefined;
      this.assignBudgets();
      for (const undo of [() => this.filters.writeControl(this.control()), () => this.filters.removeFromTgids(trace.bit), () => this.writeValues(trace)]) {
        try {
          undo();
        } catch {
          // The kernel side refuses this write too; the error below says what failed first.
        }
      }
      throw err;
    }
    return trace;
  }

  /**
   * Deactivates a trace (its bit in `active` first, so programs stop producing for it), then
   * removes it from the filter maps and frees its slot.
   */
  remove(trace: TraceSlot): void {
    if (this.slots[trace.slot] !== trace) return;
    this.slots[trace.slot] = undefined;
    this.assignBudgets();
    this.filters.writeControl(this.control());
    this.writeValues(trace);
    this.filters.removeFromTgids(trace.bit);
  }

  /**
   * Shares out the ring under pressure: a trace that asked for ring bytes (CaptureSpec.ringBytes)
   * gets them, the others split the rest evenly. Throws when the requests alone exceed the share.
   */
  private assignBudgets(): void {
    const total = Math.floor(this.options.ringBytes * BUDGET_SHARE);
    const traces = this.all();
    const asked = traces.reduce((sum, t) => sum + t.spec.ringBytes, 0);
    if (asked > total) {
      throw new CapacityError(
        `spec.ring_bytes: the traces ask for ${asked} bytes of the shared ring, at most ${total} can be guaranteed (sctraced --ring-mb sets the ring)`,
      );
    }
    const even = traces.filter((t) => t.spec.ringBytes === 0);
    const share = even.length ? Math.floor((total - asked) / even.length) : 0;
    for (const t of traces) t.budget = t.spec.ringBytes || share;
  }

  /** The control block for the running traces. */
  control(): ControlBlock {
    const c: ControlBlock = {
      active: 0n,
      pidAny: 0n,
      commAny: 0n,
      uidAny: 0n,
      cgroupAny: 0n,
      follow: 0n,
      procEvents: 0n,
      buffers: 0n,
      execEnv: 0n,
      sched: 0n,
      signals: 0n,
      stringMax: 0,
      bufferBytes: 0,
      pressureBytes: Math.floor(this.options.ringBytes / 2),
      budgets: new Array<number>(TRACE_SLOTS).fill(0),
    };
    for (const t of this.all()) {
      const { spec, bit } = t;
      c.active |= bit;
      if (spec.pids.length === 0) c.pidAny |= bit;
      if (spec.comms.length === 0) c.commAny |= bit;
      if (spec.uids.length === 0) c.uidAny |= bit;
      if (spec.cgroupIds.length === 0) c.cgroupAny |= bit;
      if (spec.followChildren && spec.pids.length > 0) c.follow |= bit;
      if (spec.processEvents) c.procEvents |= bit;
      if (spec.bufferBytes > 0) c.buffers |= bit;
      if (spec.execEnv) c.execEnv |= bit;
      if (spec.schedEvents) c.sched |= bit;
      if (spec.signalEvents) c.signals |= bit;
      c.budgets[t.slot] = t.budget;
    }
    const max = this.maxLimits();
    c.stringMax = max.stringMax;
    c.bufferBytes = max.bufferBytes;
    return c;
  }

  /**
   * Rewrites the map entries of every value `trace` lists with the union of the running traces
   * listing it (the trace itself included only while it is in its slot). The tgid map is the
   * exception: entries are added to (the programs add followed children to them too).
   */
  private writeValues(trace: TraceSlot): void {
    const running = this.slots[trace.slot] === trace;
    const { spec } = trace;
    const nrs = spec.syscalls ?? ALL_SYSCALLS;
    for (const nr of nrs) this.filters.setSyscall(nr, this.unionOf((s) => (s.syscalls === null ? nr < NR_MAX : s.syscalls.includes(nr))));
    if (running) for (const pid of spec.pids) this.filters.addTgid(pid, trace.bit);
    for (const comm of spec.comms) this.filters.setComm(comm, this.unionOf((s) => s.comms.includes(comm)));
    for (const uid of spec.uids) this.filters.setUid(uid, this.unionOf((s) => s.uids.includes(uid)));
    for (const id of spec.cgroupIds) this.filters.setCgroup(id, this.unionOf((s) => s.cgroupIds.includes(id)));
  }

  private unionOf(lists: (spec: CaptureSpec) => boolean): bigint {
    let mask = 0n;
    for (const t of this.all()) if (lists(t.spec)) mask |= t.bit;
    return mask;
  }
}
