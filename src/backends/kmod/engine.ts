/**
 * The kmod capture backend: for kernels where eBPF cannot be used, sctrace's own kernel module
 * (bpf/kmod/) publishes the same records as the eBPF programs through /proc/sctrace. As on eBPF,
 * one kernel pass (the module's one set of probes and one ring) serves every trace, loaded with
 * the first and unloaded after the last (capture/kernel-pass.ts); a trace is a slot in its masks.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Availability, CaptureEngine, CaptureSink, CaptureSpec, CaptureSession, RingFill } from '../backend';
import { KernelPass } from '../capture/kernel-pass';
import { BackendUnavailableError } from '../errors';
import type { SyscallResolver } from '../../syscalls/types';
import { checkModule, KmodKernelSide } from './kernel-side';
import { KMOD_PROC_DIR, parseStats, ProcFile } from './protocol';

export { KMOD_PROC_DIR } from './protocol';

/** Tunables of the kmod backend (see src/config); the ring settings mirror the eBPF ones. */
export interface KmodEngineOptions {
  /** Ring size in bytes: a power of two from 64 KiB to 1 GiB. */
  ringBytes: number;
  /** Wake the reader when this many bytes wait in the ring. */
  wakeupBytes: number;
  /** Interval of the reader's timer drain, in milliseconds. */
  pollIntervalMs: number;
  /** Most traces at once (at most 64 slots). */
  maxTraces: number;
  /** Directory of the module's files; KMOD_PROC_DIR unless testing. */
  procDir?: string;
}

/** The kmod backend. */
export class KmodEngine implements CaptureEngine {
  readonly name = 'kmod' as const;
  private readonly procDir: string;
  private readonly pass: KernelPass;

  constructor(options: KmodEngineOptions, syscalls: SyscallResolver) {
    this.procDir = options.procDir ?? KMOD_PROC_DIR;
    const side = new KmodKernelSide({ ...options, procDir: this.procDir, selfTgid: process.pid }, syscalls);
    this.pass = new KernelPass(side, syscalls, { ringBytes: options.ringBytes, maxTraces: options.maxTraces, pollIntervalMs: options.pollIntervalMs });
  }

  /**
   * Not cached while no trace runs: the module may be loaded or unloaded meanwhile. While the
   * pass runs the module is there and speaks this release's versions (an unloaded module ends the
   * pass, and every trace with it); reading its stats each StartTrace would only add latency.
   */
  availability(): Availability {
    if (this.pass.traceCount > 0) return { available: true, reason: '' };
    return probe(this.procDir);
  }

  ringFill(): RingFill | undefined {
    return this.pass.ringFill();
  }

  /** Adds a trace to the kernel pass (starting it for the first trace). */
  async open(spec: CaptureSpec, sink: CaptureSink): Promise<CaptureSession> {
    const availability = this.availability();
    if (!availability.available) throw new BackendUnavailableError(this.name, availability.reason);
    return this.pass.open(spec, sink);
  }
}

/** Checks, cheapest first, what the backend needs; the first missing thing is the reason. */
function probe(dir: string): Availability {
  if (!fs.existsSync(dir)) return no(`${dir} not present: kernel module not loaded`);
  const statsFile = path.join(dir, ProcFile.stats);
  try {
    checkModule(parseStats(fs.readFileSync(statsFile, 'utf8')));
  } catch (err) {
    return no(`${statsFile}: ${(err as Error).message.replace(/^kmod: /, '')}`);
  }
  const control = path.join(dir, ProcFile.control);
  try {
    fs.accessSync(control, fs.constants.R_OK | fs.constants.W_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') return no(`cannot open ${control}: permission denied (run sctraced as root)`);
    return no(`cannot open ${control}: ${(err as Error).message}`);
  }
  return { available: true, reason: '' };
}

function no(reason: string): Availability {
  return { available: false, reason };
}
