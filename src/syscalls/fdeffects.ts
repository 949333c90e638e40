/**
 * How each syscall changes the fd table FdState keeps (which path or socket an fd names), and
 * which syscalls return a new fd. Planned once per syscall at catalog load from the argument
 * names, so the per-event work is one closure call.
 */
import type { ArchTables } from './arch';
import { bytesOf, viewOf } from './decoders/registry';
import type { CallView } from './decoders/registry';
import { constant } from './decoders/xlat';
import type { FdState } from './fdstate';
import type { SyscallArgInfo, SyscallResolver } from './types';

/** Applies a call's effect on the fd table of process `pid`. */
export type FdEffect = (call: CallView, pid: number, state: FdState) => void;

/** The fd side of one syscall. */
export interface FdPlan {
  effect: FdEffect | null;
  /** Whether this call's successful return value is a new fd (strace -y decorates it). */
  returnsFd: ((call: CallView) => boolean) | null;
}

/** AT_FDCWD, for calls that take plain paths. */
const AT_FDCWD = -100;
const NONE: FdPlan = { effect: null, returnsFd: null };
const always = () => true;

/**
 * Calls returning an fd that /proc shows as `prefix...`, with their close-on-exec flag (none when
 * absent). `name` is what /proc always shows for it (the kernel's fixed anon-inode name): kept
 * when /proc cannot be read any more (the process already exited when the call is decoded).
 */
const ANON_FDS: Readonly<Record<string, { prefix: string; name?: string; flags?: string; bit?: 'O_CLOEXEC' | 'MFD_CLOEXEC' | 'PERF' | 'FS' | 'ALWAYS' }>> = {
  eventfd: { prefix: 'anon_inode:', name: 'anon_inode:[eventfd]' },
  eventfd2: { prefix: 'anon_inode:', name: 'anon_inode:[eventfd]', flags: 'flags', bit: 'O_CLOEXEC' },
  epoll_create: { prefix: 'anon_inode:', name: 'anon_inode:[eventpoll]' },
  epoll_create1: { prefix: 'anon_inode:', name: 'anon_inode:[eventpoll]', flags: 'flags', bit: 'O_CLOEXEC' },
  signalfd: { prefix: 'anon_inode:', name: 'anon_inode:[signalfd]' },
  signalfd4: { prefix: 'anon_inode:', name: 'anon_inode:[signalfd]', flags: 'flags', bit: 'O_CLOEXEC' },
  timerfd_create: { prefix: 'anon_inode:', name: 'anon_inode:[timerfd]', flags: 'flags', bit: 'O_CLOEXEC' },
  inotify_init: { prefix: 'anon_inode:', name: 'anon_inode:inotify' },
  inotify_init1: { prefix: 'anon_inode:', name: 'anon_inode:inotify', flags: 'flags', bit: 'O_CLOEXEC' },
  fanotify_init: { prefix: 'anon_inode:', name: 'anon_inode:[fanotify]', flags: 'flags', bit: 'O_CLOEXEC' },
  userfaultfd: { prefix: 'anon_inode:', name: 'anon_inode:[userfaultfd]', flags: 'flags', bit: 'O_CLOEXEC' },
  pidfd_open: { prefix: 'anon_inode:', bit: 'ALWAYS' },
  perf_event_open: { prefix: 'anon_inode:', name: 'anon_inode:[perf_event]', flags: 'flags', bit: 'PERF' },
  io_uring_setup: { prefix: 'anon_inode:', name: 'anon_inode:[io_uring]' },
  fsopen: { prefix: 'anon_inode:', name: 'anon_inode:[fscontext]', flags: 'flags', bit: 'FS' },
  fspick: { prefix: 'anon_inode:', name: 'anon_inode:[fscontext]', flags: 'flags', bit: 'FS' },
  memfd_create: { prefix: '/memfd:', flags: 'flags', bit: 'MFD_CLOEXEC' },
  memfd_secret: { prefix: '/secretmem', flags: 'flags', bit: 'O_CLOEXEC' },
  open_by_handle_at: { prefix: '/', flags: 'flags', bit: 'O_CLOEXEC' },
  pidfd_getfd: { prefix: '', bit: 'ALWAYS' },
};

/** PERF_FLAG_FD_CLOEXEC (include/uapi/linux/perf_event.h). */
const PERF_FLAG_FD_CLOEXEC = 8n;

/** The fd plan of one syscall. */
export function fdPlan(syscall: string, args: readonly SyscallArgInfo[], tables: ArchTables): FdPlan {
  const at = (name: string) => args.findIndex((a) => a.name === name);
  const cloexec = BigInt(tables.openFlags.O_CLOEXEC);
  const fd = (reg: bigint | undefined) => Number(BigInt.asIntN(32, reg ?? 0n));
  const ok = (call: CallView) => call.ret >= 0n && !call.noReturn;
  const str = (call: CallView, i: number) => {
    const s = call.strings.get(i);
    return s && !s.unreadable && !s.truncated ? s.text : undefined;
  };
  const openAt = (dirfdIndex: number, nameIndex: number, flags: (call: CallView) => bigint): FdPlan => ({
    returnsFd: always,
    effect: (call, pid, state) => {
      if (!ok(call)) return;
      const name = str(call, nameIndex);
      const dirfd = dirfdIndex < 0 ? AT_FDCWD : fd(call.args[dirfdIndex]);
      if (name === undefined) state.closed(pid, Number(call.ret));
      else state.opened(pid, Number(call.ret), dirfd, name, (flags(call) & cloexec) !== 0n);
    },
  });
  const created = (prefix: string, isCloexec: (call: CallView) => boolean, name?: string): FdPlan => ({
    returnsFd: always,
    effect: (call, pid, state) => {
      if (ok(call)) state.created(pid, Number(call.ret), prefix, isCloexec(call), name);
    },
  });
  const pair = (arrayIndex: number, prefix: string, isCloexec: (call: CallView) => boolean): FdPlan => ({
    returnsFd: null,
    effect: (call, pid, state) => {
      const b = bytesOf(call.blobs, arrayIndex);
      if (!ok(call) || !b || b.data.length < 8) return;
      const v = viewOf(b.data);
      for (const n of [v.getInt32(0, true), v.getInt32(4, true)]) state.created(pid, n, prefix, isCloexec(call));
    },
  });
  const flagBit = (name: string, bit: bigint) => {
    const i = at(name);
    return (call: CallView) => i >= 0 && ((call.args[i] ?? 0n) & bit) !== 0n;
  };

  switch (syscall) {
    case 'open':
      return openAt(-1, at('filename'), (c) => c.args[at('flags')] ?? 0n);
    case 'creat':
      return openAt(-1, at('pathname'), () => 0n);
    case 'openat':
      return openAt(at('dfd'), at('filename'), (c) => c.args[at('flags')] ?? 0n);
    case 'openat2': {
      const how = at('how');
      return openAt(at('dfd'), at('filename'), (c) => {
        const b = bytesOf(c.blobs, how);
        return b && b.data.length >= 8 ? viewOf(b.data).getBigUint64(0, true) : 0n;
      });
    }
    case 'open_tree': {
      // A clone (OPEN_TREE_CLONE) is a detached copy of the mount: /proc names it, not the path.
      const flags = at('flags');
      const CLONE = BigInt(constant(tables, 'MOUNT', 'OPEN_TREE_CLONE'));
      const path = openAt(at('dfd'), at('filename'), (c) => c.args[flags] ?? 0n);
      const clone = created('', (c) => ((c.args[flags] ?? 0n) & cloexec) !== 0n);
      return { returnsFd: always, effect: (c, pid, s) => (((c.args[flags] ?? 0n) & CLONE) !== 0n ? clone : path).effect?.(c, pid, s) };
    }
    case 'socket': {
      const plan = created('socket:', flagBit('type', BigInt(constant(tables, 'SOCK', 'SOCK_CLOEXEC'))));
      const [family, type, protocol] = [at('family'), at('type'), at('protocol')];
      return {
        returnsFd: always,
        effect: (call, pid, state) => {
          plan.effect?.(call, pid, state);
          if (ok(call)) state.setSocket(pid, Number(call.ret), { family: fd(call.args[family]), type: fd(call.args[type]), protocol: fd(call.args[protocol]) });
        },
      };
    }
    case 'accept':
      return created('socket:', () => false);
    case 'accept4':
      return created('socket:', flagBit('flags', BigInt(constant(tables, 'SOCK', 'SOCK_CLOEXEC'))));
    case 'socketpair':
      return pair(at('usockvec'), 'socket:', flagBit('type', BigInt(constant(tables, 'SOCK', 'SOCK_CLOEXEC'))));
    case 'pipe':
      return pair(at('fildes'), 'pipe:', () => false);
    case 'pipe2':
      return pair(at('fildes'), 'pipe:', flagBit('flags', cloexec));
    case 'dup': {
      const old = at('fildes');
      return { returnsFd: always, effect: (c, pid, s) => ok(c) && s.dup(pid, fd(c.args[old]), Number(c.ret), false) };
    }
    case 'dup2':
    case 'dup3': {
      const [old, neu, flags] = [at('oldfd'), at('newfd'), at('flags')];
      return {
        returnsFd: always,
        effect: (c, pid, s) => ok(c) && s.dup(pid, fd(c.args[old]), fd(c.args[neu]), flags >= 0 && ((c.args[flags] ?? 0n) & cloexec) !== 0n),
      };
    }
    case 'fcntl': {
      const [fdi, cmdi, argi] = [at('fd'), at('cmd'), at('arg')];
      const F = (n: string) => BigInt(constant(tables, 'F', n));
      const [DUPFD, DUPFD_CLOEXEC, SETFD] = [F('F_DUPFD'), F('F_DUPFD_CLOEXEC'), F('F_SETFD')];
      const FD_CLOEXEC = F('FD_CLOEXEC');
      const cmd = (c: CallView) => BigInt.asUintN(32, c.args[cmdi] ?? 0n);
      return {
        returnsFd: (c) => cmd(c) === DUPFD || cmd(c) === DUPFD_CLOEXEC,
        effect: (c, pid, s) => {
          if (!ok(c)) return;
          const which = cmd(c);
          if (which === DUPFD || which === DUPFD_CLOEXEC) s.dup(pid, fd(c.args[fdi]), Number(c.ret), which === DUPFD_CLOEXEC);
          else if (which === SETFD) s.setCloexec(pid, fd(c.args[fdi]), ((c.args[argi] ?? 0n) & FD_CLOEXEC) !== 0n);
        },
      };
    }
    case 'close': {
      const i = at('fd');
      return { returnsFd: null, effect: (c, pid, s) => !c.noReturn && s.closed(pid, fd(c.args[i])) };
    }
    case 'close_range': {
      const [first, last, flags] = [at('fd'), at('max_fd'), at('flags')];
      const CLOEXEC = BigInt(constant(tables, 'CLOSE_RANGE', 'CLOSE_RANGE_CLOEXEC'));
      return {
        returnsFd: null,
        effect: (c, pid, s) =>
          ok(c) && s.closedRange(pid, Number(BigInt.asUintN(32, c.args[first] ?? 0n)), Number(BigInt.asUintN(32, c.args[last] ?? 0n)), ((c.args[flags] ?? 0n) & CLOEXEC) !== 0n),
      };
    }
    case 'execve':
    case 'execveat':
      return { returnsFd: null, effect: (c, pid, s) => c.ret === 0n && !c.noReturn && s.exec(pid) };
    case 'chdir': {
      const i = at('filename');
      return {
        returnsFd: null,
        effect: (c, pid, s) => {
          const name = str(c, i);
          if (c.ret === 0n && name !== undefined) s.chdir(pid, AT_FDCWD, name);
        },
      };
    }
    case 'fchdir': {
      const i = at('fd');
      return { returnsFd: null, effect: (c, pid, s) => c.ret === 0n && s.fchdir(pid, fd(c.args[i])) };
    }
    case 'exit_group':
      // The process is ending; a later process may reuse its pid.
      return { returnsFd: null, effect: (c, pid, s) => c.noReturn && s.onExit(pid) };
    case 'fork':
    case 'vfork':
      return { returnsFd: null, effect: (c, pid, s) => c.ret > 0n && s.onFork(pid, Number(c.ret)) };
    case 'clone':
    case 'clone3': {
      const C = (n: string) => BigInt(constant(tables, 'CLONE', n));
      const [THREAD, FILES] = [C('CLONE_THREAD'), C('CLONE_FILES')];
      const flagsIndex = at(syscall === 'clone' ? 'clone_flags' : 'uargs');
      const flags = (c: CallView): bigint | undefined => {
        if (syscall === 'clone') return c.args[flagsIndex] ?? 0n;
        const b = bytesOf(c.blobs, flagsIndex);
        return b && b.data.length >= 8 ? viewOf(b.data).getBigUint64(0, true) : undefined;
      };
      return {
        returnsFd: null,
        effect: (c, pid, s) => {
          if (c.ret <= 0n) return;
          const f = flags(c);
          if (f !== undefined && (f & THREAD) !== 0n) return;
          s.onFork(pid, Number(c.ret), f !== undefined && (f & FILES) !== 0n);
        },
      };
    }
  }
  const anon = ANON_FDS[syscall];
  if (anon) {
    const flags = anon.flags === undefined ? -1 : at(anon.flags);
    const bit =
      anon.bit === 'MFD_CLOEXEC' ? BigInt(constant(tables, 'MFD', 'MFD_CLOEXEC'))
      : anon.bit === 'PERF' ? PERF_FLAG_FD_CLOEXEC
      : anon.bit === 'FS' ? BigInt(constant(tables, 'MOUNT', 'FSOPEN_CLOEXEC'))
      : cloexec;
    return created(anon.prefix, (c) => anon.bit === 'ALWAYS' || (flags >= 0 && ((c.args[flags] ?? 0n) & bit) !== 0n), anon.name);
  }
  return NONE;
}

/**
 * The syscalls that change which files fds name (opens, closes, dups, forks, execs), by __NR
 * name: when a trace does not select them all, its fd table cannot follow the events.
 */
export const FD_CHANGING_SYSCALLS: readonly string[] = [
  'open', 'creat', 'openat', 'openat2', 'socket', 'accept', 'accept4', 'socketpair', 'pipe', 'pipe2', 'dup', 'dup2', 'dup3',
  'fcntl', 'close', 'close_range', 'execve', 'execveat', 'fork', 'vfork', 'clone', 'clone3', 'open_tree', ...Object.keys(ANON_FDS),
];

/** The calls that move a process's working directory (what AT_FDCWD names). */
const CWD_CHANGING_SYSCALLS: readonly string[] = ['chdir', 'fchdir'];

/**
 * The fd- and cwd-changing calls (FD_CHANGING_SYSCALLS, chdir, fchdir) a trace of `traced`
 * (syscall numbers; null: every syscall) does not select: the kernel pass captures them too,
 * only to keep the trace's fd table, and delivers none of them. strace -y reads /proc/PID/fd
 * while the tracee is stopped; the service decodes a few milliseconds later, when a short-lived
 * process (or its fd) may be gone, so without them an fd opened by a call the trace does not
 * select would often print bare. Empty for a trace of every call, or of none.
 */
export function fdTrackingSyscalls(traced: readonly number[] | null, syscalls: SyscallResolver): number[] {
  if (traced === null || traced.length === 0) return [];
  const set = new Set(traced);
  const extra: number[] = [];
  for (const name of [...FD_CHANGING_SYSCALLS, ...CWD_CHANGING_SYSCALLS]) {
    const nr = syscalls.byName(name)?.nr;
    if (nr !== undefined && !set.has(nr) && !extra.includes(nr)) extra.push(nr);
  }
  return extra;
}

/**
 * Whether a trace of `traced` (syscall numbers; null: every syscall) selects every call that
 * changes fds, so that the decode state can keep fd tables from its events alone.
 */
export function tracesFdChanges(traced: readonly number[] | null, syscalls: SyscallResolver): boolean {
  if (traced === null) return true;
  const set = new Set(traced);
  return FD_CHANGING_SYSCALLS.every((name) => {
    const info = syscalls.byName(name);
    return info === undefined || set.has(info.nr);
  });
}

/** Argument names that hold a file descriptor (strace prints them with -y as `3</path>`). */
export const FD_ARG_NAMES: ReadonlySet<string> = new Set([
  'fd', 'ufd', 'fd_in', 'fd_out', 'in_fd', 'out_fd', 'fdin', 'fdout', 'oldfd', 'newfd', 'fildes', 'epfd', 'pidfd', 'group_fd',
  'fanotify_fd', 'fs_fd', 'ruleset_fd', 'mountdirfd', 'dfd', 'dirfd', 'olddfd', 'newdfd', 'from_dfd', 'to_dfd',
]);

/**
 * Argument names of directory fds, which strace prints with print_dirfd: AT_FDCWD as
 * `AT_FDCWD</cwd>` under -y. Other fd arguments equal to -100 are just -100 (fsmount(-100, ...)).
 */
const DIRFD_ARG_NAMES: ReadonlySet<string> = new Set(['dfd', 'dirfd', 'olddfd', 'newdfd', 'from_dfd', 'to_dfd']);

/** Whether fd argument `name` of `syscall` is a directory fd (AT_FDCWD names the cwd); execveat calls its `fd`. */
export function isDirfdArg(syscall: string, name: string): boolean {
  return DIRFD_ARG_NAMES.has(name) || (syscall === 'execveat' && name === 'fd');
}

/** What an fd-like argument is in one call: a plain fd, a directory fd, or no fd at all. */
export type FdRole = 'fd' | 'dirfd' | null;

/**
 * Arguments that are an fd only for some values of another argument: fsconfig's aux is the
 * dirfd of FSCONFIG_SET_PATH(_EMPTY)'s path and the fd of FSCONFIG_SET_FD, a number otherwise.
 * Null for an argument that is always or never an fd.
 */
export function fdRoleOf(syscall: string, name: string, args: readonly SyscallArgInfo[], tables: ArchTables): ((regs: readonly bigint[]) => FdRole) | null {
  if (syscall !== 'fsconfig' || name !== 'aux') return null;
  const cmdIndex = args.findIndex((a) => a.name === 'cmd');
  const C = (n: string) => BigInt(constant(tables, 'MOUNT', n));
  const [setPath, setPathEmpty, setFd] = [C('FSCONFIG_SET_PATH'), C('FSCONFIG_SET_PATH_EMPTY'), C('FSCONFIG_SET_FD')];
  return (regs) => {
    const cmd = BigInt.asUintN(32, regs[cmdIndex] ?? 0n);
    return cmd === setPath || cmd === setPathEmpty ? 'dirfd' : cmd === setFd ? 'fd' : null;
  };
}

/**
 * fd arguments a call itself (re)defines: /proc, read after the call, shows what they name after
 * it, not before (dup2(3</dev/null>, 1) with fd 1 closed before: strace prints a bare `1`), so
 * only what the trace's own table knew is shown for them.
 */
const FD_TARGETS: Readonly<Record<string, string>> = { dup2: 'newfd', dup3: 'newfd' };

/** Whether `syscall`'s fd argument `name` is one the call itself (re)defines (FD_TARGETS). */
export function isFdTarget(syscall: string, name: string): boolean {
  return FD_TARGETS[syscall] === name;
}

/** Whether argument `name` of `syscall` is a file descriptor. */
export function isFdArg(syscall: string, name: string, type: string): boolean {
  // pipe's `int * fildes` is an array, and close_range's `fd` is the first of a range.
  if (type.includes('*') || syscall === 'close_range') return false;
  return FD_ARG_NAMES.has(name);
}
