/**
 * The kmod capture backend: for kernels where eBPF cannot be used, sctrace's own kernel module
 * (bpf/kmod/) publishes the same records through /proc/sctrace. This engine reports whether the
 * module is loaded; the reader lands with the kmod issue, and until then `open` refuses clearly.
 */
import fs from 'node:fs';
import type { Availability, CaptureEngine, CaptureSession } from '../backend';
import { BackendUnavailableError } from '../errors';

/** Directory the module creates. */
export const KMOD_PROC_DIR = '/proc/sctrace';

/** The kmod backend. */
export class KmodEngine implements CaptureEngine {
  readonly name = 'kmod' as const;

  availability(): Availability {
    if (!fs.existsSync(KMOD_PROC_DIR)) {
      return { available: false, reason: `${KMOD_PROC_DIR} not present: kernel module not loaded` };
    }
    return { available: false, reason: `${KMOD_PROC_DIR} is present, but this build of sctraced has no kmod reader yet` };
  }

  async open(): Promise<CaptureSession> {
    throw new BackendUnavailableError(this.name, this.availability().reason);
  }
}
