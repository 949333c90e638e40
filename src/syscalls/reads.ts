/**
 * Extra kernel reads: memory behind pointer arguments that the kernel side copies into a record
 * besides the string arguments (struct sct_syscall_reads in bpf/shared/sctrace_event.h). Which
 * syscall gets which is decided here, from the kernel's argument metadata (names and types from
 * tracefs), so the kernel program stays generic: it only follows the plan it is given.
 *
 * What is read, and why:
 * - sockaddrs (any `struct sockaddr *` argument): the length comes from the next argument, its
 *   value (`int addrlen`: an input, connect/bind/sendto) or the int it points to (`int *`: an
 *   output, accept/getsockname/recvfrom; then the length itself is read at entry and exit too,
 *   for strace's `[128 => 16]`).
 * - outputs strace prints: struct stat (st_mode, st_size) and the head of struct statx, pipe and
 *   socketpair fd pairs, wait4's status, old rlimits, sigactions and signal masks, uname's
 *   sysname and nodename, sysinfo; readlink's and getcwd's paths.
 * - inputs strace prints: new rlimits, sigactions and masks, clone3's and openat2's structs,
 *   nanosleep's timespec, sched_setattr's struct sched_attr, semop's sembufs and futex_waitv's
 *   waiters (as far as readable: SCT_RD_HEAD), the System V ctl structs (IPC_SET's; the STAT and
 *   INFO commands' outputs).
 * - data buffers (read, write, pread64, pwrite64, recvfrom, sendto, getrandom): only when the
 *   trace asks for buffer bytes (TraceSpec.buffer_bytes), and at most that many.
 * - execve/execveat argv, read at entry (a successful exec replaces the address space), and envp:
 *   its strings with TraceSpec.exec_env, otherwise only their number (strace's `/* 35 vars *\/`);
 *   read again at exit when the call failed (a fresh child's pages may not be mapped at entry).
 * - values at entry of what the call also writes (the derived blob SCT_PART_ENTRY of the
 *   argument; the exit value is its own blob): select's fd sets and timeout (`left {...}`),
 *   ppoll's timeout, sendfile's offset (`[0] => [8]`); at entry only: splice's and
 *   copy_file_range's offsets.
 * - ioctl's argument, sized by the request (its _IOC size, or the size table user space fills
 *   for requests without one: ioctlArgSizes in decoders/ioctl.ts), clone3's pidfd and parent_tid
 *   outputs, getdents' entry count over the whole returned buffer.
 * - rt_sigreturn's signal mask: the frame's uc_sigmask on the user stack at entry (strace's
 *   `rt_sigreturn({mask=[USR2]})`; bpf/shared/sctrace_signal.h).
 */
import type { SyscallArgInfo } from './types';

/** enum sct_read_kind. */
export const ReadKind = { BYTES: 1, STRV: 2, INOUT: 3, IOVEC: 4, MSGHDR: 5, SIGMASK: 6, IOCTL: 7, FDSETS: 8, CLONE3: 9, DIRENTS: 10, INNER: 11, URING_RSRC: 12, AIO: 13 } as const;
/** enum sct_read_len. */
export const ReadLen = { FIXED: 0, ARG: 1, ARG_PTR: 2, RET: 3, NODEMASK: 4, ARG_HDR: 5, ARG32: 6 } as const;
/** enum sct_enter: sct_syscall_meta.enter_str's bits. */
export const EnterBit = { STRINGS: 1, READS: 2 } as const;
/** enum sct_read_flags. */
export const ReadFlag = { SUCCESS: 1, BUFFER: 2, ENTRY: 4, ENV: 8, STRING: 16, NETLINK: 32, BOTH: 64, HEAD: 128 } as const;

/** The kinds and flags of reads that need a value at entry (sct_syscall_meta.enter_str's SCT_ENTER_READS). */
export function readsAtEntry(reads: readonly KernelRead[]): boolean {
  return reads.some((r) => r.kind === ReadKind.FDSETS || (r.kind === ReadKind.BYTES && (r.flags & (ReadFlag.BOTH | ReadFlag.ENTRY)) !== 0));
}

/** SCT_READS_MAX: reads per syscall. */
export const READS_MAX = 3;
/** SCT_STR_MAX: the largest cap of one read. */
export const READ_CAP = 4096;
/** sizeof(struct sockaddr_storage). */
const SOCKADDR_MAX = 128;
/** sizeof(struct sockaddr_in). */
const SOCKADDR_IN = 16;
/** SCT_FDSET_MAX: bytes of one fd_set (FD_SETSIZE bits). */
const FDSET_MAX = 128;

/** One extra read, as struct sct_read holds it (argument indexes resolved). */
export interface KernelRead {
  kind: number;
  /** The pointer argument. */
  arg: number;
  lenFrom: number;
  /** The argument holding the length (ReadLen.ARG, ReadLen.ARG32, ReadLen.ARG_PTR); 0 otherwise. */
  lenArg: number;
  /** Byte cap; ReadLen.FIXED's size. */
  max: number;
  flags: number;
  /** ReadLen.ARG(32), ReadLen.RET: the length counts elements of this many bytes (absent: bytes); ReadLen.ARG_HDR: the header's bytes. */
  elem?: number;
}

/**
 * Struct sizes on x86_64 (the only architecture with generated tables so far); another
 * architecture needs its own (arm64's struct stat is 128 bytes).
 */
const X86_64_SIZES = {
  stat: 144,
  rlimit64: 16,
  /** The kernel's struct sigaction: handler, flags, restorer, mask. */
  sigaction: 32,
  sigset: 8,
  timespec: 16,
  timex: 208,
  clone_args: 88,
  open_how: 24,
  flock: 32,
  mount_attr: 32,
  /** struct statx up to stx_size: what strace's abbreviated form prints. */
  statx_head: 48,
  /** struct new_utsname's sysname and nodename (65 bytes each), strace's abbreviated form. */
  utsname_head: 130,
  sysinfo: 112,
  timeval: 16,
  /** struct ustat: f_tfree, f_tinode, f_fname[6], f_fpack[6]. */
  ustat: 32,
  itimerspec: 32,
  itimerval: 32,
  timezone: 8,
  stack_t: 24,
  siginfo: 128,
  sigevent: 64,
  rusage: 144,
  tms: 32,
  statfs: 120,
  epoll_event: 12,
  pollfd: 8,
  int: 4,
  sched_param: 4,
  /** struct __user_cap_header_struct, and two struct __user_cap_data_struct (version 2 and 3). */
  cap_header: 8,
  cap_data: 24,
  /** TASK_COMM_LEN: prctl's PR_SET_NAME/PR_GET_NAME string. */
  comm: 16,
  /** The kernel's struct termios (TCGETS), struct winsize. */
  termios: 36,
  winsize: 8,
  /** struct user_msghdr. */
  msghdr: 56,
  io_uring_params: 120,
  /** struct perf_event_attr up to wakeup_events: what strace's abbreviated form reads. */
  perf_attr_head: 48,
  /** sizeof(struct perf_event_attr) as strace 6.1 knows it (PERF_ATTR_SIZE_VER7), and VER0. */
  perf_attr: 128,
  perf_attr_ver0: 64,
  mq_attr: 64,
  iocb: 64,
  io_event: 32,
  /** struct sched_attr at SCHED_ATTR_SIZE_VER1, strace 6.1's. */
  sched_attr: 56,
  /** The largest of each command's struct (x86_64 msqid64_ds, shmid64_ds, semid64_ds). */
  msqid_ds: 120,
  shmid_ds: 112,
  semid_ds: 104,
  sembuf: 6,
  futex_waitv: 24,
} as const;

/** A read described by names, resolved against a syscall's arguments. */
interface ReadSpec {
  kind: number;
  arg: string;
  lenFrom?: number;
  lenArg?: string;
  max: number;
  flags?: number;
  elem?: number;
  /** ReadKind.INNER: the pointer's offset in the struct, in longs (struct sct_read's len_arg). */
  at?: number;
}

const bytes = (arg: string, max: number, flags = 0): ReadSpec => ({ kind: ReadKind.BYTES, arg, lenFrom: ReadLen.FIXED, max, flags });
const output = (arg: string, max: number): ReadSpec => bytes(arg, max, ReadFlag.SUCCESS);
const buffer = (arg: string, lenFrom: number, lenArg?: string): ReadSpec => ({
  kind: ReadKind.BYTES,
  arg,
  lenFrom,
  lenArg,
  max: READ_CAP,
  flags: ReadFlag.BUFFER | (lenFrom === ReadLen.RET ? ReadFlag.SUCCESS : 0),
});
const netlinkOr = (read: ReadSpec): ReadSpec => ({ ...read, flags: (read.flags ?? 0) | ReadFlag.NETLINK });
const pathOutput = (arg: string): ReadSpec => ({ kind: ReadKind.BYTES, arg, lenFrom: ReadLen.RET, max: READ_CAP, flags: ReadFlag.SUCCESS | ReadFlag.STRING });
const sized = (arg: string, lenArg: string, max: number): ReadSpec => ({ kind: ReadKind.BYTES, arg, lenFrom: ReadLen.ARG, lenArg, max });
/**
 * An extensible struct (decoders/extensible.ts): the struct, and the whole size its caller passed
 * up to a page; the longer readable is kept, so the decoder tells an unreadable tail (`???`).
 */
const extensible = (arg: string, lenArg: string, max: number): ReadSpec[] => [sized(arg, lenArg, max), sized(arg, lenArg, READ_CAP)];
const argv = (arg: string, env = false): ReadSpec => ({ kind: ReadKind.STRV, arg, max: READ_CAP, flags: ReadFlag.ENTRY | (env ? ReadFlag.ENV : 0) });
/** Bytes whose length is the argument `lenArg` (an input) or the return value (an output). */
const argSized = (arg: string, lenArg: string): ReadSpec => ({ kind: ReadKind.BYTES, arg, lenFrom: ReadLen.ARG, lenArg, max: READ_CAP });
const retSized = (arg: string): ReadSpec => ({ kind: ReadKind.BYTES, arg, lenFrom: ReadLen.RET, max: READ_CAP, flags: ReadFlag.SUCCESS });
/**
 * An array of `lenArg` elements of `elem` bytes (move_pages' pages, ppoll's pollfds): an input's,
 * or with `flags` SUCCESS an output's; at most a page of it (strace shows -s elements).
 */
const elems = (arg: string, lenArg: string, elem: number, flags = 0): ReadSpec => ({ kind: ReadKind.BYTES, arg, lenFrom: ReadLen.ARG, lenArg, max: READ_CAP, flags, elem });
/** An output array of as many `elem`-byte elements as the call returned (epoll_wait's events). */
const retElems = (arg: string, elem: number): ReadSpec => ({ kind: ReadKind.BYTES, arg, lenFrom: ReadLen.RET, max: READ_CAP, flags: ReadFlag.SUCCESS, elem });
/**
 * The string behind the pointer at byte `at` (a multiple of 8) of the struct at `arg`
 * (ReadKind.INNER): whole when a path, else cut at string_max; derived part 4 + (at / 8) % 4.
 */
const innerString = (arg: string, at: number, path: boolean): ReadSpec => ({ kind: ReadKind.INNER, arg, at: at / 8, max: path ? READ_CAP : 0, flags: ReadFlag.STRING });
/** A struct msgbuf: the mtype long and `msgsz` bytes of text (ReadLen.ARG_HDR). */
const msgbuf = (arg: string, msgsz: string, flags = 0): ReadSpec => ({ kind: ReadKind.BYTES, arg, lenFrom: ReadLen.ARG_HDR, lenArg: msgsz, max: READ_CAP, flags, elem: 8 });
/** A NUMA node mask of `maxnode` bits, in longs as strace reads it (ReadLen.NODEMASK). */
/** A node mask of `maxnode` bits, as far as readable (strace prints the words before an unreadable one). */
const nodemask = (arg: string, maxnode: string): ReadSpec => ({ kind: ReadKind.BYTES, arg, lenFrom: ReadLen.NODEMASK, lenArg: maxnode, max: READ_CAP, flags: ReadFlag.HEAD });
/**
 * An iovec array of `lenArg` elements and their data (derived blobs, sctrace_iov.h): the array
 * whether or not the call failed; an output's data (readv) at most the return value, after
 * success; an input's (writev) all of it.
 */
const iovec = (arg: string, lenArg: string, output: boolean): ReadSpec => ({
  kind: ReadKind.IOVEC,
  arg,
  lenArg,
  lenFrom: output ? ReadLen.RET : ReadLen.FIXED,
  max: READ_CAP,
  flags: ReadFlag.BUFFER | (output ? ReadFlag.SUCCESS : 0),
});
/** An iovec array alone, no data (process_madvise's ranges, process_vm_readv's remote ones). */
const iovecArray = (arg: string, lenArg: string): ReadSpec => ({ kind: ReadKind.IOVEC, arg, lenArg, lenFrom: ReadLen.FIXED, max: READ_CAP });
/** What a struct user_msghdr points to: name, iovecs and their data, control data. */
const msghdrPointers = (arg: string, output: boolean): ReadSpec => ({
  kind: ReadKind.MSGHDR,
  arg,
  lenFrom: output ? ReadLen.RET : ReadLen.FIXED,
  max: READ_CAP,
  flags: ReadFlag.BUFFER | (output ? ReadFlag.SUCCESS : 0),
});
/** Bytes read at entry (the derived entry-value blob) and at exit (the argument's blob). */
const both = (arg: string, max: number): ReadSpec => bytes(arg, max, ReadFlag.BOTH);
/** Bytes read at entry only (the derived entry-value blob): an input the call may change. */
const atEntry = (arg: string, max: number): ReadSpec => bytes(arg, max, ReadFlag.ENTRY);
/** select's three fd sets (arguments `first`..+2), sized by nfds, at entry and at exit. */
const fdsets = (first: string, nfds: string): ReadSpec => ({ kind: ReadKind.FDSETS, arg: first, lenArg: nfds, max: FDSET_MAX });
/**
 * An array whose length the kernel side cannot compute (mincore's, of the pages of a length):
 * read at up to three sizes, and the record decoder keeps the longest that was readable, so an
 * array at the end of a mapped page is still read at a size that fits.
 */
const sizes = (arg: string, elem: number, counts: readonly number[], make: (arg: string, max: number) => ReadSpec): ReadSpec[] => counts.map((n) => make(arg, elem * n));

const S = X86_64_SIZES;

/** Reads named per syscall; sockaddr arguments are found by type in every syscall (below). */
const BY_SYSCALL: Readonly<Record<string, readonly ReadSpec[]>> = {
  read: [buffer('buf', ReadLen.RET)],
  pread64: [buffer('buf', ReadLen.RET)],
  write: [buffer('buf', ReadLen.ARG, 'count')],
  pwrite64: [buffer('buf', ReadLen.ARG, 'count')],
  // On a netlink socket the message is read whole (strace decodes it whole), else as a buffer.
  recvfrom: [netlinkOr(buffer('ubuf', ReadLen.RET))],
  sendto: [netlinkOr(buffer('buff', ReadLen.ARG, 'len'))],
  getrandom: [buffer('ubuf', ReadLen.RET)],
  readlink: [pathOutput('buf')],
  readlinkat: [pathOutput('buf')],
  getcwd: [pathOutput('buf')],
  execve: [argv('argv'), argv('envp', true)],
  execveat: [argv('argv'), argv('envp', true)],
  // Syscalls go by their __NR names (stat, not its event name newstat).
  stat: [output('statbuf', S.stat)],
  lstat: [output('statbuf', S.stat)],
  fstat: [output('statbuf', S.stat)],
  newfstatat: [output('statbuf', S.stat)],
  pipe: [output('fildes', 8)],
  pipe2: [output('fildes', 8)],
  socketpair: [output('usockvec', 8)],
  wait4: [output('stat_addr', 4), output('ru', S.rusage)],
  prlimit64: [bytes('new_rlim', S.rlimit64), output('old_rlim', S.rlimit64)],
  getrlimit: [output('rlim', S.rlimit64)],
  setrlimit: [bytes('rlim', S.rlimit64)],
  rt_sigaction: [bytes('act', S.sigaction), output('oact', S.sigaction)],
  rt_sigprocmask: [bytes('nset', S.sigset), output('oset', S.sigset)],
  // No argument: the mask its signal frame restores, on the user stack at entry (blob of arg 0).
  rt_sigreturn: [{ kind: ReadKind.SIGMASK, arg: '', max: S.sigset }],
  rt_sigqueueinfo: [bytes('uinfo', S.siginfo)],
  rt_tgsigqueueinfo: [bytes('uinfo', S.siginfo)],
  pidfd_send_signal: [bytes('info', S.siginfo)],
  timer_create: [bytes('timer_event_spec', S.sigevent), output('created_timer_id', S.int)],
  statx: [output('buffer', S.statx_head)],
  uname: [output('name', S.utsname_head)],
  sysinfo: [output('info', S.sysinfo)],
  clone3: [...extensible('uargs', 'size', S.clone_args), { kind: ReadKind.CLONE3, arg: 'uargs', max: 4 }],
  openat2: extensible('how', 'usize', S.open_how),
  mount_setattr: extensible('uattr', 'usize', S.mount_attr),
  // FSCONFIG_SET_BINARY's value (aux bytes) at -s's default and whole, the longer readable
  // kept (a value at a page's end); the other commands' values are strings (argtypes.ts).
  fsconfig: [sized('_value', 'aux', 32), argSized('_value', 'aux')],
  nanosleep: [bytes('rqtp', S.timespec), bytes('rmtp', S.timespec)],
  // The timeout of the waiting commands; for the requeue ones the argument is a number, not read usefully.
  futex: [bytes('utime', S.timespec)],
  clock_nanosleep: [bytes('rqtp', S.timespec), bytes('rmtp', S.timespec)],
  clock_gettime: [output('tp', S.timespec)],
  time: [output('tloc', 8)],
  // The struct behind addr, by command: if_dqinfo, if_dqblk or if_nextdqblk (the longest readable is kept).
  quotactl: sizes('addr', 1, [24, 72, 80], bytes),
  quotactl_fd: sizes('addr', 1, [24, 72, 80], bytes),
  // KCMP_EPOLL_TFD's struct kcmp_epoll_slot behind idx2 (for the other types idx2 is no pointer and the read fails).
  kcmp: [bytes('idx2', 12)],
  utime: [bytes('times', 16)],
  ustat: [output('ubuf', S.ustat)],
  utimensat: [bytes('utimes', 2 * S.timespec)],
  utimes: [bytes('utimes', 2 * S.timeval)],
  futimesat: [bytes('utimes', 2 * S.timeval)],
  clock_getres: [output('tp', S.timespec)],
  sched_rr_get_interval: [output('interval', S.timespec)],
  clock_settime: [bytes('tp', S.timespec)],
  adjtimex: [bytes('txc_p', S.timex)],
  clock_adjtime: [bytes('utx', S.timex)],
  gettimeofday: [output('tv', S.timeval), output('tz', S.timezone)],
  settimeofday: [bytes('tv', S.timeval), bytes('tz', S.timezone)],
  timerfd_settime: [bytes('utmr', S.itimerspec), output('otmr', S.itimerspec)],
  timerfd_gettime: [output('otmr', S.itimerspec)],
  timer_settime: [bytes('new_setting', S.itimerspec), output('old_setting', S.itimerspec)],
  timer_gettime: [output('setting', S.itimerspec)],
  setitimer: [bytes('value', S.itimerval), output('ovalue', S.itimerval)],
  getitimer: [output('value', S.itimerval)],
  rt_sigtimedwait: [bytes('uthese', S.sigset), bytes('uts', S.timespec), output('uinfo', S.siginfo)],
  // sigsetsize bytes (1 to 8, the kernel writes no more): a smaller set at a page's end stays readable.
  rt_sigpending: [{ ...sized('uset', 'sigsetsize', S.sigset), flags: ReadFlag.SUCCESS }],
  rt_sigsuspend: [bytes('unewset', S.sigset)],
  sigaltstack: [bytes('uss', S.stack_t), output('uoss', S.stack_t)],
  getresuid: [output('ruidp', S.int), output('euidp', S.int), output('suidp', S.int)],
  getresgid: [output('rgidp', S.int), output('egidp', S.int), output('sgidp', S.int)],
  getgroups: [retElems('grouplist', S.int)],
  // Up to the end of its page when the ids run into unmapped memory (strace shows those before it).
  setgroups: [{ ...elems('grouplist', 'gidsetsize', S.int), flags: ReadFlag.HEAD }],
  sched_getaffinity: [retSized('user_mask_ptr')],
  sched_setaffinity: [argSized('user_mask_ptr', 'len')],
  sched_getparam: [output('param', S.sched_param)],
  sched_setparam: [bytes('param', S.sched_param)],
  sched_setscheduler: [bytes('param', S.sched_param)],
  // The size field at entry and exit (E2BIG writes the kernel's size back: `{size=1} => {size=56}`),
  // and the struct (the kernel does not change it otherwise), up to its page's end when shorter.
  sched_setattr: [both('uattr', 4), bytes('uattr', S.sched_attr, ReadFlag.HEAD)],
  // What the kernel wrote, at the size the caller gave (at most strace's struct).
  sched_getattr: [{ ...sized('uattr', 'usize', S.sched_attr), flags: ReadFlag.SUCCESS | ReadFlag.HEAD }],
  mincore: sizes('vec', 1, [1, 4, 16], output),
  // Read at exit, where struct pollfd holds the events asked for and the revents returned.
  // Up to the end of its page when the pollfds run into unmapped memory (strace shows those before it).
  poll: [{ ...elems('ufds', 'nfds', S.pollfd), flags: ReadFlag.HEAD }],
  ppoll: [{ ...elems('ufds', 'nfds', S.pollfd), flags: ReadFlag.HEAD }, both('tsp', S.timespec), bytes('sigmask', S.sigset)],
  select: [fdsets('inp', 'n'), both('tvp', S.timeval)],
  // The sigmask pair { sigset_t *, size_t } and (derived part 4) the mask behind it, at most a
  // sigset_t (strace prints the address of any other size): one INNER read with HEAD.
  pselect6: [fdsets('inp', 'n'), both('tsp', S.timespec), { kind: ReadKind.INNER, arg: 'sig', at: 0, lenFrom: 2, max: S.sigset, elem: 1, flags: ReadFlag.HEAD }],
  sendfile: [both('offset', 8)],
  splice: [atEntry('off_in', 8), atEntry('off_out', 8)],
  copy_file_range: [atEntry('off_in', 8), atEntry('off_out', 8)],
  epoll_ctl: [bytes('event', S.epoll_event)],
  // SECCOMP_SET_MODE_FILTER's struct sock_fprog, GET_ACTION_AVAIL's u32 action, GET_NOTIF_SIZES'
  // three u16s: up to the page's end when the 16 bytes are not all readable (a u32 at a page's end).
  seccomp: [bytes('uargs', 16, ReadFlag.HEAD)],
  // struct f_owner_ex and struct flock (F_SETOWN_EX, F_SETLK...), the longer readable kept; for
  // the other commands the argument is no pointer and the reads fail harmlessly.
  fcntl: [bytes('arg', 8), bytes('arg', S.flock)],
  // struct file_handle's header at entry and at exit (`{handle_bytes=0 => 8}`), the handle
  // itself at exit (at most MAX_HANDLE_SZ), and the mount id.
  name_to_handle_at: [both('handle', 8), bytes('handle', 8 + 128), output('mnt_id', S.int)],
  epoll_wait: [retElems('events', S.epoll_event)],
  epoll_pwait: [retElems('events', S.epoll_event), bytes('sigmask', S.sigset)],
  signalfd: [bytes('user_mask', S.sigset)],
  signalfd4: [bytes('user_mask', S.sigset)],
  // The value at its length (at most a page), or when that reaches unreadable memory the bytes up
  // to the end of its page: a length past a struct at a page's end (strace reads only the struct).
  setsockopt: [{ ...argSized('optval', 'optlen'), flags: ReadFlag.HEAD }],
  // The value at the length returned, or up to the end of its page when that is longer than the
  // buffer (NETLINK_LIST_MEMBERSHIPS returns the length it needs: strace reads what was given).
  getsockopt: [
    { kind: ReadKind.BYTES, arg: 'optval', lenFrom: ReadLen.ARG_PTR, lenArg: 'optlen', max: READ_CAP, flags: ReadFlag.SUCCESS | ReadFlag.HEAD },
    { kind: ReadKind.INOUT, arg: 'optlen', max: 4 },
  ],
  statfs: [output('buf', S.statfs)],
  fstatfs: [output('buf', S.statfs)],
  waitid: [output('infop', S.siginfo), output('ru', S.rusage)],
  getrusage: [output('ru', S.rusage)],
  times: [output('tbuf', S.tms)],
  setxattr: [argSized('value', 'size')],
  lsetxattr: [argSized('value', 'size')],
  fsetxattr: [argSized('value', 'size')],
  getxattr: [retSized('value')],
  lgetxattr: [retSized('value')],
  fgetxattr: [retSized('value')],
  listxattr: [retSized('list')],
  llistxattr: [retSized('list')],
  flistxattr: [retSized('list')],
  // PR_SET_NAME's and PR_GET_NAME's string; for other options arg2 is no pointer and the read fails harmlessly.
  // At an int's size and at TASK_COMM_LEN (the int outputs, PR_GET_TID_ADDRESS's pointer and the
  // names), the longer readable kept; PR_SCHED_CORE_GET's cookie behind arg5.
  prctl: [bytes('arg2', S.int), bytes('arg2', S.comm), output('arg5', 8)],
  // The data at version 3's size and at version 1's (one struct), the longer readable kept.
  capget: [bytes('header', S.cap_header), output('dataptr', S.cap_data), output('dataptr', S.cap_data / 2)],
  capset: [bytes('header', S.cap_header), bytes('data', S.cap_data), bytes('data', S.cap_data / 2)],
  getcpu: [output('cpup', S.int), output('nodep', S.int)],
  // The argument, sized by the request in the kernel (SCT_READ_IOCTL).
  ioctl: [{ kind: ReadKind.IOCTL, arg: 'arg', lenArg: 'cmd', max: READ_CAP }],
  // The entries, to count them (strace's `/* 4 entries */`): at most READ_CAP bytes of them, and
  // the kernel's count when more were returned.
  getdents64: [retSized('dirent'), { kind: ReadKind.DIRENTS, arg: 'dirent', max: READ_CAP }],
  getdents: [retSized('dirent'), { kind: ReadKind.DIRENTS, arg: 'dirent', max: READ_CAP }],
  add_key: [argSized('_payload', 'plen')],
  // arg4 bytes at arg3: UPDATE's and INSTANTIATE's payload, and at exit DESCRIBE's, READ's and
  // GET_SECURITY's output (decoders/keys.ts shows the return value's length of it); up to the end
  // of its page when arg4 overshoots the buffer. Other commands pass numbers there: the read fails.
  keyctl: [{ ...argSized('arg3', 'arg4'), flags: ReadFlag.HEAD }],
  // union bpf_attr at the size the caller gave (decoders/bpf.ts prints what that size reaches),
  // and the strings behind its pointers at byte 0 (OBJ_PIN's and OBJ_GET's pathname, read as a
  // path; RAW_TRACEPOINT_OPEN's name) and 16 (PROG_LOAD's license). For the other commands those
  // bytes are no pointer and the reads fail harmlessly.
  bpf: [argSized('uattr', 'size'), innerString('uattr', 0, true), innerString('uattr', 16, false)],
  // The policy and the node mask, read whether or not the call failed (strace prints what is there).
  get_mempolicy: [bytes('policy', S.int), nodemask('nmask', 'maxnode')],
  mbind: [nodemask('nmask', 'maxnode')],
  set_mempolicy: [nodemask('nmask', 'maxnode')],
  migrate_pages: [nodemask('old_nodes', 'maxnode'), nodemask('new_nodes', 'maxnode')],
  // The pages and nodes asked for, and the status of each page at exit, failed or not (as strace).
  move_pages: [elems('pages', 'nr_pages', 8), elems('nodes', 'nr_pages', S.int), elems('status', 'nr_pages', S.int)],
  // struct perf_event_attr's head, what strace's abbreviated form prints (decoders/perf.ts), at
  // entry and at exit (E2BIG writes the kernel's size back into it); the whole struct for -v at
  // strace 6.1's size and at PERF_ATTR_SIZE_VER0, the longer readable kept.
  perf_event_open: [both('attr_uptr', S.perf_attr_head), bytes('attr_uptr', S.perf_attr), bytes('attr_uptr', S.perf_attr_ver0)],
  io_uring_setup: [bytes('params', S.io_uring_params)],
  // The aio_context_t io_setup stored (after success).
  io_setup: [output('ctxp', 8)],
  // The events returned, the timeout; io_pgetevents' sigmask pair and the mask behind it (as pselect6's).
  io_getevents: [retElems('events', S.io_event), bytes('timeout', S.timespec)],
  io_pgetevents: [retElems('events', S.io_event), bytes('timeout', S.timespec), { kind: ReadKind.INNER, arg: 'usig', at: 0, lenFrom: 2, max: S.sigset, elem: 1, flags: ReadFlag.HEAD }],
  // The pointer array, the iocbs and what they point to (SCT_READ_AIO); io_cancel's iocb and the event it returned.
  io_submit: [{ kind: ReadKind.AIO, arg: 'iocbpp', lenArg: 'nr', max: 33 * 8 }],
  io_cancel: [bytes('iocb', S.iocb), output('result', S.io_event)],
  // handled_access_fs, and struct landlock_path_beneath_attr (packed: u64 and an fd).
  landlock_create_ruleset: [bytes('attr', 8)],
  mq_open: [bytes('u_attr', S.mq_attr)],
  // The message as a buffer (sent: msg_len bytes; received: what the call returned), the timeout, the priority received.
  mq_timedsend: [buffer('u_msg_ptr', ReadLen.ARG, 'msg_len'), bytes('u_abs_timeout', S.timespec)],
  mq_timedreceive: [buffer('u_msg_ptr', ReadLen.RET), output('u_msg_prio', S.int), bytes('u_abs_timeout', S.timespec)],
  mq_notify: [bytes('u_notification', S.sigevent)],
  // The message sent, and the one received (after success: msgsz bytes of it, as strace prints).
  msgsnd: [msgbuf('msgp', 'msgsz')],
  msgrcv: [msgbuf('msgp', 'msgsz', ReadFlag.SUCCESS)],
  // The command's struct (IPC_SET's input, the STAT and INFO outputs), read at exit at the
  // largest command's size or up to its page's end; for the other commands (semctl's values)
  // the argument is no pointer and the read fails harmlessly.
  msgctl: [bytes('buf', S.msqid_ds, ReadFlag.HEAD)],
  shmctl: [bytes('buf', S.shmid_ds, ReadFlag.HEAD)],
  semctl: [bytes('arg', S.semid_ds, ReadFlag.HEAD)],
  // The struct sembuf and struct futex_waitv arrays, as far as they are readable (strace prints
  // the elements it could read, then `... /* ADDR */`).
  semop: [{ ...elems('tsops', 'nsops', S.sembuf), flags: ReadFlag.HEAD }],
  semtimedop: [{ ...elems('tsops', 'nsops', S.sembuf), flags: ReadFlag.HEAD }, bytes('timeout', S.timespec)],
  futex_waitv: [{ ...elems('waiters', 'nr_futexes', S.futex_waitv), flags: ReadFlag.HEAD }, bytes('timeout', S.timespec)],
  mq_getsetattr: [bytes('u_mqstat', S.mq_attr), output('u_omqstat', S.mq_attr)],
  landlock_add_rule: [bytes('rule_attr', 12)],
  io_uring_enter: [argSized('argp', 'argsz')],
  // nr_args elements of 16 bytes (BUFFERS' iovecs, RESTRICTIONS, and 4-byte fds: FILES, EVENTFD;
  // FILES_UPDATE's struct), nr_args bytes for the opcodes whose struct size it is (FILES2 ...),
  // and 40 for PBUF_RING's struct, the longest readable kept; with the last, the arrays behind
  // FILES_UPDATE's and the rsrc structs' pointers (SCT_READ_URING_RSRC, by the opcode).
  io_uring_register: [elems('arg', 'nr_args', 16), argSized('arg', 'nr_args'), { kind: ReadKind.URING_RSRC, arg: 'arg', lenArg: 'opcode', max: 40 }],
  sethostname: [argSized('name', 'len')],
  setdomainname: [argSized('name', 'len')],
  kexec_file_load: [argSized('cmdline_ptr', 'cmdline_len')],
  // ARCH_GET_FS/ARCH_GET_GS's output; other options pass no pointer and the read fails harmlessly.
  arch_prctl: [output('arg2', 8)],
  // The struct itself, then what its pointers point to (at exit: recvmsg's answers are there).
  sendmsg: [bytes('msg', S.msghdr), msghdrPointers('msg', false)],
  recvmsg: [bytes('msg', S.msghdr), msghdrPointers('msg', true)],
  readv: [iovec('vec', 'vlen', true)],
  preadv: [iovec('vec', 'vlen', true)],
  preadv2: [iovec('vec', 'vlen', true)],
  writev: [iovec('vec', 'vlen', false)],
  pwritev: [iovec('vec', 'vlen', false)],
  pwritev2: [iovec('vec', 'vlen', false)],
  vmsplice: [iovec('uiov', 'nr_segs', false)],
  process_vm_readv: [iovec('lvec', 'liovcnt', true), iovecArray('rvec', 'riovcnt')],
  process_vm_writev: [iovec('lvec', 'liovcnt', false), iovecArray('rvec', 'riovcnt')],
  process_madvise: [iovecArray('vec', 'vlen')],
};

/** The sockaddr reads of a syscall: one per `struct sockaddr *` argument, sized by the next. */
function sockaddrReads(args: readonly SyscallArgInfo[]): ReadSpec[] {
  const out: ReadSpec[] = [];
  args.forEach((a, i) => {
    if (a.type !== 'struct sockaddr *') return;
    const len = args[i + 1];
    if (len?.type === 'int') {
      out.push({ kind: ReadKind.BYTES, arg: a.name, lenFrom: ReadLen.ARG, lenArg: len.name, max: SOCKADDR_MAX });
    } else if (len?.type === 'int *') {
      out.push({ kind: ReadKind.BYTES, arg: a.name, lenFrom: ReadLen.ARG_PTR, lenArg: len.name, max: SOCKADDR_MAX, flags: ReadFlag.SUCCESS });
      out.push({ kind: ReadKind.INOUT, arg: len.name, max: 4 });
      // The length at exit may exceed the buffer (a unix address longer than it: `[16 => 24]`),
      // then that read faults where strace reads the smaller entry length: a sockaddr_in's
      // worth too, the longer readable kept (where READS_MAX leaves room).
      out.push({ kind: ReadKind.BYTES, arg: a.name, lenFrom: ReadLen.FIXED, max: SOCKADDR_IN, flags: ReadFlag.SUCCESS });
    }
  });
  return out;
}

/** tracefs types of 32-bit integer arguments. */
const INT32_TYPES = new Set(['int', 'unsigned int', 'unsigned', 'u32', 's32', '__u32', '__s32', 'uid_t', 'gid_t', 'pid_t']);

/**
 * The length choice of a read whose length is argument `lenArg`'s value: the kernel takes an
 * `int` or `unsigned int` length at 32 bits whatever the register's upper half holds, and so
 * must the read (ppoll's nfds of 0xffffffff00000004 is 4 pollfds, not a capped read past them).
 */
function lenChoice(lenFrom: number, lenArg: SyscallArgInfo | undefined): number {
  return lenFrom === ReadLen.ARG && lenArg !== undefined && INT32_TYPES.has(lenArg.type) ? ReadLen.ARG32 : lenFrom;
}

/**
 * The extra reads of one syscall, argument names resolved to indexes. Specs naming an argument
 * the kernel's metadata lacks are dropped (another kernel may name it differently), and so are
 * reads beyond READS_MAX.
 */
export function syscallReads(syscall: string, args: readonly SyscallArgInfo[]): KernelRead[] {
  const index = (name: string | undefined) => (name === undefined ? -1 : args.findIndex((a) => a.name === name));
  const out: KernelRead[] = [];
  for (const spec of [...(BY_SYSCALL[syscall] ?? []), ...sockaddrReads(args)]) {
    const arg = spec.kind === ReadKind.SIGMASK ? 0 : index(spec.arg);
    const lenArg = spec.at ?? (spec.lenArg === undefined ? 0 : index(spec.lenArg));
    if (arg < 0 || lenArg < 0 || out.length >= READS_MAX) continue;
    const lenFrom = spec.kind === ReadKind.INNER ? (spec.lenFrom ?? ReadLen.FIXED) : lenChoice(spec.lenFrom ?? ReadLen.FIXED, args[index(spec.lenArg)]);
    const read: KernelRead = { kind: spec.kind, arg, lenFrom, lenArg, max: spec.max, flags: spec.flags ?? 0 };
    if (spec.elem) read.elem = spec.elem;
    out.push(read);
  }
  return out;
}

/** sizeof(struct sct_read) and sizeof(struct sct_syscall_reads). */
const READ_BYTES = 8;
export const SYSCALL_READS_BYTES = READ_BYTES * READS_MAX;

/** The struct sct_syscall_reads value of a syscall, for the kernel's sct_syscall_reads table. */
export function encodeReads(reads: readonly KernelRead[]): Uint8Array {
  const out = new Uint8Array(SYSCALL_READS_BYTES);
  const view = new DataView(out.buffer);
  reads.slice(0, READS_MAX).forEach((r, i) => {
    const at = i * READ_BYTES;
    view.setUint8(at, r.kind);
    view.setUint8(at + 1, r.arg);
    view.setUint8(at + 2, r.lenFrom);
    view.setUint8(at + 3, r.lenArg);
    view.setUint16(at + 4, r.max, true);
    view.setUint8(at + 6, r.flags);
    view.setUint8(at + 7, r.elem ?? 0);
  });
  return out;
}
