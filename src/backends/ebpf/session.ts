/**
 * One running eBPF capture: the BPF object of one trace, configured from its spec, attached, and
 * drained into the sink from the main thread.
 *
 * Wakeup policy (FACTS.md: each ring wakeup costs the traced process ~12 µs): the programs submit
 * with BPF_RB_NO_WAKEUP unless `wakeupBytes` are waiting, so normally nothing interrupts the
 * traced process; this side drains on a short timer, and on the ring fd's readiness for the
 * forced wakeups of a burst (DrainLoop, shared with the kmod backend).
 */
import type { CaptureSink, CaptureSpec, CaptureSession, CaptureStats } from '../backend';
import { DrainLoop, EventBatch, monotonicToEpochOffsetNs, type DrainOutcome } from '../drain-loop';
import { BackendError, CorruptRecordError } from '../errors';
import { encodeSyscallMeta, encodeSyscallReads, kernelMeta } from '../../syscalls/catalog';
import type { SyscallResolver } from '../../syscalls/types';
import {
  PER_SYSCALL_EXIT_PROGRAM,
  PER_SYSCALL_PROGRAMS,
  perSyscallEnterProgram,
  planSyscallAttach,
  programsUsed,
  RAW_PROGRAMS,
  describePlan,
  type SyscallAttachPlan,
} from './attach-plan';
import { BpfObject } from './bpf-object';
import { hasBtfTracepoint } from './kernel-btf';
import { libbpf } from './libbpf';
import { RecordDecoder } from './records';
import { RingReader } from './ringbuf';

/** Everything one session needs. */
export interface EbpfSessionOptions {
  objectPath: string;
  ringBytes: number;
  wakeupBytes: number;
  pollIntervalMs: number;
  /** Most syscalls attached one by one (attach-plan.ts). */
  perSyscallMax: number;
  spec: CaptureSpec;
  syscalls: SyscallResolver;
}

/** Records decoded per drain before yielding to the event loop (gRPC must get its turn). */
const DRAIN_BUDGET = 4096;
/** Longest StopTrace waits for slow subscribers to take the ring's backlog, in milliseconds. */
const CLOSE_DRAIN_MS = 3000;
/** How often kernel loss counters are read, in milliseconds. */
const STATS_INTERVAL_MS = 100;
/** Scratch slots per CPU in sct_scratch (one per record-assembling program; bpf/sctrace.bpf.c). */
const SCRATCH_SLOTS_PER_CPU = 4;
/** enum sct_stat indexes. */
const STAT_LOST_RINGBUF = 0;
const STAT_LOST_INFLIGHT = 1;

/** A running capture. Created by EbpfSession.open; close() detaches and frees everything. */
export class EbpfSession implements CaptureSession {
  readonly detail: string;
  private readonly decoder: RecordDecoder;
  private readonly ring: RingReader;
  private readonly statsFd: number;
  private readonly ncpus: number;
  private readonly batch: EventBatch;
  private readonly loop: DrainLoop;
  private decodeErrors = 0;
  private lostKernelReported = 0;
  private statsTimer: NodeJS.Timeout | undefined;
  private closing: Promise<void> | undefined;
  private closed = false;

  private constructor(
    private readonly obj: BpfObject,
    private readonly options: EbpfSessionOptions,
    private readonly sink: CaptureSink,
    /** How the syscall programs are attached (raw_syscalls or per-syscall tracepoints). */
    readonly attachPlan: SyscallAttachPlan,
  ) {
    this.ncpus = libbpf().libbpf_num_possible_cpus() as number;
    this.statsFd = obj.mapFd('sct_stats');
    this.ring = new RingReader(obj.mapFd('sct_events'), options.ringBytes);
    this.decoder = new RecordDecoder(options.syscalls, monotonicToEpochOffsetNs(), options.spec.pids, options.spec.decode);
    this.detail = describePlan(attachPlan);
    this.batch = new EventBatch(sink);
    this.loop = new DrainLoop(options.pollIntervalMs, () => this.drainTurn(), false);
  }

  /** Opens, configures, loads, fills the filter maps, attaches and starts draining. */
  static async open(options: EbpfSessionOptions, sink: CaptureSink): Promise<EbpfSession> {
    const obj = BpfObject.open(options.objectPath);
    const plan = planSyscallAttach(options.spec.syscalls, options.syscalls, options.perSyscallMax);
    let session: EbpfSession | undefined;
    try {
      configure(obj, options, plan);
      obj.load();
      fillMaps(obj, options);
      session = new EbpfSession(obj, options, sink, plan);
      attach(obj, plan);
      session.start();
      return session;
    } catch (err) {
      if (session) await session.close();
      else obj.close();
      throw err;
    }
  }

  private start(): void {
    this.loop.start(this.ring.fd);
    this.statsTimer = setInterval(() => this.reportKernelLoss(), STATS_INTERVAL_MS);
    this.statsTimer.unref();
  }

  /** One turn of the drain loop. */
  private drainTurn(): DrainOutcome {
    if (this.closed) return 'ended';
    // Backpressure: read no more than the subscribers can queue; the rest waits in the ring,
    // whose overflow the kernel counts (reported as kernel loss) at no decoding cost here.
    const budget = Math.min(DRAIN_BUDGET, this.sink.demand?.() ?? DRAIN_BUDGET);
    const handled = budget > 0 ? this.drainOnce(budget) : 0;
    if (this.closed) return 'ended';
    return handled >= DRAIN_BUDGET ? 'more' : 'idle';
  }

  /** Decodes up to `budget` records and hands them to the sink. */
  private drainOnce(budget = DRAIN_BUDGET): number {
    let fatal: Error | undefined;
    // A run of undecodable records becomes one loss notice, placed between the events around it
    // (one notice per record could flood the subscribers' queues, which notices bypass).
    let undecodable = 0;
    const handled = this.ring.drain((view, bytes, off, len) => {
      if (fatal) return;
      try {
        const event = this.decoder.decode(view, bytes, off, len);
        if (!event) return;
        if (undecodable > 0) {
          this.sink.lost(undecodable, 'decode');
          undecodable = 0;
        }
        this.batch.pending.push(event);
      } catch (err) {
        this.decodeErrors++;
        if (err instanceof CorruptRecordError) {
          fatal = err;
          return;
        }
        if (undecodable === 0) this.batch.flush();
        undecodable++;
      }
    }, budget);
    this.batch.flush();
    if (undecodable > 0) this.sink.lost(undecodable, 'decode');
    if (fatal) {
      const error = new BackendError(`ebpf: corrupt record from the kernel: ${fatal.message}`, { cause: fatal });
      void this.close().then(() => this.sink.failed(error));
    }
    return handled;
  }

  /** Sums a per-CPU counter of sct_stats. */
  private kernelCounter(index: number): number {
    const key = new Uint8Array(new Uint32Array([index]).buffer);
    const values = new BigUint64Array(this.ncpus);
    const bytes = new Uint8Array(values.buffer);
    if (!this.obj.lookup(this.statsFd, 'sct_stats', key, bytes)) return 0;
    let sum = 0n;
    for (const v of values) sum += v;
    return Number(sum);
  }

  private lostKernel(): number {
    return this.kernelCounter(STAT_LOST_RINGBUF) + this.kernelCounter(STAT_LOST_INFLIGHT);
  }

  private reportKernelLoss(): void {
    if (this.closed) return;
    const lost = this.lostKernel();
    if (lost > this.lostKernelReported) {
      // Deliver what was decoded first, so the notice lands where the gap is.
      this.drainOnce(Math.min(DRAIN_BUDGET, this.sink.demand?.() ?? DRAIN_BUDGET));
      this.sink.lost(lost - this.lostKernelReported, 'kernel');
      this.lostKernelReported = lost;
    }
  }

  stats(): CaptureStats {
    const lostKernel = this.closed ? this.lostKernelReported : Math.max(this.lostKernel(), this.lostKernelReported);
    return { received: this.batch.received, lostKernel, decodeErrors: this.decodeErrors };
  }

  close(): Promise<void> {
    this.closing ??= this.doClose();
    return this.closing;
  }

  private async doClose(): Promise<void> {
    // Stop producing first, then deliver what is still in the ring, then free.
    await this.obj.detachAllAsync();
    await this.drainAll();
    this.reportKernelLoss();
    this.closed = true;
    this.loop.stop();
    if (this.statsTimer) clearInterval(this.statsTimer);
    this.ring.close();
    this.obj.close();
  }

  /**
   * Delivers what is left in the ring at the pace the subscribers take it (a backlog can be a
   * whole ring when they were the bottleneck), for at most CLOSE_DRAIN_MS; after that, the rest
   * at once, which overflowing queues drop and count.
   */
  private async drainAll(): Promise<void> {
    const deadline = Date.now() + CLOSE_DRAIN_MS;
    while (this.ring.pendingBytes() > 0) {
      const demand = Date.now() < deadline ? (this.sink.demand?.() ?? DRAIN_BUDGET) : DRAIN_BUDGET;
      if (demand <= 0) {
        await new Promise((resolve) => setTimeout(resolve, 1));
        continue;
      }
      if (this.drainOnce(Math.min(DRAIN_BUDGET, demand)) === 0) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

/**
 * Sets the programs' `const volatile` configuration and map sizes before load, and leaves the
 * syscall programs of the mode not taken unloaded.
 */
function configure(obj: BpfObject, { spec, ringBytes, wakeupBytes }: EbpfSessionOptions, plan: SyscallAttachPlan): void {
  const used = programsUsed(plan);
  for (const name of [...RAW_PROGRAMS, ...PER_SYSCALL_PROGRAMS]) if (!used.has(name)) obj.setAutoload(name, false);
  // Linux < 6.10 has no sched_prepare_exec: exec strings are then read at sys_enter only.
  if (!hasBtfTracepoint('sched_prepare_exec')) obj.setAutoload('sct_prepare_exec', false);
  obj.setReadOnlyGlobals({
    self_tgid: spec.excludePids[0] ?? process.pid,
    filter_pids: spec.pids.length > 0,
    follow_children: spec.followChildren,
    filter_syscalls: spec.syscalls !== null,
    filter_comms: spec.comms.length > 0,
    filter_uids: spec.uids.length > 0,
    filter_cgroups: spec.cgroupIds.length > 0,
    process_events: spec.processEvents,
    string_max: spec.stringMaxBytes,
    wakeup_bytes: BigInt(wakeupBytes),
    buffer_bytes: spec.bufferBytes,
    exec_env: spec.execEnv,
  });
  obj.setMaxEntries('sct_events', ringBytes);
  const ncpus = libbpf().libbpf_num_possible_cpus() as number;
  if (ncpus <= 0) throw new BackendError(`count possible CPUs: libbpf returned ${ncpus}`);
  obj.setMaxEntries('sct_scratch', ncpus * SCRATCH_SLOTS_PER_CPU);
}

/**
 * Attaches the sched programs, then the syscall programs as planned; on failure the caller closes
 * the object, which detaches whatever was attached.
 */
function attach(obj: BpfObject, plan: SyscallAttachPlan): void {
  obj.attachAll(new Set(PER_SYSCALL_PROGRAMS));
  if (plan.mode !== 'per-syscall') return;
  // Exits before entries: an entry without its exit program would leave a slot active until the
  // thread's next traced call.
  for (const tp of plan.tracepoints) obj.attachTracepoint(PER_SYSCALL_EXIT_PROGRAM, 'syscalls', `sys_exit_${tp.name}`);
  for (const tp of plan.tracepoints) {
    obj.attachTracepoint(perSyscallEnterProgram(tp.nargs), 'syscalls', `sys_enter_${tp.name}`);
  }
}

/** Fills the per-syscall table and the filter sets after load, before attach. */
function fillMaps(obj: BpfObject, { spec, syscalls }: EbpfSessionOptions): void {
  const one = Uint8Array.of(1);
  const tabFd = obj.mapFd('sct_syscall_tab');
  const readsFd = obj.mapFd('sct_syscall_reads');
  for (const m of kernelMeta(syscalls, spec.syscalls)) {
    if (!m.traced && !m.strMask && !m.enterStr && m.reads.length === 0) continue;
    obj.update(tabFd, 'sct_syscall_tab', u32(m.nr), encodeSyscallMeta(m));
    if (m.reads.length > 0) obj.update(readsFd, 'sct_syscall_reads', u32(m.nr), encodeSyscallReads(m));
  }
  const tgidFd = obj.mapFd('sct_tgids');
  for (const pid of spec.pids) obj.update(tgidFd, 'sct_tgids', u32(pid), one);
  const commFd = obj.mapFd('sct_comms');
  for (const comm of spec.comms) {
    const key = new Uint8Array(16);
    key.set(Buffer.from(comm, 'utf8').subarray(0, 15));
    obj.update(commFd, 'sct_comms', key, one);
  }
  const uidFd = obj.mapFd('sct_uids');
  for (const uid of spec.uids) obj.update(uidFd, 'sct_uids', u32(uid), one);
  const cgFd = obj.mapFd('sct_cgroups');
  for (const id of spec.cgroupIds) obj.update(cgFd, 'sct_cgroups', new Uint8Array(new BigUint64Array([id]).buffer), one);
}

function u32(value: number): Uint8Array {
  return new Uint8Array(new Uint32Array([value]).buffer);
}
