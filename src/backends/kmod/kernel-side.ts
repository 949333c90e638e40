/**
 * The kmod backend's kernel side of the one kernel pass (src/backends/capture/kernel-pass.ts):
 * the module's one set of probes and one ring for every trace of the service. The service is the
 * module's single long-lived opener of /proc/sctrace/control (control protocol 6,
 * bpf/kmod/README.md): open() configures the pass and starts it (the probes are registered),
 * traces then come and go as mask writes on that file, and close() closes it (the probes are
 * unregistered; the module waits until none runs).
 *
 * Writes are batched: TraceSet's filter changes are buffered and written as one write() when it
 * writes the control block (and when it clears a trace's tgids, its last step), so starting or
 * stopping a trace costs a few system calls. A rejected line fails that write with the module's
 * own reason.
 */
import fs from 'node:fs';
import path from 'node:path';
import { BackendError, BackendUnavailableError } from '../errors';
import { ABI_VERSION } from '../records';
import type { KernelParts, KernelSide } from '../capture/kernel-pass';
import type { LossCounters } from '../capture/pipeline';
import { TRACE_SLOTS, type ControlBlock, type KernelFilters } from '../capture/trace-set';
import { kernelMeta } from '../../syscalls/catalog';
import type { SyscallResolver } from '../../syscalls/types';
import {
  commHex,
  CONTROL_PROTOCOL,
  controlError,
  controlLines,
  mask,
  parseStats,
  ProcFile,
  setupText,
  syscallLines,
  type ModuleStats,
} from './protocol';
import { CountersFile, ProcRecordSource } from './reader';

/** Tunables (ServiceConfig). */
export interface KmodKernelOptions {
  /** Directory of the module's files (/proc/sctrace; elsewhere in tests). */
  procDir: string;
  /** Ring size in bytes: a power of two from 64 KiB to 1 GiB. */
  ringBytes: number;
  /** Wake the reader when this many bytes wait in the ring. */
  wakeupBytes: number;
  /** The service's own tgid, never traced. */
  selfTgid: number;
}

/** The kmod kernel side. */
export class KmodKernelSide implements KernelSide {
  private control: ControlFile | undefined;
  private eventsFd: number | undefined;
  private countersFd: number | undefined;

  constructor(
    private readonly options: KmodKernelOptions,
    private readonly syscalls: SyscallResolver,
  ) {}

  async open(): Promise<KernelParts> {
    const dir = this.options.procDir;
    checkModule(readModuleStats(path.join(dir, ProcFile.stats)));
    const control = ControlFile.open(path.join(dir, ProcFile.control));
    this.control = control;
    try {
      const { ringBytes, wakeupBytes, selfTgid } = this.options;
      control.write(setupText({ exclude: [selfTgid], ringBytes, wakeupBytes }, kernelMeta(this.syscalls), this.syscalls.ioctlArgSizes?.()), 'configure and start the pass');
      const eventsPath = path.join(dir, ProcFile.events);
      this.eventsFd = openFile(eventsPath, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
      const countersPath = path.join(dir, ProcFile.counters);
      this.countersFd = openFile(countersPath, fs.constants.O_RDONLY);
      const counters = new CountersFile(this.countersFd, countersPath);
      return {
        filters: new KmodFilters(control),
        source: new ProcRecordSource(this.eventsFd, eventsPath, counters),
        counters: new KmodLossCounters(control, counters),
      };
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  /** The module's syscall probes are the raw sys_enter/sys_exit pair, for every trace: nothing to re-plan. */
  async reconcile(): Promise<void> {}

  describe(): string {
    return "syscalls through the module's sys_enter/sys_exit probes";
  }

  async close(): Promise<void> {
    const control = this.control;
    this.control = undefined;
    for (const fd of [this.eventsFd, this.countersFd]) if (fd !== undefined) fs.closeSync(fd);
    this.eventsFd = undefined;
    this.countersFd = undefined;
    // Unregistering the probes waits for the kernel (RCU), so off the main thread.
    await control?.close();
  }
}

/** The service's open control file. */
class ControlFile {
  private constructor(
    private fd: number | undefined,
    private readonly file: string,
  ) {}

  /** Opens the control file; the module takes one opener at a time. */
  static open(file: string): ControlFile {
    try {
      return new ControlFile(fs.openSync(file, fs.constants.O_RDWR), file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // Unavailable for now rather than broken: FAILED_PRECONDITION for the client, not INTERNAL.
      if (code === 'EBUSY') throw new BackendUnavailableError('kmod', `another process holds ${file} (a second sctraced?): the module serves one service`);
      if (code === 'ENOENT') throw new BackendUnavailableError('kmod', `${path.dirname(file)} not present: kernel module not loaded`);
      if (code === 'EACCES' || code === 'EPERM') throw new BackendError(`kmod: open ${file}: permission denied (run sctraced as root)`, { cause: err });
      throw new BackendError(`kmod: open ${file}: ${(err as Error).message}`, { cause: err });
    }
  }

  /** Writes `text` (whole lines); a rejected line throws with the module's reason and `step`. */
  write(text: string, step: string): void {
    if (this.fd === undefined) throw new BackendError(`kmod: ${step}: the pass is closed`);
    const data = Buffer.from(text, 'utf8');
    try {
      for (let off = 0; off < data.length; ) off += fs.writeSync(this.fd, data, off, data.length - off);
    } catch (err) {
      const reason = this.error();
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      throw new BackendError(`kmod: ${step} through ${this.file}: ${reason ? `${reason} (${code})` : code}`, { cause: err });
    }
  }

  /** Why the module rejected the last line, or ''. */
  private error(): string {
    try {
      const buf = Buffer.alloc(512);
      const n = fs.readSync(this.fd!, buf, 0, buf.length, null);
      return controlError(buf.subarray(0, n).toString('utf8'));
    } catch {
      return '';
    }
  }

  close(): Promise<void> {
    const fd = this.fd;
    this.fd = undefined;
    if (fd === undefined) return Promise.resolve();
    return new Promise((resolve) => fs.close(fd, () => resolve()));
  }
}

/** The module's filter tables and control block, as TraceSet changes them. */
class KmodFilters implements KernelFilters {
  private readonly syscalls = new Map<number, bigint>();
  private lines: string[] = [];
  /** The budgets the module holds, by slot. */
  private readonly budgets = new Array<number>(TRACE_SLOTS).fill(0);

  constructor(private readonly control: ControlFile) {}

  setSyscall(nr: number, traces: bigint): void {
    this.syscalls.set(nr, traces);
  }

  addTgid(tgid: number, traces: bigint): void {
    this.lines.push(`tgid ${tgid} ${mask(traces)}`);
  }

  /** A trace's last step when it stops: written at once. */
  removeFromTgids(traces: bigint): void {
    this.lines.push(`tgid_clear ${mask(traces)}`);
    this.flush('remove a trace');
  }

  setComm(comm: string, traces: bigint): void {
    this.lines.push(`comm ${commHex(comm)} ${mask(traces)}`);
  }

  setUid(uid: number, traces: bigint): void {
    this.lines.push(`uid ${uid} ${mask(traces)}`);
  }

  setCgroup(id: bigint, traces: bigint): void {
    this.lines.push(`cgroup ${id} ${mask(traces)}`);
  }

  writeControl(control: ControlBlock): void {
    // The filter entries first, the control block (`active` last) after them.
    this.lines.push(...controlLines(control, this.budgets));
    this.flush('write the trace masks');
  }

  private flush(step: string): void {
    const text = [...syscallLines(this.syscalls), ...this.lines].join('\n');
    this.syscalls.clear();
    this.lines = [];
    if (text) this.control.write(`${text}\n`, step);
  }
}

/** Per-trace losses from the counters file; pauses and budget credits through control. */
class KmodLossCounters implements LossCounters {
  /** Credit lines of the current drain, written together once it is over. */
  private credits: string[] = [];

  constructor(
    private readonly control: ControlFile,
    private readonly counters: CountersFile,
  ) {}

  lost(slot: number): number {
    return this.counters.lost(slot);
  }

  lostByCause(slot: number): number[] {
    return this.counters.lostByCause(slot);
  }

  /*
   * The two below run inside a drain. Their write fails only when the pass is going away (the
   * module is being unloaded); the events file then ends and the pipeline fails every trace,
   * saying so: nothing is lost silently by ignoring the error here.
   */
  setPaused(traces: bigint): void {
    this.tryWrite(`paused ${mask(traces)}\n`, 'pause traces');
  }

  credit(slot: number, bytes: number): void {
    // One drain credits every slot it read charged records of: one write for all of them.
    if (this.credits.length === 0) queueMicrotask(() => this.flushCredits());
    this.credits.push(`credit ${slot} ${bytes}`);
  }

  private flushCredits(): void {
    const lines = this.credits;
    this.credits = [];
    if (lines.length > 0) this.tryWrite(`${lines.join('\n')}\n`, 'credit the ring budgets');
  }

  private tryWrite(text: string, step: string): void {
    try {
      this.control.write(text, step);
    } catch {
      // See above.
    }
  }
}

function readModuleStats(file: string): ModuleStats {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new BackendError(`kmod: read ${file}: ${(err as Error).message}`, { cause: err });
  }
  try {
    return parseStats(text);
  } catch (err) {
    throw new BackendError(`kmod: ${file}: ${(err as Error).message}`, { cause: err });
  }
}

/** Refuses a module whose records or control language this build does not speak, naming both versions. */
export function checkModule(stats: ModuleStats): void {
  const module = `the loaded module (version ${stats.version || 'unknown'})`;
  if (stats.abi !== ABI_VERSION) {
    throw new BackendError(`kmod: ${module} writes record ABI ${stats.abi}, this sctraced reads ABI ${ABI_VERSION}: load the module built from this release`);
  }
  if (stats.protocol !== CONTROL_PROTOCOL) {
    throw new BackendError(
      `kmod: ${module} speaks control protocol ${stats.protocol}, this sctraced speaks control protocol ${CONTROL_PROTOCOL}: load the module built from this release`,
    );
  }
}

function openFile(file: string, flags: number): number {
  try {
    return fs.openSync(file, flags);
  } catch (err) {
    throw new BackendError(`kmod: open ${file}: ${(err as Error).message}`, { cause: err });
  }
}
