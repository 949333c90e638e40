/**
 * What the two kernel-pass backends share behind CaptureEngine: one KernelPass over the
 * backend's kernel side, a trace opened only while the backend is available (else
 * BackendUnavailableError with its reason), and the ring fill for the metrics. A backend says
 * how it is found available and builds its kernel side; the rest is here once.
 */
import type { Availability, BackendName, CaptureEngine, CaptureSession, CaptureSink, CaptureSpec, RingFill } from '../backend';
import { BackendUnavailableError } from '../errors';
import type { SyscallResolver } from '../../syscalls/types';
import { KernelPass, type KernelPassOptions, type KernelSide } from './kernel-pass';

export abstract class PassEngine implements CaptureEngine {
  abstract readonly name: BackendName;
  protected readonly pass: KernelPass;

  constructor(side: KernelSide, syscalls: SyscallResolver, options: KernelPassOptions) {
    this.pass = new KernelPass(side, syscalls, { ringBytes: options.ringBytes, maxTraces: options.maxTraces, pollIntervalMs: options.pollIntervalMs });
  }

  abstract availability(): Availability;

  ringFill(): RingFill | undefined {
    return this.pass.ringFill();
  }

  /** Adds a trace to the kernel pass (loading the kernel side for the first trace). */
  async open(spec: CaptureSpec, sink: CaptureSink): Promise<CaptureSession> {
    const availability = this.availability();
    if (!availability.available) throw new BackendUnavailableError(this.name, availability.reason);
    return this.pass.open(spec, sink);
  }
}

/** An Availability that says why not. */
export function unavailable(reason: string): Availability {
  return { available: false, reason };
}
