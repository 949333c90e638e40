/**
 * siginfo as strace prints it (its printsiginfo): `{si_signo=SIGCHLD, si_code=CLD_EXITED,
 * si_pid=123, si_uid=0, si_status=0, si_utime=0, si_stime=0}`, decoded once into the fields of
 * SignalDelivered (which union member applies, and its values) and rendered from them. Serves the
 * signal lines (`--- SIGUSR1 {...} ---`) and siginfo arguments (waitid's infop).
 *
 * The layout is the kernel's struct kernel_siginfo on 64-bit Linux: si_signo, si_errno, si_code
 * (ints), then the union at 16: _kill {pid, uid}, _timer {tid, overrun, sigval at 24}, _rt {pid,
 * uid, sigval at 24}, _sigchld {pid, uid, status, utime at 32, stime at 40}, _sigfault {addr},
 * _sigpoll {band (long), fd at 24}, _sigsys {call_addr, syscall at 24, arch at 28}.
 */
import type { ArchTables } from '../arch';
import { ErrnoTable } from '../errno';
import { formatId } from './ids';
import { signalFormatter } from './signal';
import { cached, fixedXlat, formatValue, hexValue, pointer, type Xlat } from './xlat';

/** The union member whose fields apply (the proto's SiginfoFields). */
export type SiginfoFields =
  | 'SIGINFO_FIELDS_UNSPECIFIED'
  | 'SIGINFO_FIELDS_KILL'
  | 'SIGINFO_FIELDS_RT'
  | 'SIGINFO_FIELDS_TIMER'
  | 'SIGINFO_FIELDS_CHLD'
  | 'SIGINFO_FIELDS_FAULT'
  | 'SIGINFO_FIELDS_POLL'
  | 'SIGINFO_FIELDS_SYS';

/** A decoded siginfo: the SignalDelivered fields that come from it (64-bit values as decimal strings). */
export interface DecodedSiginfo {
  signo: number;
  signal: string;
  code: number;
  code_name: string;
  si_errno: number;
  fields: SiginfoFields;
  pid: number;
  uid: number;
  status: number;
  utime: string;
  stime: string;
  addr: string;
  int_value: number;
  ptr_value: string;
  band: string;
  fd: number;
  timer_id: number;
  overrun: number;
  call_addr: string;
  syscall: number;
  arch: number;
  /** strace's rendering, `{si_signo=..., ...}`. */
  symbolic: string;
}

/** Bytes of struct kernel_siginfo that carry fields (the rest of the user's 128 is padding). */
export const SIGINFO_FIELD_BYTES = 48;

/** strace's siginfo_codes: codes any signal may carry (si_code <= 0 is from a user, 0x80 the kernel). */
const SI_CODES = fixedXlat([
  ['SI_USER', 0], ['SI_KERNEL', 0x80], ['SI_QUEUE', -1], ['SI_TIMER', -2], ['SI_MESGQ', -3], ['SI_ASYNCIO', -4],
  ['SI_SIGIO', -5], ['SI_TKILL', -6], ['SI_DETHREAD', -7], ['SI_ASYNCNL', -60], ['SI_NOINFO', 32767],
]);
const SI_TIMER = -2;
const SI_SIGIO = -5;
const SI_NOINFO = 32767;

/** strace's per-signal code tables, by signal name (numbers are the architecture's). */
const CODES_BY_SIGNAL: Readonly<Record<string, Xlat>> = {
  SIGTRAP: fixedXlat([['TRAP_BRKPT', 1], ['TRAP_TRACE', 2], ['TRAP_BRANCH', 3], ['TRAP_HWBKPT', 4], ['TRAP_UNK', 5], ['TRAP_PERF', 6]]),
  SIGCHLD: fixedXlat([['CLD_EXITED', 1], ['CLD_KILLED', 2], ['CLD_DUMPED', 3], ['CLD_TRAPPED', 4], ['CLD_STOPPED', 5], ['CLD_CONTINUED', 6]]),
  SIGIO: fixedXlat([['POLL_IN', 1], ['POLL_OUT', 2], ['POLL_MSG', 3], ['POLL_ERR', 4], ['POLL_PRI', 5], ['POLL_HUP', 6]]),
  SIGPROF: fixedXlat([]),
  SIGILL: fixedXlat([['ILL_ILLOPC', 1], ['ILL_ILLOPN', 2], ['ILL_ILLADR', 3], ['ILL_ILLTRP', 4], ['ILL_PRVOPC', 5], ['ILL_PRVREG', 6], ['ILL_COPROC', 7], ['ILL_BADSTK', 8]]),
  SIGFPE: fixedXlat([
    ['FPE_INTDIV', 1], ['FPE_INTOVF', 2], ['FPE_FLTDIV', 3], ['FPE_FLTOVF', 4], ['FPE_FLTUND', 5], ['FPE_FLTRES', 6], ['FPE_FLTINV', 7],
    ['FPE_FLTSUB', 8], ['FPE_FLTUNK', 14], ['FPE_CONDTRAP', 15],
  ]),
  SIGSEGV: fixedXlat([['SEGV_MAPERR', 1], ['SEGV_ACCERR', 2], ['SEGV_BNDERR', 3], ['SEGV_PKUERR', 4], ['SEGV_CPERR', 10]]),
  SIGBUS: fixedXlat([['BUS_ADRALN', 1], ['BUS_ADRERR', 2], ['BUS_OBJERR', 3], ['BUS_MCEERR_AR', 4], ['BUS_MCEERR_AO', 5]]),
  SIGSYS: fixedXlat([['SYS_SECCOMP', 1], ['SYS_USER_DISPATCH', 2]]),
};

/** strace's audit_arch names this ABI can see. */
export const AUDIT_ARCHES = fixedXlat([['AUDIT_ARCH_X86_64', 0xc000003e], ['AUDIT_ARCH_I386', 0x40000003]]);

/** The code's name: a generic code first, then the signal's own (strace's print_si_code). */
function codeName(code: number, signal: string): string {
  const c = BigInt(code);
  for (const [name, v] of SI_CODES) if (v === c) return name;
  for (const [name, v] of CODES_BY_SIGNAL[signal] ?? []) if (v === c) return name;
  return '';
}

/** The bytes as a DataView, zero-extended to the 48 bytes of fields. */
function fieldView(bytes: Uint8Array): DataView {
  if (bytes.length >= SIGINFO_FIELD_BYTES) return new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const padded = new Uint8Array(SIGINFO_FIELD_BYTES);
  padded.set(bytes);
  return new DataView(padded.buffer);
}

/**
 * Decodes siginfo bytes (struct kernel_siginfo, or the user's siginfo_t: the same first 48
 * bytes) as strace prints them.
 */
export function siginfoDecoder(tables: ArchTables): (bytes: Uint8Array) => DecodedSiginfo {
  const signal = signalFormatter(tables);
  const errnos = new ErrnoTable(tables.errnos);
  const syscalls = new Map<number, string>(tables.syscallNumbers.map(([n, nr]) => [nr, n]));
  const sig = (name: string) => tables.constants.SIG?.[name] ?? -1;
  const [CHLD, ILL, FPE, BUS, SEGV, TRAP, IO, SYS] = ['SIGCHLD', 'SIGILL', 'SIGFPE', 'SIGBUS', 'SIGSEGV', 'SIGTRAP', 'SIGIO', 'SIGSYS'].map(sig);
  const arch = cached((v) => formatValue(v, AUDIT_ARCHES, 'AUDIT_ARCH_???'));
  return (bytes) => {
    const v = fieldView(bytes);
    const u64 = (at: number) => v.getBigUint64(at, true).toString();
    const s64 = (at: number) => v.getBigInt64(at, true).toString();
    const signo = v.getInt32(0, true);
    const code = v.getInt32(8, true);
    const name = signal(signo);
    const d: DecodedSiginfo = {
      signo, signal: name, code, code_name: codeName(code, name), si_errno: v.getInt32(4, true), fields: 'SIGINFO_FIELDS_UNSPECIFIED',
      pid: 0, uid: 0, status: 0, utime: '0', stime: '0', addr: '0', int_value: 0, ptr_value: '0', band: '0', fd: 0, timer_id: 0,
      overrun: 0, call_addr: '0', syscall: 0, arch: 0, symbolic: '{}',
    };
    if (signo === 0) return d;
    const parts = [`si_signo=${name}`, `si_code=${d.code_name || String(code)}`];
    if (code !== SI_NOINFO) {
      // An errno name, else the number unsigned (strace's PRINT_FIELD_ERR_U: -1 is 4294967295).
      if (d.si_errno !== 0) parts.push(`si_errno=${errnos.name(d.si_errno) ?? d.si_errno >>> 0}`);
      const source = () => {
        d.pid = v.getInt32(16, true);
        d.uid = v.getUint32(20, true);
        parts.push(`si_pid=${d.pid}`, `si_uid=${formatId(BigInt(d.uid))}`);
      };
      const value = () => {
        d.int_value = v.getInt32(24, true);
        d.ptr_value = u64(24);
        parts.push(`si_int=${d.int_value}`, `si_ptr=${pointer(BigInt(d.ptr_value))}`);
      };
      if (code <= 0) {
        // From a user (strace's SI_FROMUSER).
        if (code === SI_TIMER) {
          d.fields = 'SIGINFO_FIELDS_TIMER';
          d.timer_id = v.getInt32(16, true);
          d.overrun = v.getInt32(20, true);
          parts.push(`si_timerid=${hexValue(BigInt(v.getUint32(16, true)))}`, `si_overrun=${d.overrun}`);
          value();
        } else if (code === SI_SIGIO) {
          d.fields = 'SIGINFO_FIELDS_POLL';
          pollFields(d, v, parts, s64);
        } else {
          d.fields = 'SIGINFO_FIELDS_KILL';
          source();
          // SI_USER and SI_TKILL carry no value; sigqueue's codes do when its pointer is set.
          if (code !== 0 && code !== -6 && v.getBigUint64(24, true) !== 0n) {
            d.fields = 'SIGINFO_FIELDS_RT';
            value();
          }
        }
      } else if (signo === CHLD) {
        d.fields = 'SIGINFO_FIELDS_CHLD';
        source();
        d.status = v.getInt32(24, true);
        d.utime = s64(32);
        d.stime = s64(40);
        parts.push(`si_status=${code === 1 ? String(d.status) : signal(d.status)}`, `si_utime=${d.utime}`, `si_stime=${d.stime}`);
      } else if (signo === ILL || signo === FPE || signo === BUS || signo === SEGV || signo === TRAP) {
        d.fields = 'SIGINFO_FIELDS_FAULT';
        d.addr = u64(16);
        parts.push(`si_addr=${pointer(BigInt(d.addr))}`);
      } else if (signo === IO) {
        if (code >= 1 && code <= 6) {
          d.fields = 'SIGINFO_FIELDS_POLL';
          pollFields(d, v, parts, s64);
        }
      } else if (signo === SYS) {
        d.fields = 'SIGINFO_FIELDS_SYS';
        d.call_addr = u64(16);
        d.syscall = v.getInt32(24, true);
        d.arch = v.getUint32(28, true);
        const nr = syscalls.get(d.syscall);
        parts.push(`si_call_addr=${pointer(BigInt(d.call_addr))}`, `si_syscall=${nr === undefined ? String(d.syscall) : `__NR_${nr}`}`, `si_arch=${arch(BigInt(d.arch))}`);
      } else {
        // Any other kernel signal: its sender and value when it has them.
        if (v.getInt32(16, true) !== 0 || v.getUint32(20, true) !== 0) {
          d.fields = 'SIGINFO_FIELDS_KILL';
          source();
        }
        if (v.getBigUint64(24, true) !== 0n) {
          d.fields = 'SIGINFO_FIELDS_RT';
          value();
        }
      }
    }
    d.symbolic = `{${parts.join(', ')}}`;
    return d;
  };
}

/** _sigpoll: band, fd. */
function pollFields(d: DecodedSiginfo, v: DataView, parts: string[], s64: (at: number) => string): void {
  d.band = s64(16);
  d.fd = v.getInt32(24, true);
  parts.push(`si_band=${d.band}`, `si_fd=${d.fd}`);
}
