/**
 * What the rest of the service needs to know about system calls: numbers, names, argument
 * metadata, and how to turn a raw record into SyscallEvent fields. Implemented by
 * SyscallCatalog (catalog.ts); kept as interfaces so sessions and the API can be tested alone.
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
}

/** A string argument as the kernel side delivered it. */
export interface RawString {
  text: string;
  truncated: boolean;
  unreadable: boolean;
}

/** A completed syscall as a backend read it, before naming and decoding. */
export interface RawSyscall {
  nr: number;
  args: bigint[];
  ret: bigint;
  durationNs: bigint;
  noReturn: boolean;
  /** String arguments by argument index. */
  strings: Map<number, RawString>;
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
  /** Builds the SyscallEvent message for a raw record. */
  decode(raw: RawSyscall): SyscallEvent;
}
