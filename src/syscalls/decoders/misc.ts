/**
 * The long tail of strace's decoders: key management (add_key, request_key, keyctl's commands
 * with the arguments each takes), bpf commands, io_uring_register opcodes, landlock and
 * fanotify flags, arch_prctl's outputs, kcmp types, syslog actions, quotactl's QCMD, memory
 * policies, seccomp operations, userfaultfd flags, membarrier commands, reboot magic, ptrace
 * requests, process_madvise advice, sethostname's name, rseq's area.
 */
import type { ArchTables } from '../arch';
import { bytesOf, viewOf } from './registry';
import { flagsArg, valueArg } from './xlat';
import { quoteShown } from './quote';
import { argIndexOf, type ArgDecoder, type DecoderContext, type DecoderRegistry } from './registry';
import { cached, fixedXlat, formatFlags, formatValue, hexValue, pointer, s32, u32, xlat, type Xlat } from './xlat';

const KEYCTL_NAMES = [
  'KEYCTL_GET_KEYRING_ID', 'KEYCTL_JOIN_SESSION_KEYRING', 'KEYCTL_UPDATE', 'KEYCTL_REVOKE', 'KEYCTL_CHOWN', 'KEYCTL_SETPERM',
  'KEYCTL_DESCRIBE', 'KEYCTL_CLEAR', 'KEYCTL_LINK', 'KEYCTL_UNLINK', 'KEYCTL_SEARCH', 'KEYCTL_READ', 'KEYCTL_INSTANTIATE',
  'KEYCTL_NEGATE', 'KEYCTL_SET_REQKEY_KEYRING', 'KEYCTL_SET_TIMEOUT', 'KEYCTL_ASSUME_AUTHORITY', 'KEYCTL_GET_SECURITY',
  'KEYCTL_SESSION_TO_PARENT', 'KEYCTL_REJECT', 'KEYCTL_INSTANTIATE_IOV', 'KEYCTL_INVALIDATE', 'KEYCTL_GET_PERSISTENT',
  'KEYCTL_DH_COMPUTE', 'KEYCTL_PKEY_QUERY', 'KEYCTL_PKEY_ENCRYPT', 'KEYCTL_PKEY_DECRYPT', 'KEYCTL_PKEY_SIGN', 'KEYCTL_PKEY_VERIFY',
  'KEYCTL_RESTRICT_KEYRING', 'KEYCTL_MOVE', 'KEYCTL_CAPABILITIES', 'KEYCTL_WATCH_KEY',
];
const KEY_SPECS = [
  'KEY_SPEC_THREAD_KEYRING', 'KEY_SPEC_PROCESS_KEYRING', 'KEY_SPEC_SESSION_KEYRING', 'KEY_SPEC_USER_KEYRING',
  'KEY_SPEC_USER_SESSION_KEYRING', 'KEY_SPEC_GROUP_KEYRING', 'KEY_SPEC_REQKEY_AUTH_KEY', 'KEY_SPEC_REQUESTOR_KEYRING',
];
const BPF_CMDS = [
  'BPF_MAP_CREATE', 'BPF_MAP_LOOKUP_ELEM', 'BPF_MAP_UPDATE_ELEM', 'BPF_MAP_DELETE_ELEM', 'BPF_MAP_GET_NEXT_KEY', 'BPF_PROG_LOAD',
  'BPF_OBJ_PIN', 'BPF_OBJ_GET', 'BPF_PROG_ATTACH', 'BPF_PROG_DETACH', 'BPF_PROG_TEST_RUN', 'BPF_PROG_GET_NEXT_ID',
  'BPF_MAP_GET_NEXT_ID', 'BPF_PROG_GET_FD_BY_ID', 'BPF_MAP_GET_FD_BY_ID', 'BPF_OBJ_GET_INFO_BY_FD', 'BPF_PROG_QUERY',
  'BPF_RAW_TRACEPOINT_OPEN', 'BPF_BTF_LOAD', 'BPF_BTF_GET_FD_BY_ID', 'BPF_TASK_FD_QUERY', 'BPF_MAP_LOOKUP_AND_DELETE_ELEM',
  'BPF_MAP_FREEZE', 'BPF_BTF_GET_NEXT_ID', 'BPF_MAP_LOOKUP_BATCH', 'BPF_MAP_LOOKUP_AND_DELETE_BATCH', 'BPF_MAP_UPDATE_BATCH',
  'BPF_MAP_DELETE_BATCH', 'BPF_LINK_CREATE', 'BPF_LINK_UPDATE', 'BPF_LINK_GET_FD_BY_ID', 'BPF_LINK_GET_NEXT_ID', 'BPF_ENABLE_STATS',
  'BPF_ITER_CREATE', 'BPF_LINK_DETACH', 'BPF_PROG_BIND_MAP',
];
const URING_REGISTER = [
  'IORING_REGISTER_BUFFERS', 'IORING_UNREGISTER_BUFFERS', 'IORING_REGISTER_FILES', 'IORING_UNREGISTER_FILES', 'IORING_REGISTER_EVENTFD',
  'IORING_UNREGISTER_EVENTFD', 'IORING_REGISTER_FILES_UPDATE', 'IORING_REGISTER_EVENTFD_ASYNC', 'IORING_REGISTER_PROBE',
  'IORING_REGISTER_PERSONALITY', 'IORING_UNREGISTER_PERSONALITY', 'IORING_REGISTER_RESTRICTIONS', 'IORING_REGISTER_ENABLE_RINGS',
  'IORING_REGISTER_FILES2', 'IORING_REGISTER_FILES_UPDATE2', 'IORING_REGISTER_BUFFERS2', 'IORING_REGISTER_BUFFERS_UPDATE',
  'IORING_REGISTER_IOWQ_AFF', 'IORING_UNREGISTER_IOWQ_AFF', 'IORING_REGISTER_IOWQ_MAX_WORKERS', 'IORING_REGISTER_RING_FDS',
  'IORING_UNREGISTER_RING_FDS', 'IORING_REGISTER_PBUF_RING', 'IORING_UNREGISTER_PBUF_RING',
];
const FAN_INIT = ['FAN_CLOEXEC', 'FAN_NONBLOCK', 'FAN_UNLIMITED_QUEUE', 'FAN_UNLIMITED_MARKS', 'FAN_ENABLE_AUDIT', 'FAN_REPORT_PIDFD', 'FAN_REPORT_TID', 'FAN_REPORT_FID', 'FAN_REPORT_DIR_FID', 'FAN_REPORT_NAME', 'FAN_REPORT_TARGET_FID'];
const FAN_CLASSES = ['FAN_CLASS_NOTIF', 'FAN_CLASS_CONTENT', 'FAN_CLASS_PRE_CONTENT'];
const KCMP_TYPES = ['KCMP_FILE', 'KCMP_VM', 'KCMP_FILES', 'KCMP_FS', 'KCMP_SIGHAND', 'KCMP_IO', 'KCMP_SYSVSEM', 'KCMP_EPOLL_TFD'];
/** strace's syslog_action_type (values of include/linux/syslog.h). */
const SYSLOG_ACTIONS = fixedXlat([
  ['SYSLOG_ACTION_CLOSE', 0], ['SYSLOG_ACTION_OPEN', 1], ['SYSLOG_ACTION_READ', 2], ['SYSLOG_ACTION_READ_ALL', 3], ['SYSLOG_ACTION_READ_CLEAR', 4],
  ['SYSLOG_ACTION_CLEAR', 5], ['SYSLOG_ACTION_CONSOLE_OFF', 6], ['SYSLOG_ACTION_CONSOLE_ON', 7], ['SYSLOG_ACTION_CONSOLE_LEVEL', 8],
  ['SYSLOG_ACTION_SIZE_UNREAD', 9], ['SYSLOG_ACTION_SIZE_BUFFER', 10],
]);
const QUOTA_CMDS = ['Q_SYNC', 'Q_QUOTAON', 'Q_QUOTAOFF', 'Q_GETFMT', 'Q_GETINFO', 'Q_SETINFO', 'Q_GETQUOTA', 'Q_SETQUOTA', 'Q_GETNEXTQUOTA'];
const QUOTA_TYPES = fixedXlat([['USRQUOTA', 0], ['GRPQUOTA', 1], ['PRJQUOTA', 2]]);
const MPOL_MODES = ['MPOL_DEFAULT', 'MPOL_PREFERRED', 'MPOL_BIND', 'MPOL_INTERLEAVE', 'MPOL_LOCAL', 'MPOL_PREFERRED_MANY'];
const SECCOMP_OPS = ['SECCOMP_SET_MODE_STRICT', 'SECCOMP_SET_MODE_FILTER', 'SECCOMP_GET_ACTION_AVAIL', 'SECCOMP_GET_NOTIF_SIZES'];
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

/** membarrier's commands, which MEMBARRIER_CMD_QUERY also answers as a set. */
export function membarrierCommands(tables: ArchTables): Xlat {
  return xlat(tables, 'MEMBARRIER', MEMBARRIER_CMDS);
}

/** A key serial: a KEY_SPEC_* name for the special negative ones, else the number. */
function keySerial(tables: ArchTables): (reg: bigint | undefined) => string {
  const specs = xlat(tables, 'KEY', KEY_SPECS);
  return (reg) => {
    const v = s32(reg);
    return specs.find(([, n]) => n === v)?.[0] ?? v.toString();
  };
}

/** How keyctl shows its arguments after the command (strace's SYS_FUNC(keyctl)), by command name. */
const KEYCTL_SHAPES: Readonly<Record<string, string>> = {
  KEYCTL_GET_KEYRING_ID: 'kd', KEYCTL_JOIN_SESSION_KEYRING: 's', KEYCTL_REVOKE: 'k', KEYCTL_CLEAR: 'k', KEYCTL_INVALIDATE: 'k',
  KEYCTL_ASSUME_AUTHORITY: 'k', KEYCTL_LINK: 'kk', KEYCTL_UNLINK: 'kk', KEYCTL_DESCRIBE: 'kpu', KEYCTL_READ: 'kpu',
  KEYCTL_GET_SECURITY: 'kpu', KEYCTL_SET_TIMEOUT: 'ku', KEYCTL_SESSION_TO_PARENT: '', KEYCTL_SETPERM: 'kx', KEYCTL_CHOWN: 'kdd',
};

function registerKeys(registry: DecoderRegistry): void {
  for (const syscall of ['add_key', 'request_key']) {
    registry.register(syscall, syscall === 'add_key' ? 'ringid' : 'destringid', (ctx) => {
      const serial = keySerial(ctx.tables);
      return (args) => serial(args[ctx.argIndex]);
    });
  }
  registry.register('add_key', '_payload', (ctx) => (_args, call) => {
    const b = bytesOf(call.blobs, ctx.argIndex);
    return b ? quoteShown(b, call.options.stringMax) : '';
  });
  registry.register('keyctl', 'option', (ctx) => valueArg(ctx.argIndex, xlat(ctx.tables, 'KEY', KEYCTL_NAMES), 'KEYCTL_???'));
  const shapes = (tables: ArchTables) => new Map(xlat(tables, 'KEY', KEYCTL_NAMES).map(([name, v]) => [v, KEYCTL_SHAPES[name]]));
  ['arg2', 'arg3', 'arg4', 'arg5'].forEach((name, position) => {
    registry.register('keyctl', name, (ctx) => {
      const option = argIndexOf(ctx, 'option');
      const byCmd = shapes(ctx.tables);
      const serial = keySerial(ctx.tables);
      return (args) => {
        const shape = byCmd.get(u32(args[option]));
        const reg = args[ctx.argIndex] ?? 0n;
        if (shape === undefined) return hexValue(reg);
        const letter = shape[position];
        switch (letter) {
          case undefined:
            return null;
          case 'k':
            return serial(reg);
          case 'd':
            return s32(reg).toString();
          case 'u':
            return u32(reg).toString();
          case 'p':
            return pointer(reg);
          case 'x':
            return hexValue(u32(reg));
          default:
            return '';
        }
      };
    });
  });
}

/** A value argument, for a name list looked up in constant group `group`. */
function named(group: string, names: string[], unknown: string) {
  return (ctx: DecoderContext) => valueArg(ctx.argIndex, xlat(ctx.tables, group, names), unknown);
}

/** Registers the decoders of this module. */
export function registerMiscDecoders(registry: DecoderRegistry): void {
  registerKeys(registry);
  registry.register('bpf', 'cmd', named('BPF', BPF_CMDS, 'BPF_???'));
  registry.register('io_uring_register', 'opcode', named('IORING', URING_REGISTER, 'IORING_REGISTER_???'));
  registry.register('landlock_create_ruleset', 'flags', (ctx) => flagsArg(ctx.argIndex, xlat(ctx.tables, 'LANDLOCK', ['LANDLOCK_CREATE_RULESET_VERSION']), 'LANDLOCK_CREATE_RULESET_???'));
  registry.register('fanotify_init', 'flags', (ctx) => {
    const classes = xlat(ctx.tables, 'FAN', FAN_CLASSES);
    const flags = xlat(ctx.tables, 'FAN', FAN_INIT);
    const classMask = 0xcn;
    const render = cached((v) => {
      const cls = formatValue(v & classMask, classes, 'FAN_CLASS_???');
      const rest = v & ~classMask;
      return rest === 0n ? cls : `${cls}|${formatFlags(rest, flags, 'FAN_???')}`;
    });
    return (args) => render(u32(args[ctx.argIndex]));
  });
  registry.register('fanotify_init', 'event_f_flags', (ctx) => {
    const o = ctx.tables.openFlags;
    const access = fixedXlat([['O_RDONLY', o.O_RDONLY], ['O_WRONLY', o.O_WRONLY], ['O_RDWR', o.O_RDWR]]);
    return (args) => formatValue(u32(args[ctx.argIndex]) & BigInt(o.O_ACCMODE), access, 'O_???');
  });
  registry.register('kcmp', 'type', named('KCMP', KCMP_TYPES, 'KCMP_???'));
  // syslog: the action as a number with its name, and only the arguments the action reads.
  registry.register('syslog', 'type', (ctx) => (args) => {
    const v = s32(args[ctx.argIndex]);
    const name = SYSLOG_ACTIONS.find(([, n]) => n === v)?.[0];
    return `${v} /* ${name ?? 'SYSLOG_ACTION_???'} */`;
  });
  for (const [arg, reads] of [['buf', [2, 3, 4]], ['len', [2, 3, 4, 8]]] as const) {
    registry.register('syslog', arg, (ctx) => {
      const type = argIndexOf(ctx, 'type');
      return (args) => {
        const t = Number(s32(args[type]));
        if (!(reads as readonly number[]).includes(t) && !(t > 10 || t < 0)) return null;
        return arg === 'buf' ? pointer(args[ctx.argIndex]) : s32(args[ctx.argIndex]).toString();
      };
    });
  }
  registry.register('quotactl', 'cmd', (ctx) => {
    const cmds = xlat(ctx.tables, 'QUOTA', QUOTA_CMDS);
    return (args) => {
      const v = u32(args[ctx.argIndex]);
      const sub = v >> 8n;
      const cmd = cmds.find(([, n]) => n === sub)?.[0] ?? `${hexValue(sub)} /* Q_??? */`;
      return `QCMD(${cmd}, ${formatValue(v & 0xffn, QUOTA_TYPES, '???QUOTA')})`;
    };
  });
  for (const [syscall, arg] of [['set_mempolicy', 'mode'], ['mbind', 'mode'], ['get_mempolicy', 'flags']] as const) {
    if (syscall === 'get_mempolicy') continue;
    registry.register(syscall, arg, named('MPOL', MPOL_MODES, 'MPOL_???'));
  }
  registry.register('seccomp', 'op', named('SECCOMP', SECCOMP_OPS, 'SECCOMP_SET_MODE_???'));
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
  registry.register('process_madvise', 'behavior', (ctx) =>
    valueArg(ctx.argIndex, xlat(ctx.tables, 'MADV', ['MADV_NORMAL', 'MADV_RANDOM', 'MADV_SEQUENTIAL', 'MADV_WILLNEED', 'MADV_DONTNEED', 'MADV_FREE', 'MADV_REMOVE', 'MADV_DONTFORK', 'MADV_DOFORK', 'MADV_MERGEABLE', 'MADV_UNMERGEABLE', 'MADV_HUGEPAGE', 'MADV_NOHUGEPAGE', 'MADV_DONTDUMP', 'MADV_DODUMP', 'MADV_WIPEONFORK', 'MADV_KEEPONFORK', 'MADV_COLD', 'MADV_PAGEOUT', 'MADV_POPULATE_READ', 'MADV_POPULATE_WRITE', 'MADV_DONTNEED_LOCKED', 'MADV_COLLAPSE', 'MADV_HWPOISON', 'MADV_SOFT_OFFLINE']), 'MADV_???'),
  );
  registry.register('reboot', 'magic1', named('REBOOT', REBOOT_MAGIC1, 'LINUX_REBOOT_MAGIC_???'));
  registry.register('reboot', 'magic2', named('REBOOT', REBOOT_MAGIC2, 'LINUX_REBOOT_MAGIC_???'));
  registry.register('reboot', 'cmd', named('REBOOT', REBOOT_CMDS, 'LINUX_REBOOT_CMD_???'));
  registry.register('reboot', 'arg', (ctx) => {
    const cmd = argIndexOf(ctx, 'cmd');
    const restart2 = BigInt(ctx.tables.constants.REBOOT?.LINUX_REBOOT_CMD_RESTART2 ?? -1);
    return (args) => (u32(args[cmd]) === restart2 ? '' : null);
  });
  registry.register('ptrace', 'request', (ctx) => {
    const names: Xlat = xlat(ctx.tables, 'PTRACE', PTRACE_CMDS);
    return (args) => formatValue(BigInt.asUintN(64, args[ctx.argIndex] ?? 0n), names, 'PTRACE_???');
  });
  registry.register('ptrace', 'data', (ctx) => (args) => pointer(args[ctx.argIndex]));
  registry.register('sethostname', 'name', (ctx) => (_args, call) => {
    const b = bytesOf(call.blobs, ctx.argIndex);
    return b ? quoteShown(b, call.options.stringMax) : '';
  });
}
