/**
 * Clocks and timers as strace prints them: clock ids (`CLOCK_MONOTONIC`), struct timespec and
 * timeval (`{tv_sec=0, tv_nsec=1000}`), itimerspec and itimerval, struct timezone, the
 * TIMER_ABSTIME flag, timerfd flags, interval timer kinds; and the values the kernel side read
 * behind the pointers (inputs always, outputs when the call succeeded).
 */
import type { ArchTables } from '../arch';
import { bytesOf, viewOf } from './registry';
import { flagsArg, valueArg } from './xlat';
import type { ArgDecoder, DecoderRegistry } from './registry';
import { fixedXlat, formatFlags, xlat, type Xlat } from './xlat';

/** strace's clocknames. */
const CLOCK_NAMES = [
  'CLOCK_REALTIME', 'CLOCK_MONOTONIC', 'CLOCK_PROCESS_CPUTIME_ID', 'CLOCK_THREAD_CPUTIME_ID', 'CLOCK_MONOTONIC_RAW',
  'CLOCK_REALTIME_COARSE', 'CLOCK_MONOTONIC_COARSE', 'CLOCK_BOOTTIME', 'CLOCK_REALTIME_ALARM', 'CLOCK_BOOTTIME_ALARM',
  'CLOCK_SGI_CYCLE', 'CLOCK_TAI',
];
/** strace's itimer_which. */
const ITIMER_NAMES = ['ITIMER_REAL', 'ITIMER_VIRTUAL', 'ITIMER_PROF'];
/** TIMER_ABSTIME (include/uapi/linux/time.h), the one flag of clock_nanosleep and timer_settime. */
const TIMER_FLAGS = fixedXlat([['TIMER_ABSTIME', 1]]);

/**
 * `{tv_sec=S, tv_nsec=N}` of the 16 bytes at `at` (struct __kernel_timespec); strace prints the
 * fraction unsigned, so an invalid negative one shows as its 64-bit two's complement.
 */
export function formatTimespec(v: DataView, at = 0): string {
  return `{tv_sec=${v.getBigInt64(at, true)}, tv_nsec=${v.getBigUint64(at + 8, true)}}`;
}

/** `{tv_sec=S, tv_usec=U}` of the 16 bytes at `at` (struct __kernel_old_timeval), the fraction unsigned. */
export function formatTimeval(v: DataView, at = 0): string {
  return `{tv_sec=${v.getBigInt64(at, true)}, tv_usec=${v.getBigUint64(at + 8, true)}}`;
}

/** A struct behind pointer `argIndex`, `size` bytes, rendered by `format`; outputs only after success. */
export function structArg(argIndex: number, size: number, output: boolean, format: (v: DataView) => string): ArgDecoder {
  return (_args, call) => {
    const b = bytesOf(call.blobs, argIndex);
    if (!b || b.data.length < size || (output && (call.ret < 0n || call.noReturn))) return '';
    return format(viewOf(b.data));
  };
}

/**
 * strace's sprinttime_ex: the local time of `sec` as `2026-12-01T09:10:11.493280644+0000`
 * (fraction digits as given), undefined for the epoch itself or an out-of-range fraction.
 */
export function formatTimeComment(sec: bigint, fraction: bigint, digits: 0 | 6 | 9): string | undefined {
  const max = digits === 9 ? 999_999_999n : digits === 6 ? 999_999n : 0n;
  if ((sec === 0n && fraction === 0n) || fraction > max || fraction < 0n) return undefined;
  const d = new Date(Number(sec) * 1000);
  if (Number.isNaN(d.getTime())) return undefined;
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  let out = `${p(d.getFullYear(), 4)}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
  if (fraction > 0n) out += `.${fraction.toString().padStart(digits, '0')}`;
  const offset = -d.getTimezoneOffset();
  return `${out}${offset < 0 ? '-' : '+'}${p(Math.floor(Math.abs(offset) / 60))}${p(Math.abs(offset) % 60)}`;
}

/** A time_t as strace prints one: `1492350678 /* 2017-04-16T13:51:18+0000 *\/` (no comment for 0). */
export function secondsWithComment(sec: bigint): string {
  const comment = formatTimeComment(sec, 0n, 0);
  return comment ? `${sec} /* ${comment} */` : `${sec}`;
}

/** UTIME_NOW and UTIME_OMIT (include/uapi/linux/stat.h). */
const UTIME_NOW = (1n << 30n) - 1n;
const UTIME_OMIT = (1n << 30n) - 2n;

/** utimensat's times: `[{tv_sec=..., tv_nsec=...} /* 2026-... *\/, UTIME_NOW]`. */
function utimePair(v: DataView): string {
  const one = (at: number) => {
    const nsec = v.getBigInt64(at + 8, true);
    if (nsec === UTIME_NOW) return 'UTIME_NOW';
    if (nsec === UTIME_OMIT) return 'UTIME_OMIT';
    const comment = formatTimeComment(v.getBigInt64(at, true), nsec, 9);
    return `${formatTimespec(v, at)}${comment ? ` /* ${comment} */` : ''}`;
  };
  return `[${one(0)}, ${one(16)}]`;
}

/** utimes' and futimesat's timeval pair, with the local time in a comment. */
function timevalPair(v: DataView): string {
  const one = (at: number) => {
    const comment = formatTimeComment(v.getBigInt64(at, true), v.getBigInt64(at + 8, true), 6);
    return `${formatTimeval(v, at)}${comment ? ` /* ${comment} */` : ''}`;
  };
  return `[${one(0)}, ${one(16)}]`;
}

const itimerspec = (v: DataView) => `{it_interval=${formatTimespec(v, 0)}, it_value=${formatTimespec(v, 16)}}`;
const itimerval = (v: DataView) => `{it_interval=${formatTimeval(v, 0)}, it_value=${formatTimeval(v, 16)}}`;

/** The clock id xlat of an architecture (CLOCK_* values of linux/time.h). */
export function clockXlat(tables: ArchTables): Xlat {
  return xlat(tables, 'CLOCK', CLOCK_NAMES);
}

/** timerfd_create's flags: TFD_CLOEXEC and TFD_NONBLOCK are O_CLOEXEC and O_NONBLOCK. */
function timerfdFlags(tables: ArchTables): Xlat {
  return fixedXlat([['TFD_CLOEXEC', tables.openFlags.O_CLOEXEC], ['TFD_NONBLOCK', tables.openFlags.O_NONBLOCK]]);
}

/** strace's adjtimex_modes (ADJ_OFFSET_SS_READ first: it contains ADJ_OFFSET_SINGLESHOT) and adjtimex_status (linux/timex.h). */
const ADJ_MODES = fixedXlat([
  ['ADJ_OFFSET_SS_READ', 0xa001], ['ADJ_OFFSET_SINGLESHOT', 0x8001], ['ADJ_OFFSET', 0x1], ['ADJ_FREQUENCY', 0x2], ['ADJ_MAXERROR', 0x4],
  ['ADJ_ESTERROR', 0x8], ['ADJ_STATUS', 0x10], ['ADJ_TIMECONST', 0x20], ['ADJ_TAI', 0x80], ['ADJ_SETOFFSET', 0x100], ['ADJ_MICRO', 0x1000],
  ['ADJ_NANO', 0x2000], ['ADJ_TICK', 0x4000],
]);
const STA_FLAGS = fixedXlat([
  ['STA_PLL', 0x1], ['STA_PPSFREQ', 0x2], ['STA_PPSTIME', 0x4], ['STA_FLL', 0x8], ['STA_INS', 0x10], ['STA_DEL', 0x20], ['STA_UNSYNC', 0x40],
  ['STA_FREQHOLD', 0x80], ['STA_PPSSIGNAL', 0x100], ['STA_PPSJITTER', 0x200], ['STA_PPSWANDER', 0x400], ['STA_PPSERROR', 0x800],
  ['STA_CLOCKERR', 0x1000], ['STA_NANO', 0x2000], ['STA_MODE', 0x4000], ['STA_CLK', 0x8000],
]);
/** strace's adjtimex_state: the clock state adjtimex returns (its note after the value). */
export const TIME_STATES = fixedXlat([['TIME_OK', 0], ['TIME_INS', 1], ['TIME_DEL', 2], ['TIME_OOP', 3], ['TIME_WAIT', 4], ['TIME_ERROR', 5]]);
/** sizeof(struct __kernel_timex). */
export const TIMEX_SIZE = 208;

/** struct __kernel_timex (x86_64 offsets), every field as strace prints it. */
function formatTimex(v: DataView): string {
  const d = (at: number) => v.getBigInt64(at, true).toString();
  return (
    `{modes=${formatFlags(BigInt(v.getUint32(0, true)), ADJ_MODES, 'ADJ_???')}, offset=${d(8)}, freq=${d(16)}, maxerror=${d(24)}, ` +
    `esterror=${d(32)}, status=${formatFlags(BigInt(v.getUint32(40, true)), STA_FLAGS, 'STA_???')}, constant=${d(48)}, precision=${d(56)}, ` +
    `tolerance=${d(64)}, time={tv_sec=${d(72)}, tv_usec=${v.getBigUint64(80, true)}}, tick=${d(88)}, ppsfreq=${d(96)}, jitter=${d(104)}, ` +
    `shift=${v.getInt32(112, true)}, stabil=${d(120)}, jitcnt=${d(128)}, calcnt=${d(136)}, errcnt=${d(144)}, stbcnt=${d(152)}, tai=${v.getInt32(160, true)}}`
  );
}

/** Registers the clock and timer decoders. */
export function registerTimeDecoders(registry: DecoderRegistry): void {
  const clock = (syscall: string, arg: string) => registry.register(syscall, arg, (ctx) => valueArg(ctx.argIndex, clockXlat(ctx.tables), 'CLOCK_???'));
  for (const syscall of ['clock_gettime', 'clock_settime', 'clock_getres', 'clock_nanosleep', 'clock_adjtime']) clock(syscall, 'which_clock');
  clock('timer_create', 'which_clock');
  clock('timerfd_create', 'clockid');
  registry.register('timerfd_create', 'flags', (ctx) => flagsArg(ctx.argIndex, timerfdFlags(ctx.tables), 'TFD_???'));
  const timespecOut = (syscall: string, arg: string) => registry.register(syscall, arg, (ctx) => structArg(ctx.argIndex, 16, true, (v) => formatTimespec(v)));
  const timespecIn = (syscall: string, arg: string) => registry.register(syscall, arg, (ctx) => structArg(ctx.argIndex, 16, false, (v) => formatTimespec(v)));
  timespecOut('clock_gettime', 'tp');
  timespecOut('clock_getres', 'tp');
  timespecOut('sched_rr_get_interval', 'interval');
  timespecIn('clock_settime', 'tp');
  timespecIn('io_getevents', 'timeout');
  timespecIn('io_pgetevents', 'timeout');
  timespecIn('semtimedop', 'timeout');
  timespecIn('futex_waitv', 'timeout');
  timespecIn('nanosleep', 'rqtp');
  timespecIn('clock_nanosleep', 'rqtp');
  timespecIn('mq_timedsend', 'u_abs_timeout');
  timespecIn('mq_timedreceive', 'u_abs_timeout');
  // The priority of the message received (`[0]`), after a success.
  registry.register('mq_timedreceive', 'u_msg_prio', (ctx) => structArg(ctx.argIndex, 4, true, (v) => `[${v.getUint32(0, true)}]`));
  // The time left, significant only when a signal interrupted the sleep (and, for
  // clock_nanosleep, a relative one): strace's do_nanosleep.
  for (const syscall of ['nanosleep', 'clock_nanosleep']) {
    registry.register(syscall, 'rmtp', (ctx) => {
      const flags = ctx.args.findIndex((a) => a.name === 'flags');
      return (args, call) => {
        const b = bytesOf(call.blobs, ctx.argIndex);
        const interrupted = call.ret <= -512n && call.ret >= -516n && call.ret !== -515n;
        if (!interrupted || (flags >= 0 && (args[flags] ?? 0n) !== 0n)) return '';
        return b && b.data.length >= 16 ? formatTimespec(viewOf(b.data)) : '';
      };
    });
  }
  registry.register('clock_nanosleep', 'flags', (ctx) => flagsArg(ctx.argIndex, TIMER_FLAGS, 'TIMER_???'));
  registry.register('timer_settime', 'flags', (ctx) => flagsArg(ctx.argIndex, TIMER_FLAGS, 'TIMER_???'));
  registry.register('gettimeofday', 'tv', (ctx) => structArg(ctx.argIndex, 16, true, (v) => formatTimeval(v)));
  registry.register('settimeofday', 'tv', (ctx) => structArg(ctx.argIndex, 16, false, (v) => formatTimeval(v)));
  const timezone = (v: DataView) => `{tz_minuteswest=${v.getInt32(0, true)}, tz_dsttime=${v.getInt32(4, true)}}`;
  registry.register('gettimeofday', 'tz', (ctx) => structArg(ctx.argIndex, 8, true, timezone));
  registry.register('settimeofday', 'tz', (ctx) => structArg(ctx.argIndex, 8, false, timezone));
  registry.register('timerfd_settime', 'flags', (ctx) =>
    flagsArg(ctx.argIndex, fixedXlat([['TFD_TIMER_ABSTIME', 1], ['TFD_TIMER_CANCEL_ON_SET', 2]]), 'TFD_TIMER_???'),
  );
  // [syscall, argument, struct size, written by the kernel (shown at exit), format]
  const structs: Array<[string, string, number, boolean, (v: DataView) => string]> = [
    ['timerfd_settime', 'utmr', 32, false, itimerspec],
    ['timerfd_settime', 'otmr', 32, true, itimerspec],
    ['timerfd_gettime', 'otmr', 32, true, itimerspec],
    ['timer_settime', 'new_setting', 32, false, itimerspec],
    ['timer_settime', 'old_setting', 32, true, itimerspec],
    ['timer_gettime', 'setting', 32, true, itimerspec],
    ['setitimer', 'value', 32, false, itimerval],
    ['setitimer', 'ovalue', 32, true, itimerval],
    ['getitimer', 'value', 32, true, itimerval],
    ['utimensat', 'utimes', 32, false, utimePair],
    ['utimes', 'utimes', 32, false, timevalPair],
    ['futimesat', 'utimes', 32, false, timevalPair],
  ];
  registry.register('time', 'tloc', (ctx) => structArg(ctx.argIndex, 8, true, (v) => `[${secondsWithComment(v.getBigInt64(0, true))}]`));
  registry.register('utime', 'times', (ctx) =>
    structArg(ctx.argIndex, 16, false, (v) => `{actime=${secondsWithComment(v.getBigInt64(0, true))}, modtime=${secondsWithComment(v.getBigInt64(8, true))}}`),
  );
  for (const [syscall, arg, size, out, format] of structs) {
    registry.register(syscall, arg, (ctx) => structArg(ctx.argIndex, size, out, format));
  }
  for (const syscall of ['setitimer', 'getitimer']) {
    registry.register(syscall, 'which', (ctx) => valueArg(ctx.argIndex, xlat(ctx.tables, 'ITIMER', ITIMER_NAMES), 'ITIMER_???'));
  }
  // Shown at exit, as the kernel left it (strace prints it then, the address after a failure).
  registry.register('adjtimex', 'txc_p', (ctx) => structArg(ctx.argIndex, TIMEX_SIZE, true, formatTimex));
  registry.register('clock_adjtime', 'utx', (ctx) => structArg(ctx.argIndex, TIMEX_SIZE, true, formatTimex));
  registry.register('times', 'tbuf', (ctx) =>
    structArg(ctx.argIndex, 32, true, (v) => {
      const f = (i: number) => v.getBigInt64(8 * i, true);
      return `{tms_utime=${f(0)}, tms_stime=${f(1)}, tms_cutime=${f(2)}, tms_cstime=${f(3)}}`;
    }),
  );
}
