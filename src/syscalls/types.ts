/**
 * What the rest of the service needs to know about system calls: numbers, names, argument
 * metadata, and how to turn a raw record into SyscallEvent fields. Implemented by
 * SyscallCatalog (catalog.ts); kept as interfaces so traces and the API can be tested alone.
 */
import type { SyscallEvent } from '../api/generated/sctrace/v1/SyscallEvent';

/** One argument as the kernel's metadata describes it. */
export interface SyscallArgInfo {
  /** e.g. "filename" */
  name: string;
  /** e.g. "const char *" */
  type: string;
  /** A user-space string the kernel side should read (`const char *`). */
  isString: boolean;
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
 *   truncated when the call's length was more than the read's cap.
 * - strv: a string array (execve's argv); `cut[i]` when element i was cut at string_max,
 *   truncated when elements were left out; `itemBytes` (one per item) only when an item is not
 *   valid UTF-8.
 * - count: only the number of elements of a string array (execve's envp without exec_env).
 * - inout: a length the call reads and writes (accept's *addrlen): its value before and after.
 */
export type RawBlob =
  | { kind: 'bytes'; data: Uint8Array; truncated: boolean; unreadable: boolean }
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

/** How a trace's events are rendered (TraceSpec.string_max_bytes and TraceSpec.rendering). */
export interface DecodeOptions {
  /** Longest string that is not a path, string array (elements and count), rendered buffer. */
  stringMax: number;
  /** Constants by name (strace's default), as numbers, or both (strace -X). */
  constants: 'abbrev' | 'raw' | 'verbose';
  /** Structures in full (strace -v). */
  verbose: boolean;
  /** Fd paths with socket endpoints and device numbers (strace -yy). */
  fdDetails: boolean;
  /**
   * The trace selects every call that changes fds (FD_CHANGING_SYSCALLS), so the fd table is
   * kept from events; otherwise fd paths come from /proc each time (src/syscalls/fdstate.ts).
   */
  fdChangesTraced: boolean;
}

/** strace's renderings with the API's default string length. */
export const DEFAULT_DECODE_OPTIONS: DecodeOptions = { stringMax: 256, constants: 'abbrev', verbose: false, fdDetails: false, fdChangesTraced: true };

/**
 * Decode state of one trace, for renderings that depend on earlier events (which path an fd
 * names). Made by SyscallResolver.newTraceState for each trace and fed that trace's records in
 * order; SyscallResolver.decode reads and updates it. Not shared between traces.
 */
export interface TraceState {
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
   * A fresh decode state for one trace, knowing its target pids (read as they are now) and how
   * its events are rendered (DEFAULT_DECODE_OPTIONS when not given); optional for resolvers
   * without per-trace renderings.
   */
  newTraceState?(pids?: readonly number[], options?: DecodeOptions): TraceState;
}
