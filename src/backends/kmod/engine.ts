/**
 * The kmod capture backend: for kernels where eBPF cannot be used, sctrace's own kernel module
 * (bpf/kmod/) publishes the same records as the eBPF programs through /proc/sctrace. As on eBPF,
 * one kernel pass (the module's one set of probes and one ring) serves every trace, loaded with
 * the first and unloaded after the last (capture/kernel-pass.ts); a trace is a slot in its masks.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Availability } from '../backend';
import { PassEngine, unavailable } from '../capture/pass-engine';
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
export class KmodEngine extends PassEngine {
  readonly name = 'kmod' as const;
  private readonly procDir: string;

  constructor(options: KmodEngineOptions, syscalls: SyscallResolver) {
    const procDir = options.procDir ?? KMOD_PROC_DIR;
    super(new KmodKernelSide({ ...options, procDir, selfTgid: process.pid }, syscalls), syscalls, options);
    this.procDir = procDir;
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
}

/** Checks, cheapest first, what the backend needs; the first missing thing is the reason. */
function probe(dir: string): Availability {
  if (!fs.existsSync(dir)) return unavailable(`${dir} not present: kernel module not loaded`);
  const statsFile = path.join(dir, ProcFile.stats);
  try {
    checkModule(parseStats(fs.readFileSync(statsFile, 'utf8')));
  } catch (err) {
    return unavailable(`${statsFile}: ${(err as Error).message.replace(/^kmod: /, '')}`);
  }
  const control = path.join(dir, ProcFile.control);
  try {
    fs.accessSync(control, fs.constants.R_OK | fs.constants.W_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') return unavailable(`cannot open ${control}: permission denied (run sctraced as root)`);
    return unavailable(`cannot open ${control}: ${(err as Error).message}`);
  }
  return { available: true, reason: '' };
}

