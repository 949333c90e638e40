/**
 * Renders stream events: strace-style text lines (`openat(AT_FDCWD, "/etc/hostname", O_RDONLY) =
 * 3 <0.000012>`) or one JSON object per line. The service already decodes arguments (and gives a
 * symbolic form where it knows one), so this file only chooses between the forms it was given.
 */
import type { Event__Output } from '../../src/api/generated/sctrace/v1/Event';
import type { SyscallEvent__Output } from '../../src/api/generated/sctrace/v1/SyscallEvent';
import type { SyscallArg__Output } from '../../src/api/generated/sctrace/v1/SyscallArg';
import type { ProcessExec__Output } from '../../src/api/generated/sctrace/v1/ProcessExec';
import type { ProcessExit__Output } from '../../src/api/generated/sctrace/v1/ProcessExit';
import type { OutputFormat } from './command';
import { quoteBytes } from '../../src/syscalls/decoders/quote';
import { textBytes } from '../../src/syscalls/text';
import { errnoMessage, errnoName, hex, isRestartErrno, quoteString, signalName } from './values';

/** How an EventPrinter lays out its lines. */
export interface PrinterOptions {
  /** `text` (strace-like) or `json` (the Event message, one object per line). */
  format: OutputFormat;
  /** Prefix every text line with `[pid TID] ` from the start (strace -f does). */
  alwaysPrefix?: boolean;
  /** Prefix text lines with the event's wall-clock time, `HH:MM:SS.uuuuuu` (strace -tt). */
  timestamps?: boolean;
  /** Show what fd arguments and returned fds name, `read(3</etc/hostname>, ...)` (strace -y). */
  fdPaths?: boolean;
}

/**
 * Formats events one at a time. It is stateful: like strace, text lines get a `[pid TID] `
 * prefix once a second thread has been seen, so a single-threaded trace stays uncluttered.
 */
export class EventPrinter {
  private readonly seenTids = new Set<number>();
  private prefixing: boolean;

  constructor(private readonly options: PrinterOptions) {
    this.prefixing = options.alwaysPrefix ?? false;
  }

  /** One output line for `event`, without the newline. */
  format(event: Event__Output): string {
    if (this.options.format === 'json') return JSON.stringify(event, jsonValue);
    return this.prefix(event) + formatEventBody(event, this.options.fdPaths ?? false);
  }

  private prefix(event: Event__Output): string {
    const tid = event.task?.tid ?? 0;
    this.seenTids.add(tid);
    if (this.seenTids.size > 1) this.prefixing = true;
    const pid = this.prefixing ? `[pid ${tid}] ` : '';
    const time = this.options.timestamps ? `${formatWallClock(event.timestamp_ns)} ` : '';
    return pid + time;
  }
}

/**
 * JSON.stringify replacer: bytes fields (SyscallArg.buffer) as base64 strings, as the proto3
 * JSON mapping writes them, rather than Node's {"type":"Buffer","data":[...]}.
 */
function jsonValue(this: unknown, key: string, value: unknown): unknown {
  const raw = (this as Record<string, unknown>)[key];
  return raw instanceof Uint8Array ? Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64') : value;
}

/** The text of one event without prefixes; `fdPaths` as PrinterOptions.fdPaths. */
export function formatEventBody(event: Event__Output, fdPaths = false): string {
  switch (event.kind) {
    case 'syscall':
      return event.syscall ? formatSyscall(event.syscall, fdPaths) : '--- empty syscall event ---';
    case 'exec':
      return event.exec ? formatExec(event.exec, event.task?.pid ?? 0) : '--- exec ---';
    case 'fork':
      return `--- fork child ${event.fork?.child_pid ?? '?'} ---`;
    case 'exit':
      return event.exit ? formatExit(event.exit) : '+++ exited +++';
    case 'lost':
      return `--- ${event.lost?.count ?? '?'} events lost (${event.lost?.where || 'unknown'}) ---`;
    default:
      // A newer server may send kinds this client does not know; say so instead of dropping it.
      return `--- event of unknown kind (sequence ${event.sequence}) ---`;
  }
}

/**
 * `name(args) = ret <duration>`, or `name(args) = ?` when the call never returned. With
 * `fdPaths`, fds are followed by what they name: `3</etc/hostname>`.
 */
export function formatSyscall(call: SyscallEvent__Output, fdPaths = false): string {
  const args = formatArgs(call, fdPaths).join(', ');
  if (call.no_return) return `${call.name}(${args}) = ?`;
  const ret = formatReturn(call) + (fdPaths && call.ret_fd_path ? fdPath(call.ret_fd_path) : '');
  return `${call.name}(${args}) = ${ret} <${formatDuration(call.duration_ns)}>`;
}

/**
 * strace's argument order where it differs from the kernel's: x86_64's clone takes (flags, newsp,
 * parent_tidptr, child_tidptr, tls) but strace prints child_stack first and child_tidptr last.
 */
const PRINT_ORDER: Readonly<Record<string, readonly string[]>> = {
  clone: ['newsp', 'clone_flags', 'parent_tidptr', 'tls', 'child_tidptr'],
};

/**
 * Decoded arguments when the service gave them, else the raw registers in hex (as strace does
 * for unknown calls). Arguments the kernel ignores in this call are left out, as strace does.
 */
export function formatArgs(call: SyscallEvent__Output, fdPaths = false): string[] {
  if (call.decoded.length === 0) return call.args.map(hex);
  let shown = call.decoded.map((arg, i) => ({ arg, raw: call.args[i] })).filter(({ arg }) => !arg.ignored);
  const order = PRINT_ORDER[call.name];
  if (order) shown = [...shown].sort((a, b) => rank(order, a.arg.name) - rank(order, b.arg.name));
  return shown.map(({ arg, raw }) => formatArg(arg, raw) + (fdPaths && arg.fd_path ? fdPath(arg.fd_path) : ''));
}

function rank(order: readonly string[], name: string): number {
  const i = order.indexOf(name);
  return i < 0 ? order.length : i;
}

/** `</etc/hostname>`: the path escaped as in a quoted string, without the quotes. */
function fdPath(path: string): string {
  return `<${quoteString(path).slice(1, -1)}>`;
}

/**
 * One argument: the service's symbolic form if any; else the string, quoted; an unreadable
 * string as its pointer; integers in decimal, pointers in hex (NULL for 0).
 * `raw` is the register value, used when the decoded value is missing or unreadable.
 */
export function formatArg(arg: SyscallArg__Output, raw: string | undefined): string {
  if (arg.symbolic !== '') return arg.symbolic;
  if (arg.unreadable) return raw === undefined ? '?' : formatPointer(raw);
  switch (arg.value) {
    case 'str':
      return quoteBytes(textBytes(arg.str ?? '', arg.str_bytes), { truncated: arg.truncated });
    case 'int':
      return arg.int ?? '0';
    case 'uint':
      return isAddress(arg) ? formatPointer(arg.uint ?? '0') : (arg.uint ?? '0');
    default:
      return raw === undefined ? '?' : hex(raw);
  }
}

/**
 * Argument names the kernel declares `unsigned long` although they hold addresses (mmap's addr,
 * mprotect's start, brk's brk, mremap's new_addr, shmat's shmaddr); strace prints them as pointers.
 */
const ADDRESS_ARG_NAMES = new Set(['addr', 'start', 'brk', 'new_addr', 'shmaddr']);

/** Pointer types, and the address-valued integers above. */
function isAddress(arg: SyscallArg__Output): boolean {
  return arg.type.includes('*') || (arg.type === 'unsigned long' && ADDRESS_ARG_NAMES.has(arg.name));
}

/** A pointer register: NULL for 0, else hex. */
function formatPointer(value: string): string {
  return value === '0' ? 'NULL' : hex(value);
}

/** System calls whose return value is an address, which strace prints in hex. */
const ADDRESS_RETURNING = new Set(['mmap', 'mmap2', 'mremap', 'brk', 'shmat']);

/** Highest errno the kernel returns as -errno (include/linux/err.h MAX_ERRNO). */
const MAX_ERRNO = 4095n;

/** `3`, `0x7f…` for address-returning calls, `-1 ENOENT (No such file or directory)`. */
export function formatReturn(call: SyscallEvent__Output): string {
  const ret = /^-?\d+$/.test(call.ret) ? BigInt(call.ret) : 0n;
  const errno = call.errno_name !== '' ? call.errno_name : impliedErrno(ret);
  if (errno !== undefined) {
    const message = errnoMessage(errno);
    return `${isRestartErrno(errno) ? '?' : '-1'} ${errno}${message ? ` (${message})` : ''}`;
  }
  return ADDRESS_RETURNING.has(call.name) ? hex(call.ret) : ret.toString();
}

/** The errno name a negative return value encodes, for servers that left errno_name empty. */
function impliedErrno(ret: bigint): string | undefined {
  return ret < 0n && ret >= -MAX_ERRNO ? errnoName(Number(-ret)) : undefined;
}

/** Nanoseconds as strace -T shows them: seconds with six decimals. */
export function formatDuration(nanoseconds: string): string {
  const ns = /^\d+$/.test(nanoseconds) ? BigInt(nanoseconds) : 0n;
  const micros = (ns % 1_000_000_000n) / 1000n;
  return `${ns / 1_000_000_000n}.${micros.toString().padStart(6, '0')}`;
}

/** `--- exec "/bin/ls" ["ls", "-l"] ---`, noting a pid change when a non-leader thread exec'd. */
function formatExec(exec: ProcessExec__Output, pid: number): string {
  const argv = exec.argv.map((arg, i) => quoteBytes(textBytes(arg, exec.argv_bytes[i])));
  if (exec.argv_truncated) argv.push('...');
  const from = exec.old_pid !== 0 && exec.old_pid !== pid ? ` (from pid ${exec.old_pid})` : '';
  return `--- exec ${quoteBytes(textBytes(exec.filename, exec.filename_bytes))} [${argv.join(', ')}]${from} ---`;
}

/** `+++ exited with 3 +++` or `+++ killed by SIGSEGV (core dumped) +++`. */
function formatExit(exit: ProcessExit__Output): string {
  if (exit.signal === 0) return `+++ exited with ${exit.exit_code} +++`;
  return `+++ killed by ${signalName(exit.signal)}${exit.core_dumped ? ' (core dumped)' : ''} +++`;
}

/** Local wall-clock time with microseconds, from Unix-epoch nanoseconds. */
export function formatWallClock(epochNs: string): string {
  const micros = /^\d+$/.test(epochNs) ? BigInt(epochNs) / 1000n : 0n;
  const date = new Date(Number(micros / 1000n));
  const hms = [date.getHours(), date.getMinutes(), date.getSeconds()].map((n) => String(n).padStart(2, '0'));
  return `${hms.join(':')}.${(micros % 1_000_000n).toString().padStart(6, '0')}`;
}
