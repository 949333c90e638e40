/**
 * The long tail of strace's decoders: arch_prctl's outputs, kcmp types, syslog actions, quotactl's QCMD, seccomp operations, userfaultfd flags, membarrier commands, reboot magic, ptrace
 * requests, process_madvise advice, sethostname's name, rseq's area.
 */
import type { ArchTables } from '../arch';
import { READ_CAP } from '../reads';
import { arrayText } from './fields';
import { bytesOf, viewOf } from './registry';
import { flagsArg, valueArg } from './xlat';
import { flags64Arg } from './fields';
import { quoteShown } from './quote';
import { sockFprogText } from './bpf_filter';
import { formatId } from './ids';
import { clockXlat } from './time';
import { argIndexOf, type ArgDecoder, type DecoderContext, type DecoderRegistry } from './registry';
import { cached, constant, fixedXlat, formatFlags, formatValue, hexValue, pointer, s32, u32, xlat, type Xlat } from './xlat';

const KCMP_TYPES = ['KCMP_FILE', 'KCMP_VM', 'KCMP_FILES', 'KCMP_FS', 'KCMP_SIGHAND', 'KCMP_IO', 'KCMP_SYSVSEM', 'KCMP_EPOLL_TFD'];
/** strace's syslog_action_type (values of include/linux/syslog.h). */
const SYSLOG_ACTIONS = fixedXlat([
  ['SYSLOG_ACTION_CLOSE', 0], ['SYSLOG_ACTION_OPEN', 1], ['SYSLOG_ACTION_READ', 2], ['SYSLOG_ACTION_READ_ALL', 3], ['SYSLOG_ACTION_READ_CLEAR', 4],
  ['SYSLOG_ACTION_CLEAR', 5], ['SYSLOG_ACTION_CONSOLE_OFF', 6], ['SYSLOG_ACTION_CONSOLE_ON', 7], ['SYSLOG_ACTION_CONSOLE_LEVEL', 8],
  ['SYSLOG_ACTION_SIZE_UNREAD', 9], ['SYSLOG_ACTION_SIZE_BUFFER', 10],
]);
/** strace's syslog_console_levels by value (kern_levels.h's LOGLEVEL_*, and its entry for 8). */
const LOG_LEVELS = ['LOGLEVEL_EMERG', 'LOGLEVEL_ALERT', 'LOGLEVEL_CRIT', 'LOGLEVEL_ERR', 'LOGLEVEL_WARNING', 'LOGLEVEL_NOTICE', 'LOGLEVEL_INFO', 'LOGLEVEL_DEBUG', 'LOGLEVEL_DEBUG+1'];
const QUOTA_CMDS = ['Q_SYNC', 'Q_QUOTAON', 'Q_QUOTAOFF', 'Q_GETFMT', 'Q_GETINFO', 'Q_SETINFO', 'Q_GETQUOTA', 'Q_SETQUOTA', 'Q_GETNEXTQUOTA'];
const QUOTA_FORMATS = fixedXlat([['QFMT_VFS_OLD', 1], ['QFMT_VFS_V0', 2], ['QFMT_OCFS2', 3], ['QFMT_VFS_V1', 4]]);
/** strace's setns_types, in its order. */
export const SETNS_TYPES = ['CLONE_NEWTIME', 'CLONE_NEWNS', 'CLONE_NEWCGROUP', 'CLONE_NEWUTS', 'CLONE_NEWIPC', 'CLONE_NEWUSER', 'CLONE_NEWPID', 'CLONE_NEWNET'];
/** strace's unshare_flags, in its order. */
const UNSHARE_FLAGS = [
  'CLONE_NEWTIME', 'CLONE_VM', 'CLONE_FS', 'CLONE_FILES', 'CLONE_SIGHAND', 'CLONE_THREAD', 'CLONE_NEWNS', 'CLONE_SYSVSEM',
  'CLONE_NEWCGROUP', 'CLONE_NEWUTS', 'CLONE_NEWIPC', 'CLONE_NEWUSER', 'CLONE_NEWPID', 'CLONE_NEWNET',
];
const QUOTA_TYPES = fixedXlat([['USRQUOTA', 0], ['GRPQUOTA', 1], ['PRJQUOTA', 2]]);
const SECCOMP_OPS = ['SECCOMP_SET_MODE_STRICT', 'SECCOMP_SET_MODE_FILTER', 'SECCOMP_GET_ACTION_AVAIL', 'SECCOMP_GET_NOTIF_SIZES'];
/** linux/seccomp.h's SECCOMP_FILTER_FLAG_* (strace's seccomp_filter_flags). */
const SECCOMP_FILTER_FLAGS = fixedXlat(['TSYNC', 'LOG', 'SPEC_ALLOW', 'NEW_LISTENER', 'TSYNC_ESRCH', 'WAIT_KILLABLE_RECV'].map((n, i) => [`SECCOMP_FILTER_FLAG_${n}`, 1 << i]));
/** strace's seccomp_ret_action, in its order (KILL_THREAD before its alias KILL). */
const SECCOMP_RET_ACTIONS = ['SECCOMP_RET_KILL_PROCESS', 'SECCOMP_RET_KILL_THREAD', 'SECCOMP_RET_TRAP', 'SECCOMP_RET_ERRNO', 'SECCOMP_RET_USER_NOTIF', 'SECCOMP_RET_TRACE', 'SECCOMP_RET_LOG', 'SECCOMP_RET_ALLOW'];
const MEMBARRIER_CMDS = [
  'MEMBARRIER_CMD_QUERY', 'MEMBARRIER_CMD_GLOBAL', 'MEMBARRIER_CMD_GLOBAL_EXPEDITED', 'MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED',
  'MEMBARRIER_CMD_PRIVATE_EXPEDITED', 'MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED', 'MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE',
  'MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE', 'MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ', 'MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ',
];
const PTRACE_CMDS = [
  'PTRACE_TRACEME', 'PTRACE_PEEKTEXT', 'PTRACE_PEEKDATA', 'PTRACE_PEEKUSR', 'PTRACE_POKETEXT', 'PTRACE_POKEDATA', 'PTRACE_POKEUSR',
  'PTRACE_CONT', 'PTRACE_KILL', 'PTRACE_SINGLESTEP', 'PTRACE_ATTACH', 'PTRACE_DETACH', 'PTRACE_SYSCALL', 'PTRACE_SETOPTIONS',
  'PTRACE_GETEVENTMSG', 'PTRACE_GETSIGINFO', 'PTRACE_SETSIGINFO', 'PTRACE_GETREGSET', 'PTRACE_SETREGSET', 'PTRACE_SEIZE',
  'PTRACE_INTERRUPT', 'PTRACE_LISTEN', 'PTRACE_PEEKSIGINFO', 'PTRACE_GETSIGMASK', 'PTRACE_SETSIGMASK', 'PTRACE_SECCOMP_GET_FILTER',
  'PTRACE_SECCOMP_GET_METADATA', 'PTRACE_GET_SYSCALL_INFO', 'PTRACE_GET_RSEQ_CONFIGURATION', 'PTRACE_GETREGS', 'PTRACE_SETREGS',
  'PTRACE_GETFPREGS', 'PTRACE_SETFPREGS', 'PTRACE_GETFPXREGS', 'PTRACE_SETFPXREGS', 'PTRACE_OLDSETOPTIONS',
  'PTRACE_GET_THREAD_AREA', 'PTRACE_SET_THREAD_AREA', 'PTRACE_ARCH_PRCTL', 'PTRACE_SYSEMU', 'PTRACE_SYSEMU_SINGLESTEP', 'PTRACE_SINGLEBLOCK',
];
const REBOOT_MAGIC1 = ['LINUX_REBOOT_MAGIC1'];
const REBOOT_MAGIC2 = ['LINUX_REBOOT_MAGIC2', 'LINUX_REBOOT_MAGIC2A', 'LINUX_REBOOT_MAGIC2B', 'LINUX_REBOOT_MAGIC2C'];
const REBOOT_CMDS = ['LINUX_REBOOT_CMD_RESTART', 'LINUX_REBOOT_CMD_HALT', 'LINUX_REBOOT_CMD_CAD_ON', 'LINUX_REBOOT_CMD_CAD_OFF', 'LINUX_REBOOT_CMD_POWER_OFF', 'LINUX_REBOOT_CMD_RESTART2', 'LINUX_REBOOT_CMD_SW_SUSPEND', 'LINUX_REBOOT_CMD_KEXEC'];

/**
 * kcmp's types. KCMP_EPOLL_TFD is the enum member after KCMP_SYSVSEM, which the generated
 * tables miss (an enum value without an explicit number): by position when they lack it.
 */
function kcmpTypes(tables: ArchTables): Xlat {
  const types = xlat(tables, 'KCMP', KCMP_TYPES);
  const sysvsem = types.find(([n]) => n === 'KCMP_SYSVSEM')?.[1];
  if (sysvsem === undefined || types.some(([n]) => n === 'KCMP_EPOLL_TFD')) return types;
  return [...types, ['KCMP_EPOLL_TFD', sysvsem + 1n] as const];
}

/** membarrier's commands, which MEMBARRIER_CMD_QUERY also answers as a set. */
export function membarrierCommands(tables: ArchTables): Xlat {
  return xlat(tables, 'MEMBARRIER', MEMBARRIER_CMDS);
}

/** ptrace's requests as strace names them: PTRACE_PEEKUSER and PTRACE_POKEUSER for the headers' PEEKUSR/POKEUSR. */
function ptraceRequests(tables: ArchTables): Xlat {
  const spelled: Record<string, string> = { PTRACE_PEEKUSR: 'PTRACE_PEEKUSER', PTRACE_POKEUSR: 'PTRACE_POKEUSER' };
  return xlat(tables, 'PTRACE', PTRACE_CMDS).map(([name, value]) => [spelled[name] ?? name, value] as const);
}

/** A value argument, for a name list looked up in constant group `group`. */
function named(group: string, names: string[], unknown: string) {
  return (ctx: DecoderContext) => valueArg(ctx.argIndex, xlat(ctx.tables, group, names), unknown);
}

/** sizeof(struct futex_waitv), and FUTEX_WAITV_MAX: strace prints no more waiters than the kernel takes. */
const FUTEX_WAITV_SIZE = 24;
const FUTEX_WAITV_MAX = 128;
/** strace's futex_waiter_flags (linux/futex.h FUTEX_32, FUTEX_PRIVATE_FLAG). */
const FUTEX_WAITER_FLAGS = fixedXlat([['FUTEX_32', 2], ['FUTEX_PRIVATE_FLAG', 128]]);

/** A struct futex_waitv: `{val=0x1, uaddr=0x..., flags=FUTEX_32}`, __reserved only when set. */
function futexWaiter(v: DataView, at: number): string {
  const reserved = v.getUint32(at + 20, true);
  const flags = formatFlags(BigInt(v.getUint32(at + 16, true)), FUTEX_WAITER_FLAGS, 'FUTEX_???');
  return `{val=${hexValue(v.getBigUint64(at, true))}, uaddr=${pointer(v.getBigUint64(at + 8, true))}, flags=${flags}${reserved ? `, __reserved=${hexValue(BigInt(reserved))}` : ''}}`;
}

/** sizeof struct if_dqinfo, if_dqblk, if_nextdqblk (include/uapi/linux/quota.h). */
const DQINFO_SIZE = 24;
const DQBLK_SIZE = 72;
const NEXTDQBLK_SIZE = 80;
const DQF_FLAGS = fixedXlat([['DQF_ROOT_SQUASH', 1], ['DQF_SYS_FILE', 1 << 16]]);
const IIF_FLAGS = fixedXlat([['IIF_BGRACE', 1], ['IIF_IGRACE', 2], ['IIF_FLAGS', 4]]);
const QIF_FLAGS = fixedXlat([['QIF_BLIMITS', 1], ['QIF_SPACE', 2], ['QIF_ILIMITS', 4], ['QIF_INODES', 8], ['QIF_BTIME', 16], ['QIF_ITIME', 32]]);

/** struct if_dqinfo as strace's decode_cmd_data prints it. */
function formatDqinfo(v: DataView): string {
  const u64 = (at: number) => v.getBigUint64(at, true);
  const u32v = (at: number) => BigInt(v.getUint32(at, true));
  return `{dqi_bgrace=${u64(0)}, dqi_igrace=${u64(8)}, dqi_flags=${formatFlags(u32v(16), DQF_FLAGS, 'DQF_???')}, dqi_valid=${formatFlags(u32v(20), IIF_FLAGS, 'IIF_???')}}`;
}

/** struct if_dqblk (and if_nextdqblk, with its dqb_id): six limits and usages, the rest with -v. */
function formatDqblk(v: DataView, verbose: boolean, next: boolean): string {
  const u64 = (at: number) => v.getBigUint64(at, true);
  const names = ['dqb_bhardlimit', 'dqb_bsoftlimit', 'dqb_curspace', 'dqb_ihardlimit', 'dqb_isoftlimit', 'dqb_curinodes'];
  let out = `{${names.map((n, i) => `${n}=${u64(8 * i)}`).join(', ')}`;
  const id = next ? `, dqb_id=${v.getUint32(68, true)}` : '';
  if (verbose) out += `, dqb_btime=${u64(48)}, dqb_itime=${u64(56)}, dqb_valid=${formatFlags(BigInt(v.getUint32(64, true)), QIF_FLAGS, 'QIF_???')}${id}`;
  else out += `${id}, ...`;
  return `${out}}`;
}

/** Registers the decoders of this module. */
export function registerMiscDecoders(registry: DecoderRegistry): void {
  registry.register('kcmp', 'type', (ctx) => valueArg(ctx.argIndex, kcmpTypes(ctx.tables), 'KCMP_???'));
  // kcmp's indexes: two fds for KCMP_FILE, an fd and a slot for KCMP_EPOLL_TFD, none for the
  // other known types, both in hex for an unknown one.
  for (const arg of ['idx1', 'idx2']) {
    registry.register('kcmp', arg, (ctx) => {
      const type = argIndexOf(ctx, 'type');
      const types = kcmpTypes(ctx.tables);
      const known = new Set(types.map(([, v]) => v));
      const file = types.find(([n]) => n === 'KCMP_FILE')?.[1] ?? 0n;
      const epoll = types.find(([n]) => n === 'KCMP_EPOLL_TFD')?.[1] ?? 7n;
      return (args, call) => {
        const t = u32(args[type]);
        const reg = args[ctx.argIndex] ?? 0n;
        if (t === file || (t === epoll && arg === 'idx1')) return s32(reg).toString();
        if (t === epoll) {
          // struct kcmp_epoll_slot { __u32 efd, tfd, toff; }, read at entry whatever the type.
          const b = bytesOf(call.blobs, ctx.argIndex);
          if (!b || b.data.length < 12) return pointer(reg);
          const v = viewOf(b.data);
          return `{efd=${v.getInt32(0, true)}, tfd=${v.getInt32(4, true)}, toff=${v.getUint32(8, true)}}`;
        }
        return known.has(t) ? null : hexValue(BigInt.asUintN(64, reg));
      };
    });
  }
  // syslog: the action as a number with its name, and only the arguments the action reads.
  registry.register('syslog', 'type', (ctx) => (args) => {
    const v = s32(args[ctx.argIndex]);
    const name = SYSLOG_ACTIONS.find(([, n]) => n === v)?.[0];
    return `${v} /* ${name ?? 'SYSLOG_ACTION_???'} */`;
  });
  // SYSLOG_ACTION_CONSOLE_LEVEL's len is a log level, which strace names in a comment.
  const consoleLevel = SYSLOG_ACTIONS.find(([n]) => n === 'SYSLOG_ACTION_CONSOLE_LEVEL')![1];
  for (const arg of ['buf', 'len'] as const) {
    registry.register('syslog', arg, (ctx) => {
      const type = argIndexOf(ctx, 'type');
      return (args) => {
        const t = Number(s32(args[type]));
        if (![2, 3, 4, 8].includes(t) && !(t > 10 || t < 0)) return null;
        if (arg === 'buf') return pointer(args[ctx.argIndex]);
        const len = s32(args[ctx.argIndex]);
        if (BigInt(t) !== BigInt(consoleLevel)) return len.toString();
        return `${len} /* ${LOG_LEVELS[Number(len)] ?? 'LOGLEVEL_???'} */`;
      };
    });
  }
  // quotactl's id and addr as strace's decode_cmd_data prints them: Q_QUOTAOFF and Q_SYNC take
  // neither, Q_GETFMT/Q_GETINFO/Q_SETINFO no id, Q_QUOTAON a quota format, the others a
  // uid/gid/project id (-1 for 0xffffffff).
  const quotaCmds = (ctx: DecoderContext) => {
    const c = (name: string) => BigInt(ctx.tables.constants.QUOTA?.[name] ?? -1);
    return { cmd: argIndexOf(ctx, 'cmd'), on: c('Q_QUOTAON'), none: [c('Q_QUOTAOFF'), c('Q_SYNC')], noId: [c('Q_GETFMT'), c('Q_GETINFO'), c('Q_SETINFO')] };
  };
  // quotactl_fd(fd, cmd, id, addr) takes quotactl's cmd, id and addr.
  for (const syscall of ['quotactl', 'quotactl_fd']) {
    registry.register(syscall, 'cmd', (ctx) => {
      const cmds = xlat(ctx.tables, 'QUOTA', QUOTA_CMDS);
      return (args) => {
        const v = u32(args[ctx.argIndex]);
        const sub = v >> 8n;
        const cmd = cmds.find(([, n]) => n === sub)?.[0] ?? `${hexValue(sub)} /* Q_??? */`;
        return `QCMD(${cmd}, ${formatValue(v & 0xffn, QUOTA_TYPES, '???QUOTA')})`;
      };
    });
    registry.register(syscall, 'id', (ctx) => {
      const q = quotaCmds(ctx);
      return (args) => {
        const sub = u32(args[q.cmd]) >> 8n;
        const id = u32(args[ctx.argIndex]);
        if (q.none.includes(sub) || q.noId.includes(sub)) return null;
        return sub === q.on ? formatValue(id, QUOTA_FORMATS, 'QFMT_VFS_???') : formatId(id);
      };
    });
    registry.register(syscall, 'addr', (ctx) => {
      const q = quotaCmds(ctx);
      const c = (name: string) => BigInt(ctx.tables.constants.QUOTA?.[name] ?? -1);
      const [getQuota, setQuota, getNext, getInfo, setInfo] = ['Q_GETQUOTA', 'Q_SETQUOTA', 'Q_GETNEXTQUOTA', 'Q_GETINFO', 'Q_SETINFO'].map(c);
      const verbose = ctx.style.verbose;
      return (args, call) => {
        const sub = u32(args[q.cmd]) >> 8n;
        if (q.none.includes(sub)) return null;
        // Q_QUOTAON's addr is the quota file's path (read as a string, argtypes.ts).
        if (sub === q.on) return '';
        // The GET commands' structs are outputs: the address after a failure.
        const output = sub === getQuota || sub === getNext || sub === getInfo;
        const b = bytesOf(call.blobs, ctx.argIndex);
        const reg = args[ctx.argIndex];
        if (!b || (output && call.ret < 0n)) return pointer(reg);
        const v = viewOf(b.data);
        if (sub === getInfo || sub === setInfo) return b.data.length >= DQINFO_SIZE ? formatDqinfo(v) : pointer(reg);
        if (sub === getQuota || sub === setQuota) return b.data.length >= DQBLK_SIZE ? formatDqblk(v, verbose, false) : pointer(reg);
        if (sub === getNext) return b.data.length >= NEXTDQBLK_SIZE ? formatDqblk(v, verbose, true) : pointer(reg);
        return pointer(reg);
      };
    });
  }
  // unshare's flags are an unsigned long: strace names bits of all 64.
  registry.register('unshare', 'unshare_flags', (ctx) => flags64Arg(ctx.argIndex, xlat(ctx.tables, 'CLONE', UNSHARE_FLAGS), 'CLONE_???'));
  registry.register('setns', 'flags', (ctx) => flagsArg(ctx.argIndex, xlat(ctx.tables, 'CLONE', SETNS_TYPES), 'CLONE_NEW???'));
  registry.register('close_range', 'flags', (ctx) => flagsArg(ctx.argIndex, xlat(ctx.tables, 'CLOSE_RANGE', ['CLOSE_RANGE_UNSHARE', 'CLOSE_RANGE_CLOEXEC']), 'CLOSE_RANGE_???'));
  registry.register('futex_waitv', 'waiters', (ctx) => {
    const count = argIndexOf(ctx, 'nr_futexes');
    return (args, call) =>
      arrayText(args[ctx.argIndex] ?? 0n, u32(args[count]), FUTEX_WAITV_SIZE, bytesOf(call.blobs, ctx.argIndex)?.data, Math.min(call.options.stringMax, FUTEX_WAITV_MAX), futexWaiter, READ_CAP);
  });
  registry.register('futex_waitv', 'flags', (ctx) => (args) => hexValue(u32(args[ctx.argIndex])));
  registry.register('futex_waitv', 'clockid', (ctx) => valueArg(ctx.argIndex, clockXlat(ctx.tables), 'CLOCK_???'));
  registry.register('seccomp', 'op', named('SECCOMP', SECCOMP_OPS, 'SECCOMP_SET_MODE_???'));
  // The flags: SECCOMP_SET_MODE_FILTER's named, the other operations' in hex.
  registry.register('seccomp', 'flags', (ctx) => {
    const op = argIndexOf(ctx, 'op');
    const filter = BigInt(constant(ctx.tables, 'SECCOMP', 'SECCOMP_SET_MODE_FILTER'));
    return (args) => {
      const flags = u32(args[ctx.argIndex]);
      return u32(args[op]) === filter ? formatFlags(flags, SECCOMP_FILTER_FLAGS, 'SECCOMP_FILTER_FLAG_???') : hexValue(flags);
    };
  });
  // SECCOMP_GET_ACTION_AVAIL's action, an input behind the pointer (`[SECCOMP_RET_KILL_THREAD]`);
  // the other operations' arguments stay addresses.
  registry.register('seccomp', 'uargs', (ctx) => {
    const op = argIndexOf(ctx, 'op');
    const actions = xlat(ctx.tables, 'SECCOMP', SECCOMP_RET_ACTIONS);
    const [getActionAvail, setModeFilter, getNotifSizes] = ['SECCOMP_GET_ACTION_AVAIL', 'SECCOMP_SET_MODE_FILTER', 'SECCOMP_GET_NOTIF_SIZES'].map((n) => BigInt(constant(ctx.tables, 'SECCOMP', n)));
    return (args, call) => {
      const o = u32(args[op]);
      const b = bytesOf(call.blobs, ctx.argIndex);
      if (o === setModeFilter) return sockFprogText(b?.data, args[ctx.argIndex] ?? 0n);
      // The three struct sizes the kernel wrote (u16 each), after success.
      if (o === getNotifSizes && b && b.data.length >= 6 && call.ret >= 0n) {
        const v = viewOf(b.data);
        return `{seccomp_notif=${v.getUint16(0, true)}, seccomp_notif_resp=${v.getUint16(2, true)}, seccomp_data=${v.getUint16(4, true)}}`;
      }
      if (o !== getActionAvail || !b || b.data.length < 4) return '';
      return `[${formatValue(BigInt(viewOf(b.data).getUint32(0, true)), actions, 'SECCOMP_RET_???')}]`;
    };
  });
  registry.register('userfaultfd', 'flags', (ctx) => {
    const o = ctx.tables.openFlags;
    return flagsArg(ctx.argIndex, fixedXlat([['UFFD_USER_MODE_ONLY', 1], ['O_NONBLOCK', o.O_NONBLOCK], ['O_CLOEXEC', o.O_CLOEXEC]]), 'UFFD_???');
  });
  registry.register('membarrier', 'cmd', (ctx) => flagsArg(ctx.argIndex, xlat(ctx.tables, 'MEMBARRIER', MEMBARRIER_CMDS), 'MEMBARRIER_CMD_???'));
  registry.register('membarrier', 'flags', (ctx) => flagsArg(ctx.argIndex, fixedXlat([['MEMBARRIER_CMD_FLAG_CPU', 1]]), 'MEMBARRIER_CMD_FLAG_???'));
  registry.register('membarrier', 'cpu_id', (ctx) => {
    const flags = argIndexOf(ctx, 'flags');
    return (args) => ((u32(args[flags]) & 1n) === 0n ? null : s32(args[ctx.argIndex]).toString());
  });
  registry.register('rseq', 'rseq', (ctx) => (args) => hexValue(args[ctx.argIndex] ?? 0n));
  // ioperm's port range in hex, as strace's PRINT_VAL_X.
  for (const arg of ['from', 'num']) registry.register('ioperm', arg, (ctx) => (args) => hexValue(args[ctx.argIndex] ?? 0n));
  registry.register('process_madvise', 'behavior', (ctx) =>
    valueArg(ctx.argIndex, xlat(ctx.tables, 'MADV', ['MADV_NORMAL', 'MADV_RANDOM', 'MADV_SEQUENTIAL', 'MADV_WILLNEED', 'MADV_DONTNEED', 'MADV_FREE', 'MADV_REMOVE', 'MADV_DONTFORK', 'MADV_DOFORK', 'MADV_MERGEABLE', 'MADV_UNMERGEABLE', 'MADV_HUGEPAGE', 'MADV_NOHUGEPAGE', 'MADV_DONTDUMP', 'MADV_DODUMP', 'MADV_WIPEONFORK', 'MADV_KEEPONFORK', 'MADV_COLD', 'MADV_PAGEOUT', 'MADV_POPULATE_READ', 'MADV_POPULATE_WRITE', 'MADV_DONTNEED_LOCKED', 'MADV_COLLAPSE', 'MADV_HWPOISON', 'MADV_SOFT_OFFLINE']), 'MADV_???'),
  );
  // process_madvise's flags (none defined yet) in hex, as strace's PRINT_VAL_X.
  registry.register('process_madvise', 'flags', (ctx) => (args) => hexValue(u32(args[ctx.argIndex])));
  registry.register('reboot', 'magic1', named('REBOOT', REBOOT_MAGIC1, 'LINUX_REBOOT_MAGIC_???'));
  registry.register('reboot', 'magic2', named('REBOOT', REBOOT_MAGIC2, 'LINUX_REBOOT_MAGIC_???'));
  registry.register('reboot', 'cmd', named('REBOOT', REBOOT_CMDS, 'LINUX_REBOOT_CMD_???'));
  registry.register('reboot', 'arg', (ctx) => {
    const cmd = argIndexOf(ctx, 'cmd');
    const restart2 = BigInt(ctx.tables.constants.REBOOT?.LINUX_REBOOT_CMD_RESTART2 ?? -1);
    return (args) => (u32(args[cmd]) === restart2 ? '' : null);
  });
  registry.register('ptrace', 'request', (ctx) => {
    const names: Xlat = ptraceRequests(ctx.tables);
    return (args) => formatValue(BigInt.asUintN(64, args[ctx.argIndex] ?? 0n), names, 'PTRACE_???');
  });
  // Which arguments strace's decode_ptrace_entering prints after the request: none for
  // PTRACE_TRACEME, only the pid for the requests that ignore addr and data, addr in decimal
  // for those that take a count or an index there.
  const ptraceArg = (arg: 'pid' | 'addr' | 'data', render: (reg: bigint) => string) =>
    registry.register('ptrace', arg, (ctx) => {
      const request = argIndexOf(ctx, 'request');
      const c = (name: string) => BigInt(ctx.tables.constants.PTRACE?.[name] ?? -1);
      const traceme = c('PTRACE_TRACEME');
      const pidOnly = ['PTRACE_ATTACH', 'PTRACE_INTERRUPT', 'PTRACE_KILL', 'PTRACE_LISTEN'].map(c);
      const countAddr = ['PTRACE_GETSIGMASK', 'PTRACE_SETSIGMASK', 'PTRACE_SECCOMP_GET_FILTER', 'PTRACE_SECCOMP_GET_METADATA', 'PTRACE_GET_SYSCALL_INFO'].map(c);
      return (args) => {
        const r = BigInt.asUintN(64, args[request] ?? 0n);
        const reg = args[ctx.argIndex] ?? 0n;
        if (r === traceme || (arg !== 'pid' && pidOnly.includes(r))) return null;
        if (arg === 'addr' && countAddr.includes(r)) return BigInt.asUintN(64, reg).toString();
        return render(reg);
      };
    });
  // The kernel's ptrace takes the pid as a long but uses it as a pid_t, and strace prints it as an int.
  ptraceArg('pid', (reg) => s32(reg).toString());
  ptraceArg('addr', (reg) => pointer(reg));
  ptraceArg('data', (reg) => pointer(reg));
  registry.register('sethostname', 'name', (ctx) => (_args, call) => {
    const b = bytesOf(call.blobs, ctx.argIndex);
    return b ? quoteShown(b, call.options.stringMax) : '';
  });
}
