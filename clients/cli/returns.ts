/**
 * The text after ` = ` as strace prints it: the value in the base strace uses for the call
 * (hex for addresses, octal for umask), what an fd names (-y), strace's notes in parentheses
 * (`= 0x8002 (flags O_RDWR|O_LARGEFILE)`, `= 0 (Timeout)`), and errors with their names and
 * glibc's messages (`= -1 ENOENT (No such file or directory)`, `= ? ERESTARTSYS (...)`).
 */
import type { SyscallEvent__Output } from '../../src/api/generated/sctrace/v1/SyscallEvent';
import { archTables, type ArchTables } from '../../src/syscalls/arch';
import { formatMode, formatOpenFlags } from '../../src/syscalls/decoders/open';
import { formatIoprio, personalityFormatter } from '../../src/syscalls/decoders/ids';
import { membarrierCommands, SETNS_TYPES } from '../../src/syscalls/decoders/misc';
import { prctlReturn } from '../../src/syscalls/decoders/prctl';
import { signalFormatter } from '../../src/syscalls/decoders/signal';
import { TIME_STATES, formatTimeComment } from '../../src/syscalls/decoders/time';
import { fixedXlat, formatFlags, xlat } from '../../src/syscalls/decoders/xlat';
import { errnoMessage, errnoName, isRestartErrno } from '../../src/syscalls/strerror';
import { hex } from './values';

/** Highest errno the kernel returns as -errno (include/linux/err.h MAX_ERRNO). */
const MAX_ERRNO = 4095n;

/** System calls whose return value is an address, which strace prints in hex. */
const ADDRESS_RETURNING = new Set(['mmap', 'mmap2', 'mremap', 'brk', 'shmat']);

/** Syscalls that return 0 on a timeout, which strace notes as `(Timeout)`. */
const TIMEOUT_RETURNING = new Set(['poll', 'ppoll', 'select', 'pselect6']);

/**
 * Calls whose positive return strace always notes, even when the note is empty: select's ready
 * sets as read back after the call (`= 1 ()` when the sets share memory and the last one the
 * kernel wrote, except, is empty).
 */
const ALWAYS_NOTED = new Set(['select', 'pselect6']);

/** strace's schedulers (the kernel calls SCHED_OTHER SCHED_NORMAL; values of linux/sched.h). */
const SCHEDULERS = fixedXlat([
  ['SCHED_OTHER', 0], ['SCHED_FIFO', 1], ['SCHED_RR', 2], ['SCHED_BATCH', 3], ['SCHED_ISO', 4], ['SCHED_IDLE', 5], ['SCHED_DEADLINE', 6],
]);
/** strace's lockfcmds (F_GETLEASE's answers). */
const LEASE_NAMES = ['F_RDLCK', 'F_WRLCK', 'F_UNLCK', 'F_EXLCK', 'F_SHLCK'];
/** strace's f_seals. */
const SEAL_NAMES = ['F_SEAL_SEAL', 'F_SEAL_SHRINK', 'F_SEAL_GROW', 'F_SEAL_WRITE', 'F_SEAL_FUTURE_WRITE'];

/** linux/nsfs.h's NS_GET_NSTYPE, _IO(0xb7, 0x3): the namespace type is its return value. */
const NS_GET_NSTYPE = 0xb703n;

/** Per-architecture renderers of return values, built on first use. */
class Renderers {
  readonly signal: (sig: number) => string;
  readonly personality: (value: bigint) => string;
  readonly prctl: ReturnType<typeof prctlReturn>;
  private readonly F: Readonly<Record<string, number>>;

  constructor(readonly tables: ArchTables) {
    this.signal = signalFormatter(tables);
    this.personality = personalityFormatter(tables);
    this.prctl = prctlReturn(tables);
    this.F = tables.constants.F ?? {};
  }

  /** strace's auxstr for a successful call, and whether the value prints in hex. */
  note(call: SyscallEvent__Output, ret: bigint): { hex: boolean; note?: string } {
    const arg = (i: number) => BigInt.asUintN(32, BigInt(call.args[i] ?? '0'));
    switch (call.name) {
      case 'fcntl': {
        const cmd = Number(arg(1));
        const t = this.tables;
        if (cmd === this.F.F_GETFD) return ret === 0n ? { hex: false } : { hex: true, note: `flags ${formatFlags(ret, xlat(t, 'F', ['FD_CLOEXEC']), 'FD_???')}` };
        if (cmd === this.F.F_GETFL) return { hex: true, note: `flags ${formatOpenFlags(Number(ret), t.openFlags)}` };
        if (cmd === this.F.F_GETLEASE) {
          const name = xlat(t, 'F', LEASE_NAMES).find(([, v]) => v === ret)?.[0];
          return name === undefined ? { hex: true } : { hex: true, note: name };
        }
        if (cmd === this.F.F_GET_SEALS) return ret === 0n ? { hex: false } : { hex: true, note: `seals ${formatFlags(ret, xlat(t, 'F', SEAL_NAMES), 'F_SEAL_???')}` };
        if (cmd === this.F.F_GETSIG) return ret === 0n ? { hex: false } : { hex: false, note: this.signal(Number(ret)) };
        return { hex: false };
      }
      case 'ioctl': {
        // strace's nsfs decoder names the type NS_GET_NSTYPE returns (`= 268435456 (CLONE_NEWUSER)`).
        if (arg(1) !== NS_GET_NSTYPE) return { hex: false };
        return { hex: false, note: xlat(this.tables, 'CLONE', SETNS_TYPES).find(([, v]) => v === ret)?.[0] };
      }
      case 'sched_getscheduler': {
        const name = SCHEDULERS.find(([, v]) => v === ret)?.[0];
        return name === undefined ? { hex: false } : { hex: false, note: name };
      }
      case 'prctl':
        return this.prctl(call.args.map((a) => BigInt(a)), ret) ?? { hex: false };
      case 'membarrier':
        // MEMBARRIER_CMD_QUERY answers with the commands the kernel supports.
        return Number(arg(0)) === 0 && ret > 0n ? { hex: true, note: formatFlags(ret, membarrierCommands(this.tables), '') } : { hex: false };
      case 'ioprio_get':
        return { hex: false, note: formatIoprio(ret) };
      case 'adjtimex':
      case 'clock_adjtime':
        return { hex: false, note: TIME_STATES.find(([, v]) => v === ret)?.[0] };
      case 'personality':
        return { hex: true, note: this.personality(BigInt.asUintN(32, ret)) };
      case 'time':
        // strace's auxstr: the time returned, as a date.
        return { hex: false, note: formatTimeComment(ret, 0n, 0) };
      case 'rt_sigtimedwait':
        return ret === 0n ? { hex: false } : { hex: false, note: this.signal(Number(ret)) };
      default:
        if (TIMEOUT_RETURNING.has(call.name) && ret === 0n) return { hex: false, note: 'Timeout' };
        return { hex: ADDRESS_RETURNING.has(call.name) };
    }
  }
}

const renderers = new Map<string, Renderers | null>();

function renderersFor(arch: string): Renderers | null {
  let r = renderers.get(arch);
  if (r === undefined) {
    try {
      r = new Renderers(archTables(arch || 'x86_64'));
    } catch {
      r = null;
    }
    renderers.set(arch, r);
  }
  return r;
}

/**
 * What follows ` = ` for a call that returned: `3`, `3</etc/hostname>` (with `fdPath`),
 * `0x7f…`, `022`, `0x1 (flags FD_CLOEXEC)`, `-1 ENOENT (No such file or directory)`,
 * `-1 (errno 530)` for an errno without a name, `? ERESTARTSYS (To be restarted if ...)`.
 */
export function formatReturn(call: SyscallEvent__Output, fdPath = '', argNotes: readonly string[] = []): string {
  const ret = /^-?\d+$/.test(call.ret) ? BigInt(call.ret) : 0n;
  const errno = errnoOf(call, ret);
  if (errno !== undefined) {
    if (errno.name === undefined) return `-1 (errno ${errno.number})`;
    const message = errnoMessage(errno.name) ?? `Unknown error ${errno.number}`;
    return `${isRestartErrno(errno.name) ? '?' : '-1'} ${errno.name} (${message})`;
  }
  if (call.name === 'umask') return formatMode(Number(ret & 0o7777n));
  const r = renderersFor(call.arch);
  const decided = r ? r.note(call, ret) : { hex: ADDRESS_RETURNING.has(call.name), note: undefined };
  // What the call wrote into its arguments (poll's revents) is strace's note when there is one.
  const note = argNotes.length > 0 ? argNotes.join(', ') : ALWAYS_NOTED.has(call.name) && ret > 0n ? '' : decided.note;
  const value = decided.hex && ret !== 0n ? hex(call.ret) : ret.toString();
  return `${value}${fdPath}${note === undefined ? '' : ` (${note})`}`;
}

/** The call's errno: its name (undefined for a number without one) and number; undefined on success. */
function errnoOf(call: SyscallEvent__Output, ret: bigint): { name?: string; number: number } | undefined {
  if (call.errno_name !== '') {
    const m = /^ERRNO_(\d+)$/.exec(call.errno_name);
    if (m) return { number: Number(m[1]) };
    return { name: call.errno_name, number: Number(-ret) };
  }
  if (ret < 0n && ret >= -MAX_ERRNO && !ADDRESS_RETURNING.has(call.name)) {
    const name = errnoName(Number(-ret));
    return { name: /^E\d+$/.test(name) ? undefined : name, number: Number(-ret) };
  }
  return undefined;
}
