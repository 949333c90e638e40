/**
 * One running kmod capture: the module configured through /proc/sctrace/control, its records
 * read from /proc/sctrace/events on the main thread without ever blocking it, and its loss
 * counters from /proc/sctrace/stats.
 *
 * Reading: the events fd is non-blocking; every read returns whole records, at most the ones
 * present when it started, so each drain is bounded (plus a byte budget per turn of the event
 * loop, so gRPC gets its share). Drains run on a timer (pollIntervalMs) and when poll() reports
 * the fd readable (DrainLoop, shared with the eBPF backend); the module wakes pollers only when
 * wakeupBytes of records are waiting (a wakeup interrupts the traced process, FACTS.md).
 *
 * Ending: close() closes the control file first (the module unregisters its probes and waits
 * until none runs), then reads what is left up to the end of the file, takes the final loss
 * counters, and closes the events file, which frees the module's trace. A corrupt record or a
 * read error ends the session the same way without draining, then reports through sink.failed.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CaptureSink, CaptureSpec, CaptureSession, CaptureStats } from '../backend';
import { DrainLoop, EventBatch, monotonicToEpochOffsetNs, type DrainOutcome } from '../drain-loop';
import { BackendError, BackendUnavailableError } from '../errors';
import { ABI_VERSION, RecordDecoder } from '../ebpf/records';
import { kernelMeta } from '../../syscalls/catalog';
import type { SyscallResolver } from '../../syscalls/types';
import { controlError, controlText, parseStats, ProcFile, type ModuleStats } from './protocol';
import { decodeChunk } from './reader';

/** Everything one session needs. */
export interface KmodSessionOptions {
  /** Directory of the module's files (/proc/sctrace; elsewhere in tests). */
  procDir: string;
  ringBytes: number;
  wakeupBytes: number;
  pollIntervalMs: number;
  spec: CaptureSpec;
  syscalls: SyscallResolver;
}

/** One read; the module fills it with as many whole records as fit (a record is at most 32 KiB). */
const READ_BUFFER_BYTES = 1 << 20;
/** Bytes read per drain before yielding to the event loop. */
const DRAIN_BUDGET_BYTES = 8 << 20;
/** How often the kernel's loss counters are read, in milliseconds. */
const STATS_INTERVAL_MS = 100;
/** statfs f_type of procfs (include/uapi/linux/magic.h PROC_SUPER_MAGIC). */
const PROC_SUPER_MAGIC = 0x9fa0;

/** Why a drain stopped. */
type DrainEnd = 'again' | 'budget' | 'eof' | 'failed';

/** A running capture. Created by KmodSession.open; close() stops the trace and frees everything. */
export class KmodSession implements CaptureSession {
  private readonly decoder: RecordDecoder;
  private readonly buffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
  private readonly eventsPath: string;
  private readonly statsPath: string;
  private controlFd: number | undefined;
  private readonly batch: EventBatch;
  private readonly loop: DrainLoop;
  private decodeErrors = 0;
  private lostKernelReported = 0;
  private statsTimer: NodeJS.Timeout | undefined;
  private ending: Promise<void> | undefined;
  private closed = false;

  private constructor(
    private readonly options: KmodSessionOptions,
    private readonly sink: CaptureSink,
    controlFd: number,
    private readonly eventsFd: number,
  ) {
    this.controlFd = controlFd;
    this.eventsPath = path.join(options.procDir, ProcFile.events);
    this.statsPath = path.join(options.procDir, ProcFile.stats);
    this.decoder = new RecordDecoder(options.syscalls, monotonicToEpochOffsetNs(), [], options.spec.decode);
    this.batch = new EventBatch(sink);
    // The events file is read until EAGAIN, so its readiness watch can be re-armed at once.
    this.loop = new DrainLoop(options.pollIntervalMs, () => this.drainTurn(), true);
  }

  /** Checks the module's ABI, configures and starts its trace, opens the events file, starts draining. */
  static async open(options: KmodSessionOptions, sink: CaptureSink): Promise<KmodSession> {
    const dir = options.procDir;
    checkAbi(readModuleStats(path.join(dir, ProcFile.stats)));
    const controlPath = path.join(dir, ProcFile.control);
    const controlFd = openControl(controlPath);
    let eventsFd: number | undefined;
    try {
      const meta = kernelMeta(options.syscalls, options.spec.syscalls);
      writeControl(controlFd, controlPath, controlText(options.spec, meta, options));
      eventsFd = openFile(path.join(dir, ProcFile.events), fs.constants.O_RDONLY | fs.constants.O_NONBLOCK, 'open events');
      const session = new KmodSession(options, sink, controlFd, eventsFd);
      session.start();
      return session;
    } catch (err) {
      if (eventsFd !== undefined) fs.closeSync(eventsFd);
      await closeAsync(controlFd);
      throw err;
    }
  }

  private start(): void {
    this.loop.start(pollable(this.eventsFd, this.eventsPath) ? this.eventsFd : null);
    this.statsTimer = setInterval(() => this.reportKernelLoss(), STATS_INTERVAL_MS);
    this.statsTimer.unref();
  }

  /** One turn of the drain loop. */
  private drainTurn(): DrainOutcome {
    if (this.ending) return 'ended';
    const end = this.drain(DRAIN_BUDGET_BYTES);
    if (end === 'failed') return 'ended';
    if (end === 'eof') {
      this.fail(new BackendError(`kmod: ${this.eventsPath} ended while the trace was running (module unloaded?)`));
      return 'ended';
    }
    return end === 'budget' ? 'more' : 'idle';
  }

  /**
   * Reads and decodes up to `budget` bytes of records, delivers them, and says why it stopped.
   * A corrupt chunk or a read error starts fail() (unless the session is already ending).
   */
  private drain(budget: number): DrainEnd {
    let bytes = 0;
    let decodeErrors = 0;
    let end: DrainEnd = 'budget';
    let failure: Error | undefined;
    while (bytes < budget) {
      let n: number;
      try {
        n = fs.readSync(this.eventsFd, this.buffer, 0, this.buffer.length, null);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EAGAIN') {
          end = 'again';
          break;
        }
        failure = new BackendError(`kmod: read ${this.eventsPath}: ${(err as Error).message}`, { cause: err });
        break;
      }
      if (n === 0) {
        end = 'eof';
        break;
      }
      bytes += n;
      const result = decodeChunk(this.decoder, this.buffer.subarray(0, n), this.batch.pending);
      decodeErrors += result.decodeErrors;
      if (result.corrupt) {
        decodeErrors++;
        failure = new BackendError(`kmod: corrupt record from the kernel module: ${result.corrupt.message}`, { cause: result.corrupt });
        break;
      }
    }
    this.batch.flush();
    if (decodeErrors > 0) {
      this.decodeErrors += decodeErrors;
      if (!this.closed) this.sink.lost(decodeErrors, 'decode');
    }
    if (failure) {
      this.fail(failure);
      return 'failed';
    }
    return end;
  }

  /** Ends the session without draining, then tells the sink why. */
  private fail(error: Error): void {
    if (this.ending) return;
    void this.end(false).then(() => this.sink.failed(error));
  }

  /** Sum of the module's lost_* counters, or undefined when the stats file cannot be read. */
  private lostKernelNow(): number | undefined {
    try {
      return readModuleStats(this.statsPath).lost;
    } catch {
      return undefined;
    }
  }

  private reportKernelLoss(): void {
    if (this.closed) return;
    const lost = this.lostKernelNow();
    if (lost === undefined || lost <= this.lostKernelReported) return;
    // Deliver what was read first, so the notice lands where the gap is.
    if (!this.ending && this.drain(DRAIN_BUDGET_BYTES) === 'failed') return;
    this.sink.lost(lost - this.lostKernelReported, 'kernel');
    this.lostKernelReported = lost;
  }

  stats(): CaptureStats {
    const now = this.closed ? undefined : this.lostKernelNow();
    return { received: this.batch.received, lostKernel: Math.max(now ?? 0, this.lostKernelReported), decodeErrors: this.decodeErrors };
  }

  async close(): Promise<void> {
    await this.end(true);
  }

  /** Stops the kernel side, optionally delivers what is left, and frees everything. Runs once. */
  private end(drain: boolean): Promise<void> {
    this.ending ??= (async () => {
      this.loop.stop();
      if (this.statsTimer) clearInterval(this.statsTimer);
      const controlFd = this.controlFd;
      this.controlFd = undefined;
      // Closing control unregisters the probes; the module waits for running ones (RCU), so off the main thread.
      if (controlFd !== undefined) await closeAsync(controlFd);
      if (drain) {
        // After the stop the events file ends (EOF) once the ring is empty; the ring bounds this.
        let end: DrainEnd;
        do end = this.drain(DRAIN_BUDGET_BYTES);
        while (end === 'budget');
        this.reportKernelLoss();
      }
      this.closed = true;
      fs.closeSync(this.eventsFd);
    })();
    return this.ending;
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

/** Refuses a module whose records this build cannot decode, naming both versions. */
export function checkAbi(stats: ModuleStats): void {
  if (stats.abi !== ABI_VERSION) {
    throw new BackendError(
      `kmod: the loaded module (version ${stats.version || 'unknown'}) writes record ABI ${stats.abi}, this sctraced reads ABI ${ABI_VERSION}: load the module built from this release`,
    );
  }
}

function openFile(file: string, flags: number, step: string): number {
  try {
    return fs.openSync(file, flags);
  } catch (err) {
    throw new BackendError(`kmod: ${step} ${file}: ${(err as Error).message}`, { cause: err });
  }
}

/** Opens the control file; only one trace at a time may hold it. */
function openControl(file: string): number {
  try {
    return fs.openSync(file, fs.constants.O_RDWR);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // Unavailable for now rather than broken: FAILED_PRECONDITION for the client, not INTERNAL.
    if (code === 'EBUSY') throw new BackendUnavailableError('kmod', `another trace holds ${file}: the kernel module runs one trace at a time`);
    if (code === 'ENOENT') throw new BackendUnavailableError('kmod', `${path.dirname(file)} not present: kernel module not loaded`);
    if (code === 'EACCES' || code === 'EPERM') {
      throw new BackendError(`kmod: open ${file}: permission denied (run sctraced as root)`, { cause: err });
    }
    throw new BackendError(`kmod: open ${file}: ${(err as Error).message}`, { cause: err });
  }
}

/** Writes the whole control text; a rejected line is reported with the module's own reason. */
function writeControl(fd: number, file: string, text: string): void {
  const data = Buffer.from(text, 'utf8');
  try {
    for (let off = 0; off < data.length; ) off += fs.writeSync(fd, data, off, data.length - off);
  } catch (err) {
    const reason = readControlError(fd);
    const why = reason ? `${reason} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` : (err as Error).message;
    throw new BackendError(`kmod: configure the trace through ${file}: ${why}`, { cause: err });
  }
}

function readControlError(fd: number): string {
  try {
    const buf = Buffer.alloc(512);
    const n = fs.readSync(fd, buf, 0, buf.length, null);
    return controlError(buf.subarray(0, n).toString('utf8'));
  } catch {
    return '';
  }
}

/**
 * Whether the fd can be watched with poll(): koffi's poll aborts the process on an fd epoll
 * refuses (a regular file), so only procfs files, FIFOs, sockets and character devices qualify.
 */
function pollable(fd: number, file: string): boolean {
  try {
    const st = fs.fstatSync(fd);
    if (st.isFIFO() || st.isSocket() || st.isCharacterDevice()) return true;
    return st.isFile() && fs.statfsSync(file).type === PROC_SUPER_MAGIC;
  } catch {
    return false;
  }
}

function closeAsync(fd: number): Promise<void> {
  return new Promise((resolve) => fs.close(fd, () => resolve()));
}
