/**
 * Process syscalls: clone's flags and strace's named arguments (`child_stack=NULL,
 * flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x...`), clone3's struct,
 * execve's argv and envp, wait4's status and options, prlimit64's resource and limits,
 * arch_prctl's option, rseq, futex operations (and the arguments each leaves unused), getrandom's
 * flags and buffer.
 */
import type { ArchTables } from '../arch';
import type { RawBlob } from '../types';
import { extensibleTail } from './extensible';
import { arrayText } from './fields';
import { bytesOf, derivedKey, viewOf } from './registry';
import { flagsArg, valueArg } from './xlat';
import { bufferDecoder } from './io';
import { textBytes } from '../text';
import { quoteBytes } from './quote';
import { argIndexOf, type ArgDecoder, type CallView, type DecoderRegistry } from './registry';
import { signalFormatter } from './signal';
import { cached, constant, currentBindingStyle, fixedXlat, formatFlags, formatValue, hexValue, pointer, s32, styled, u32, xlat, type Xlat } from './xlat';
import { formatTimespec, structArg } from './time';

/** strace's clone_flags. */
const CLONE_NAMES = [
  'CLONE_VM', 'CLONE_FS', 'CLONE_FILES', 'CLONE_SIGHAND', 'CLONE_PIDFD', 'CLONE_PTRACE', 'CLONE_VFORK', 'CLONE_PARENT',
  'CLONE_THREAD', 'CLONE_NEWNS', 'CLONE_SYSVSEM', 'CLONE_SETTLS', 'CLONE_PARENT_SETTID', 'CLONE_CHILD_CLEARTID',
  'CLONE_UNTRACED', 'CLONE_CHILD_SETTID', 'CLONE_NEWCGROUP', 'CLONE_NEWUTS', 'CLONE_NEWIPC', 'CLONE_NEWUSER', 'CLONE_NEWPID',
  'CLONE_NEWNET', 'CLONE_IO',
];
/** strace's clone3_flags (the 64-bit ones clone3 added). */
const CLONE3_NAMES = ['CLONE_NEWTIME', 'CLONE_CLEAR_SIGHAND', 'CLONE_INTO_CGROUP'];
/** strace's wait4_options. */
// strace names bit 2 WSTOPPED only (its WUNTRACED is for headers without WSTOPPED).
const WAIT_NAMES = ['WNOHANG', 'WEXITED', 'WTRAPPED', 'WSTOPPED', 'WCONTINUED', 'WNOWAIT', '__WCLONE', '__WALL', '__WNOTHREAD'];
/** strace's resources (generic order). */
const RLIMIT_NAMES = [
  'RLIMIT_CPU', 'RLIMIT_FSIZE', 'RLIMIT_DATA', 'RLIMIT_STACK', 'RLIMIT_CORE', 'RLIMIT_RSS', 'RLIMIT_NPROC', 'RLIMIT_NOFILE',
  'RLIMIT_MEMLOCK', 'RLIMIT_AS', 'RLIMIT_LOCKS', 'RLIMIT_SIGPENDING', 'RLIMIT_MSGQUEUE', 'RLIMIT_NICE', 'RLIMIT_RTPRIO', 'RLIMIT_RTTIME',
];
/** strace's archvals (x86 arch_prctl options). */
const ARCH_NAMES = [
  'ARCH_SET_GS', 'ARCH_SET_FS', 'ARCH_GET_FS', 'ARCH_GET_GS', 'ARCH_GET_CPUID', 'ARCH_SET_CPUID', 'ARCH_GET_XCOMP_SUPP',
  'ARCH_GET_XCOMP_PERM', 'ARCH_REQ_XCOMP_PERM', 'ARCH_GET_XCOMP_GUEST_PERM', 'ARCH_REQ_XCOMP_GUEST_PERM', 'ARCH_MAP_VDSO_X32',
  'ARCH_MAP_VDSO_32', 'ARCH_MAP_VDSO_64',
];
/** strace's getrandom_flags. */
const GRND_NAMES = ['GRND_NONBLOCK', 'GRND_RANDOM', 'GRND_INSECURE'];
/** strace's futexops: the commands, then the _PRIVATE and CLOCK_REALTIME combinations it names. */
const FUTEX_CMD_NAMES = [
  'FUTEX_WAIT', 'FUTEX_WAKE', 'FUTEX_FD', 'FUTEX_REQUEUE', 'FUTEX_CMP_REQUEUE', 'FUTEX_WAKE_OP', 'FUTEX_LOCK_PI', 'FUTEX_UNLOCK_PI',
  'FUTEX_TRYLOCK_PI', 'FUTEX_WAIT_BITSET', 'FUTEX_WAKE_BITSET', 'FUTEX_WAIT_REQUEUE_PI', 'FUTEX_CMP_REQUEUE_PI', 'FUTEX_LOCK_PI2',
];

/** Signals exit_signal-style: the name, or the number. */
function withSignal(tables: ArchTables): (sig: number) => string {
  return signalFormatter(tables);
}

/** clone's flags as strace prints them: the flags, then the exit signal in the low byte. */
function cloneFlagsFormatter(tables: ArchTables): (flags: bigint) => string {
  const names = xlat(tables, 'CLONE', CLONE_NAMES);
  const csignal = BigInt(constant(tables, 'CLONE', 'CSIGNAL'));
  const signal = withSignal(tables);
  return cached((value) => {
    const flags = value & ~csignal;
    const sig = Number(value & csignal);
    if (flags === 0n) return signal(sig);
    const text = formatFlags(flags, names, 'CLONE_???');
    return sig ? `${text}|${signal(sig)}` : text;
  });
}

/**
 * clone(2) on x86_64 takes (flags, newsp, parent_tidptr, child_tidptr, tls); strace prints
 * child_stack= and flags= always, and parent_tid=, tls= and child_tidptr= only when the flags
 * make the kernel use them (the printer puts them in strace's order).
 */
function registerClone(registry: DecoderRegistry): void {
  const used = (tables: ArchTables, names: string[]) => names.reduce((m, n) => m | BigInt(constant(tables, 'CLONE', n)), 0n);
  registry.register('clone', 'clone_flags', (ctx) => {
    const format = cloneFlagsFormatter(ctx.tables);
    return (args) => `flags=${format(args[ctx.argIndex] ?? 0n)}`;
  });
  registry.register('clone', 'newsp', (ctx) => (args) => `child_stack=${pointer(args[ctx.argIndex])}`);
  const conditional = (arg: string, label: string, flagNames: string[]) =>
    registry.register('clone', arg, (ctx) => {
      const flagsIndex = argIndexOf(ctx, 'clone_flags');
      const mask = used(ctx.tables, flagNames);
      return (args) => (((args[flagsIndex] ?? 0n) & mask) === 0n ? null : `${label}=${pointer(args[ctx.argIndex])}`);
    });
  conditional('parent_tidptr', 'parent_tid', ['CLONE_PARENT_SETTID', 'CLONE_PIDFD']);
  conditional('tls', 'tls', ['CLONE_SETTLS']);
  conditional('child_tidptr', 'child_tidptr', ['CLONE_CHILD_SETTID', 'CLONE_CHILD_CLEARTID']);
}

/** struct clone_args (include/uapi/linux/sched.h) field offsets. */
const CLONE_ARGS = {
  flags: 0, pidfd: 8, child_tid: 16, parent_tid: 24, exit_signal: 32, stack: 40, stack_size: 48, tls: 56, set_tid: 64,
  set_tid_size: 72, cgroup: 80, MIN: 64, SIZE: 88,
} as const;

/** clone3's struct clone_args: `{flags=..., exit_signal=SIGCHLD, stack=NULL, stack_size=0x0}`. */
function cloneArgsDecoder(argIndex: number, sizeIndex: number, tables: ArchTables): ArgDecoder {
  const names = [...xlat(tables, 'CLONE', CLONE_NAMES), ...xlat(tables, 'CLONE', CLONE3_NAMES)];
  const flagsText = cached((v) => formatFlags(v, names, 'CLONE_???'));
  const c = (n: string) => BigInt(constant(tables, 'CLONE', n));
  const signal = withSignal(tables);
  return (args, call) => {
    const b = bytesOf(call.blobs, argIndex);
    const size = args[sizeIndex] ?? 0n;
    const fetched = size < BigInt(CLONE_ARGS.SIZE) ? Number(size) : CLONE_ARGS.SIZE;
    if (!b || fetched < CLONE_ARGS.MIN || b.data.length < fetched) return '';
    const v = viewOf(b.data);
    // Fields beyond the size passed are zero, as strace's zeroed struct has them.
    const u64 = (at: number) => (at + 8 <= fetched ? v.getBigUint64(at, true) : 0n);
    const flags = u64(CLONE_ARGS.flags);
    let out = `{flags=${flagsText(flags)}`;
    if (flags & c('CLONE_PIDFD')) out += `, pidfd=${pointer(u64(CLONE_ARGS.pidfd))}`;
    if (flags & (c('CLONE_CHILD_SETTID') | c('CLONE_CHILD_CLEARTID'))) out += `, child_tid=${pointer(u64(CLONE_ARGS.child_tid))}`;
    if (flags & c('CLONE_PARENT_SETTID')) out += `, parent_tid=${pointer(u64(CLONE_ARGS.parent_tid))}`;
    const exitSignal = u64(CLONE_ARGS.exit_signal);
    out += `, exit_signal=${exitSignal < 0x7fffffffn ? signal(Number(exitSignal)) : exitSignal.toString()}`;
    out += `, stack=${pointer(u64(CLONE_ARGS.stack))}, stack_size=${hexValue(u64(CLONE_ARGS.stack_size))}`;
    if (flags & c('CLONE_SETTLS')) out += `, tls=${pointer(u64(CLONE_ARGS.tls))}`;
    const setTid = u64(CLONE_ARGS.set_tid);
    const setTidSize = u64(CLONE_ARGS.set_tid_size);
    if (setTid || setTidSize) out += `, set_tid=${setTidText(call, argIndex, setTid, setTidSize)}, set_tid_size=${setTidSize}`;
    const cgroup = u64(CLONE_ARGS.cgroup);
    if (fetched > CLONE_ARGS.cgroup && (cgroup || flags & c('CLONE_INTO_CGROUP'))) out += `, cgroup=${cgroup}`;
    out += extensibleTail(b, fetched, size, call.options.stringMax);
    return `${out}}${cloneOutputs(call, argIndex, flags, c('CLONE_PIDFD'), c('CLONE_PARENT_SETTID'), u64)}`;
  };
}

/**
 * What clone3 wrote in the parent through the struct's pointers, as strace shows it after the
 * struct: ` => {pidfd=[3], parent_tid=[1234]}` (the kernel side's SCT_READ_CLONE3 parts; an
 * output that was not delivered is its address).
 */
function cloneOutputs(call: CallView, argIndex: number, flags: bigint, pidfdFlag: bigint, parentFlag: bigint, u64: (at: number) => bigint): string {
  if (call.ret <= 0n || !(flags & (pidfdFlag | parentFlag))) return '';
  const out = (part: number, at: number) => {
    const b = bytesOf(call.blobs, derivedKey(argIndex, part));
    return b && b.data.length >= 4 ? `[${viewOf(b.data).getInt32(0, true)}]` : pointer(u64(at));
  };
  const parts: string[] = [];
  if (flags & pidfdFlag) parts.push(`pidfd=${out(CLONE3_PART.PIDFD, CLONE_ARGS.pidfd)}`);
  if (flags & parentFlag) parts.push(`parent_tid=${out(CLONE3_PART.PARENT_TID, CLONE_ARGS.parent_tid)}`);
  return ` => {${parts.join(', ')}}`;
}

/** SCT_CLONE3_PART_*: the derived parts of clone3's outputs and of its set_tid array. */
const CLONE3_PART = { PIDFD: 0, PARENT_TID: 1, SET_TID: 2 } as const;
/** SCT_CLONE3_SET_TID_MAX: the longest set_tid array strace prints (MAX_PID_NS_LEVEL). */
const SET_TID_MAX = 32n;

/** clone3's set_tid: `[1, 2]` (at most -s pids), its address when empty, too long or unread. */
function setTidText(call: CallView, argIndex: number, ptr: bigint, count: bigint): string {
  if (ptr === 0n || count === 0n || count > SET_TID_MAX) return pointer(ptr);
  const data = bytesOf(call.blobs, derivedKey(argIndex, CLONE3_PART.SET_TID))?.data;
  return arrayText(ptr, count, 4, data, call.options.stringMax, (v, at) => String(v.getInt32(at, true)));
}

/**
 * A string array: `["cat", "/etc/hostname"]` (elements cut at string_max end in `...`, a cut
 * array ends in `...`); an environment only counted: `0x7ffd... /* 35 vars *\/`.
 */
export function formatStrv(blob: RawBlob | undefined, reg: bigint): string {
  if (blob === undefined || blob.unreadable) return '';
  // Counting stops at SCT_COUNT_MAX elements; a stopped count says so with "+".
  if (blob.kind === 'count') return `${pointer(reg)} /* ${blob.count}${blob.truncated ? '+' : ''} var${blob.count === 1 && !blob.truncated ? '' : 's'} */`;
  if (blob.kind !== 'strv') return '';
  const items = blob.items.map((item, i) => quoteBytes(textBytes(item, blob.itemBytes?.[i]), { truncated: blob.cut[i] }));
  if (blob.truncated) items.push('...');
  return `[${items.join(', ')}]`;
}

function strvDecoder(argIndex: number): ArgDecoder {
  return (args, call) => formatStrv(call.blobs.get(argIndex), args[argIndex] ?? 0n);
}

/** strace's printstatus for wait4's *wstatus. */
export function formatWaitStatus(status: number, signal: (sig: number) => string): string {
  const termsig = status & 0x7f;
  let text: string;
  let rest = status;
  if ((status & 0xff) === 0x7f) {
    const sig = (status >> 8) & 0xff;
    text = `{WIFSTOPPED(s) && WSTOPSIG(s) == ${signal(sig & 0x7f)}${sig & 0x80 ? ' | 0x80' : ''}}`;
    rest &= ~((sig << 8) | 0x7f);
  } else if (termsig !== 0 && termsig !== 0x7f) {
    text = `{WIFSIGNALED(s) && WTERMSIG(s) == ${signal(termsig)}${status & 0x80 ? ' && WCOREDUMP(s)' : ''}}`;
    rest &= ~(termsig | 0x80);
  } else if (termsig === 0) {
    text = `{WIFEXITED(s) && WEXITSTATUS(s) == ${(status >> 8) & 0xff}}`;
    rest &= ~(((status >> 8) & 0xff) << 8);
  } else if (status === 0xffff) {
    return '[{WIFCONTINUED(s)}]';
  } else {
    return `[${hexValue(BigInt(status >>> 0))}]`;
  }
  if (rest !== 0) text += `|${hexValue(BigInt(rest >>> 0))}`;
  return `[${text}]`;
}

function waitStatusDecoder(argIndex: number, tables: ArchTables): ArgDecoder {
  const signal = withSignal(tables);
  return (_args, call) => {
    const b = bytesOf(call.blobs, argIndex);
    if (!b || b.data.length < 4 || call.ret <= 0n) return '';
    return formatWaitStatus(viewOf(b.data).getInt32(0, true), signal);
  };
}

/** strace's print_rlim64_t. */
function formatRlim(lim: bigint): string {
  if (lim === 0xffffffffffffffffn) return 'RLIM64_INFINITY';
  if (lim > 1024n && lim % 1024n === 0n) return `${lim / 1024n}*1024`;
  return lim.toString();
}

function rlimitDecoder(argIndex: number, output: boolean): ArgDecoder {
  return (_args, call) => {
    const b = bytesOf(call.blobs, argIndex);
    if (!b || b.data.length < 16 || (output && call.ret < 0n)) return '';
    const v = viewOf(b.data);
    return `{rlim_cur=${formatRlim(v.getBigUint64(0, true))}, rlim_max=${formatRlim(v.getBigUint64(8, true))}}`;
  };
}

const FUTEX_WAKE_OPS = fixedXlat([['FUTEX_OP_SET', 0], ['FUTEX_OP_ADD', 1], ['FUTEX_OP_OR', 2], ['FUTEX_OP_ANDN', 3], ['FUTEX_OP_XOR', 4]]);
const FUTEX_WAKE_CMPS = fixedXlat([['FUTEX_OP_CMP_EQ', 0], ['FUTEX_OP_CMP_NE', 1], ['FUTEX_OP_CMP_LT', 2], ['FUTEX_OP_CMP_LE', 3], ['FUTEX_OP_CMP_GT', 4], ['FUTEX_OP_CMP_GE', 5]]);

/**
 * FUTEX_WAKE_OP's encoded operation (FUTEX_OP(op, oparg, cmp, cmparg) of linux/futex.h) as
 * strace spells it: op<<28|oparg<<12|cmp<<24|cmparg, with FUTEX_OP_OPARG_SHIFT<<28 first when set.
 */
export function wakeOp(v: bigint): string {
  const part = (value: bigint, table: Xlat, unknown: string, shift: number) => {
    const name = table.find(([, n]) => n === value)?.[0];
    return name === undefined ? `${hexValue(value)}<<${shift} /* ${unknown} */` : `${name}<<${shift}`;
  };
  const shift = (v >> 28n) & 8n ? 'FUTEX_OP_OPARG_SHIFT<<28|' : '';
  return `${shift}${part((v >> 28n) & 7n, FUTEX_WAKE_OPS, 'FUTEX_OP_???', 28)}|${hexValue((v >> 12n) & 0xfffn)}<<12|` +
    `${part((v >> 24n) & 0xfn, FUTEX_WAKE_CMPS, 'FUTEX_OP_CMP_???', 24)}|${hexValue(v & 0xfffn)}`;
}

/** futex: the operation, and which of the other arguments it uses (strace's do_futex). */
function registerFutex(registry: DecoderRegistry): void {
  registry.register('futex', 'op', (ctx) => {
    const cmds = xlat(ctx.tables, 'FUTEX', FUTEX_CMD_NAMES);
    const priv = BigInt(constant(ctx.tables, 'FUTEX', 'FUTEX_PRIVATE_FLAG'));
    const realtime = BigInt(constant(ctx.tables, 'FUTEX', 'FUTEX_CLOCK_REALTIME'));
    // strace's futexops names FUTEX_CLOCK_REALTIME only with the waiting commands, FUTEX_FD's private form apart.
    const timed = new Set(['FUTEX_WAIT', 'FUTEX_WAIT_BITSET', 'FUTEX_WAIT_REQUEUE_PI']);
    const render = cached((op) => {
      const cmd = op & ~(priv | realtime);
      const name = cmds.find(([, v]) => v === cmd)?.[0];
      if (name === undefined || (op & realtime && !timed.has(name))) return formatValue(op, [], 'FUTEX_???');
      if (name === 'FUTEX_FD' && op & priv) return 'FUTEX_FD|FUTEX_PRIVATE_FLAG';
      return `${name}${op & priv ? '_PRIVATE' : ''}${op & realtime ? '|FUTEX_CLOCK_REALTIME' : ''}`;
    });
    return (args) => render(u32(args[ctx.argIndex]));
  });
  // Which arguments after op each command prints: val, the timeout or val2, uaddr2, val3.
  const uses = (tables: ArchTables): Map<bigint, string> => {
    const c = (n: string) => BigInt(constant(tables, 'FUTEX', n));
    return new Map([
      [c('FUTEX_WAIT'), 'vt'], [c('FUTEX_WAKE'), 'v'], [c('FUTEX_FD'), 'v'], [c('FUTEX_REQUEUE'), 'v2a'],
      [c('FUTEX_CMP_REQUEUE'), 'v2a3'], [c('FUTEX_CMP_REQUEUE_PI'), 'v2a3'], [c('FUTEX_WAKE_OP'), 'v2a3w'],
      [c('FUTEX_LOCK_PI'), 't'], [c('FUTEX_LOCK_PI2'), 't'], [c('FUTEX_UNLOCK_PI'), ''], [c('FUTEX_TRYLOCK_PI'), ''],
      [c('FUTEX_WAIT_BITSET'), 'vt3'], [c('FUTEX_WAKE_BITSET'), 'v3'], [c('FUTEX_WAIT_REQUEUE_PI'), 'vta'],
    ]);
  };
  // An unknown command prints every argument; `unknown` renders this one then (strace's default case).
  const part = (arg: string, letter: string, render: (reg: bigint, letters: string) => string, unknown?: (reg: bigint) => string) =>
    registry.register('futex', arg, (ctx) => {
      const opIndex = argIndexOf(ctx, 'op');
      const table = uses(ctx.tables);
      return (args) => {
        const letters = table.get(u32(args[opIndex]) & 127n);
        if (letters === undefined) return unknown ? unknown(args[ctx.argIndex] ?? 0n) : '';
        return letters.includes(letter) ? render(args[ctx.argIndex] ?? 0n, letters) : null;
      };
    });
  part('val', 'v', (reg) => u32(reg).toString());
  // The fourth argument is a timeout pointer, or the u32 val2 for the requeue commands.
  registry.register('futex', 'utime', (ctx) => {
    const opIndex = argIndexOf(ctx, 'op');
    const table = uses(ctx.tables);
    return (args, call) => {
      const letters = table.get(u32(args[opIndex]) & 127n);
      if (letters === undefined) return '';
      if (letters.includes('t')) {
        const b = bytesOf(call.blobs, ctx.argIndex);
        return b && b.data.length >= 16 ? formatTimespec(viewOf(b.data)) : pointer(args[ctx.argIndex]);
      }
      if (letters.includes('2')) return u32(args[ctx.argIndex]).toString();
      return null;
    };
  });
  part('uaddr2', 'a', (reg) => pointer(reg));
  part('val3', '3', (reg, letters) => {
    const v = u32(reg);
    if (letters.includes('t') || letters === 'v3') return v === 0xffffffffn ? 'FUTEX_BITSET_MATCH_ANY' : hexValue(v);
    if (letters.includes('w')) return wakeOp(v);
    return letters === 'v2a3' ? v.toString() : hexValue(v);
  }, (reg) => hexValue(u32(reg)));
}

/** uname's struct new_utsname, abbreviated like strace: `{sysname="Linux", nodename="vm", ...}`. */
function unameDecoder(argIndex: number): ArgDecoder {
  return (_args, call) => {
    const b = bytesOf(call.blobs, argIndex);
    if (!b || b.data.length < 130 || call.ret < 0n) return '';
    const field = (at: number) => quoteBytes(b.data.subarray(at, at + 65), { stopAtNul: true });
    return `{sysname=${field(0)}, nodename=${field(65)}, ...}`;
  };
}

/** struct sysinfo (x86_64 layout), every field as strace prints it. */
function sysinfoDecoder(argIndex: number): ArgDecoder {
  return (_args, call) => {
    const b = bytesOf(call.blobs, argIndex);
    if (!b || b.data.length < 108 || call.ret < 0n) return '';
    const v = viewOf(b.data);
    const u = (at: number) => v.getBigUint64(at, true).toString();
    return (
      `{uptime=${v.getBigInt64(0, true)}, loads=[${u(8)}, ${u(16)}, ${u(24)}], totalram=${u(32)}, freeram=${u(40)}, ` +
      `sharedram=${u(48)}, bufferram=${u(56)}, totalswap=${u(64)}, freeswap=${u(72)}, procs=${v.getUint16(80, true)}, ` +
      `totalhigh=${u(88)}, freehigh=${u(96)}, mem_unit=${v.getUint32(104, true)}}`
    );
  };
}

/** x86's XFEATURE_MASK_* (arch/x86/include/asm/fpu/types.h: not in a UAPI header), strace's x86_xfeatures order. */
const XFEATURE_MASKS = fixedXlat([
  ['XFEATURE_MASK_FPSSE', 0x3], ['XFEATURE_MASK_FP', 0x1], ['XFEATURE_MASK_SSE', 0x2], ['XFEATURE_MASK_YMM', 0x4],
  ['XFEATURE_MASK_BNDREGS', 0x8], ['XFEATURE_MASK_BNDCSR', 0x10], ['XFEATURE_MASK_AVX512', 0xe0], ['XFEATURE_MASK_OPMASK', 0x20],
  ['XFEATURE_MASK_ZMM_Hi256', 0x40], ['XFEATURE_MASK_Hi16_ZMM', 0x80], ['XFEATURE_MASK_PT', 0x100], ['XFEATURE_MASK_PKRU', 0x200],
  ['XFEATURE_MASK_PASID', 0x400], ['XFEATURE_MASK_LBR', 0x8000], ['XFEATURE_MASK_XTILE', 0x60000], ['XFEATURE_MASK_XTILE_CFG', 0x20000],
  ['XFEATURE_MASK_XTILE_DATA', 0x40000],
]);
/** x86's XFEATURE_* bit numbers (strace's x86_xfeature_bits). */
const XFEATURE_BITS = fixedXlat([
  ['XFEATURE_FP', 0], ['XFEATURE_SSE', 1], ['XFEATURE_YMM', 2], ['XFEATURE_BNDREGS', 3], ['XFEATURE_BNDCSR', 4], ['XFEATURE_OPMASK', 5],
  ['XFEATURE_ZMM_Hi256', 6], ['XFEATURE_Hi16_ZMM', 7], ['XFEATURE_PT_UNIMPLEMENTED_SO_FAR', 8], ['XFEATURE_PKRU', 9], ['XFEATURE_PASID', 10],
  ['XFEATURE_LBR', 15], ['XFEATURE_XTILE_CFG', 17], ['XFEATURE_XTILE_DATA', 18],
]);

/**
 * arch_prctl's second argument, by option (strace's arch_prctl): the address ARCH_GET_FS/GS
 * wrote (`[0x7f...]`), the XFEATURE mask the XCOMP getters wrote (always with its names in a
 * comment), the feature ARCH_REQ_XCOMP_PERM asks for, nothing for ARCH_GET_CPUID, else hex.
 */
function archPrctlArgDecoder(argIndex: number, optionIndex: number, tables: ArchTables): ArgDecoder {
  const c = (n: string) => BigInt(tables.constants.ARCH?.[n] ?? -1);
  const pointers = new Set([c('ARCH_GET_FS'), c('ARCH_GET_GS')]);
  const masks = new Set([c('ARCH_GET_XCOMP_SUPP'), c('ARCH_GET_XCOMP_PERM'), c('ARCH_GET_XCOMP_GUEST_PERM')]);
  const requests = new Set([c('ARCH_REQ_XCOMP_PERM'), c('ARCH_REQ_XCOMP_GUEST_PERM')]);
  const cpuid = c('ARCH_GET_CPUID');
  const style = currentBindingStyle() === 'raw' ? 'raw' : 'verbose';
  return (args, call) => {
    const op = u32(args[optionIndex]);
    const reg = args[argIndex] ?? 0n;
    if (op === cpuid) return null;
    if (requests.has(op)) return styled(reg, formatValue(reg, XFEATURE_BITS, 'XFEATURE_???'), style);
    if (!pointers.has(op) && !masks.has(op)) return hexValue(reg);
    const b = bytesOf(call.blobs, argIndex);
    if (!b || b.data.length < 8 || call.ret < 0n) return pointer(reg);
    const value = viewOf(b.data).getBigUint64(0, true);
    return `[${pointers.has(op) ? pointer(value) : styled(value, formatFlags(value, XFEATURE_MASKS, 'XFEATURE_MASK_???'), style)}]`;
  };
}

/** Registers the process decoders. */
export function registerProcessDecoders(registry: DecoderRegistry): void {
  registerClone(registry);
  registerFutex(registry);
  registry.register('clone3', 'uargs', (ctx) => cloneArgsDecoder(ctx.argIndex, argIndexOf(ctx, 'size'), ctx.tables));
  for (const syscall of ['execve', 'execveat']) {
    registry.register(syscall, 'argv', (ctx) => strvDecoder(ctx.argIndex));
    registry.register(syscall, 'envp', (ctx) => strvDecoder(ctx.argIndex));
  }
  registry.register('wait4', 'stat_addr', (ctx) => waitStatusDecoder(ctx.argIndex, ctx.tables));
  registry.register('wait4', 'options', (ctx) => flagsArg(ctx.argIndex, xlat(ctx.tables, 'WAIT', WAIT_NAMES), 'W???'));
  registry.register('waitid', 'options', (ctx) => flagsArg(ctx.argIndex, xlat(ctx.tables, 'WAIT', WAIT_NAMES), 'W???'));
  registry.register('prlimit64', 'resource', (ctx) => valueArg(ctx.argIndex, xlat(ctx.tables, 'RLIMIT', RLIMIT_NAMES), 'RLIMIT_???'));
  registry.register('prlimit64', 'new_rlim', (ctx) => rlimitDecoder(ctx.argIndex, false));
  registry.register('prlimit64', 'old_rlim', (ctx) => rlimitDecoder(ctx.argIndex, true));
  for (const syscall of ['getrlimit', 'setrlimit']) {
    registry.register(syscall, 'resource', (ctx) => valueArg(ctx.argIndex, xlat(ctx.tables, 'RLIMIT', RLIMIT_NAMES), 'RLIMIT_???'));
    // 64-bit rlim_t on x86_64: strace prints it as prlimit64's (RLIM64_INFINITY).
    registry.register(syscall, 'rlim', (ctx) => rlimitDecoder(ctx.argIndex, syscall === 'getrlimit'));
  }
  registry.register('arch_prctl', 'option', (ctx) => valueArg(ctx.argIndex, xlat(ctx.tables, 'ARCH', ARCH_NAMES), 'ARCH_???'));
  registry.register('arch_prctl', 'arg2', (ctx) => archPrctlArgDecoder(ctx.argIndex, argIndexOf(ctx, 'option'), ctx.tables));
  // strace prints these flags words in hex (no flags are defined).
  for (const [syscall, arg] of [['pidfd_getfd', 'flags'], ['pidfd_send_signal', 'flags'], ['process_mrelease', 'flags']]) {
    registry.register(syscall, arg, (ctx) => (args) => hexValue(u32(args[ctx.argIndex])));
  }
  registry.register('pidfd_open', 'flags', (ctx) => flagsArg(ctx.argIndex, fixedXlat([['PIDFD_NONBLOCK', ctx.tables.openFlags.O_NONBLOCK]]), 'PIDFD_???'));
  registry.register('getcpu', 'cpup', (ctx) => structArg(ctx.argIndex, 4, true, (v) => `[${v.getUint32(0, true)}]`));
  registry.register('getcpu', 'nodep', (ctx) => structArg(ctx.argIndex, 4, true, (v) => `[${v.getUint32(0, true)}]`));
  registry.register('rseq', 'rseq_len', (ctx) => (args) => hexValue(u32(args[ctx.argIndex])));
  registry.register('rseq', 'sig', (ctx) => (args) => hexValue(u32(args[ctx.argIndex])));
  registry.register('getrandom', 'flags', (ctx) => flagsArg(ctx.argIndex, xlat(ctx.tables, 'GRND', GRND_NAMES), 'GRND_???'));
  // strace always shows random bytes in hex.
  registry.register('getrandom', 'ubuf', (ctx) => bufferDecoder(ctx.argIndex, true, true));
  registry.register('exit_group', 'error_code', (ctx) => (args) => s32(args[ctx.argIndex]).toString());
  registry.register('uname', 'name', (ctx) => unameDecoder(ctx.argIndex));
  registry.register('sysinfo', 'info', (ctx) => sysinfoDecoder(ctx.argIndex));
}

