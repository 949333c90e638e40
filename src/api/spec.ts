/**
 * Validates a TraceSpec from a client and turns it into the CaptureSpec a backend runs. Every
 * check happens here, before any kernel object exists, so a bad spec is an INVALID_ARGUMENT
 * naming the bad value and never a half-started trace.
 */
import type { TraceSpec, TraceSpec__Output } from './generated/sctrace/v1/TraceSpec';
import { isBackendChoice } from '../backends/select';
import { FD_CHANGING_SYSCALLS } from '../syscalls/fdeffects';
import type { DecodeOptions, SyscallResolver } from '../syscalls/types';
import type { TraceRequest } from '../traces/manager';
import { LimitExceededError } from '../auth/limits';

/** Default of TraceSpec.string_max_bytes. */
export const DEFAULT_STRING_MAX = 256;
/** Hard cap (SCT_STR_MAX in bpf/shared/sctrace_event.h). */
export const STRING_MAX_LIMIT = 4096;
/** Hard cap of TraceSpec.buffer_bytes (the kernel side's buffer read bound). */
export const BUFFER_BYTES_LIMIT = 4096;
/**
 * What the kernel side reads of every string argument: PATH_MAX, so that paths are never cut
 * (strace never cuts a path). The catalog cuts the strings that are not paths, and string arrays,
 * at the trace's string_max_bytes (DecodeOptions.stringMax). Until the kernel side tells paths
 * from other strings by itself (issue 10, bug 4, the capture layer's part), it is given this cap
 * for all of them; a string read stops at its NUL, so short strings cost the same. A service
 * configured with a lower --max-string-bytes reads no more than that (paths are cut there).
 */
const KERNEL_STRING_BYTES = STRING_MAX_LIMIT;
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
}

/** The kernel side's own caps: a service may be configured below them, never above. */
export const NO_CAPTURE_LIMITS: CaptureLimits = { maxStringBytes: STRING_MAX_LIMIT, maxBufferBytes: BUFFER_BYTES_LIMIT };

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
    string_max_bytes: stringMax,
    backend,
    cgroup_ids: cgroupIds.map(String),
    buffer_bytes: spec.buffer_bytes,
    exec_env: spec.exec_env,
    rendering: spec.rendering ?? { constants: 'CONSTANT_STYLE_ABBREV', verbose: false, fd_details: false },
    no_syscalls: spec.no_syscalls,
  };
  return {
    spec: normalized,
    backend,
    capture: {
      syscalls: captured,
      pids,
      followChildren: spec.follow_children,
      comms,
      uids,
      cgroupIds,
      processEvents: spec.process_events,
      stringMaxBytes: Math.min(KERNEL_STRING_BYTES, limits.maxStringBytes),
      bufferBytes: spec.buffer_bytes,
      execEnv: spec.exec_env,
      excludePids: [selfPid],
      decode: { ...decodeOptions(spec, stringMax), fdChangesTraced: tracesFdChanges(captured, syscalls) },
    },
  };
}

/** TraceSpec.rendering and string_max_bytes as the catalog's decode options. */
function decodeOptions(spec: TraceSpec__Output, stringMax: number): DecodeOptions {
  const r = spec.rendering;
  const styles: Record<string, DecodeOptions['constants']> = {
    CONSTANT_STYLE_UNSPECIFIED: 'abbrev',
    CONSTANT_STYLE_ABBREV: 'abbrev',
    CONSTANT_STYLE_RAW: 'raw',
    CONSTANT_STYLE_VERBOSE: 'verbose',
  };
  const constants = styles[r?.constants ?? 'CONSTANT_STYLE_UNSPECIFIED'];
  if (constants === undefined) throw new InvalidSpecError(`spec.rendering.constants ${JSON.stringify(r?.constants)} is not a ConstantStyle`);
  return { stringMax, constants, verbose: r?.verbose ?? false, fdDetails: r?.fd_details ?? false, fdChangesTraced: true };
}

/** Whether `traced` (null: every syscall) selects every call that changes fds. */
function tracesFdChanges(traced: number[] | null, syscalls: SyscallResolver): boolean {
  if (traced === null) return true;
  const set = new Set(traced);
  return FD_CHANGING_SYSCALLS.every((name) => {
    const info = syscalls.byName(name);
    return info === undefined || set.has(info.nr);
  });
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
