/**
 * Renders stream events as strace 6.1 prints them, line for line, or one JSON object per line.
 * The service decodes arguments (and gives a symbolic form where it knows one); this file lays
 * the line out as strace's printleader/tabto/syscall_exiting_trace do: the `PID ` or
 * `[pid  TID] ` prefix, timestamps, `name(args)`, ` = ` at column 40, the return value with its
 * notes, `-T` times, `+++ exited with N +++` lines and `-e read=/write=` hex dumps. Exec and
 * fork events print nothing (strace has no such lines) unless asked for with --process-notices;
 * lost events always print a notice, since a gap must never be silent.
 */
import type { Event__Output } from '../../src/api/generated/sctrace/v1/Event';
import type { SyscallEvent__Output } from '../../src/api/generated/sctrace/v1/SyscallEvent';
import type { SyscallArg__Output } from '../../src/api/generated/sctrace/v1/SyscallArg';
import type { ProcessExec__Output } from '../../src/api/generated/sctrace/v1/ProcessExec';
import type { ContextSwitch__Output } from '../../src/api/generated/sctrace/v1/ContextSwitch';
import type { ResourceUsage__Output } from '../../src/api/generated/sctrace/v1/ResourceUsage';
import type { ProcessExit__Output } from '../../src/api/generated/sctrace/v1/ProcessExit';
import { quoteBytes, requote, type HexStyle } from '../../src/syscalls/decoders/quote';
import { textBytes } from '../../src/syscalls/text';
import type { OutputFormat } from './command';
import { QualifiedSet } from './qualify';
import { formatReturn } from './returns';
import { hex, quoteString, signalName } from './values';

/** How an EventPrinter lays out its lines (a subset of DisplayOptions, with defaults). */
export interface PrinterOptions {
  /** `text` (strace's) or `json` (the Event message, one object per line). */
  format: OutputFormat;
  /** Lines carry strace's `-o FILE` prefix, `PID ` (strace -f -o FILE, or several -p). */
  pidColumn?: boolean;
  /** Lines carry strace's `[pid  TID] ` prefix while more than one task is traced (output not to -o FILE). */
  pidBrackets?: boolean;
  /** -t count: 1 `HH:MM:SS`, 2 with microseconds, 3 epoch seconds with microseconds. */
  timestamps?: 0 | 1 | 2 | 3;
  /** -r: time since the previous line. */
  relative?: boolean;
  /** -T: time spent in the call. */
  durations?: boolean;
  /**
   * -y: what fds name, `read(3</etc/hostname>, ...)`; 'details' for -yy, where the service's
   * fd_path holds strace's -yy text (`TCP:[...]`, `/dev/null<char 1:3>`, `pid:N`).
   */
  fdPaths?: FdPaths;
  /** -x count. */
  hex?: 0 | 1 | 2;
  /** -n: syscall numbers. */
  syscallNumbers?: boolean;
  /** -a: column of ` = ` (strace's default 40). */
  column?: number;
  /** `+++ exited with N +++` lines (strace -qq silences them). */
  exitLines?: boolean;
  /** -e read= / -e write=: fds whose transfers are hex-dumped. */
  readDump?: QualifiedSet<number>;
  writeDump?: QualifiedSet<number>;
  /** --process-notices: `--- exec ... ---` and `--- fork ... ---` lines. */
  processNotices?: boolean;
  /** --sched: `+++ exited with 0 (1.21 s, user 0.80 s, sys 0.10 s) +++`; without it strace's line. */
  exitTimes?: boolean;
  /** -e signal=: signals whose `--- SIG... ---` and `+++ killed by +++` lines print (all by default). */
  signals?: QualifiedSet<number>;
}

/** One printed line and the thread it belongs to (for -ff's per-thread files). */
export interface PrintedLine {
  tid: number;
  text: string;
}

/** strace's default -a. */
const DEFAULT_COLUMN = 40;
const HEX_STYLES: readonly HexStyle[] = ['none', 'non-ascii', 'all'];

/** Syscalls that create a task and return its id to the caller. */
const CREATORS = new Set(['clone', 'clone3', 'fork', 'vfork']);
/** Syscalls whose data is dumped by -e write= (fd first, buffer second, length third) and -e read=. */
const WRITES = new Set(['write', 'pwrite64', 'sendto']);
const READS = new Set(['read', 'pread64', 'recvfrom']);

/**
 * Formats events one at a time. Stateful, as strace is: it counts the live traced tasks (the
 * `[pid N]` prefix appears while there is more than one) and remembers the previous line's time
 * for -r.
 */
export class EventPrinter {
  /** Live traced tasks (tid → pid). */
  private readonly live = new Map<number, number>();
  /** Tasks whose exit line is printed (a thread's exit(2), before its process's exit event). */
  private readonly gone = new Set<number>();
  private lastNs: bigint | undefined;
  /**
   * Signal lines held back until their thread's current call has its line: a signal the task
   * ignored, discarded while it was inside that call (strace, through ptrace, sees it delivered
   * as the call returns, after the call's line).
   */
  private readonly heldSignals = new Map<number, PrintedLine[]>();
  private readonly style: HexStyle;
  private readonly column: number;

  constructor(private readonly options: PrinterOptions) {
    this.style = HEX_STYLES[options.hex ?? 0];
    this.column = options.column ?? DEFAULT_COLUMN;
  }

  /** The text of `event` without a newline, as one string (lines joined by newlines). */
  format(event: Event__Output): string {
    return this.lines(event).map((l) => l.text).join('\n');
  }

  /** Notes an event that is not printed (filtered out): it still changes which tasks are live. */
  skip(event: Event__Output): void {
    this.track(event);
  }

  /** The lines `event` prints (none for events strace shows nothing for). */
  lines(event: Event__Output): PrintedLine[] {
    const tid = event.task?.tid ?? 0;
    if (this.options.format === 'json') {
      this.track(event);
      return [{ tid, text: JSON.stringify(event, jsonValue) }];
    }
    if (!this.live.has(tid) && tid !== 0 && event.kind !== 'exit') {
      this.live.set(tid, event.task?.pid ?? tid);
      this.gone.delete(tid);
    }
    const out: PrintedLine[] = [];
    const line = (text: string, at: bigint = eventNs(event)) => out.push({ tid, text: this.leader(tid, at) + text });
    switch (event.kind) {
      case 'syscall': {
        const call = event.syscall;
        if (!call) break;
        const entry = eventNs(event) - (/^\d+$/.test(call.duration_ns) ? BigInt(call.duration_ns) : 0n);
        const head = this.leader(tid, entry);
        out.push({ tid, text: head + this.syscallText(call, head.length) });
        for (const dump of this.dumps(call)) out.push({ tid, text: dump });
        this.releaseSignals(out, tid);
        if (call.no_return && call.name === 'exit') this.exitedLines(out, event, [tid]);
        break;
      }
      case 'exit':
        for (const t of this.tasksOf(event.task?.pid ?? tid, tid)) this.releaseSignals(out, t);
        if (event.exit) this.exitedLines(out, event, this.tasksOf(event.task?.pid ?? tid, tid));
        break;
      case 'signal_delivered': {
        const sig = event.signal_delivered;
        // No siginfo: the SIGKILL of a process killed as a whole, which strace shows only as its end.
        if (!sig || sig.no_info || !(this.options.signals?.has(sig.signo) ?? true)) break;
        const text = this.leader(tid, eventNs(event)) + `--- ${sig.signal} ${sig.symbolic} ---`;
        if (sig.discarded && sig.during_syscall) {
          const held = this.heldSignals.get(tid) ?? [];
          held.push({ tid, text });
          this.heldSignals.set(tid, held);
        } else {
          out.push({ tid, text });
        }
        break;
      }
      case 'exec':
        if (this.options.processNotices && event.exec) line(formatExec(event.exec, event.task?.pid ?? 0));
        break;
      case 'fork':
        if (this.options.processNotices) line(`--- fork child ${event.fork?.child_pid ?? '?'} ---`);
        break;
      case 'thread_created':
        if (this.options.processNotices) line(`--- thread ${event.thread_created?.tid ?? '?'} created (clone flags ${hex(event.thread_created?.clone_flags ?? '0')}) ---`);
        break;
      case 'thread_exit':
        if (this.options.processNotices) line(`--- thread exited${event.thread_exit ? formatTimes(event.thread_exit.wall_time_ns, event.thread_exit.usage) : ''} ---`);
        break;
      case 'context_switch':
        if (event.context_switch) line(formatSwitch(event.context_switch));
        break;
      case 'lost':
        line(`--- ${event.lost?.count ?? '?'} events lost (${event.lost?.where || 'unknown'}) ---`);
        break;
      default:
        // A newer server may send kinds this client does not know; say so instead of dropping it.
        line(`--- event of unknown kind (sequence ${event.sequence}) ---`);
    }
    this.track(event);
    return out;
  }

  /** strace's printleader: the pid prefix and timestamps. */
  private leader(tid: number, atNs: bigint): string {
    let out = '';
    if (this.options.pidColumn) out += `${String(tid).padEnd(5)} `;
    else if (this.options.pidBrackets && this.live.size > 1) out += `[pid ${String(tid).padStart(5)}] `;
    const t = this.options.timestamps ?? 0;
    if (t !== 0) out += `${formatTimestamp(atNs, t)} `;
    if (this.options.relative) {
      const delta = this.lastNs === undefined || atNs < this.lastNs ? 0n : atNs - this.lastNs;
      const seconds = String(delta / 1_000_000_000n).padStart(6);
      const micros = ((delta % 1_000_000_000n) / 1000n).toString().padStart(6, '0');
      out += t > 0 ? `(+${seconds}.${micros}) ` : `${seconds}.${micros} `;
    }
    this.lastNs = atNs;
    return out;
  }

  /** `name(args) = ret`, ` = ` at the column, counting the `lead` characters before it. */
  private syscallText(call: SyscallEvent__Output, lead: number): string {
    const number = this.options.syscallNumbers ? `[${String(call.nr).padStart(4)}] ` : '';
    const fdPaths = this.options.fdPaths ?? false;
    const head = `${number}${call.name}(${formatArgs(call, fdPaths, this.style).join(', ')}) `;
    const pad = Math.max(0, this.column - lead - head.length);
    if (call.no_return) return `${head}${' '.repeat(pad)}= ?`;
    const fdPath = fdPaths && call.ret_fd_path ? fdPathText(call.ret_fd_path, this.style, fdPaths === 'details') : '';
    const time = this.options.durations ? ` <${formatDuration(call.duration_ns)}>` : '';
    const notes = call.decoded.filter((a) => a.return_note).map((a) => requote(a.return_note, this.style));
    return `${head}${' '.repeat(pad)}= ${formatReturn(call, fdPath, notes)}${time}`;
  }

  /** The signal lines held back for `tid` (see heldSignals), after its call's line. */
  private releaseSignals(out: PrintedLine[], tid: number): void {
    const held = this.heldSignals.get(tid);
    if (!held) return;
    out.push(...held);
    this.heldSignals.delete(tid);
  }

  /** `+++ exited with N +++` (or killed) for each of `tids`, unless silenced. */
  private exitedLines(out: PrintedLine[], event: Event__Output, tids: number[]): void {
    const exit: ProcessExit__Output = event.exit ?? { exit_code: 0, signal: 0, core_dumped: false, wall_time_ns: '0', usage: null, children_usage: null };
    const code = event.kind === 'syscall' ? Number(BigInt.asIntN(32, BigInt(event.syscall?.args[0] ?? '0'))) & 0xff : exit.exit_code;
    for (const t of tids) {
      if (this.gone.has(t)) continue;
      this.gone.add(t);
      // strace shows `+++ killed by SIG +++` only for signals in -e signal= (print_signalled).
      const killedHidden = exit.signal !== 0 && event.kind !== 'syscall' && !(this.options.signals?.has(exit.signal) ?? true);
      if (this.options.exitLines !== false && !killedHidden) {
        // The process's own line carries its times (issue 15): ` (1.21 s, user 0.80 s, sys 0.10 s)`.
        const times = this.options.exitTimes && event.kind === 'exit' && t === (event.task?.tid ?? 0) ? formatTimes(exit.wall_time_ns, exit.usage, exit.children_usage) : '';
        const text =
          exit.signal === 0 || event.kind === 'syscall'
            ? `+++ exited with ${code}${times} +++`
            : `+++ killed by ${signalName(exit.signal)} ${exit.core_dumped ? '(core dumped) ' : ''}${times ? `${times.slice(1)} ` : ''}+++`;
        out.push({ tid: t, text: this.leader(t, eventNs(event)) + text });
      }
      this.live.delete(t);
    }
  }

  /** The live tasks of process `pid`, other threads first and `tid` (the last to go) last. */
  private tasksOf(pid: number, tid: number): number[] {
    const tids = [...this.live].filter(([t, p]) => p === pid && t !== tid).map(([t]) => t);
    return this.live.has(tid) || tids.length === 0 ? [...tids, tid] : tids;
  }

  /** Keeps the live-task count: a created task joins at its creator's return, exits leave. */
  private track(event: Event__Output): void {
    const call = event.syscall;
    if (event.kind === 'syscall' && call && CREATORS.has(call.name) && !call.no_return && /^\d+$/.test(call.ret) && call.ret !== '0') {
      const child = Number(call.ret);
      const threadFlag = 0x10000n; // CLONE_THREAD: the new task shares the caller's pid
      const isThread = call.name === 'clone' && (BigInt(call.args[0] ?? '0') & threadFlag) !== 0n;
      if (!this.live.has(child)) this.live.set(child, isThread ? (event.task?.pid ?? child) : child);
    }
    if (event.kind === 'fork' && event.fork && !this.live.has(event.fork.child_pid)) this.live.set(event.fork.child_pid, event.fork.child_pid);
    if (event.kind === 'exit' && event.task) for (const t of this.tasksOf(event.task.pid, event.task.tid)) this.live.delete(t);
  }

  /** strace's dumpio: every byte a call read from or wrote to a selected fd, 16 to a line. */
  private dumps(call: SyscallEvent__Output): string[] {
    const write = WRITES.has(call.name) ? this.options.writeDump : undefined;
    const read = READS.has(call.name) ? this.options.readDump : undefined;
    const set = write ?? read;
    if (set === undefined) return [];
    const fd = Number(BigInt.asIntN(32, BigInt(call.args[0] ?? '-1')));
    if (fd < 0 || !set.has(fd)) return [];
    if (read && (call.errno_name !== '' || call.no_return)) return [];
    const buffer = call.decoded[1]?.buffer;
    if (!buffer || buffer.length === 0) return [];
    const lines = hexDump(buffer);
    const transferred = write ? BigInt(call.args[2] ?? '0') : BigInt(call.ret);
    // The kernel side delivers at most 4096 bytes of a buffer; say what is missing.
    if (BigInt(buffer.length) < transferred) lines.push(` | ... ${transferred - BigInt(buffer.length)} more bytes not captured |`);
    return lines;
  }
}

/** The event's time in nanoseconds (for a syscall, its return). */
function eventNs(event: Event__Output): bigint {
  return /^\d+$/.test(event.timestamp_ns) ? BigInt(event.timestamp_ns) : 0n;
}

/**
 * JSON.stringify replacer: bytes fields (SyscallArg.buffer) as base64 strings, as the proto3
 * JSON mapping writes them, rather than Node's {"type":"Buffer","data":[...]}.
 */
function jsonValue(this: unknown, key: string, value: unknown): unknown {
  const raw = (this as Record<string, unknown>)[key];
  return raw instanceof Uint8Array ? Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64') : value;
}

/**
 * `name(args) = ret` with strace's defaults (no prefix, ` = ` at column 40), or `name(args) = ?`
 * when the call never returned. With `fdPaths`, fds are followed by what they name.
 */
export function formatSyscall(call: SyscallEvent__Output, fdPaths: FdPaths = false): string {
  return new EventPrinter({ format: 'text', fdPaths }).format({
    sequence: '0',
    timestamp_ns: '0',
    task: null,
    kind: 'syscall',
    syscall: call,
  } as Event__Output);
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
export function formatArgs(call: SyscallEvent__Output, fdPaths: FdPaths = false, style: HexStyle = 'none'): string[] {
  if (call.decoded.length === 0) return call.args.map(hex);
  let shown = call.decoded.map((arg, i) => ({ arg, raw: call.args[i] })).filter(({ arg }) => !arg.ignored);
  const order = PRINT_ORDER[call.name];
  if (order) shown = [...shown].sort((a, b) => rank(order, a.arg.name) - rank(order, b.arg.name));
  return shown.map(({ arg, raw }) => formatArg(arg, raw, style) + (fdPaths && arg.fd_path ? fdPathText(arg.fd_path, style, fdPaths === 'details') : ''));
}

function rank(order: readonly string[], name: string): number {
  const i = order.indexOf(name);
  return i < 0 ? order.length : i;
}

/** -y (true), -yy ('details') or neither. */
export type FdPaths = boolean | 'details';

/** What -yy's text of a socket (`UNIX-STREAM:[1234,"/run/a.sock"]`) and of a pidfd (`pid:N`) look like. */
const SOCKET_OR_PIDFD = /^(?:[A-Z][A-Za-z0-9/-]*:\[.*\]|pid:\d+)$/;
/** A device's -yy text: its path, then `<char M:m>` or `<block M:m>`. */
const DEVICE = /^(\/.*)(<(?:char|block) \d+:\d+>)$/;

/**
 * `</etc/hostname>`: the path escaped as in a quoted string, without the quotes. With -yy
 * (`details`), a socket's or pidfd's text is printed as the service made it (strace prints it
 * unescaped) and a device's path escaped, its `<char M:m>` kept.
 */
function fdPathText(path: string, style: HexStyle, details = false): string {
  const escaped = (p: string) => requote(quoteString(p), style).slice(1, -1);
  if (details) {
    if (SOCKET_OR_PIDFD.test(path)) return `<${path}>`;
    const dev = DEVICE.exec(path);
    if (dev) return `<${escaped(dev[1])}${dev[2]}>`;
  }
  return `<${escaped(path)}>`;
}

/**
 * One argument: the service's symbolic form if any; else the string, quoted; an unreadable
 * string as its pointer; integers in decimal, pointers in hex (NULL for 0). `raw` is the
 * register value, used when the decoded value is missing or unreadable. Quoted strings follow
 * `style` (strace -x, -xx).
 */
export function formatArg(arg: SyscallArg__Output, raw: string | undefined, style: HexStyle = 'none'): string {
  if (arg.symbolic !== '') return requote(arg.symbolic, style);
  if (arg.unreadable) return raw === undefined ? '?' : formatPointer(raw);
  switch (arg.value) {
    case 'str':
      return quoteBytes(textBytes(arg.str ?? '', arg.str_bytes), { truncated: arg.truncated, style });
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

/** Pointer typedefs the kernel's metadata spells without a `*`. */
const POINTER_TYPES = new Set(['cap_user_header_t', 'cap_user_data_t']);

/** Pointer types, and the address-valued integers above. */
function isAddress(arg: SyscallArg__Output): boolean {
  return arg.type.includes('*') || POINTER_TYPES.has(arg.type) || (arg.type === 'unsigned long' && ADDRESS_ARG_NAMES.has(arg.name));
}

/** A pointer register: NULL for 0, else hex. */
function formatPointer(value: string): string {
  return value === '0' ? 'NULL' : hex(value);
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

/** strace -t, -tt, -ttt: local time of day, with microseconds, or epoch seconds with microseconds. */
export function formatTimestamp(epochNs: bigint, level: 1 | 2 | 3): string {
  const micros = epochNs / 1000n;
  const fraction = (micros % 1_000_000n).toString().padStart(6, '0');
  if (level === 3) return `${micros / 1_000_000n}.${fraction}`;
  const date = new Date(Number(micros / 1000n));
  const hms = [date.getHours(), date.getMinutes(), date.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
  return level === 2 ? `${hms}.${fraction}` : hms;
}

/** Local wall-clock time with microseconds, from Unix-epoch nanoseconds (strace -tt). */
export function formatWallClock(epochNs: string): string {
  return formatTimestamp(/^\d+$/.test(epochNs) ? BigInt(epochNs) : 0n, 2);
}

/** strace's dumpstr: ` | 00000  68 65 6c 6c 6f 20 ...  hello world, thi |`. */
export function hexDump(bytes: Uint8Array): string[] {
  const lines: string[] = [];
  const width = bytes.length > 1 << 20 ? 1 + Math.floor(Math.floor(Math.log2(bytes.length - 1)) / 4) : 5;
  for (let at = 0; at < bytes.length; at += 16) {
    let hexPart = '';
    let text = '';
    for (let i = 0; i < 16; i++) {
      const b = bytes[at + i];
      hexPart += b === undefined ? '   ' : `${b.toString(16).padStart(2, '0')} `;
      if (i === 7) hexPart += ' ';
      text += b === undefined ? ' ' : b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
    }
    lines.push(` | ${at.toString(16).padStart(width, '0')}  ${hexPart} ${text} |`);
  }
  return lines;
}

/**
 * ` (WALL s, user U s, sys S s)` of the usages summed (wait4's view: the process's own and its
 * waited-for children's, like time(1)), or '' without figures (a server before issue 15).
 */
function formatTimes(wallNs: string, ...usages: (ResourceUsage__Output | null | undefined)[]): string {
  if (!usages[0] || wallNs === '0') return '';
  const ns = (v: string | undefined) => (v !== undefined && /^\d+$/.test(v) ? Number(v) : 0);
  const seconds = (v: number) => `${(v / 1e9).toFixed(2)} s`;
  const user = usages.reduce((sum, u) => sum + ns(u?.user_time_ns), 0);
  const system = usages.reduce((sum, u) => sum + ns(u?.system_time_ns), 0);
  return ` (${seconds(ns(wallNs))}, user ${seconds(user)}, sys ${seconds(system)})`;
}

/** strace-style words for TaskState. */
const STATE_WORDS: Record<string, string> = {
  TASK_STATE_RUNNABLE: 'runnable',
  TASK_STATE_SLEEPING: 'sleeping',
  TASK_STATE_BLOCKED: 'blocked',
  TASK_STATE_STOPPED: 'stopped',
  TASK_STATE_TRACED: 'traced',
  TASK_STATE_DEAD: 'dead',
  TASK_STATE_IDLE: 'idle',
  TASK_STATE_PARKED: 'parked',
};

/**
 * `--- switched out sleeping, ran 0.000153 s, cpu 1 ---` (preempted: `runnable (preempted)`) and
 * `--- switched in, off cpu 0.030112 s sleeping, run queue 0.000041 s, cpu 0 ---` (the part of the
 * off-CPU time it waited runnable; left out when its wakeup was not seen): times as strace -T
 * shows them.
 */
function formatSwitch(sw: ContextSwitch__Output): string {
  const state = STATE_WORDS[sw.state] ?? `state 0x${sw.raw_state.toString(16)}`;
  if (sw.switched_in) {
    const runq = sw.wakeup_unknown ? '' : `, run queue ${formatDuration(sw.run_queue_ns)} s`;
    return `--- switched in, off cpu ${formatDuration(sw.off_cpu_ns)} s ${state}${runq}, cpu ${sw.cpu} ---`;
  }
  const ran = sw.since_unknown ? '' : `, ran ${formatDuration(sw.ran_ns)} s`;
  return `--- switched out ${state}${sw.preempted ? ' (preempted)' : ''}${ran}, cpu ${sw.cpu} ---`;
}
