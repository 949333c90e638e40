/**
 * Credentials, priorities, scheduling, personalities and prctl as strace prints them: user and
 * group ids (-1 for "unchanged", as strace shows uid_t), the id arrays of getresuid, getgroups,
 * priorities' `which`, scheduling policies and parameters, CPU masks, waitid's id types and
 * siginfo, rusage, personality types, and prctl's options with the arguments each one takes.
 */
import type { ArchTables } from '../arch';
import { bytesOf, viewOf } from './registry';
import { valueArg } from './xlat';
import { quoteBytes } from './quote';
import { argIndexOf, type ArgDecoder, type CallView, type DecoderRegistry } from './registry';
import { SIGINFO_FIELD_BYTES, siginfoDecoder } from './siginfo';
import { signalFormatter } from './signal';
import { formatTimeval, structArg } from './time';
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
    // An empty array needs no memory; strace shows no array beyond NGROUPS_MAX.
    if (count === 0) return '[]';
    if (count > NGROUPS_MAX) return pointer(args[argIndex]);
    if (!b || count < 0 || b.data.length < 4 * count) return '';
    const v = viewOf(b.data);
    return `[${Array.from({ length: count }, (_, i) => formatId(BigInt(v.getUint32(4 * i, true)))).join(', ')}]`;
  };
}

/** struct rusage abbreviated as strace does: `{ru_utime={...}, ru_stime={...}, ...}`. */
export function formatRusage(v: DataView): string {
  return `{ru_utime=${formatTimeval(v, 0)}, ru_stime=${formatTimeval(v, 16)}, ...}`;
}

/** Registers the id, priority, scheduling and personality decoders (prctl: registerPrctl). */
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
  for (const syscall of ['sched_get_priority_max', 'sched_get_priority_min']) registry.register(syscall, 'policy', (ctx) => valueArg(ctx.argIndex, SCHEDULERS, 'SCHED_???'));
  registry.register('sched_setscheduler', 'policy', (ctx) => valueArg(ctx.argIndex, SCHEDULERS, 'SCHED_???'));
  const param = (output: boolean) => (ctx: { argIndex: number }) => structArg(ctx.argIndex, 4, output, (v) => `[${v.getInt32(0, true)}]`);
  registry.register('sched_getparam', 'param', param(true));
  registry.register('sched_setparam', 'param', param(false));
  registry.register('sched_setscheduler', 'param', param(false));
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
  for (const syscall of ['wait4', 'waitid', 'getrusage']) registry.register(syscall, 'ru', (ctx) => structArg(ctx.argIndex, 32, true, formatRusage));
  registry.register('getrusage', 'who', (ctx) => valueArg(ctx.argIndex, xlat(ctx.tables, 'RUSAGE', ['RUSAGE_SELF', 'RUSAGE_CHILDREN', 'RUSAGE_BOTH', 'RUSAGE_THREAD']), 'RUSAGE_???'));
  registry.register('personality', 'personality', (ctx) => {
    const format = personalityFormatter(ctx.tables);
    return (args) => format(u32(args[ctx.argIndex]));
  });
  registerPrctl(registry);
}

/** How prctl prints its arguments after the option, per option (strace's SYS_FUNC(prctl)). */
type PrctlShape =
  /** Only the option. */
  | 'none'
  /** The option, then every other argument in hex. */
  | 'all'
  /** arg2 unsigned, no more. */
  | 'u'
  /** arg2 unsigned, then arg3..arg5 in hex. */
  | 'u+'
  /** arg2 decimal. */
  | 'd'
  /** arg2 a signal. */
  | 'sig'
  /** arg2 a name string (PR_SET_NAME), or the name the call wrote (PR_GET_NAME). */
  | 'name'
  /** arg2 a pointer the call fills with an int (`[N]`) or a signal (`[SIGTERM]`). */
  | 'int*'
  | 'sig*'
  /** arg2 a value of `xlat`. */
  | 'x';

/** The prctl options whose arguments strace decodes, with how (other known options: 'all'). */
const PRCTL_SHAPES: Readonly<Record<string, PrctlShape>> = {
  PR_GET_KEEPCAPS: 'none', PR_GET_SECCOMP: 'none', PR_GET_TIMERSLACK: 'none', PR_GET_TIMING: 'none', PR_GET_DUMPABLE: 'none',
  PR_GET_SECUREBITS: 'none', PR_GET_FP_MODE: 'none', PR_TASK_PERF_EVENTS_DISABLE: 'none', PR_TASK_PERF_EVENTS_ENABLE: 'none',
  PR_GET_CHILD_SUBREAPER: 'int*', PR_GET_ENDIAN: 'int*', PR_GET_FPEMU: 'int*', PR_GET_FPEXC: 'int*',
  PR_GET_PDEATHSIG: 'sig*', PR_GET_NAME: 'name', PR_SET_NAME: 'name',
  PR_SET_CHILD_SUBREAPER: 'u', PR_SET_ENDIAN: 'u', PR_SET_FPEMU: 'u', PR_SET_FPEXC: 'u', PR_SET_KEEPCAPS: 'u', PR_SET_TIMING: 'u',
  PR_SET_NO_NEW_PRIVS: 'u+', PR_SET_THP_DISABLE: 'u+', PR_SET_IO_FLUSHER: 'u+',
  PR_SET_PDEATHSIG: 'sig', PR_SET_TIMERSLACK: 'd', PR_SET_DUMPABLE: 'x',
};

/** strace's pr_dumpable. */
const DUMPABLE = fixedXlat([['SUID_DUMP_DISABLE', 0], ['SUID_DUMP_USER', 1], ['SUID_DUMP_ROOT', 2]]);

/** strace's prctl_options (include/uapi/linux/prctl.h names), in its order. */
const PRCTL_OPTION_NAMES = [
  'PR_SET_PDEATHSIG', 'PR_GET_PDEATHSIG', 'PR_GET_DUMPABLE', 'PR_SET_DUMPABLE', 'PR_GET_UNALIGN', 'PR_SET_UNALIGN', 'PR_GET_KEEPCAPS',
  'PR_SET_KEEPCAPS', 'PR_GET_FPEMU', 'PR_SET_FPEMU', 'PR_GET_FPEXC', 'PR_SET_FPEXC', 'PR_GET_TIMING', 'PR_SET_TIMING', 'PR_SET_NAME',
  'PR_GET_NAME', 'PR_GET_ENDIAN', 'PR_SET_ENDIAN', 'PR_GET_SECCOMP', 'PR_SET_SECCOMP', 'PR_CAPBSET_READ', 'PR_CAPBSET_DROP',
  'PR_GET_TSC', 'PR_SET_TSC', 'PR_GET_SECUREBITS', 'PR_SET_SECUREBITS', 'PR_SET_TIMERSLACK', 'PR_GET_TIMERSLACK',
  'PR_TASK_PERF_EVENTS_DISABLE', 'PR_TASK_PERF_EVENTS_ENABLE', 'PR_MCE_KILL', 'PR_MCE_KILL_GET', 'PR_SET_MM',
  'PR_SET_CHILD_SUBREAPER', 'PR_GET_CHILD_SUBREAPER', 'PR_SET_NO_NEW_PRIVS', 'PR_GET_NO_NEW_PRIVS', 'PR_GET_TID_ADDRESS',
  'PR_SET_THP_DISABLE', 'PR_GET_THP_DISABLE', 'PR_MPX_ENABLE_MANAGEMENT', 'PR_MPX_DISABLE_MANAGEMENT', 'PR_SET_FP_MODE',
  'PR_GET_FP_MODE', 'PR_CAP_AMBIENT', 'PR_SVE_SET_VL', 'PR_SVE_GET_VL', 'PR_GET_SPECULATION_CTRL', 'PR_SET_SPECULATION_CTRL',
  'PR_PAC_RESET_KEYS', 'PR_SET_TAGGED_ADDR_CTRL', 'PR_GET_TAGGED_ADDR_CTRL', 'PR_SET_IO_FLUSHER', 'PR_GET_IO_FLUSHER',
  'PR_SET_SYSCALL_USER_DISPATCH', 'PR_PAC_SET_ENABLED_KEYS', 'PR_PAC_GET_ENABLED_KEYS', 'PR_SCHED_CORE', 'PR_SME_SET_VL',
  'PR_SME_GET_VL', 'PR_SET_VMA', 'PR_SET_PTRACER',
];

function registerPrctl(registry: DecoderRegistry): void {
  /** Option value → shape; options strace decodes further than 'all' are listed in PRCTL_SHAPES. */
  const shapes = (tables: ArchTables) => {
    const byValue = new Map<bigint, PrctlShape>();
    for (const [name, value] of xlat(tables, 'PR', PRCTL_OPTION_NAMES)) byValue.set(value, PRCTL_SHAPES[name] ?? 'all');
    return byValue;
  };
  registry.register('prctl', 'option', (ctx) => valueArg(ctx.argIndex, xlat(ctx.tables, 'PR', PRCTL_OPTION_NAMES), 'PR_???'));
  registry.register('prctl', 'arg2', (ctx) => {
    const known = shapes(ctx.tables);
    const signal = signalFormatter(ctx.tables);
    const option = argIndexOf(ctx, 'option');
    return (args, call) => {
      const arg = args[ctx.argIndex] ?? 0n;
      const shape = known.get(u32(args[option]));
      switch (shape) {
        case undefined:
        case 'all':
          return hexValue(arg);
        case 'none':
          return null;
        case 'u':
        case 'u+':
          return arg.toString();
        case 'd':
          return BigInt.asIntN(64, arg).toString();
        case 'sig':
          return arg > 128n ? arg.toString() : signal(Number(arg));
        case 'x':
          return formatValue(arg, DUMPABLE, 'SUID_DUMP_???');
        case 'name': {
          const b = bytesOf(call.blobs, ctx.argIndex);
          const getName = u32(args[option]) === BigInt(ctx.tables.constants.PR?.PR_GET_NAME ?? -1);
          if (!b || (getName && call.ret < 0n)) return '';
          // PR_SET_NAME shows at most TASK_COMM_LEN - 1 bytes, cut with `...`; PR_GET_NAME what was written.
          const nul = b.data.indexOf(0);
          const limit = getName ? 16 : 15;
          const end = nul >= 0 && nul <= limit ? nul : limit;
          return quoteBytes(b.data.subarray(0, end), { truncated: nul < 0 || nul > limit });
        }
        case 'int*':
        case 'sig*': {
          const b = bytesOf(call.blobs, ctx.argIndex);
          if (!b || b.data.length < 4 || call.ret < 0n) return hexValue(arg);
          const n = viewOf(b.data).getUint32(0, true);
          return `[${shape === 'sig*' ? signal(n) : n}]`;
        }
      }
    };
  });
  for (const arg of ['arg3', 'arg4', 'arg5']) {
    registry.register('prctl', arg, (ctx) => {
      const known = shapes(ctx.tables);
      const option = argIndexOf(ctx, 'option');
      return (args) => {
        const shape = known.get(u32(args[option]));
        return shape === undefined || shape === 'all' || shape === 'u+' ? hexValue(args[ctx.argIndex] ?? 0n) : null;
      };
    });
  }
}
