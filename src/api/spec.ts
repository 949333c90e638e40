/**
 * Validates a TraceSpec from a client and turns it into the CaptureSpec a backend runs. Every
 * check happens here, before any kernel object exists, so a bad spec is an INVALID_ARGUMENT
 * naming the bad value and never a half-started trace.
 */
import type { TraceSpec, TraceSpec__Output } from './generated/sctrace/v1/TraceSpec';
import { isBackendChoice } from '../backends/select';
import type { Rendering, SyscallResolver } from '../syscalls/types';
import type { TraceRequest } from '../traces/manager';
import { LimitExceededError } from '../auth/limits';

/** Default of TraceSpec.string_max_bytes. */
export const DEFAULT_STRING_MAX = 256;
/** Hard cap (SCT_STR_MAX in bpf/shared/sctrace_event.h). */
export const STRING_MAX_LIMIT = 4096;
/** Hard cap of TraceSpec.buffer_bytes (the kernel side's buffer read bound). */
export const BUFFER_BYTES_LIMIT = 4096;
/** Hard cap of TraceSpec.ring_bytes: 3/8 of the largest ring (--ring-mb 1024). */
const RING_BYTES_LIMIT = (1024 << 20) * 3 / 8;
/** Smallest TraceSpec.retention_bytes: a window must hold a few batches to be of use. */
export const RETENTION_MIN_BYTES = 65_536;

/** Most values in one list filter (they become kernel hash maps of bounded size). */
const MAX_FILTER_VALUES = 64;
const MAX_PIDS = 4096;

/** The spec is malformed; the message says which value and why. */
export class InvalidSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidSpecError';
  }
}

/** A checked spec: a TraceRequest but for who asks for it. */
export type CheckedSpec = Omit<TraceRequest, 'owner'>;

/** What this service lets a trace capture (sctraced --max-string-bytes, --max-buffer-bytes). */
export interface CaptureLimits {
  maxStringBytes: number;
  maxBufferBytes: number;
  /** What TraceSpec.retention_bytes 0 means (sctraced --retention-mb). */
  retentionBytes: number;
  /** Largest TraceSpec.retention_bytes (sctraced --max-retention-mb). */
  maxRetentionBytes: number;
  /** What all windows hold together (sctraced --retention-total-mb): no window may ask for more. */
  retentionTotalBytes?: number;
}

/** The kernel side's own caps: a service may be configured below them, never above. */
export const NO_CAPTURE_LIMITS: CaptureLimits = {
  maxStringBytes: STRING_MAX_LIMIT,
  maxBufferBytes: BUFFER_BYTES_LIMIT,
  retentionBytes: 64 << 20,
  maxRetentionBytes: 1024 << 20,
};

/**
 * Checks `spec` and resolves its names. `selfPid` is the service's own pid, never traced. A size
 * beyond what the kernel side can do is INVALID_ARGUMENT; one within it but beyond this service's
 * `limits` is RESOURCE_EXHAUSTED naming the flag.
 */
export function validateSpec(
  spec: TraceSpec__Output | null | undefined,
  syscalls: SyscallResolver,
  selfPid: number,
  limits: CaptureLimits = NO_CAPTURE_LIMITS,
): CheckedSpec {
  if (!spec) throw new InvalidSpecError('spec is missing: StartTraceRequest.spec must be set (an empty TraceSpec traces everything)');
  const backend = spec.backend === '' ? 'auto' : spec.backend;
  if (!isBackendChoice(backend)) {
    throw new InvalidSpecError(`spec.backend ${JSON.stringify(spec.backend)} is not a backend: use "auto", "ebpf" or "kmod"`);
  }
  const stringMax = spec.string_max_bytes === 0 ? Math.min(DEFAULT_STRING_MAX, limits.maxStringBytes) : spec.string_max_bytes;
  if (stringMax > STRING_MAX_LIMIT) {
    throw new InvalidSpecError(`spec.string_max_bytes ${stringMax} is too large: at most ${STRING_MAX_LIMIT}`);
  }
  if (stringMax > limits.maxStringBytes) {
    throw new LimitExceededError(`spec.string_max_bytes ${stringMax} is above this service's limit of ${limits.maxStringBytes} (sctraced --max-string-bytes)`);
  }
  if (spec.buffer_bytes > BUFFER_BYTES_LIMIT) {
    throw new InvalidSpecError(`spec.buffer_bytes ${spec.buffer_bytes} is too large: at most ${BUFFER_BYTES_LIMIT}`);
  }
  if (spec.buffer_bytes > limits.maxBufferBytes) {
    throw new LimitExceededError(`spec.buffer_bytes ${spec.buffer_bytes} is above this service's limit of ${limits.maxBufferBytes} (sctraced --max-buffer-bytes)`);
  }
  if (spec.no_syscalls && spec.syscalls.length > 0) {
    throw new InvalidSpecError(`spec.no_syscalls is set but spec.syscalls names ${spec.syscalls.length}: choose one`);
  }
  const ringBytes = Number(spec.ring_bytes);
  if (!Number.isSafeInteger(ringBytes) || ringBytes > RING_BYTES_LIMIT) {
    throw new InvalidSpecError(`spec.ring_bytes ${spec.ring_bytes} is too large: at most ${RING_BYTES_LIMIT} (the service's ring is shared by every trace)`);
  }
  const retentionBytes = retentionOf(spec.retention_bytes, limits);
  const pids = uniqueNumbers(spec.pids, 'pids', MAX_PIDS);
  for (const pid of pids) {
    if (pid === 0) throw new InvalidSpecError('spec.pids contains 0, which is not a process id');
    if (pid === selfPid) throw new InvalidSpecError(`spec.pids contains ${pid}, the sctraced service itself: it does not trace its own process`);
  }
  const uids = uniqueNumbers(spec.uids, 'uids', MAX_FILTER_VALUES);
  const comms = [...new Set(spec.comms)];
  if (comms.length > MAX_FILTER_VALUES) throw new InvalidSpecError(`spec.comms has ${comms.length} names, at most ${MAX_FILTER_VALUES}`);
  for (const comm of comms) {
    const bytes = Buffer.byteLength(comm, 'utf8');
    if (bytes === 0 || bytes > 15) {
      throw new InvalidSpecError(`spec.comms entry ${JSON.stringify(comm)} must be 1 to 15 bytes (the kernel's task name length)`);
    }
  }
  const cgroupIds = [...new Set(spec.cgroup_ids.map((id) => BigInt(id)))];
  if (cgroupIds.length > MAX_FILTER_VALUES) throw new InvalidSpecError(`spec.cgroup_ids has ${cgroupIds.length} ids, at most ${MAX_FILTER_VALUES}`);
  const captured = spec.no_syscalls ? [] : resolveSyscalls(spec.syscalls, syscalls);
  const normalized: TraceSpec = {
    syscalls: spec.syscalls,
    pids,
    follow_children: spec.follow_children,
    comms,
    uids,
    process_events: spec.process_events,
    sched_events: spec.sched_events,
    signal_events: spec.signal_events,
    string_max_bytes: stringMax,
    backend,
    cgroup_ids: cgroupIds.map(String),
    buffer_bytes: spec.buffer_bytes,
    exec_env: spec.exec_env,
    rendering: spec.rendering ?? { constants: 'CONSTANT_STYLE_ABBREV', verbose: false, fd_details: false, fd_paths: false },
    no_syscalls: spec.no_syscalls,
    ring_bytes: String(ringBytes),
    retention_bytes: retentionBytes,
  };
  return {
    spec: normalized,
    backend,
    retentionBytes,
    capture: {
      syscalls: captured,
      pids,
      followChildren: spec.follow_children,
      comms,
      uids,
      cgroupIds,
      processEvents: spec.process_events,
      schedEvents: spec.sched_events,
      signalEvents: spec.signal_events,
      stringMaxBytes: stringMax,
      bufferBytes: spec.buffer_bytes,
      execEnv: spec.exec_env,
      excludePids: [selfPid],
      ringBytes,
      rendering: renderingOf(spec),
      trackFds: (spec.rendering?.fd_paths ?? false) || (spec.rendering?.fd_details ?? false),
    },
  };
}

/** TraceSpec.rendering as the catalog's renderings. */
function renderingOf(spec: TraceSpec__Output): Rendering {
  const r = spec.rendering;
  const styles: Record<string, Rendering['constants']> = {
    CONSTANT_STYLE_UNSPECIFIED: 'abbrev',
    CONSTANT_STYLE_ABBREV: 'abbrev',
    CONSTANT_STYLE_RAW: 'raw',
    CONSTANT_STYLE_VERBOSE: 'verbose',
  };
  const constants = styles[r?.constants ?? 'CONSTANT_STYLE_UNSPECIFIED'];
  if (constants === undefined) throw new InvalidSpecError(`spec.rendering.constants ${JSON.stringify(r?.constants)} is not a ConstantStyle`);
  return { constants, verbose: r?.verbose ?? false, fdDetails: r?.fd_details ?? false };
}

/** TraceSpec.retention_bytes (a decimal string, as 64-bit fields arrive) in bytes, checked. */
function retentionOf(value: string, limits: CaptureLimits): number {
  const requested = BigInt(value || '0');
  if (requested === 0n) return limits.retentionBytes;
  if (requested < BigInt(RETENTION_MIN_BYTES)) {
    throw new InvalidSpecError(`spec.retention_bytes ${requested} is too small: at least ${RETENTION_MIN_BYTES} (or 0 for the service default)`);
  }
  if (requested > BigInt(limits.maxRetentionBytes)) {
    throw new LimitExceededError(`spec.retention_bytes ${requested} is above this service's limit of ${limits.maxRetentionBytes} (sctraced --max-retention-mb)`);
  }
  if (limits.retentionTotalBytes !== undefined && requested > BigInt(limits.retentionTotalBytes)) {
    throw new LimitExceededError(
      `spec.retention_bytes ${requested} is above what all traces of this service may retain together, ${limits.retentionTotalBytes} (sctraced --retention-total-mb)`,
    );
  }
  return Number(requested);
}

/** Names and classes to sorted syscall numbers; null (every syscall) for an empty list. */
function resolveSyscalls(names: string[], syscalls: SyscallResolver): number[] | null {
  if (names.length === 0) return null;
  const nrs = new Set<number>();
  for (const name of names) {
    const found = syscalls.resolve(name.trim());
    if (found.length === 0) {
      const hint = name.startsWith('%')
        ? 'known classes: %file, %process, %network, %signal, %memory, %desc, %ipc, %creds, %clock, %stat'
        : `not a system call of ${syscalls.arch}; names as in "man 2 syscalls" (e.g. openat), or a class such as %file`;
      throw new InvalidSpecError(`spec.syscalls: unknown ${JSON.stringify(name)}: ${hint}`);
    }
    for (const info of found) nrs.add(info.nr);
  }
  return [...nrs].sort((a, b) => a - b);
}

function uniqueNumbers(values: number[], field: string, max: number): number[] {
  const unique = [...new Set(values)];
  if (unique.length > max) throw new InvalidSpecError(`spec.${field} has ${unique.length} values, at most ${max}`);
  return unique;
}
