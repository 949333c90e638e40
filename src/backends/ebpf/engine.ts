/**
 * The eBPF capture backend: availability checks, and one kernel pass (one BPF object, one ring)
 * for every trace, loaded with the first and unloaded after the last (capture/kernel-pass.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Availability } from '../backend';
import { PassEngine, unavailable } from '../capture/pass-engine';
import type { SyscallResolver } from '../../syscalls/types';
import { EbpfKernelSide } from './kernel-side';
import { libbpf } from './libbpf';

/** Tunables of the eBPF backend (see src/config). */
export interface EbpfEngineOptions {
  /** Path of the built object (bpf/build/sctrace.bpf.o). */
  objectPath: string;
  /** Ring buffer data size in bytes: a power of two, a multiple of the page size. */
  ringBytes: number;
  /** Force a consumer wakeup when this many bytes wait in the ring. */
  wakeupBytes: number;
  /** Interval of the consumer's timer poll, in milliseconds. */
  pollIntervalMs: number;
  /** Most syscalls the traces together attach one by one (ServiceConfig.perSyscallMax). */
  perSyscallMax: number;
  /** Most traces at once (at most 64 slots). */
  maxTraces: number;
}

/** Default location of the object built by `make -C bpf`, relative to the package root. */
export function defaultObjectPath(): string {
  // dist/src/backends/ebpf → package root is four levels up; src/backends/ebpf (ts-node) three.
  for (const up of ['../../../..', '../../..']) {
    const candidate = path.resolve(__dirname, up, 'bpf/build/sctrace.bpf.o');
    if (fs.existsSync(candidate)) return candidate;
  }
  return path.resolve(__dirname, '../../../..', 'bpf/build/sctrace.bpf.o');
}

/** CapEff bits from include/uapi/linux/capability.h. */
const CAP_SYS_ADMIN = 21n;
const CAP_PERFMON = 38n;
const CAP_BPF = 39n;

/** The eBPF backend. */
export class EbpfEngine extends PassEngine {
  readonly name = 'ebpf' as const;
  private cached: Availability | undefined;

  constructor(
    private readonly options: EbpfEngineOptions,
    syscalls: SyscallResolver,
  ) {
    super(new EbpfKernelSide({ ...options, selfTgid: process.pid }, syscalls), syscalls, options);
  }

  availability(): Availability {
    this.cached ??= probe(this.options.objectPath);
    return this.cached;
  }
}

/** Checks, cheapest first, everything the backend needs; the first missing thing is the reason. */
function probe(objectPath: string): Availability {
  if (!fs.existsSync('/sys/kernel/btf/vmlinux')) {
    return unavailable('no BTF at /sys/kernel/btf/vmlinux: the kernel was built without CONFIG_DEBUG_INFO_BTF');
  }
  const caps = effectiveCapabilities();
  const has = (bit: bigint) => (caps >> bit) & 1n;
  if (!has(CAP_SYS_ADMIN) && !(has(CAP_BPF) && has(CAP_PERFMON))) {
    return unavailable('CAP_BPF and CAP_PERFMON missing (or CAP_SYS_ADMIN): run sctraced as root');
  }
  try {
    libbpf();
  } catch (err) {
    return unavailable((err as Error).message);
  }
  if (!fs.existsSync(objectPath)) return unavailable(`BPF object ${objectPath} not built: run npm run build`);
  return { available: true, reason: '' };
}

function effectiveCapabilities(): bigint {
  try {
    const status = fs.readFileSync('/proc/self/status', 'utf8');
    const match = /^CapEff:\s*([0-9a-f]+)$/m.exec(status);
    return match ? BigInt(`0x${match[1]}`) : 0n;
  } catch {
    return 0n;
  }
}
