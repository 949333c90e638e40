/**
 * The eBPF backend's kernel side of the one kernel pass (src/backends/capture/kernel-pass.ts):
 * one BPF object for every trace of the service. One straight loader with one cleanup path:
 * open → configure (.rodata, map sizes) → load → map the control block → fill the per-syscall
 * tables → attach the process programs → read the ring; then the syscall programs are attached
 * as the running traces need (reconcile), and close() undoes it all.
 *
 * Wakeup policy (docs/kernel-costs.md: each ring wakeup costs the traced process ~12 µs): the
 * programs submit with BPF_RB_NO_WAKEUP unless `wakeupBytes` are waiting, so normally nothing
 * interrupts the traced process; the pipeline drains on a short timer, and on the ring fd's
 * readiness for the forced wakeups of a burst.
 */
import koffi from 'koffi';
import type { CaptureSpec } from '../backend';
import { BackendError } from '../errors';
import type { KernelParts, KernelSide } from '../capture/kernel-pass';
import type { LossCounters, RecordSource } from '../capture/pipeline';
import type { ControlBlock, KernelFilters } from '../capture/trace-set';
import { encodeSyscallMeta, encodeSyscallReads, kernelMeta } from '../../syscalls/catalog';
import type { SyscallResolver } from '../../syscalls/types';
import type { IoctlArgSize } from '../../syscalls/decoders/ioctl';
import {
  describePlan,
  PER_SYSCALL_EXIT_PROGRAM,
  perSyscallEnterProgram,
  planSyscallAttach,
  RAW_PROGRAMS,
  type SyscallAttachPlan,
} from './attach-plan';
import { BPF_EXIST, BPF_NOEXIST, BpfObject, type AttachedLink } from './bpf-object';
import { ENUMS, STRUCTS, type ProgramName } from './generated/bpf';
import { hasBtfTracepoint } from './kernel-btf';
import { errnoMessage, libbpf, MAP_FAILED, MAP_SHARED, PROT_READ, PROT_WRITE } from './libbpf';
import { RingReader } from './ringbuf';

/** Tunables (ServiceConfig). */
export interface EbpfKernelOptions {
  objectPath: string;
  /** Ring buffer data size in bytes: a power of two, a multiple of the page size. */
  ringBytes: number;
  /** Force a consumer wakeup when this many bytes wait in the ring. */
  wakeupBytes: number;
  /** Most syscalls the pass attaches one by one (attach-plan.ts). */
  perSyscallMax: number;
  /** The service's own tgid, never traced. */
  selfTgid: number;
}

/** Scratch slots per CPU in sct_scratch. */
const SCRATCH_SLOTS_PER_CPU = ENUMS.sct_scratch_slot.SCT_SCRATCH_SLOTS;
const MODE = ENUMS.sct_attach_mode;
const LOSS_KINDS = ENUMS.sct_loss.SCT_LOSS_KINDS;
const C = STRUCTS.sct_control;
/** The programs that do not depend on the syscall attach mode, attached at load. */
const PROCESS_PROGRAMS: readonly ProgramName[] = ['sct_proc_fork', 'sct_proc_exec', 'sct_proc_exit', 'sct_prepare_exec'];

/** The eBPF kernel side. */
export class EbpfKernelSide implements KernelSide {
  private obj: BpfObject | undefined;
  private control: ControlView | undefined;
  private ring: RingReader | undefined;
  private plan: SyscallAttachPlan | undefined;
  private raw: AttachedLink[] = [];
  /** Per-syscall tracepoint pairs attached, by tracepoint name. */
  private perSyscall = new Map<string, AttachedLink[]>();
  /** Detaches running in the background (close() waits for them). */
  private detaching = new Set<Promise<void>>();

  constructor(
    private readonly options: EbpfKernelOptions,
    private readonly syscalls: SyscallResolver,
  ) {}

  async open(): Promise<KernelParts> {
    const obj = BpfObject.open(this.options.objectPath);
    this.obj = obj;
    try {
      this.configure(obj);
      obj.load();
      this.control = new ControlView(obj.mapFd('.bss'), obj.valueSize('.bss'));
      this.control.init();
      this.fillTables(obj);
      for (const name of PROCESS_PROGRAMS) if (name !== 'sct_prepare_exec' || hasPrepareExec()) obj.attach(name);
      this.ring = new RingReader(obj.mapFd('sct_events'), this.options.ringBytes);
      return { filters: new EbpfFilters(obj, this.control, (links) => this.detachInBackground(links)), source: new RingSource(this.ring), counters: new EbpfLosses(obj, this.control) };
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  private configure(obj: BpfObject): void {
    if (!hasPrepareExec()) obj.setAutoload('sct_prepare_exec', false);
    obj.setReadOnlyGlobals({ self_tgid: this.options.selfTgid, wakeup_bytes: BigInt(this.options.wakeupBytes) });
    obj.setMaxEntries('sct_events', this.options.ringBytes);
    const ncpus = libbpf().libbpf_num_possible_cpus() as number;
    if (ncpus <= 0) throw new BackendError(`count possible CPUs: libbpf returned ${ncpus}`);
    obj.setMaxEntries('sct_scratch', ncpus * SCRATCH_SLOTS_PER_CPU);
  }

  /** What to read per syscall, whichever trace wants it: filled once. */
  private fillTables(obj: BpfObject): void {
    const tabFd = obj.mapFd('sct_syscall_tab');
    const readsFd = obj.mapFd('sct_syscall_reads');
    for (const m of kernelMeta(this.syscalls)) {
      if (!m.strMask && !m.enterStr && m.reads.length === 0) continue;
      obj.update(tabFd, 'sct_syscall_tab', u32(m.nr), encodeSyscallMeta(m));
      if (m.reads.length > 0) obj.update(readsFd, 'sct_syscall_reads', u32(m.nr), encodeSyscallReads(m));
    }
    const ioctlFd = obj.mapFd('sct_ioctl_sizes');
    for (const t of this.syscalls.ioctlArgSizes?.() ?? []) obj.update(ioctlFd, 'sct_ioctl_sizes', u32(t.request), encodeIoctlSize(t));
  }

  /**
   * Attaches the syscall programs `specs` need, switches sct_ctl.mode to them, then detaches (in
   * the background) what no longer acts. The switch is a single store: calls that entered under
   * one mode exit under the other's programs, which handle any active in-flight slot.
   */
  async reconcile(specs: readonly CaptureSpec[]): Promise<void> {
    const obj = this.loadedObject();
    const plan = planSyscallAttach(specs.map((s) => s.syscalls), this.syscalls, this.options.perSyscallMax);
    if (plan.mode === 'raw') {
      if (this.raw.length === 0) this.raw = RAW_PROGRAMS.map((name) => obj.attach(name));
      this.control!.setMode(MODE.SCT_MODE_RAW);
      this.detachInBackground([...this.perSyscall.values()].flat());
      this.perSyscall.clear();
    } else {
      const wanted = new Set(plan.tracepoints.map((tp) => tp.name));
      for (const tp of plan.tracepoints) {
        if (this.perSyscall.has(tp.name)) continue;
        // The exit first: an entry without its exit would leave a slot active until the thread's next traced call.
        const exit = obj.attachTracepoint(PER_SYSCALL_EXIT_PROGRAM, 'syscalls', `sys_exit_${tp.name}`);
        try {
          this.perSyscall.set(tp.name, [exit, obj.attachTracepoint(perSyscallEnterProgram(tp.nargs), 'syscalls', `sys_enter_${tp.name}`)]);
        } catch (err) {
          this.detachInBackground([exit]);
          throw err;
        }
      }
      this.control!.setMode(MODE.SCT_MODE_PER);
      this.detachInBackground(this.raw);
      this.raw = [];
      for (const [name, links] of this.perSyscall) {
        if (wanted.has(name)) continue;
        this.perSyscall.delete(name);
        this.detachInBackground(links);
      }
    }
    this.plan = plan;
  }

  describe(): string {
    return this.plan ? describePlan(this.plan) : 'syscalls not attached';
  }

  private detachInBackground(links: readonly AttachedLink[]): void {
    if (links.length === 0 || !this.obj) return;
    const done = this.obj.detach(links).finally(() => this.detaching.delete(done));
    this.detaching.add(done);
  }

  private loadedObject(): BpfObject {
    if (!this.obj) throw new BackendError('ebpf: the kernel pass is not loaded');
    return this.obj;
  }

  async close(): Promise<void> {
    const obj = this.obj;
    this.obj = undefined;
    this.control?.setMode(MODE.SCT_MODE_NONE);
    if (obj) await obj.detachAllAsync();
    await Promise.all([...this.detaching]);
    this.raw = [];
    this.perSyscall.clear();
    this.plan = undefined;
    this.ring?.close();
    this.ring = undefined;
    this.control?.close();
    this.control = undefined;
    obj?.close();
  }
}

/** Linux < 6.10 has no sched_prepare_exec: exec strings are then read at sys_enter only. */
function hasPrepareExec(): boolean {
  return hasBtfTracepoint('sched_prepare_exec');
}

/** The ring as the pipeline's record source. */
class RingSource implements RecordSource {
  readonly rearmAfterReadiness = false;

  constructor(private readonly ring: RingReader) {}

  get pollFd(): number {
    return this.ring.fd;
  }

  read(handler: Parameters<RingReader['drain']>[0], budget: number): number {
    return this.ring.drain(handler, budget);
  }

  pendingBytes(): number {
    return this.ring.pendingBytes();
  }

  consumedBytes(): number {
    return this.ring.consumedBytes();
  }
}

/**
 * Per-trace kernel losses: a trace's own counters in the control block plus its share of the
 * losses of records for several traces, which the programs count once per record by trace mask
 * (sct_lost_masks; read at most every MASK_LOSS_REFRESH_MS, it is a map walk).
 */
class EbpfLosses implements LossCounters {
  private readonly masksFd: number;
  private shared: number[][] = [];
  private readAt = 0;

  constructor(
    private readonly obj: BpfObject,
    private readonly control: ControlView,
  ) {
    this.masksFd = obj.mapFd('sct_lost_masks');
  }

  lost(slot: number): number {
    return this.lostByCause(slot).reduce((a, b) => a + b, 0);
  }

  lostByCause(slot: number): number[] {
    const own = this.control.lostByCause(slot);
    const shared = this.sharedLosses()[slot];
    return shared ? own.map((n, k) => n + (shared[k] ?? 0)) : own;
  }

  setPaused(traces: bigint): void {
    this.control.setPaused(traces);
  }

  credit(slot: number, bytes: number): void {
    this.control.credit(slot, bytes);
  }

  /** Per slot and cause, the losses of every mask entry that names the slot. */
  private sharedLosses(): number[][] {
    const now = Date.now();
    if (now - this.readAt < MASK_LOSS_REFRESH_MS) return this.shared;
    this.readAt = now;
    const bySlot: number[][] = [];
    const value = new BigUint64Array(LOSS_KINDS);
    const bytes = new Uint8Array(value.buffer);
    for (const key of this.obj.keys(this.masksFd, 'sct_lost_masks', 8)) {
      if (!this.obj.lookup(this.masksFd, 'sct_lost_masks', key, bytes)) continue;
      const mask = new DataView(key.buffer).getBigUint64(0, true);
      for (let slot = 0; slot < 64; slot++) {
        if (!((mask >> BigInt(slot)) & 1n)) continue;
        const row = (bySlot[slot] ??= new Array<number>(LOSS_KINDS).fill(0));
        for (let k = 0; k < LOSS_KINDS; k++) row[k] += Number(value[k]);
      }
    }
    this.shared = bySlot;
    return bySlot;
  }
}

/** How stale the shared-loss totals may be, in milliseconds (the pipeline reads every 100 ms). */
const MASK_LOSS_REFRESH_MS = 50;

/**
 * The control block (struct sct_control) through a shared mapping of the .bss map: masks and
 * settings are stores, counters are loads, no syscall either way. 64-bit fields are naturally
 * aligned, so each store and load is single-copy atomic on x86_64.
 */
class ControlView {
  private lastSched = 0n;
  private readonly addr: bigint;
  private readonly length: number;
  private readonly u64: BigUint64Array;
  private readonly u32: Uint32Array;

  constructor(fd: number, size: number) {
    if (size < C.SIZE) throw new BackendError(`map the control block: .bss is ${size} bytes, struct sct_control needs ${C.SIZE} (rebuild bpf/?)`);
    const lib = libbpf();
    const page = lib.getpagesize() as number;
    this.length = Math.ceil(size / page) * page;
    const addr = lib.mmap(null, this.length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) as bigint;
    if (addr === MAP_FAILED) throw new BackendError(errnoMessage('map the control block (.bss)', koffi.errno()));
    this.addr = addr;
    const buffer = koffi.view(addr, this.length);
    this.u64 = new BigUint64Array(buffer, 0, C.SIZE >> 3);
    this.u32 = new Uint32Array(buffer, 0, C.SIZE >> 2);
  }

  /** A fresh block: no trace, no mode, pid verdict generation 1 (a zeroed cache never matches). */
  init(): void {
    this.u64.fill(0n);
    Atomics.store(this.u32, C.pid_gen >> 2, 1);
  }

  write(c: ControlBlock): void {
    this.store(C.pid_any, c.pidAny);
    this.store(C.comm_any, c.commAny);
    this.store(C.uid_any, c.uidAny);
    this.store(C.cgroup_any, c.cgroupAny);
    this.store(C.follow, c.follow);
    this.store(C.proc_events, c.procEvents);
    this.store(C.buffers, c.buffers);
    this.store(C.exec_env, c.execEnv);
    this.store(C.sched, c.sched);
    this.store(C.signals, c.signals);
    // Switch intervals begun under other sched traces (their slots may be reused) are not these.
    if (c.sched !== this.lastSched) {
      Atomics.add(this.u32, C.sched_gen >> 2, 1);
      this.lastSched = c.sched;
    }
    Atomics.store(this.u32, C.string_max >> 2, c.stringMax);
    Atomics.store(this.u32, C.buffer_bytes >> 2, c.bufferBytes);
    this.store(C.pressure_bytes, BigInt(c.pressureBytes));
    for (let i = 0; i < c.budgets.length; i++) this.store(C.budget + 8 * i, BigInt(c.budgets[i]));
    // Last: a trace becomes visible once everything it needs is written, and leaves first.
    this.store(C.active, c.active);
    this.bumpPidGen();
  }

  setSyscall(nr: number, traces: bigint): void {
    this.store(C.sys_traces + 8 * nr, traces);
  }

  setMode(mode: number): void {
    Atomics.store(this.u32, C.mode >> 2, mode);
  }

  bumpPidGen(): void {
    Atomics.add(this.u32, C.pid_gen >> 2, 1);
  }

  /** The trace's own loss counters by cause (records for it alone). */
  lostByCause(slot: number): number[] {
    const out: number[] = [];
    for (let k = 0; k < LOSS_KINDS; k++) out.push(Number(Atomics.load(this.u64, (C.lost >> 3) + slot * LOSS_KINDS + k)));
    return out;
  }

  setPaused(traces: bigint): void {
    this.store(C.paused, traces);
  }

  credit(slot: number, bytes: number): void {
    Atomics.sub(this.u64, (C.used >> 3) + slot, BigInt(bytes));
  }

  close(): void {
    libbpf().munmap(this.addr, this.length);
  }

  private store(offset: number, value: bigint): void {
    Atomics.store(this.u64, offset >> 3, value);
  }
}

/** The filter maps and the control block, as TraceSet changes them. */
class EbpfFilters implements KernelFilters {
  /** sct_sched_switch and sct_sched_wakeup, attached while a trace wants context switches (they run on every one). */
  private schedLinks: AttachedLink[] = [];
  /** sct_signal_deliver and sct_signal_generate, attached while a trace wants signals. */
  private signalLinks: AttachedLink[] = [];
  private readonly tgids: number;
  private readonly comms: number;
  private readonly uids: number;
  private readonly cgroups: number;

  constructor(
    private readonly obj: BpfObject,
    private readonly control: ControlView,
    private readonly detach: (links: readonly AttachedLink[]) => void,
  ) {
    this.tgids = obj.mapFd('sct_tgids');
    this.comms = obj.mapFd('sct_comms');
    this.uids = obj.mapFd('sct_uids');
    this.cgroups = obj.mapFd('sct_cgroups');
  }

  setSyscall(nr: number, traces: bigint): void {
    this.control.setSyscall(nr, traces);
  }

  addTgid(tgid: number, traces: bigint): void {
    const key = u32(tgid);
    const value = new BigUint64Array(1);
    const bytes = new Uint8Array(value.buffer);
    // The programs write an entry only for a tgid born by fork, so a lost race here is a pid reused meanwhile.
    if (this.obj.lookup(this.tgids, 'sct_tgids', key, bytes)) {
      value[0] |= traces;
      this.obj.update(this.tgids, 'sct_tgids', key, bytes, BPF_EXIST);
    } else {
      value[0] = traces;
      if (!this.obj.update(this.tgids, 'sct_tgids', key, bytes, BPF_NOEXIST)) this.addTgid(tgid, traces);
    }
    this.control.bumpPidGen();
  }

  removeFromTgids(traces: bigint): void {
    const value = new BigUint64Array(1);
    const bytes = new Uint8Array(value.buffer);
    for (const key of this.obj.keys(this.tgids, 'sct_tgids', 4)) {
      if (!this.obj.lookup(this.tgids, 'sct_tgids', key, bytes) || (value[0] & traces) === 0n) continue;
      value[0] &= ~traces;
      if (value[0] === 0n) this.obj.delete(this.tgids, 'sct_tgids', key);
      else this.obj.update(this.tgids, 'sct_tgids', key, bytes, BPF_EXIST);
    }
    this.control.bumpPidGen();
  }

  setComm(comm: string, traces: bigint): void {
    const key = new Uint8Array(16);
    key.set(Buffer.from(comm, 'utf8').subarray(0, 15));
    this.set(this.comms, 'sct_comms', key, traces);
  }

  setUid(uid: number, traces: bigint): void {
    this.set(this.uids, 'sct_uids', u32(uid), traces);
  }

  setCgroup(id: bigint, traces: bigint): void {
    this.set(this.cgroups, 'sct_cgroups', new Uint8Array(new BigUint64Array([id]).buffer), traces);
  }

  /**
   * The control block; the sched programs attached before the first sched trace shows, detached
   * after the last, and the signal programs likewise for signal traces (a trace without either
   * costs the host nothing per switch or per signal).
   */
  writeControl(control: ControlBlock): void {
    if (control.sched !== 0n && this.schedLinks.length === 0) this.schedLinks = this.attachAll(['sct_sched_wakeup', 'sct_sched_switch']);
    if (control.signals !== 0n && this.signalLinks.length === 0) this.signalLinks = this.attachAll(['sct_signal_deliver', 'sct_signal_generate']);
    this.control.write(control);
    if (control.sched === 0n && this.schedLinks.length > 0) {
      this.detach(this.schedLinks);
      this.schedLinks = [];
    }
    if (control.signals === 0n && this.signalLinks.length > 0) {
      this.detach(this.signalLinks);
      this.signalLinks = [];
    }
  }

  /**
   * The programs `names`, attached in that order, all or none (one that fails detaches those
   * before it). The sched pair attaches the wakeup program first, so a switch-in never misses a
   * wakeup it should have seen.
   */
  private attachAll(names: readonly ProgramName[]): AttachedLink[] {
    const links: AttachedLink[] = [];
    try {
      for (const name of names) links.push(this.obj.attach(name));
      return links;
    } catch (err) {
      this.detach(links);
      throw err;
    }
  }

  private set(fd: number, name: 'sct_comms' | 'sct_uids' | 'sct_cgroups', key: Uint8Array, traces: bigint): void {
    if (traces === 0n) this.obj.delete(fd, name, key);
    else this.obj.update(fd, name, key, new Uint8Array(new BigUint64Array([traces]).buffer));
  }
}

/** A struct sct_ioctl_size. */
function encodeIoctlSize(t: IoctlArgSize): Uint8Array {
  const L = STRUCTS.sct_ioctl_size;
  const out = new Uint8Array(L.SIZE);
  const view = new DataView(out.buffer);
  view.setUint32(L.request, t.request >>> 0, true);
  view.setUint16(L.size, t.size, true);
  view.setUint8(L.dir, t.dir);
  return out;
}

function u32(value: number): Uint8Array {
  return new Uint8Array(new Uint32Array([value]).buffer);
}
