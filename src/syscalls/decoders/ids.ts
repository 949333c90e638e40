/**
 * Credentials, priorities, scheduling and personalities as strace prints them: user and
 * group ids (-1 for "unchanged", as strace shows uid_t), the id arrays of getresuid, getgroups,
 * priorities' `which`, scheduling policies and parameters, CPU masks, waitid's id types and
 * siginfo, rusage and personality types.
 */
import type { ArchTables } from '../arch';
import { bytesOf, entryBytesOf, viewOf } from './registry';
import { valueArg } from './xlat';
import { quoteBytes } from './quote';
import { argIndexOf, type ArgDecoder, type CallView, type DecoderRegistry } from './registry';
import { SIGINFO_FIELD_BYTES, siginfoDecoder } from './siginfo';
import { signalFormatter } from './signal';
import { formatTimeval, structArg } from './time';
import { arrayText } from './fields';
import { READ_CAP } from '../reads';
import { cached, constant, fixedXlat, formatFlags, formatValue, hexValue, pointer, u32, xlat } from './xlat';

/** An id argument as strace prints uid_t/gid_t: -1 for all ones, else unsigned. */
export function formatId(value: bigint): string {
  return value === 0xffffffffn ? '-1' : value.toString();
}

function idArg(argIndex: number): ArgDecoder {
  return (args) => formatId(u32(args[argIndex]));
}

/** `[ID]` for an output id (getresuid's), after success. */
function idOut(argIndex: number): ArgDecoder {
  return structArg(argIndex, 4, true, (v) => `[${formatId(BigInt(v.getUint32(0, true)))}]`);
}

/** strace's priorities. */
const PRIO_NAMES = ['PRIO_PROCESS', 'PRIO_PGRP', 'PRIO_USER'];
/** strace's schedulers. */
export const SCHEDULERS = fixedXlat([
  ['SCHED_OTHER', 0], ['SCHED_FIFO', 1], ['SCHED_RR', 2], ['SCHED_BATCH', 3], ['SCHED_ISO', 4], ['SCHED_IDLE', 5], ['SCHED_DEADLINE', 6],
]);
/** strace's waitid_types. */
const IDTYPES = fixedXlat([['P_ALL', 0], ['P_PID', 1], ['P_PGID', 2], ['P_PIDFD', 3]]);
/** strace's personality_types and personality_flags (include/uapi/linux/personality.h). */
const PER_TYPE_NAMES = [
  'PER_LINUX', 'PER_LINUX_32BIT', 'PER_LINUX_FDPIC', 'PER_SVR4', 'PER_SVR3', 'PER_SCOSVR3', 'PER_OSR5', 'PER_WYSEV386', 'PER_ISCR4',
  'PER_BSD', 'PER_SUNOS', 'PER_XENIX', 'PER_LINUX32', 'PER_LINUX32_3GB', 'PER_IRIX32', 'PER_IRIXN32', 'PER_IRIX64', 'PER_RISCOS',
  'PER_SOLARIS', 'PER_UW7', 'PER_OSF4', 'PER_HPUX',
];
const PER_FLAG_NAMES = [
  'UNAME26', 'ADDR_NO_RANDOMIZE', 'FDPIC_FUNCPTRS', 'MMAP_PAGE_ZERO', 'ADDR_COMPAT_LAYOUT', 'READ_IMPLIES_EXEC', 'ADDR_LIMIT_32BIT',
  'SHORT_INODE', 'WHOLE_SECONDS', 'STICKY_TIMEOUTS', 'ADDR_LIMIT_3GB',
];
/** PER_MASK: the personality type's bits. */
const PER_MASK = 0xffn;

/** A personality word as strace's printpersonality: the type, then the flags; all ones in hex. */
export function personalityFormatter(tables: ArchTables): (value: bigint) => string {
  const types = xlat(tables, 'PER', PER_TYPE_NAMES);
  const flags = xlat(tables, 'PER', PER_FLAG_NAMES);
  return cached((value) => {
    if (value === 0xffffffffn) return hexValue(value);
    const type = types.find(([, v]) => v === (value & PER_MASK))?.[0] ?? `${hexValue(value & PER_MASK)} /* PER_??? */`;
    const rest = value & ~PER_MASK;
    return rest === 0n ? type : `${type}|${formatFlags(rest, flags, '')}`;
  });
}

/** A CPU mask as strace prints it: the numbers of the set bits, `[0 1]`. */
function cpuMask(data: Uint8Array): string {
  const cpus: number[] = [];
  for (let i = 0; i < data.length; i++) for (let b = 0; b < 8; b++) if (data[i] & (1 << b)) cpus.push(i * 8 + b);
  return `[${cpus.join(' ')}]`;
}

/** An array of 32-bit ids: the first `count`, `[0, 27]`. */
/** NGROUPS_MAX (include/uapi/linux/limits.h), what sysconf(_SC_NGROUPS_MAX) gives strace. */
const NGROUPS_MAX = 65536;

function idArray(argIndex: number, countOf: (call: CallView, args: readonly bigint[]) => number): ArgDecoder {
  return (args, call) => {
    const b = bytesOf(call.blobs, argIndex);
    const count = countOf(call, args);
    // An empty array needs no memory (but NULL is NULL); strace shows no array beyond NGROUPS_MAX.
    if ((args[argIndex] ?? 0n) === 0n) return '';
    if (count === 0) return '[]';
    if (count > NGROUPS_MAX) return pointer(args[argIndex]);
    if (!b || count < 0) return '';
    // At most -s ids unless -v; read with SCT_RD_HEAD (setgroups), so ids that run into unmapped
    // memory show up to it.
    const max = call.options.verbose ? count : call.options.stringMax;
    return arrayText(args[argIndex] ?? 0n, BigInt(count), 4, b.data, max, (v, at) => formatId(BigInt(v.getUint32(at, true))), READ_CAP);
  };
}

/** struct rusage abbreviated as strace does: `{ru_utime={...}, ru_stime={...}, ...}`. */
export function formatRusage(v: DataView): string {
  return `{ru_utime=${formatTimeval(v, 0)}, ru_stime=${formatTimeval(v, 16)}, ...}`;
}

/** strace's ioprio_who and ioprio_class (linux/ioprio.h). */
const IOPRIO_WHO = fixedXlat([['IOPRIO_WHO_PROCESS', 1], ['IOPRIO_WHO_PGRP', 2], ['IOPRIO_WHO_USER', 3]]);
const IOPRIO_CLASSES = fixedXlat([['IOPRIO_CLASS_NONE', 0], ['IOPRIO_CLASS_RT', 1], ['IOPRIO_CLASS_BE', 2], ['IOPRIO_CLASS_IDLE', 3]]);
/** IOPRIO_CLASS_SHIFT: the class above the priority data. */
const IOPRIO_CLASS_SHIFT = 13n;

/** An I/O priority as strace's sprint_ioprio: `IOPRIO_PRIO_VALUE(IOPRIO_CLASS_BE, 4)`. */
export function formatIoprio(value: bigint): string {
  const v = u32(value);
  const data = v & ((1n << IOPRIO_CLASS_SHIFT) - 1n);
  return `IOPRIO_PRIO_VALUE(${formatValue(v >> IOPRIO_CLASS_SHIFT, IOPRIO_CLASSES, 'IOPRIO_CLASS_???')}, ${data})`;
}

/** linux/sched/types.h: SCHED_ATTR_SIZE_VER0 and VER1 (strace 6.1 knows no later one). */
const SCHED_ATTR_VER0 = 48;
const SCHED_ATTR_VER1 = 56;
/** strace's sched_flags (linux/sched.h SCHED_FLAG_*). */
const SCHED_FLAGS = fixedXlat([
  ['SCHED_FLAG_RESET_ON_FORK', 0x01], ['SCHED_FLAG_RECLAIM', 0x02], ['SCHED_FLAG_DL_OVERRUN', 0x04], ['SCHED_FLAG_KEEP_POLICY', 0x08],
  ['SCHED_FLAG_KEEP_PARAMS', 0x10], ['SCHED_FLAG_UTIL_CLAMP_MIN', 0x20], ['SCHED_FLAG_UTIL_CLAMP_MAX', 0x40],
]);
const SCHED_FLAG_KEEP_POLICY = 0x08n;
const SCHED_FLAG_KEEP_PARAMS = 0x10n;
/** E2BIG: sched_setattr wrote the kernel's size back into the struct. */
const E2BIG = 7n;

/**
 * struct sched_attr as strace's print_sched_attr: `size` (the caller's for sched_setattr, else
 * the kernel's), then from VER0's size on the policy and flags and, unless sched_setattr keeps
 * them, the parameters; the utilization clamps from VER1's; `...` when the caller's size goes
 * past strace's struct. sched_setattr drops the policy it keeps (a non-negative one).
 */
function formatSchedAttr(data: Uint8Array, size: number, usize: number, set: boolean): string {
  const v = viewOf(data);
  const u32At = (at: number) => (at + 4 <= data.length ? v.getUint32(at, true) : 0);
  const u64At = (at: number) => (at + 8 <= data.length ? v.getBigUint64(at, true) : 0n);
  const parts = [`size=${set ? usize : u32At(0)}`];
  if (size >= SCHED_ATTR_VER0) {
    const policy = u32At(4);
    const flags = u64At(8);
    if (!set || policy >= 0x80000000 || (flags & (SCHED_FLAG_KEEP_POLICY | SCHED_FLAG_KEEP_PARAMS)) === 0n) {
      parts.push(`sched_policy=${formatValue(BigInt(policy), SCHEDULERS, 'SCHED_???')}`);
    }
    parts.push(`sched_flags=${formatFlags(flags, SCHED_FLAGS, 'SCHED_FLAG_???')}`);
    if (!set || (flags & SCHED_FLAG_KEEP_PARAMS) === 0n) {
      parts.push(`sched_nice=${u32At(16) | 0}`, `sched_priority=${u32At(20)}`);
      parts.push(`sched_runtime=${u64At(24)}`, `sched_deadline=${u64At(32)}`, `sched_period=${u64At(40)}`);
    }
    if (size >= SCHED_ATTR_VER1) parts.push(`sched_util_min=${u32At(48)}`, `sched_util_max=${u32At(52)}`);
  }
  if (usize > size) parts.push('...');
  return `{${parts.join(', ')}}`;
}

/** sched_setattr's attr: read at entry as strace does (its size first), and the size E2BIG wrote back. */
function schedSetattr(argIndex: number): ArgDecoder {
  return (_args, call) => {
    const head = entryBytesOf(call.blobs, argIndex);
    const b = bytesOf(call.blobs, argIndex);
    if (!head || head.data.length < 4) return '';
    const given = viewOf(head.data).getUint32(0, true);
    const usize = given === 0 ? SCHED_ATTR_VER0 : given;
    const size = Math.min(usize, SCHED_ATTR_VER1);
    if (size >= SCHED_ATTR_VER0 && (!b || b.data.length < size)) return '';
    const text = formatSchedAttr(size >= SCHED_ATTR_VER0 && b ? b.data.subarray(0, size) : head.data, size, given, true);
    const changed = call.ret === -E2BIG && b && b.data.length >= 4 ? ` => {size=${viewOf(b.data).getUint32(0, true)}}` : '';
    return text + changed;
  };
}

/** sched_getattr's attr after success, at the size the caller gave (at most strace's struct). */
function schedGetattr(argIndex: number, usizeIndex: number): ArgDecoder {
  return (args, call) => {
    const usize = Number(u32(args[usizeIndex]));
    const b = bytesOf(call.blobs, argIndex);
    const want = Math.min(usize, SCHED_ATTR_VER1);
    if (usize < 4 || call.ret < 0n || call.noReturn || !b || b.data.length < want) return '';
    const data = b.data.subarray(0, want);
    const size = viewOf(data).getUint32(0, true);
    return formatSchedAttr(data, size, size, false);
  };
}

/** Registers the id, priority, scheduling and personality decoders. */
export function registerIdDecoders(registry: DecoderRegistry): void {
  const ids: Array<[string, string[]]> = [
    ['setuid', ['uid']], ['setgid', ['gid']], ['setfsuid', ['uid']], ['setfsgid', ['gid']], ['setreuid', ['ruid', 'euid']],
    ['setregid', ['rgid', 'egid']], ['setresuid', ['ruid', 'euid', 'suid']], ['setresgid', ['rgid', 'egid', 'sgid']],
    ['chown', ['user', 'group']], ['lchown', ['user', 'group']], ['fchown', ['user', 'group']], ['fchownat', ['user', 'group']],
  ];
  for (const [syscall, names] of ids) for (const name of names) registry.register(syscall, name, (ctx) => idArg(ctx.argIndex));
  for (const [syscall, names] of [['getresuid', ['ruidp', 'euidp', 'suidp']], ['getresgid', ['rgidp', 'egidp', 'sgidp']]] as const) {
    for (const name of names) registry.register(syscall, name, (ctx) => idOut(ctx.argIndex));
  }
  // As strace: getgroups' list has as many ids as the call returned (its count, as unsigned:
  // a failure is beyond NGROUPS_MAX), setgroups' as its size says.
  registry.register('getgroups', 'grouplist', (ctx) => idArray(ctx.argIndex, (call) => Number(u32(call.ret))));
  registry.register('setgroups', 'grouplist', (ctx) => idArray(ctx.argIndex, (_call, args) => Number(u32(args[argIndexOf(ctx, 'gidsetsize')]))));
  for (const syscall of ['getpriority', 'setpriority']) {
    registry.register(syscall, 'which', (ctx) => valueArg(ctx.argIndex, xlat(ctx.tables, 'PRIO', PRIO_NAMES), 'PRIO_???'));
  }
  for (const syscall of ['ioprio_get', 'ioprio_set']) registry.register(syscall, 'which', (ctx) => valueArg(ctx.argIndex, IOPRIO_WHO, 'IOPRIO_WHO_???'));
  registry.register('ioprio_set', 'ioprio', (ctx) => (args) => formatIoprio(args[ctx.argIndex] ?? 0n));
  for (const syscall of ['sched_get_priority_max', 'sched_get_priority_min']) registry.register(syscall, 'policy', (ctx) => valueArg(ctx.argIndex, SCHEDULERS, 'SCHED_???'));
  registry.register('sched_setscheduler', 'policy', (ctx) => valueArg(ctx.argIndex, SCHEDULERS, 'SCHED_???'));
  const param = (output: boolean) => (ctx: { argIndex: number }) => structArg(ctx.argIndex, 4, output, (v) => `[${v.getInt32(0, true)}]`);
  registry.register('sched_getparam', 'param', param(true));
  registry.register('sched_setparam', 'param', param(false));
  registry.register('sched_setscheduler', 'param', param(false));
  registry.register('sched_setattr', 'uattr', (ctx) => schedSetattr(ctx.argIndex));
  registry.register('sched_getattr', 'uattr', (ctx) => schedGetattr(ctx.argIndex, argIndexOf(ctx, 'usize')));
  registry.register('sched_getaffinity', 'user_mask_ptr', (ctx) => (_args, call) => {
    const b = bytesOf(call.blobs, ctx.argIndex);
    return b && call.ret > 0n ? cpuMask(b.data.subarray(0, Number(call.ret))) : '';
  });
  registry.register('sched_setaffinity', 'user_mask_ptr', (ctx) => (_args, call) => {
    const b = bytesOf(call.blobs, ctx.argIndex);
    return b ? cpuMask(b.data) : '';
  });
  registry.register('waitid', 'which', (ctx) => valueArg(ctx.argIndex, IDTYPES, 'P_???'));
  registry.register('waitid', 'infop', (ctx) => {
    const decode = siginfoDecoder(ctx.tables);
    return structArg(ctx.argIndex, SIGINFO_FIELD_BYTES, true, (v) => decode(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)).symbolic);
  });
  for (const syscall of ['waitid', 'getrusage']) registry.register(syscall, 'ru', (ctx) => structArg(ctx.argIndex, 32, true, formatRusage));
  // wait4 fills the rusage only when it reaped a child (ret > 0): WNOHANG's 0 leaves it alone.
  registry.register('wait4', 'ru', (ctx) => {
    const ru = structArg(ctx.argIndex, 32, true, formatRusage);
    return (args, call) => (call.ret > 0n ? ru(args, call) : '');
  });
  registry.register('getrusage', 'who', (ctx) => valueArg(ctx.argIndex, xlat(ctx.tables, 'RUSAGE', ['RUSAGE_SELF', 'RUSAGE_CHILDREN', 'RUSAGE_BOTH', 'RUSAGE_THREAD']), 'RUSAGE_???'));
  registry.register('personality', 'personality', (ctx) => {
    const format = personalityFormatter(ctx.tables);
    return (args) => format(u32(args[ctx.argIndex]));
  });
}
