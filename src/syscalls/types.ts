/**
 * What the rest of the service needs to know about system calls: numbers, names, argument
 * metadata, and how to turn a raw record into SyscallEvent fields. Implemented by
 * SyscallCatalog (catalog.ts); kept as interfaces so traces and the API can be tested alone.
 */
import type { DecodedSiginfo } from './decoders/siginfo';
import type { SyscallEvent } from '../api/generated/sctrace/v1/SyscallEvent';
import type { IoctlArgSize } from './decoders/ioctl';

/** One argument as the kernel's metadata describes it. */
export interface SyscallArgInfo {
  /** e.g. "filename" */
  name: string;
  /** e.g. "const char *" */
  type: string;
  /** A user-space string the kernel side should read (`const char *`). */
  isString: boolean;
  /** ...and a path: read whole (up to PATH_MAX), never cut at string_max, as strace prints it. */
  isPath: boolean;
  /** Signed integer type (int, long, pid_t, ...): decoded as `int` rather than `uint`. */
  signed: boolean;
}

/** One system call of the running architecture. */
export interface SyscallInfo {
  nr: number;
  name: string;
  /** Arguments in order; empty when the kernel publishes no metadata for this call. */
  args: SyscallArgInfo[];
  /** Strings must be read at entry because the address space is replaced (execve, execveat). */
  readStringsAtEntry: boolean;
  /**
   * The name of its per-syscall tracepoints, syscalls/sys_enter_<name> and sys_exit_<name> (e.g.
   * "newstat" for stat); absent when the running kernel has none for it.
   */
  tracepoint?: string;
}

/** A string argument as the kernel side delivered it. */
export interface RawString {
  /** The bytes as UTF-8 text (invalid sequences as U+FFFD). */
  text: string;
  /** The exact bytes, only when they are not valid UTF-8 (src/syscalls/text.ts). */
  bytes?: Uint8Array;
  truncated: boolean;
  unreadable: boolean;
}

/**
 * Memory behind a pointer argument, as an extra kernel read delivered it (see
 * src/syscalls/reads.ts for which syscalls have which):
 * - bytes: raw user memory (a sockaddr, a struct stat, the first bytes of a data buffer);
 *   truncated when the call's length was more than the read's cap; `transferred` for data a
 *   call moved that is not an argument's data buffer (an iovec element's, behind a pointer:
 *   a derived blob, keyed 0x80 | arg << 3 | part), cut per trace like a data buffer; `whole`
 *   for a data buffer read whole because it is a netlink message (decoded whole; its
 *   SyscallArg.buffer is still cut to the trace's buffer_bytes), with `protocol`, the
 *   socket's NETLINK_* protocol when the call was made (the fd may be gone by decode time).
 * - strv: a string array (execve's argv); `cut[i]` when element i was cut at string_max,
 *   truncated when elements were left out; `itemBytes` (one per item) only when an item is not
 *   valid UTF-8.
 * - count: only the number of elements of a string array (execve's envp without exec_env).
 * - inout: a length the call reads and writes (accept's *addrlen): its value before and after.
 */
export type RawBlob =
  | { kind: 'bytes'; data: Uint8Array; truncated: boolean; unreadable: boolean; transferred?: boolean; whole?: boolean; protocol?: number }
  | { kind: 'strv'; items: string[]; itemBytes?: Uint8Array[]; cut: boolean[]; truncated: boolean; unreadable: boolean }
  | { kind: 'count'; count: number; truncated: boolean; unreadable: boolean }
  | { kind: 'inout'; before: number; after: number; unreadable: boolean };

/** A completed syscall as a backend read it, before naming and decoding. */
export interface RawSyscall {
  nr: number;
  args: bigint[];
  ret: bigint;
  durationNs: bigint;
  noReturn: boolean;
  /** String arguments by argument index. */
  strings: Map<number, RawString>;
  /**
   * Extra reads by pointer argument index; absent when the record had none. Bytes may alias the
   * backend's buffer and are valid only during decode: copy what is kept.
   */
  blobs?: ReadonlyMap<number, RawBlob>;
  /** The calling thread: thread-group id and thread id (for per-trace state such as fd paths). */
  pid?: number;
  tid?: number;
}

/** How a trace's values render, as strace's options choose (TraceSpec.rendering). */
export interface Rendering {
  /** Constants by name (strace's default), as numbers, or both (strace -X). */
  constants: 'abbrev' | 'raw' | 'verbose';
  /** Structures in full (strace -v). */
  verbose: boolean;
  /** Fd paths with socket endpoints and device numbers (strace -yy). */
  fdDetails: boolean;
}

/** strace's default renderings. */
export const DEFAULT_RENDERING: Rendering = { constants: 'abbrev', verbose: false, fdDetails: false };

/** What the decoders see of a trace's settings (CallView.options): its renderings and its -s. */
export interface DecodeOptions extends Rendering {
  /** Longest string that is not a path, string array (elements and count), rendered buffer. */
  stringMax: number;
}

/** strace's renderings with the API's default string length. */
export const DEFAULT_DECODE_OPTIONS: DecodeOptions = { stringMax: 256, ...DEFAULT_RENDERING };

/**
 * What a trace's events are cut to: its string_max_bytes, buffer_bytes and exec_env. The kernel
 * side reads at the largest settings of the traces a record is for; each trace gets its own view.
 */
export interface ViewLimits {
  stringMax: number;
  bufferBytes: number;
  execEnv: boolean;
}

/**
 * One way of decoding a record: a trace's limits and renderings. Traces with equal views share
 * one decoding of each record (src/backends/capture/pipeline.ts); a view is a DecodeOptions.
 */
export interface TraceView extends ViewLimits, Rendering {}

/** Whether two views decode alike (the pipeline's grouping key). */
export function sameView(a: TraceView, b: TraceView): boolean {
  return (
    a.stringMax === b.stringMax &&
    a.bufferBytes === b.bufferBytes &&
    a.execEnv === b.execEnv &&
    a.constants === b.constants &&
    a.verbose === b.verbose &&
    a.fdDetails === b.fdDetails
  );
}

/**
 * Decode state of one kernel pass, for renderings that depend on earlier events (which path an
 * fd names). Made by SyscallResolver.newTraceState and fed every record of the pass in order;
 * SyscallResolver.decode reads and updates it.
 */
export interface TraceState {
  /** Reads the fd table of running process pid now (a new trace's target). */
  track?(pid: number): void;
  /** Process `parent` forked process `child` (a fork record; a clone's return does the same). */
  onFork(parent: number, child: number): void;
  /** Process `pid` ended (its last thread exited). */
  onExit(pid: number): void;
}

/** Resolves names and decodes records; one per process, built at start-up. */
export interface SyscallResolver {
  /** Architecture name, e.g. "x86_64". */
  readonly arch: string;
  /** Every known syscall, by number. */
  all(): readonly SyscallInfo[];
  byNumber(nr: number): SyscallInfo | undefined;
  byName(name: string): SyscallInfo | undefined;
  /** Names a TraceSpec.syscalls entry resolves to (a name, or later a %class); empty if unknown. */
  resolve(nameOrClass: string): SyscallInfo[];
  /**
   * Builds the SyscallEvent message for a raw record. With `state` (one trace's, see
   * newTraceState), also resolves fd arguments to paths and records the fds the call opened or
   * closed.
   */
  decode(raw: RawSyscall, state?: TraceState): SyscallEvent;
  /**
   * One SyscallEvent per view of the same record, each cut to its view's limits and rendered as
   * it asks (undefined: as delivered, strace's renderings), with `state` updated once. For
   * records several traces with different settings share; decode(raw, state) is
   * decodeViews(raw, state, [undefined])[0]. `fdChangesTraced` says whether the record's traces
   * select every call that changes fds (FD_CHANGING_SYSCALLS): when none does, the state cannot
   * keep fd tables from events and fd paths come from /proc (src/syscalls/fdstate.ts).
   */
  decodeViews?(raw: RawSyscall, state: TraceState | undefined, views: readonly (TraceView | undefined)[], fdChangesTraced?: boolean): SyscallEvent[];
  /**
   * A fresh decode state for one kernel pass, knowing the target pids of its first trace (read
   * as they are now; later targets through TraceState.track); optional for resolvers without
   * per-trace renderings.
   */
  newTraceState?(pids?: readonly number[]): TraceState;
  /**
   * A signal record's siginfo (struct kernel_siginfo bytes) decoded as strace prints it; optional
   * for resolvers without signal names (the record decoder then reports the raw numbers only).
   */
  decodeSiginfo?(siginfo: Uint8Array): DecodedSiginfo;
  /** The kernel side's ioctl size table (struct sct_ioctl_size); none for resolvers without decoders. */
  ioctlArgSizes?(): readonly IoctlArgSize[];
}
