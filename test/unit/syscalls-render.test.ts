/**
 * The decoders end to end on recorded raw values: registers, return values and the kernel's
 * extra reads of real calls (taken from traces of coreutils, dash, bash and
 * test/fixtures/syscall-tour.c on this machine), decoded by a catalog built from this kernel's
 * recorded tracefs formats and rendered by the CLI printer, against what strace 6.1 printed for
 * the same calls.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatArgs, formatSyscall } from '../../clients/cli/printer';
import type { SyscallEvent__Output } from '../../src/api/generated/sctrace/v1/SyscallEvent';
import { SyscallCatalog } from '../../src/syscalls/catalog';
import { IOCTL_SIZES_MAX } from '../../src/syscalls/decoders/ioctl';
import { derivedKey } from '../../src/syscalls/decoders/msghdr';
import { ipv6Text } from '../../src/syscalls/decoders/net';
import { quoteBytes } from '../../src/syscalls/decoders/quote';
import { fixedXlat, formatFlags, formatValue } from '../../src/syscalls/decoders/xlat';
import { FdDetails } from '../../src/syscalls/fddetails';
import { fdTrackingSyscalls } from '../../src/syscalls/fdeffects';
import { FdState, type FdSystem } from '../../src/syscalls/fdstate';
import type { SyscallFormat } from '../../src/syscalls/tracefs';
import { DEFAULT_DECODE_OPTIONS, type RawBlob, type RawString, type RawSyscall, type TraceState, type TraceView } from '../../src/syscalls/types';

/** Argument declarations of this kernel's sys_enter_* formats (Linux 6.18, x86_64). */
const FORMATS: Record<string, string[]> = {
  read: ['unsigned int fd', 'char * buf', 'size_t count'],
  readv: ['unsigned long fd', 'const struct iovec * vec', 'unsigned long vlen'],
  writev: ['unsigned long fd', 'const struct iovec * vec', 'unsigned long vlen'],
  sendmsg: ['int fd', 'struct user_msghdr * msg', 'unsigned int flags'],
  recvmsg: ['int fd', 'struct user_msghdr * msg', 'unsigned int flags'],
  write: ['unsigned int fd', 'const char * buf', 'size_t count'],
  pread64: ['unsigned int fd', 'char * buf', 'size_t count', 'loff_t pos'],
  openat: ['int dfd', 'const char * filename', 'int flags', 'umode_t mode'],
  openat2: ['int dfd', 'const char * filename', 'struct open_how * how', 'size_t usize'],
  close: ['unsigned int fd'],
  newfstatat: ['int dfd', 'const char * filename', 'struct stat * statbuf', 'int flag'],
  newfstat: ['unsigned int fd', 'struct stat * statbuf'], // __NR name fstat
  readlink: ['const char * path', 'char * buf', 'int bufsiz'],
  getcwd: ['char * buf', 'unsigned long size'],
  access: ['const char * filename', 'int mode'],
  faccessat2: ['int dfd', 'const char * filename', 'int mode', 'int flags'],
  lseek: ['unsigned int fd', 'off_t offset', 'unsigned int whence'],
  fcntl: ['unsigned int fd', 'unsigned int cmd', 'unsigned long arg'],
  ioctl: ['unsigned int fd', 'unsigned int cmd', 'unsigned long arg'],
  dup2: ['unsigned int oldfd', 'unsigned int newfd'],
  dup3: ['unsigned int oldfd', 'unsigned int newfd', 'int flags'],
  pipe2: ['int * fildes', 'int flags'],
  mmap: ['unsigned long addr', 'unsigned long len', 'unsigned long prot', 'unsigned long flags', 'unsigned long fd', 'unsigned long off'],
  mprotect: ['unsigned long start', 'size_t len', 'unsigned long prot'],
  madvise: ['unsigned long start', 'size_t len_in', 'int behavior'],
  clone: ['unsigned long clone_flags', 'unsigned long newsp', 'int * parent_tidptr', 'int * child_tidptr', 'unsigned long tls'],
  clone3: ['struct clone_args * uargs', 'size_t size'],
  perf_event_open: ['struct perf_event_attr * attr_uptr', 'pid_t pid', 'int cpu', 'int group_fd', 'unsigned long flags'],
  execve: ['const char * filename', 'const char *const * argv', 'const char *const * envp'],
  wait4: ['pid_t upid', 'int * stat_addr', 'int options', 'struct rusage * ru'],
  prlimit64: ['pid_t pid', 'unsigned int resource', 'const struct rlimit64 * new_rlim', 'struct rlimit64 * old_rlim'],
  arch_prctl: ['int option', 'unsigned long arg2'],
  rseq: ['struct rseq * rseq', 'u32 rseq_len', 'int flags', 'u32 sig'],
  futex: ['u32 * uaddr', 'int op', 'u32 val', 'const struct __kernel_timespec * utime', 'u32 * uaddr2', 'u32 val3'],
  getrandom: ['char * ubuf', 'size_t len', 'unsigned int flags'],
  exit_group: ['int error_code'],
  kill: ['pid_t pid', 'int sig'],
  rt_sigaction: ['int sig', 'const struct sigaction * act', 'struct sigaction * oact', 'size_t sigsetsize'],
  rt_sigprocmask: ['int how', 'sigset_t * nset', 'sigset_t * oset', 'size_t sigsetsize'],
  rt_sigpending: ['sigset_t * uset', 'size_t sigsetsize'],
  seccomp: ['unsigned int op', 'unsigned int flags', 'void * uargs'],
  socket: ['int family', 'int type', 'int protocol'],
  socketpair: ['int family', 'int type', 'int protocol', 'int * usockvec'],
  connect: ['int fd', 'struct sockaddr * uservaddr', 'int addrlen'],
  accept4: ['int fd', 'struct sockaddr * upeer_sockaddr', 'int * upeer_addrlen', 'int flags'],
  getsockname: ['int fd', 'struct sockaddr * usockaddr', 'int * usockaddr_len'],
  sendto: ['int fd', 'void * buff', 'size_t len', 'unsigned int flags', 'struct sockaddr * addr', 'int addr_len'],
  recvfrom: ['int fd', 'void * ubuf', 'size_t size', 'unsigned int flags', 'struct sockaddr * addr', 'int * addr_len'],
  shutdown: ['int fd', 'int how'],
  statx: ['int dfd', 'const char * filename', 'unsigned flags', 'unsigned int mask', 'struct statx * buffer'],
  unlinkat: ['int dfd', 'const char * pathname', 'int flag'],
  mkdir: ['const char * pathname', 'umode_t mode'],
  chdir: ['const char * filename'],
  setxattr: ['const char * pathname', 'const char * name', 'const void * value', 'size_t size', 'int flags'],
  clock_gettime: ['const clockid_t which_clock', 'struct __kernel_timespec * tp'],
  timerfd_create: ['int clockid', 'int flags'],
  poll: ['struct pollfd * ufds', 'unsigned int nfds', 'int timeout_msecs'],
  select: ['int n', 'fd_set * inp', 'fd_set * outp', 'fd_set * exp', 'struct __kernel_old_timeval * tvp'],
  pselect6: ['int n', 'fd_set * inp', 'fd_set * outp', 'fd_set * exp', 'struct __kernel_timespec * tsp', 'void * sig'],
  sendfile64: ['int out_fd', 'int in_fd', 'loff_t * offset', 'size_t count'],
  splice: ['int fd_in', 'loff_t * off_in', 'int fd_out', 'loff_t * off_out', 'size_t len', 'unsigned int flags'],
  copy_file_range: ['int fd_in', 'loff_t * off_in', 'int fd_out', 'loff_t * off_out', 'size_t len', 'unsigned int flags'],
  getdents64: ['unsigned int fd', 'struct linux_dirent64 * dirent', 'unsigned int count'],
  ppoll: ['struct pollfd * ufds', 'unsigned int nfds', 'struct __kernel_timespec * tsp', 'const sigset_t * sigmask', 'size_t sigsetsize'],
  signalfd4: ['int ufd', 'sigset_t * user_mask', 'size_t sizemask', 'int flags'],
  getrlimit: ['unsigned int resource', 'struct rlimit * rlim'],
  prctl: ['int option', 'unsigned long arg2', 'unsigned long arg3', 'unsigned long arg4', 'unsigned long arg5'],
  getresuid: ['uid_t * ruidp', 'uid_t * euidp', 'uid_t * suidp'],
  chown: ['const char * filename', 'uid_t user', 'gid_t group'],
  mknodat: ['int dfd', 'const char * filename', 'umode_t mode', 'unsigned int dev'],
  setsockopt: ['int fd', 'int level', 'int optname', 'char * optval', 'int optlen'],
  getsockopt: ['int fd', 'int level', 'int optname', 'char * optval', 'int * optlen'],
  epoll_ctl: ['int epfd', 'int op', 'int fd', 'struct epoll_event * event'],
  mremap: ['unsigned long addr', 'unsigned long old_len', 'unsigned long new_len', 'unsigned long flags', 'unsigned long new_addr'],
  faccessat: ['int dfd', 'const char * filename', 'int mode'],
  mount: ['char * dev_name', 'char * dir_name', 'char * type', 'unsigned long flags', 'void * data'],
  fsconfig: ['int fd', 'unsigned int cmd', 'const char * _key', 'const void * _value', 'int aux'],
  fsmount: ['int fs_fd', 'unsigned int flags', 'unsigned int attr_flags'],
  open_tree: ['int dfd', 'const char * filename', 'unsigned flags'],
  mount_setattr: ['int dfd', 'const char * path', 'unsigned int flags', 'struct mount_attr * uattr', 'size_t usize'],
  name_to_handle_at: ['int dfd', 'const char * name', 'struct file_handle * handle', 'void * mnt_id', 'int flag'],
  capget: ['cap_user_header_t header', 'cap_user_data_t dataptr'],
  capset: ['cap_user_header_t header', 'const cap_user_data_t data'],
  ioprio_set: ['int which', 'int who', 'int ioprio'],
  ioprio_get: ['int which', 'int who'],
  nanosleep: ['struct __kernel_timespec * rqtp', 'struct __kernel_timespec * rmtp'],
  inotify_init1: ['int flags'],
  getgroups: ['int gidsetsize', 'gid_t * grouplist'],
  getcpu: ['unsigned * cpup', 'unsigned * nodep', 'struct getcpu_cache * unused'],
  adjtimex: ['struct __kernel_timex * txc_p'],
  getpeername: ['int fd', 'struct sockaddr * usockaddr', 'int * usockaddr_len'],
  swapon: ['const char * specialfile', 'int swap_flags'],
  sync_file_range: ['int fd', 'loff_t offset', 'loff_t nbytes', 'unsigned int flags'],
  sched_rr_get_interval: ['pid_t pid', 'struct __kernel_timespec * interval'],
  io_uring_setup: ['u32 entries', 'struct io_uring_params * params'],
  io_uring_enter: ['unsigned int fd', 'u32 to_submit', 'u32 min_complete', 'u32 flags', 'const void * argp', 'size_t argsz'],
  fspick: ['int dfd', 'const char * path', 'unsigned int flags'],
  move_mount: ['int from_dfd', 'const char * from_pathname', 'int to_dfd', 'const char * to_pathname', 'unsigned int flags'],
};

const catalog = SyscallCatalog.fromFormats(
  new Map(
    Object.entries(FORMATS).map(([name, decls]): [string, SyscallFormat] => [
      name,
      {
        name,
        id: 0,
        args: decls.map((d) => {
          const cut = d.lastIndexOf(' ');
          return { name: d.slice(cut + 1), type: d.slice(0, cut), signed: false, offset: 0, size: 8 };
        }),
      },
    ]),
  ),
  { arch: 'x86_64' },
);

/** Little-endian bytes of 64-bit (default) or 32-bit words. */
function words(values: Array<bigint | number>, size: 4 | 8 = 8): Uint8Array {
  const out = new Uint8Array(values.length * size);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => (size === 8 ? view.setBigUint64(i * 8, BigInt(v), true) : view.setUint32(i * 4, Number(v) >>> 0, true)));
  return out;
}

const bytes = (data: Uint8Array | string, truncated = false): RawBlob => ({
  kind: 'bytes',
  data: typeof data === 'string' ? Buffer.from(data, 'latin1') : data,
  truncated,
  unreadable: false,
});

interface Call {
  args: Array<bigint | number>;
  ret?: bigint | number;
  strings?: Record<number, string | RawString>;
  blobs?: Record<number, RawBlob>;
  noReturn?: boolean;
  pid?: number;
}

/** A trace as the pipeline decodes for it: the pass's state, its view, whether it follows fd changes. */
interface Trace {
  state: TraceState;
  view: TraceView;
  fdChangesTraced: boolean;
}

/** A trace of `options` (strace's defaults otherwise) whose targets are `pids`. */
function traceOf(pids: number[], options: Partial<TraceView>, system?: FdSystem, fdChangesTraced = true): Trace {
  return { state: catalog.newTraceState(pids, system), view: { ...DEFAULT_DECODE_OPTIONS, bufferBytes: 4096, execEnv: true, ...options }, fdChangesTraced };
}

/** Decodes a call through the catalog, as the service would, to the client's output shape. */
function decode(name: string, call: Call, state?: TraceState | Trace): SyscallEvent__Output {
  const info = catalog.byName(name);
  assert.ok(info, `no ${name} in the test catalog`);
  const strings = new Map<number, RawString>(
    Object.entries(call.strings ?? {}).map(([i, s]) => [Number(i), typeof s === 'string' ? { text: s, truncated: false, unreadable: false } : s]),
  );
  const args = call.args.map(BigInt);
  while (args.length < 6) args.push(0n);
  const raw: RawSyscall = {
    nr: info.nr,
    args,
    ret: BigInt(call.ret ?? 0),
    durationNs: 1000n,
    noReturn: call.noReturn ?? false,
    strings,
    blobs: new Map(Object.entries(call.blobs ?? {}).map(([i, b]) => [Number(i), b])),
    pid: call.pid ?? 100,
    tid: call.pid ?? 100,
  };
  const ev = state !== undefined && 'view' in state ? catalog.decodeViews(raw, state.state, [state.view], state.fdChangesTraced)[0] : catalog.decode(raw, state);
  // Proto3 defaults, as a gRPC client sees them.
  return {
    ret_fd_path: '',
    ...ev,
    decoded: (ev.decoded ?? []).map((a) => ({ truncated: false, unreadable: false, symbolic: '', fd_path: '', ignored: false, buffer: Buffer.alloc(0), items: [], str_bytes: Buffer.alloc(0), items_bytes: [], return_note: '', ...a })),
  } as unknown as SyscallEvent__Output;
}

/** The argument list as the printer renders it. */
function render(name: string, call: Call, state?: TraceState | Trace, fdPaths = false): string {
  return formatArgs(decode(name, call, state), fdPaths).join(', ');
}

const AT_FDCWD = 0xffffff9cn;

test('xlat: strace printflags and printxval conventions', () => {
  const t = fixedXlat([['ZERO', 0], ['A', 1], ['B', 2], ['AB', 3], ['C', 8]]);
  assert.equal(formatFlags(0n, t, 'X_???'), 'ZERO');
  assert.equal(formatFlags(3n, t, 'X_???'), 'A|B');
  assert.equal(formatFlags(0x13n, t, 'X_???'), 'A|B|0x10');
  assert.equal(formatFlags(0x30n, t, 'X_???'), '0x30 /* X_??? */');
  assert.equal(formatFlags(0n, fixedXlat([['A', 1]]), 'X_???'), '0');
  assert.equal(formatValue(8n, t, 'X_???'), 'C');
  assert.equal(formatValue(99n, t, 'X_???'), '0x63 /* X_??? */');
});

test('quoting: octal escapes padded only before digits, C escapes, hex, truncation, NUL stop', () => {
  assert.equal(quoteBytes(Buffer.from('\x7fELF\x02\x01\x01\x00\x00', 'latin1')), '"\\177ELF\\2\\1\\1\\0\\0"');
  assert.equal(quoteBytes(Buffer.from('\x001', 'latin1')), '"\\0001"');
  assert.equal(quoteBytes(Buffer.from('a\tb\n"\\', 'latin1'), { truncated: true }), '"a\\tb\\n\\"\\\\"...');
  assert.equal(quoteBytes(Buffer.from([0x5e, 0x0f]), { hex: true }), '"\\x5e\\x0f"');
  assert.equal(quoteBytes(Buffer.from('/tmp/x\0junk', 'latin1'), { stopAtNul: true }), '"/tmp/x"');
  assert.equal(quoteBytes(Buffer.from('é')), '"\\303\\251"');
});

test('open family: flags, mode only with O_CREAT, openat2 struct', () => {
  assert.equal(render('openat', { args: [AT_FDCWD, 1, 0o2000000, 0], strings: { 1: '/etc/ld.so.cache' }, ret: 3 }), 'AT_FDCWD, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC');
  assert.equal(render('openat', { args: [AT_FDCWD, 1, 0o1101, 0o640], strings: { 1: 'new.txt' }, ret: 3 }), 'AT_FDCWD, "new.txt", O_WRONLY|O_CREAT|O_TRUNC, 0640');
  const how = words([0o2000000, 0, 0]);
  assert.equal(render('openat2', { args: [AT_FDCWD, 1, 0x7ffd, 24], strings: { 1: '/tmp' }, blobs: { 2: bytes(how) }, ret: 3 }), 'AT_FDCWD, "/tmp", {flags=O_RDONLY|O_CLOEXEC, resolve=0}, 24');
  const creating = words([0o100 | 0o2, 0o600, 0x08]);
  assert.equal(render('openat2', { args: [AT_FDCWD, 1, 0x7ffd, 24], strings: { 1: 'f' }, blobs: { 2: bytes(creating) }, ret: 3 }), 'AT_FDCWD, "f", {flags=O_RDWR|O_CREAT, mode=0600, resolve=RESOLVE_BENEATH}, 24');
});

test('files: stat buffers, access modes, AT flags, readlink, getcwd, lseek, fcntl, ioctl', () => {
  const stat = new Uint8Array(144);
  const sv = new DataView(stat.buffer);
  sv.setUint32(24, 0o100644, true);
  sv.setBigUint64(48, 37479n, true);
  assert.equal(render('newfstatat', { args: [3, 1, 0x7ffc, 0x1000], strings: { 1: '' }, blobs: { 2: bytes(stat) } }), '3, "", {st_mode=S_IFREG|0644, st_size=37479, ...}, AT_EMPTY_PATH');
  const chr = new Uint8Array(144);
  const cv = new DataView(chr.buffer);
  cv.setUint32(24, 0o20666, true);
  cv.setBigUint64(40, 0x103n, true);
  assert.equal(render('fstat', { args: [0, 0x7ffc], blobs: { 1: bytes(chr) } }), '0, {st_mode=S_IFCHR|0666, st_rdev=makedev(0x1, 0x3), ...}');
  // A failed stat: the buffer was not written, so only its address.
  assert.equal(render('newfstatat', { args: [AT_FDCWD, 1, 0x7ffc1234, 0], strings: { 1: 'nope' }, ret: -2 }), 'AT_FDCWD, "nope", 0x7ffc1234, 0');
  assert.equal(render('access', { args: [1, 4], strings: { 0: '/etc/ld.so.preload' } }), '"/etc/ld.so.preload", R_OK');
  assert.equal(render('access', { args: [1, 0], strings: { 0: 'x' } }), '"x", F_OK');
  assert.equal(render('access', { args: [1, 6], strings: { 0: 'x' } }), '"x", R_OK|W_OK');
  assert.equal(render('faccessat2', { args: [AT_FDCWD, 1, 1, 0x200], strings: { 1: 'x' } }), 'AT_FDCWD, "x", X_OK, AT_EACCESS');
  assert.equal(render('unlinkat', { args: [4, 1, 0x200], strings: { 1: 'd' } }), '4, "d", AT_REMOVEDIR');
  assert.equal(render('statx', { args: [AT_FDCWD, 1, 0x900, 0x25e, 0x7ffc], strings: { 1: '/etc' } }).split(', ').slice(0, 4).join(', '), 'AT_FDCWD, "/etc", AT_STATX_SYNC_AS_STAT|AT_SYMLINK_NOFOLLOW|AT_NO_AUTOMOUNT, STATX_MODE|STATX_NLINK|STATX_UID|STATX_GID|STATX_MTIME|STATX_SIZE');
  assert.equal(render('readlink', { args: [1, 0x7ffc, 22], strings: { 0: '/etc/os-release' }, blobs: { 1: bytes('../usr/lib/os-release') }, ret: 21 }), '"/etc/os-release", "../usr/lib/os-release", 22');
  assert.equal(render('getcwd', { args: [0x7ffc, 1024], blobs: { 0: bytes('/tmp\0') }, ret: 5 }), '"/tmp", 1024');
  assert.equal(render('lseek', { args: [3, 0, 0] }), '3, 0, SEEK_SET');
  assert.equal(render('lseek', { args: [3, -10n & 0xffffffffffffffffn, 2] }), '3, -10, SEEK_END');
  assert.equal(render('fcntl', { args: [0, 1, 0] }), '0, F_GETFD', 'F_GETFD takes no argument');
  assert.equal(render('fcntl', { args: [3, 2, 1] }), '3, F_SETFD, FD_CLOEXEC');
  assert.equal(render('fcntl', { args: [1, 0, 10] }), '1, F_DUPFD, 10');
  assert.equal(render('fcntl', { args: [3, 4, 0o4002] }), '3, F_SETFL, O_RDWR|O_NONBLOCK');
  assert.equal(render('ioctl', { args: [1, 0x5401, 0x7ffda7de0390], ret: -25 }), '1, TCGETS, 0x7ffda7de0390');
  assert.equal(render('dup3', { args: [3, 1, 0o2000000] }), '3, 1, O_CLOEXEC');
  assert.equal(render('pipe2', { args: [0x7ffc, 0], blobs: { 0: bytes(words([3, 4], 4)) } }), '[3, 4], 0');
  assert.equal(render('mkdir', { args: [1, 0o750], strings: { 0: 'dir' } }), '"dir", 0750');
  assert.equal(render('close', { args: [0xffffffffn], ret: -9 }), '-1', 'fds are signed');
});

test('memory: mmap prot, flags and offset; mprotect; madvise', () => {
  assert.equal(render('mmap', { args: [0, 8192, 3, 0x22, 0xffffffffffffffffn, 0], ret: 0x7f7137683000n }), 'NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0');
  assert.equal(render('mmap', { args: [0x7f71374bd000n, 1400832, 5, 0x812, 3, 0x26000], ret: 0x7f71374bd000n }), '0x7f71374bd000, 1400832, PROT_READ|PROT_EXEC, MAP_PRIVATE|MAP_FIXED|MAP_DENYWRITE, 3, 0x26000');
  assert.equal(render('mmap', { args: [0, 27028, 1, 1, 3, 0] }), 'NULL, 27028, PROT_READ, MAP_SHARED, 3, 0');
  assert.equal(render('mmap', { args: [0, 4096, 0, 0x40022, 0xffffffffffffffffn, 0] }), 'NULL, 4096, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB, -1, 0');
  assert.equal(render('mprotect', { args: [0x7f7137666000n, 16384, 1] }), '0x7f7137666000, 16384, PROT_READ');
  assert.equal(render('madvise', { args: [0x7f00n, 8192, 4] }), '0x7f00, 8192, MADV_DONTNEED');
});

test('process: clone, clone3, execve argv and env, wait4, prlimit64, arch_prctl, rseq, exit_group', () => {
  const clone = decode('clone', { args: [0x1200011, 0, 0, 0x7fda6c1e4a10n, 0], ret: 23679 });
  assert.equal(formatSyscall(clone).replace(/ <.*/, ''), 'clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7fda6c1e4a10) = 23679');
  const thread = decode('clone', { args: [0x3d0f00, 0x7f00001000n, 0x7f00002000n, 0x7f00002000n, 0x7f00003000n], ret: 101 });
  assert.equal(
    formatArgs(thread).join(', '),
    'child_stack=0x7f00001000, flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, parent_tid=0x7f00002000, tls=0x7f00003000, child_tidptr=0x7f00002000',
  );
  const args3 = words([0x200000 | 0x1000000, 0, 0x7f0000aa10n, 0, 17, 0, 0, 0, 0, 0, 0]);
  assert.equal(render('clone3', { args: [0x7ffc, 88], blobs: { 0: bytes(args3) }, ret: 5 }), '{flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID, child_tid=0x7f0000aa10, exit_signal=SIGCHLD, stack=NULL, stack_size=0}, 88');
  const argv: RawBlob = { kind: 'strv', items: ['true', 'one arg', 'two\targ'], cut: [false, false, false], truncated: false, unreadable: false };
  const env: RawBlob = { kind: 'count', count: 35, truncated: false, unreadable: false };
  assert.equal(render('execve', { args: [1, 0x7ffc1000, 0x7ffeea536ca8n], strings: { 0: '/usr/bin/true' }, blobs: { 1: argv, 2: env } }), '"/usr/bin/true", ["true", "one arg", "two\\targ"], 0x7ffeea536ca8 /* 35 vars */');
  const one: RawBlob = { kind: 'count', count: 1, truncated: false, unreadable: false };
  const cut: RawBlob = { kind: 'strv', items: ['cat', 'aaaa'], cut: [false, true], truncated: true, unreadable: false };
  assert.equal(render('execve', { args: [1, 2, 0x7ff0], strings: { 0: '/bin/cat' }, blobs: { 1: cut, 2: one } }), '"/bin/cat", ["cat", "aaaa"..., ...], 0x7ff0 /* 1 var */');
  const envStrings: RawBlob = { kind: 'strv', items: ['A=1'], cut: [false], truncated: false, unreadable: false };
  assert.equal(render('execve', { args: [1, 2, 3], strings: { 0: '/bin/true' }, blobs: { 2: envStrings } }), '"/bin/true", 0x2, ["A=1"]');
  const exited = bytes(words([0], 4));
  assert.equal(render('wait4', { args: [0xffffffffn, 0x7fff, 0, 0], blobs: { 1: exited }, ret: 23679 }), '-1, [{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL');
  assert.equal(render('wait4', { args: [0xffffffffn, 0x7fff5849188cn, 1, 0], ret: -10 }), '-1, 0x7fff5849188c, WNOHANG, NULL');
  assert.equal(render('wait4', { args: [7, 0x7fff, 0, 0], blobs: { 1: bytes(words([0x8b], 4)) }, ret: 7 }), '7, [{WIFSIGNALED(s) && WTERMSIG(s) == SIGSEGV && WCOREDUMP(s)}], 0, NULL');
  const rlim = bytes(words([8192n * 1024n, 0xffffffffffffffffn]));
  assert.equal(render('prlimit64', { args: [0, 3, 0, 0x7ffc], blobs: { 3: rlim } }), '0, RLIMIT_STACK, NULL, {rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY}');
  assert.equal(render('prlimit64', { args: [0, 7, 0, 0x7ffc], blobs: { 3: bytes(words([1024, 1048576])) } }), '0, RLIMIT_NOFILE, NULL, {rlim_cur=1024, rlim_max=1024*1024}');
  assert.equal(render('arch_prctl', { args: [0x1002, 0x7f7137494740n] }), 'ARCH_SET_FS, 0x7f7137494740');
  assert.equal(render('rseq', { args: [0x7f7137495060n, 0x20, 0, 0x53053053] }), '0x7f7137495060, 0x20, 0, 0x53053053');
  assert.equal(render('exit_group', { args: [1], noReturn: true }), '1');
});

test('futex: the operation and only the arguments it uses', () => {
  assert.equal(render('futex', { args: [0x7f713766ba4cn, 0x81, 0x7fffffff, 0, 0, 0] }), '0x7f713766ba4c, FUTEX_WAKE_PRIVATE, 2147483647');
  assert.equal(render('futex', { args: [0x7f00n, 0x80, 2, 0, 0, 0] }), '0x7f00, FUTEX_WAIT_PRIVATE, 2, NULL');
  assert.equal(render('futex', { args: [0x7f00n, 0x189, 0, 0x7ffc, 0, 0xffffffff] }), '0x7f00, FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME, 0, 0x7ffc, FUTEX_BITSET_MATCH_ANY');
});

test('signals: names, sets (inverted past two thirds), sigaction, sigprocmask', () => {
  assert.equal(render('kill', { args: [0, 0] }), '0, 0');
  assert.equal(render('kill', { args: [1234, 15] }), '1234, SIGTERM');
  assert.equal(render('kill', { args: [1234, 34] }), '1234, SIGRT_2');
  const act = bytes(words([0x55c2969e6dc0n, 0x04000000, 0x7fda6c223050n, ~(1n << 32n | 1n << 31n) & 0xffffffffffffffffn]));
  assert.equal(render('rt_sigaction', { args: [17, 0x7ffc, 0, 8], blobs: { 1: act } }), 'SIGCHLD, {sa_handler=0x55c2969e6dc0, sa_mask=~[RTMIN RT_1], sa_flags=SA_RESTORER, sa_restorer=0x7fda6c223050}, NULL, 8');
  const old = bytes(words([0, 0, 0, 0]));
  assert.equal(render('rt_sigaction', { args: [2, 0, 0x7ffc, 8], blobs: { 2: old } }), 'SIGINT, NULL, {sa_handler=SIG_DFL, sa_mask=[], sa_flags=0}, 8');
  const ign = bytes(words([1, 0x14000000, 0x7f00n, 0]));
  assert.equal(render('rt_sigaction', { args: [10, 0x7ffc, 0, 8], blobs: { 1: ign } }), 'SIGUSR1, {sa_handler=SIG_IGN, sa_mask=[], sa_flags=SA_RESTORER|SA_RESTART, sa_restorer=0x7f00}, NULL, 8');
  const set = bytes(words([(1n << 11n) | (1n << 14n)]));
  assert.equal(render('rt_sigprocmask', { args: [0, 0x7ffc, 0, 8], blobs: { 1: set } }), 'SIG_BLOCK, [USR2 TERM], NULL, 8');
  const all = bytes(words([~((1n << 8n) | (1n << 18n) | (1n << 31n) | (1n << 32n)) & 0xffffffffffffffffn]));
  assert.equal(render('rt_sigprocmask', { args: [2, 0x7ffc, 0x7ffd, 8], blobs: { 1: bytes(words([0])), 2: all } }), 'SIG_SETMASK, [], ~[KILL STOP RTMIN RT_1], 8');
  // seccomp: SECCOMP_GET_ACTION_AVAIL's action behind the pointer, named.
  const action = (n: number) => ({ 2: bytes(new Uint8Array(new Uint32Array([n]).buffer)) });
  assert.equal(render('seccomp', { args: [2, 0, 0x7ffc], blobs: action(0) }), 'SECCOMP_GET_ACTION_AVAIL, 0, [SECCOMP_RET_KILL_THREAD]');
  assert.equal(render('seccomp', { args: [2, 0, 0x7ffc], blobs: action(0x7fff0000), ret: 0 }), 'SECCOMP_GET_ACTION_AVAIL, 0, [SECCOMP_RET_ALLOW]');
  assert.equal(render('seccomp', { args: [2, 0, 0x7ffc], blobs: action(0xffffffff), ret: -95 }), 'SECCOMP_GET_ACTION_AVAIL, 0, [0xffffffff /* SECCOMP_RET_??? */]');
  assert.equal(render('seccomp', { args: [2, 0xcafef00d, 0], ret: -22 }), 'SECCOMP_GET_ACTION_AVAIL, 0xcafef00d, NULL');
  assert.equal(render('seccomp', { args: [1, 0, 0x7ffc], blobs: action(0) }), 'SECCOMP_SET_MODE_FILTER, 0, 0x7ffc', 'a struct sock_fprog cut short is its address');
  // The filter program's struct (its instructions' address), the notification sizes after success.
  const fprog = { 2: bytes(words([0xffff0007n, 0x7f00n])) };
  assert.equal(render('seccomp', { args: [1, 0, 0x7ffc], blobs: fprog, ret: -22 }), 'SECCOMP_SET_MODE_FILTER, 0, {len=7, filter=0x7f00}');
  const notif = { 2: bytes(Buffer.from([80, 0, 24, 0, 64, 0])) };
  assert.equal(render('seccomp', { args: [3, 0, 0x7ffc], blobs: notif, ret: 0 }), 'SECCOMP_GET_NOTIF_SIZES, 0, {seccomp_notif=80, seccomp_notif_resp=24, seccomp_data=64}');
  assert.equal(render('seccomp', { args: [3, 0, 0x7ffc], blobs: notif, ret: -14 }), 'SECCOMP_GET_NOTIF_SIZES, 0, 0x7ffc');
  assert.equal(render('seccomp', { args: [1, 0x41, 0x7ffc], ret: -22 }), 'SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC|0x40, 0x7ffc');
  // rt_sigpending: the set in as many bytes as its size says (1 to 8), the address otherwise.
  assert.equal(render('rt_sigpending', { args: [0x7fff, 2], blobs: { 0: bytes(new Uint8Array([3, 0])) } }), '[HUP INT], 2');
  assert.equal(render('rt_sigpending', { args: [0x7fff, 1], blobs: { 0: bytes(new Uint8Array([0])) } }), '[], 1');
  assert.equal(render('rt_sigpending', { args: [0x7fff, 0], blobs: { 0: bytes(new Uint8Array([])) } }), '0x7fff, 0');
  assert.equal(render('rt_sigpending', { args: [0x7ff0, 16], ret: -22 }), '0x7ff0, 16');
});

test('sockets: family, type, protocol, sockaddrs, lengths, flags', () => {
  assert.equal(render('socket', { args: [2, 0x80001, 6], ret: 3 }), 'AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_TCP');
  assert.equal(render('socket', { args: [1, 0x80801, 0], ret: 3 }), 'AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK, 0');
  assert.equal(render('socket', { args: [99, 2, 0], ret: -97 }), '0x63 /* AF_??? */, SOCK_DGRAM, 0');
  const in4 = Buffer.from([2, 0, 0, 80, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
  assert.equal(render('connect', { args: [3, 0x7ffc, 16], blobs: { 1: bytes(in4) } }), '3, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("127.0.0.1")}, 16');
  const in6 = Buffer.alloc(28);
  in6.writeUInt16LE(10, 0);
  in6.writeUInt16BE(8080, 2);
  in6[23] = 1;
  assert.equal(render('connect', { args: [3, 0x7ffc, 28], blobs: { 1: bytes(in6) } }), '3, {sa_family=AF_INET6, sin6_port=htons(8080), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}, 28');
  const un = Buffer.alloc(110);
  un.writeUInt16LE(1, 0);
  un.write('/var/run/nscd/socket', 2);
  assert.equal(render('connect', { args: [3, 0x7ffc, 110], blobs: { 1: bytes(un) }, ret: -2 }), '3, {sa_family=AF_UNIX, sun_path="/var/run/nscd/socket"}, 110');
  const abstract = Buffer.from('\x01\x00\x00name', 'latin1');
  assert.equal(render('connect', { args: [3, 0x7ffc, 7], blobs: { 1: bytes(abstract) } }), '3, {sa_family=AF_UNIX, sun_path=@"name"}, 7');
  const unnamed = Buffer.from([1, 0]);
  assert.equal(render('accept4', { args: [3, 0x7ffc, 0x7ffd, 0x80000], blobs: { 1: bytes(unnamed), 2: { kind: 'inout', before: 110, after: 2, unreadable: false } }, ret: 5 }), '3, {sa_family=AF_UNIX}, [110 => 2], SOCK_CLOEXEC');
  assert.equal(render('getsockname', { args: [3, 0x7ffc, 0x7ffd], blobs: { 1: bytes(in4), 2: { kind: 'inout', before: 16, after: 16, unreadable: false } } }), '3, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("127.0.0.1")}, [16]');
  assert.equal(render('getsockname', { args: [0, 0x7ffc, 0x7ffd], blobs: { 2: { kind: 'inout', before: 16, after: 16, unreadable: false } }, ret: -88 }), '0, 0x7ffc, [16]');
  assert.equal(render('sendto', { args: [3, 0x7ffc, 5, 0x4000, 0, 0], blobs: { 1: bytes('ping\n') } }), '3, "ping\\n", 5, MSG_NOSIGNAL, NULL, 0');
  assert.equal(render('recvfrom', { args: [3, 0x7ffc, 64, 0x100, 0, 0], blobs: { 1: bytes('pong\n') }, ret: 5 }), '3, "pong\\n", 64, MSG_WAITALL, NULL, NULL');
  assert.equal(render('shutdown', { args: [3, 2] }), '3, SHUT_RDWR');
  assert.equal(render('socketpair', { args: [1, 2, 0, 0x7ffc], blobs: { 3: bytes(words([3, 4], 4)) } }), 'AF_UNIX, SOCK_DGRAM, 0, [3, 4]');
});

test('IPv6 text as inet_ntop writes it', () => {
  const a = (hex: string) => Buffer.from(hex.replace(/ /g, ''), 'hex');
  assert.equal(ipv6Text(a('0000 0000 0000 0000 0000 0000 0000 0001')), '::1');
  assert.equal(ipv6Text(a('0000 0000 0000 0000 0000 0000 0000 0000')), '::');
  assert.equal(ipv6Text(a('fe80 0000 0000 0000 0000 0000 0001 0002')), 'fe80::1:2');
  assert.equal(ipv6Text(a('2001 0db8 0000 0001 0000 0000 0000 0001')), '2001:db8:0:1::1');
  assert.equal(ipv6Text(a('0000 0000 0000 0000 0000 ffff 7f00 0001')), '::ffff:127.0.0.1');
  assert.equal(ipv6Text(a('2001 0db8 0001 0000 0000 0001 0000 0000')), '2001:db8:1::1:0:0');
  assert.equal(ipv6Text(a('0001 0000 0000 0000 0000 0000 0000 0000')), '1::');
});

test('data buffers: quoted, cut with ..., only when the call succeeded for outputs', () => {
  assert.equal(render('read', { args: [3, 0x7ffc, 832], blobs: { 1: bytes('\x7fELF\x02\x01\x01\x03', true) }, ret: 832 }), '3, "\\177ELF\\2\\1\\1\\3"..., 832');
  assert.equal(render('read', { args: [3, 0x55ea6d3e04a0n, 4096], blobs: { 1: bytes('') }, ret: 0 }), '3, "", 4096');
  assert.equal(render('read', { args: [3, 0x55ea6d3e04a0n, 4096], ret: -11 }), '3, 0x55ea6d3e04a0, 4096');
  assert.equal(render('write', { args: [1, 0x7ffc, 3], blobs: { 1: bytes('vm\n') }, ret: 3 }), '1, "vm\\n", 3');
  assert.equal(render('getrandom', { args: [0x7fc1f4d65478n, 8, 1], blobs: { 0: bytes(Buffer.from('5e0f63300ee875f0', 'hex')) }, ret: 8 }), '"\\x5e\\x0f\\x63\\x30\\x0e\\xe8\\x75\\xf0", 8, GRND_NONBLOCK');
  // The raw bytes are in SyscallArg.buffer as well.
  const ev = decode('write', { args: [1, 0x7ffc, 3], blobs: { 1: bytes('vm\n') }, ret: 3 });
  assert.equal(Buffer.from(ev.decoded[1].buffer).toString(), 'vm\n');
});

/** A filesystem with fixed /proc answers and realpaths. */
function fakeFs(links: Record<string, string>, real: Record<string, string> = {}): FdSystem {
  return {
    readlink: (f) => links[f],
    realpath: (f) => real[f] ?? f,
    readdir: (d) => Object.keys(links).filter((k) => k.startsWith(`${d}/`)).map((k) => k.slice(d.length + 1)),
  };
}

test('fd paths: opens, dups, closes, exec, fork, chdir, and the pre-trace table', () => {
  const fs = fakeFs({ '/proc/100/fd/0': '/dev/null', '/proc/100/fd/1': 'pipe:[7]', '/proc/100/cwd': '/home/me' }, { '/lib/x86_64-linux-gnu/libc.so.6': '/usr/lib/x86_64-linux-gnu/libc.so.6' });
  const state = catalog.newTraceState([100], fs);
  const at = (name: string, call: Call) => decode(name, { pid: 100, ...call }, state);
  const open = at('openat', { args: [AT_FDCWD, 1, 0o2000000, 0], strings: { 1: '/lib/x86_64-linux-gnu/libc.so.6' }, ret: 3 });
  assert.equal(open.ret_fd_path, '/usr/lib/x86_64-linux-gnu/libc.so.6', 'symlinks resolved like /proc shows them');
  assert.equal(open.decoded[0].fd_path, '/home/me', 'AT_FDCWD names the cwd');
  assert.equal(formatArgs(at('read', { args: [3, 0x7ffc, 832], ret: 832 }), true)[0], '3</usr/lib/x86_64-linux-gnu/libc.so.6>');
  assert.equal(at('read', { args: [0, 0x7ffc, 1], ret: 0 }).decoded[0].fd_path, '/dev/null', 'pre-trace fd from /proc');
  at('openat', { args: [AT_FDCWD, 1, 0, 0], strings: { 1: 'notes.txt' }, ret: 4 });
  assert.equal(at('close', { args: [4] }).decoded[0].fd_path, '/home/me/notes.txt', 'relative to the cwd; close shows what it closed');
  assert.equal(at('close', { args: [4], ret: -9 }).decoded[0].fd_path, '', 'gone after close');
  at('dup2', { args: [3, 1], ret: 1 });
  assert.equal(at('write', { args: [1, 0, 0] }).decoded[0].fd_path, '/usr/lib/x86_64-linux-gnu/libc.so.6');
  // fork: the child copies; later changes in either stay apart.
  at('clone', { args: [0x1200011, 0, 0, 0, 0], ret: 200 });
  at('close', { args: [3] });
  assert.equal(decode('read', { pid: 200, args: [3, 0, 0] }, state).decoded[0].fd_path, '/usr/lib/x86_64-linux-gnu/libc.so.6');
  assert.equal(at('read', { args: [3, 0, 0] }).decoded[0].fd_path, '');
  // exec drops close-on-exec fds (3 in the child was opened O_CLOEXEC), keeps the others.
  decode('execve', { pid: 200, args: [1, 0, 0], strings: { 0: '/bin/true' }, ret: 0 }, state);
  assert.equal(decode('read', { pid: 200, args: [3, 0, 0] }, state).decoded[0].fd_path, '');
  assert.equal(decode('read', { pid: 200, args: [1, 0, 0] }, state).decoded[0].fd_path, '/usr/lib/x86_64-linux-gnu/libc.so.6');
  // chdir moves the base of relative paths; pipes and sockets come from /proc at creation.
  at('chdir', { args: [1], strings: { 0: '/tmp' } });
  at('openat', { args: [AT_FDCWD, 1, 0, 0], strings: { 1: 'x' }, ret: 5 });
  assert.equal(at('read', { args: [5, 0, 0] }).decoded[0].fd_path, '/tmp/x');
  state.onExit(100);
});

test('-y as strace prints it: AT_FDCWD names the cwd only as a dirfd, fsconfig aux by command, open_tree and io_uring fds', () => {
  const long = `/${'d'.repeat(4095)}`;
  // /proc has nothing of fd 3, 5, 6 (the process exited before its records were decoded).
  const state = catalog.newTraceState([100], fakeFs({ '/proc/100/fd/4': '/dev/full', '/proc/100/cwd': '/home/me' }));
  const at = (name: string, call: Call) => render(name, { pid: 100, ...call }, state, true);
  assert.equal(at('fsmount', { args: [AT_FDCWD, 0, 0], ret: -9 }), '-100, 0, 0', 'fs_fd is a plain fd: -100 names nothing');
  assert.equal(at('fspick', { args: [AT_FDCWD, 1, 0], strings: { 1: 'x' }, ret: -2 }), 'AT_FDCWD</home/me>, "x", 0');
  assert.equal(at('fspick', { args: [0xdefaced00000004n, 1, 8], strings: { 1: '' }, ret: -22 }), '4</dev/full>, "", FSPICK_EMPTY_PATH', 'an int: the upper half ignored');
  assert.equal(
    at('move_mount', { args: [4, 1, AT_FDCWD, 3, 0], strings: { 1: 'a', 3: '' }, ret: -2 }),
    '4</dev/full>, "a", AT_FDCWD</home/me>, "", 0',
  );
  // fsconfig's aux: a dirfd for FSCONFIG_SET_PATH (3), an fd for FSCONFIG_SET_FD (5), a number otherwise.
  const aux = (cmd: number, value: number | bigint) => decode('fsconfig', { pid: 100, args: [4, cmd, 0, 0, value], ret: -22 }, state).decoded[4].fd_path;
  assert.deepEqual([aux(3, AT_FDCWD), aux(5, 4), aux(0, 4), aux(5, AT_FDCWD)], ['/home/me', '/dev/full', '', '']);
  // open_tree's fd names its path (relative to the dirfd when empty); a clone is asked of /proc.
  const tree = decode('open_tree', { pid: 100, args: [4, 1, 0x1000], strings: { 1: '' }, ret: 5 }, state);
  assert.equal(tree.ret_fd_path, '/dev/full');
  // io_uring's fd keeps the kernel's fixed name when /proc is gone.
  assert.equal(decode('io_uring_setup', { pid: 100, args: [2, 0x7ffc], ret: 6 }, state).ret_fd_path, 'anon_inode:[io_uring]');
  assert.match(at('io_uring_enter', { args: [6, 0, 0, 0, 0, 0], ret: -22 }), /^6<anon_inode:\[io_uring\]>, /);
  // A cwd of PATH_MAX bytes or more: strace's readlink fills its buffer and it prints no path.
  decode('chdir', { pid: 100, args: [1], strings: { 0: long }, ret: 0 }, state);
  assert.equal(at('openat', { args: [AT_FDCWD, 1, 0, 0], strings: { 1: 's' }, ret: -2 }), 'AT_FDCWD, "s", O_RDONLY');
  decode('chdir', { pid: 100, args: [1], strings: { 0: long.slice(0, -1) }, ret: 0 }, state);
  assert.equal(at('openat', { args: [AT_FDCWD, 1, 0, 0], strings: { 1: 's' }, ret: -2 }), `AT_FDCWD<${long.slice(0, -1)}>, "s", O_RDONLY`);
});

test('a trace of some calls also captures the fd- and cwd-changing calls it does not select (for -y), none of them twice', () => {
  const nr = (name: string) => catalog.byName(name)!.nr;
  const extra = fdTrackingSyscalls([nr('fspick'), nr('openat')], catalog).map((n) => catalog.byNumber(n)!.name);
  for (const name of ['close', 'dup2', 'chdir', 'fchdir', 'io_uring_setup', 'open_tree']) assert.ok(extra.includes(name), name);
  assert.ok(!extra.includes('openat') && !extra.includes('fspick'), 'what it selects stays delivered');
  assert.equal(new Set(extra).size, extra.length);
  assert.deepEqual(fdTrackingSyscalls(null, catalog), [], 'every call: nothing to add');
  assert.deepEqual(fdTrackingSyscalls([], catalog), [], 'no call (trace=none): nothing to name');
});

test('strings keep bytes that are not UTF-8 (str_bytes) and print them as strace does; unreadable ones print their address', () => {
  const raw = Buffer.from('/tmp/hi~\x92', 'latin1');
  const ev = decode('chdir', { args: [0x7ffd0000], ret: -2, strings: { 0: { text: raw.toString('utf8'), bytes: raw, truncated: false, unreadable: false } } });
  assert.deepEqual(Buffer.from(ev.decoded[0].str_bytes), raw);
  assert.equal(ev.decoded[0].str, '/tmp/hi~\ufffd');
  assert.equal(formatArgs(ev).join(', '), '"/tmp/hi~\\222"');
  assert.equal(render('chdir', { args: [0x7ffd0000], ret: -2, strings: { 0: '/tmp/caf\u00e9' } }), '"/tmp/caf\\303\\251"');
  assert.equal(render('chdir', { args: [0x7f0000001000], ret: -14, strings: { 0: { text: '', truncated: false, unreadable: true } } }), '0x7f0000001000');

  const argv: RawBlob = { kind: 'strv', items: ['ls', '\ufffd'], itemBytes: [Buffer.from('ls'), Buffer.from([0x92])], cut: [false, false], truncated: false, unreadable: false };
  const exec = decode('execve', { args: [1, 2, 3], strings: { 0: '/bin/ls' }, blobs: { 1: argv } });
  assert.deepEqual(exec.decoded[1].items_bytes.map((b) => [...b]), [[0x6c, 0x73], [0x92]]);
  assert.equal(formatArgs(exec)[1], '["ls", "\\222"]');
});

test('iovec arrays and msghdrs from their derived blobs, the data cut per view to its buffer_bytes', () => {
  const iovs = (...elems: Array<[number, number]>) => bytes(words(elems.flat(), 8));
  const data = (text: string): RawBlob => ({ kind: 'bytes', data: Buffer.from(text), truncated: false, unreadable: false, transferred: true });
  const writev: Call = { args: [3, 0x7ffc, 2], ret: 7, blobs: { [derivedKey(1, 0)]: iovs([0x1000, 3], [0x2000, 4]), [derivedKey(1, 1)]: data('vec'), [derivedKey(1, 2)]: data('tor\n') } };
  assert.equal(render('writev', writev), '3, [{iov_base="vec", iov_len=3}, {iov_base="tor\\n", iov_len=4}], 2');
  const cut = traceOf([], { bufferBytes: 2 });
  assert.equal(render('writev', writev, cut), '3, [{iov_base="ve"..., iov_len=3}, {iov_base="to"..., iov_len=4}], 2', 'cut to the view');
  const none = traceOf([], { bufferBytes: 0 });
  assert.equal(render('writev', writev, none), '3, [{iov_base=0x1000, iov_len=3}, {iov_base=0x2000, iov_len=4}], 2', 'no data without buffer_bytes');
  // readv: what the call read, at most its return value per element in order.
  const readv: Call = { args: [3, 0x7ffc, 2], ret: 0, blobs: { [derivedKey(1, 0)]: iovs([0x1000, 5], [0x2000, 64]), [derivedKey(1, 1)]: data(''), [derivedKey(1, 2)]: data('') } };
  assert.equal(render('readv', readv), '3, [{iov_base="", iov_len=5}, {iov_base="", iov_len=64}], 2');
  assert.equal(render('readv', { ...readv, ret: -14 }), '3, [{iov_base=0x1000, iov_len=5}, {iov_base=0x2000, iov_len=64}], 2', 'a failed read shows the array without data');
  assert.equal(render('readv', { args: [3, 0x7ffc, 0], ret: -22, blobs: { [derivedKey(1, 0)]: iovs() } }), '3, [], 0', 'an empty array');
  // An array whose end is unmapped: the elements read, then the address of the first one not.
  const cut2: Call = { args: [3, 0x7ffc, 2], ret: -14, blobs: { [derivedKey(1, 0)]: iovs([0x1000, 8]) } };
  assert.equal(render('readv', cut2), '3, [{iov_base=0x1000, iov_len=8}, ... /* 0x800c */], 2');
  assert.equal(render('readv', { ...cut2, blobs: { [derivedKey(1, 0)]: iovs() } }), '3, 0x7ffc, 2', 'no element readable: the address');
  // sendmsg: the struct, its iovecs and an SCM_RIGHTS control message.
  const msg = Buffer.alloc(56);
  msg.writeBigUInt64LE(0x3000n, 16); // msg_iov
  msg.writeBigUInt64LE(1n, 24); // msg_iovlen
  msg.writeBigUInt64LE(0x4000n, 32); // msg_control
  msg.writeBigUInt64LE(24n, 40); // msg_controllen
  const cmsg = Buffer.alloc(24);
  cmsg.writeBigUInt64LE(20n, 0);
  cmsg.writeInt32LE(1, 8); // SOL_SOCKET
  cmsg.writeInt32LE(1, 12); // SCM_RIGHTS
  cmsg.writeInt32LE(3, 16);
  const sendmsg: Call = {
    args: [4, 0x7ffc, 0],
    ret: 5,
    blobs: { 1: bytes(msg), [derivedKey(1, 2)]: iovs([0x5000, 5]), [derivedKey(1, 3)]: data('hello'), [derivedKey(1, 7)]: bytes(cmsg) },
  };
  assert.equal(
    render('sendmsg', sendmsg),
    '4, {msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base="hello", iov_len=5}], msg_iovlen=1, msg_control=[{cmsg_len=20, cmsg_level=SOL_SOCKET, cmsg_type=SCM_RIGHTS, cmsg_data=[3]}], msg_controllen=24, msg_flags=0}, 0',
  );
  assert.equal(
    render('sendmsg', { ...sendmsg, blobs: { 1: bytes(msg) } }),
    '4, {msg_name=NULL, msg_namelen=0, msg_iov=0x3000, msg_iovlen=1, msg_control=0x4000, msg_controllen=24, msg_flags=0}, 0',
    'what its pointers point to could not be read: their addresses, as strace prints them',
  );
  assert.equal(render('sendmsg', { ...sendmsg, blobs: {} }), '4, 0x7ffc, 0', 'without the struct: its address');
  // recvmsg's SOL_IP messages: packet info, TTL, TOS bytes; strace leaves msg_control out with no control length.
  const ip = Buffer.alloc(32 + 24);
  ip.writeBigUInt64LE(28n, 0);
  ip.writeInt32LE(0, 8); // SOL_IP
  ip.writeInt32LE(8, 12); // IP_PKTINFO
  ip.writeUInt32LE(0x7fff, 16);
  Buffer.from([127, 0, 0, 1, 127, 0, 0, 2]).copy(ip, 20);
  ip.writeBigUInt64LE(20n, 32);
  ip.writeInt32LE(0, 40);
  ip.writeInt32LE(2, 44); // IP_TTL
  ip.writeUInt32LE(64, 48);
  const ipMsg = Buffer.from(msg);
  ipMsg.writeBigUInt64LE(BigInt(ip.length), 40); // msg_controllen: both messages
  const withIp = { ...sendmsg, blobs: { ...sendmsg.blobs, 1: bytes(ipMsg), [derivedKey(1, 7)]: bytes(ip) } };
  assert.equal(
    render('sendmsg', withIp).split('msg_control=')[1].split(', msg_controllen')[0],
    '[{cmsg_len=28, cmsg_level=SOL_IP, cmsg_type=IP_PKTINFO, cmsg_data={ipi_ifindex=32767, ipi_spec_dst=inet_addr("127.0.0.1"), ipi_addr=inet_addr("127.0.0.2")}}, {cmsg_len=20, cmsg_level=SOL_IP, cmsg_type=IP_TTL, cmsg_data=[64]}]',
  );
  const bare = Buffer.from(msg);
  bare.writeBigUInt64LE(0n, 40);
  assert.equal(render('sendmsg', { ...sendmsg, blobs: { ...sendmsg.blobs, 1: bytes(bare) } }).includes('msg_control='), false, 'no msg_control without a control length');
});

test('msg_control as strace prints it: short, empty, cut, several messages, other levels', () => {
  const sent = (controllen: bigint, control: Buffer | undefined, state = traceOf([], {})) => {
    const msg = Buffer.alloc(56);
    msg.writeBigUInt64LE(0x4000n, 32);
    msg.writeBigUInt64LE(controllen, 40);
    const blobs: Call['blobs'] = { 1: bytes(msg), ...(control ? { [derivedKey(1, 7)]: bytes(control) } : {}) };
    const text = render('sendmsg', { args: [-1, 0x7ffc, 0], ret: -9, blobs }, state);
    return /msg_iovlen=0(.*), msg_controllen/.exec(text)?.[1] ?? text;
  };
  const cmsg = (len: number, level: number, type: number, payload: number[] = [], room = len) => {
    const b = Buffer.alloc(Math.max(16, (room + 7) & ~7));
    b.writeBigUInt64LE(BigInt(len), 0);
    b.writeInt32LE(level, 8);
    b.writeInt32LE(type, 12);
    payload.forEach((v, i) => b.writeInt32LE(v, 16 + 4 * i));
    return b;
  };
  assert.equal(sent(0n, undefined), '', 'a zero length leaves msg_control out');
  assert.equal(sent(1n, Buffer.alloc(1)), ', msg_control=0x4000', 'shorter than a cmsghdr: the address');
  assert.equal(sent(16n, undefined), ', msg_control=0x4000', 'unreadable: the address');
  assert.equal(sent(16n, cmsg(0, 1, 1)), ', msg_control=[{cmsg_len=0, cmsg_level=SOL_SOCKET, cmsg_type=SCM_RIGHTS}]', 'no data in a cmsg_len below the header');
  const fds = cmsg(16 + 4 * 40, 1, 1, Array.from({ length: 40 }, () => -1));
  assert.equal(
    sent(BigInt(fds.length), fds, traceOf([], { stringMax: 4 })),
    ', msg_control=[{cmsg_len=176, cmsg_level=SOL_SOCKET, cmsg_type=SCM_RIGHTS, cmsg_data=[-1, -1, -1, -1, ...]}]',
    'at most -s elements',
  );
  const two = Buffer.concat([cmsg(20, 1, 1, [3]), cmsg(16, 0, 8, [], 24)]);
  assert.equal(
    sent(BigInt(two.length), two),
    ', msg_control=[{cmsg_len=20, cmsg_level=SOL_SOCKET, cmsg_type=SCM_RIGHTS, cmsg_data=[3]}, {cmsg_len=16, cmsg_level=SOL_IP, cmsg_type=IP_PKTINFO}, ... /* 0x4028 */]',
    'each message aligned to 8 bytes; what is left after the last one: its address',
  );
  const odd = cmsg(20, 41, 50, [7]);
  assert.equal(sent(24n, odd), ', msg_control=[{cmsg_len=20, cmsg_level=SOL_IPV6, cmsg_type=0x32}]', 'another level: the type in hex, no data');
});

test('-s cuts strings that are not paths and string arrays, never paths', () => {
  const state = traceOf([], { stringMax: 8 });
  const long = '/a/very/long/path/that/is/never/cut';
  assert.equal(
    formatArgs(decode('setxattr', { args: [1, 2, 3, 4, 0], strings: { 0: long, 1: 'user.attribute' } }, state)).slice(0, 2).join(', '),
    `"${long}", "user.att"...`,
  );
  const argv: RawBlob = { kind: 'strv', items: ['1', '2', '3', '4', '5', '6', '7', '8', 'nine', 'ten'], cut: new Array(10).fill(false), truncated: false, unreadable: false };
  const exec = decode('execve', { args: [1, 2, 3], strings: { 0: long }, blobs: { 1: argv } }, state);
  assert.equal(formatArgs(exec).slice(0, 2).join(', '), `"${long}", ["1", "2", "3", "4", "5", "6", "7", "8", ...]`);
  const wide: RawBlob = { kind: 'strv', items: ['cat', '/etc/hostname'], cut: [false, false], truncated: false, unreadable: false };
  assert.equal(formatArgs(decode('execve', { args: [1, 2, 3], strings: { 0: '/bin/cat' }, blobs: { 1: wide } }, state))[1], '["cat", "/etc/hos"...]');
  assert.equal(exec.decoded[1].items.length, 8);
  assert.equal(exec.decoded[1].truncated, true);
});

test('fd paths: an fd the events did not open is read from /proc once; with a partial syscall filter, every time', () => {
  const links: Record<string, string> = { '/proc/100/cwd': '/' };
  const reads: string[] = [];
  const system: FdSystem = { ...fakeFs(links), readlink: (f) => (reads.push(f), links[f]) };
  const state = catalog.newTraceState([100], system);
  const fdOf = (fd: number) => decode('read', { pid: 100, args: [fd, 0, 0] }, state).decoded[0].fd_path;
  links['/proc/100/fd/7'] = '/var/log/opened-by-an-untraced-call';
  assert.equal(fdOf(7), '/var/log/opened-by-an-untraced-call');
  links['/proc/100/fd/7'] = '/changed';
  assert.equal(fdOf(7), '/var/log/opened-by-an-untraced-call', 'kept: the events keep the table');
  assert.equal(fdOf(9), '');
  const before = reads.length;
  assert.equal(fdOf(9), '', 'a miss is remembered');
  assert.equal(reads.length, before);
  // dup2's newfd: /proc shows it after the call; only the table's knowledge from before counts.
  links['/proc/100/fd/11'] = '/var/log/opened-by-an-untraced-call';
  const dup = decode('dup2', { pid: 100, args: [7, 11], ret: 11 }, state);
  assert.deepEqual(dup.decoded.map((a) => a.fd_path), ['/var/log/opened-by-an-untraced-call', '']);
  assert.equal(fdOf(11), '/var/log/opened-by-an-untraced-call', 'and after it names what fd 7 does');
  const partial = traceOf([100], {}, system, false);
  const partialFd = (fd: number) => decode('read', { pid: 100, args: [fd, 0, 0] }, partial).decoded[0].fd_path;
  assert.equal(partialFd(7), '/changed');
  links['/proc/100/fd/7'] = '/changed-again';
  // Refresh mode re-reads after REFRESH_MS of wall time; wait it out.
  const until = Date.now() + 15;
  while (Date.now() < until);
  assert.equal(partialFd(7), '/changed-again', 'answers come from /proc when the filter misses fd changes');
});

test('ioctl: request names from the headers (" or " for shared numbers), _IOC for unknown ones, arguments as the request uses them', () => {
  const termios = Buffer.alloc(36);
  termios.writeUInt32LE(0o400 | 0o2000, 0); // ICRNL|IXON
  termios.writeUInt32LE(0o1 | 0o4, 4); // OPOST|ONLCR
  termios.writeUInt32LE(0o17 | 0o60 | 0o200, 8); // B38400|CS8|CREAD
  termios.writeUInt32LE(0o1 | 0o2 | 0o10 | 0o20 | 0o40 | 0o100000 | 0o1000 | 0o4000, 12);
  const arg = (data: Buffer) => ({ 2: bytes(data) });
  assert.equal(render('ioctl', { args: [4, 0x5401, 0x7ffc], blobs: arg(termios) }),
    '4, TCGETS, {c_iflag=ICRNL|IXON, c_oflag=NL0|CR0|TAB0|BS0|VT0|FF0|OPOST|ONLCR, c_cflag=B38400|CS8|CREAD, c_lflag=ISIG|ICANON|ECHO|ECHOE|ECHOK|IEXTEN|ECHOCTL|ECHOKE, ...}');
  assert.equal(render('ioctl', { args: [4, 0x5402, 0x7ffc], blobs: arg(termios) }).split(', {')[0], '4, SNDCTL_TMR_START or TCSETS');
  assert.equal(render('ioctl', { args: [4, 0x5401, 0x7ffc], blobs: arg(termios), ret: -25 }), '4, TCGETS, 0x7ffc', 'an output after a failure is its address');
  const ws = Buffer.from([24, 0, 80, 0, 0, 0, 0, 0]);
  assert.equal(render('ioctl', { args: [4, 0x5413, 0x7ffc], blobs: arg(ws) }), '4, TIOCGWINSZ, {ws_row=24, ws_col=80, ws_xpixel=0, ws_ypixel=0}');
  assert.equal(render('ioctl', { args: [3, 0x541b, 0x7ffc], blobs: arg(Buffer.from([3, 0, 0, 0])) }), '3, FIONREAD, [3]');
  assert.equal(render('ioctl', { args: [4, 0x540c, 0xffffffff] }), '4, TIOCEXCL', 'no argument');
  assert.equal(render('ioctl', { args: [4, 0x540b, 0] }), '4, TCFLSH, TCIFLUSH');
  assert.equal(render('ioctl', { args: [3, 0x12345678, 0] }), '3, _IOC(_IOC_NONE, 0x56, 0x78, 0x1234), 0');
  assert.equal(render('ioctl', { args: [3, 0x80045801, 0x7ffc] }), '3, _IOC(_IOC_READ, 0x58, 0x1, 0x4), 0x7ffc');
  assert.equal(render('ioctl', { args: [3, 0x40049409, 0] }), '3, BTRFS_IOC_CLONE or FICLONE, 0');
  assert.equal(render('ioctl', { args: [3, 0x80086601, 0x7ffc], blobs: arg(Buffer.from([0, 0, 8, 0])) }), '3, FS_IOC_GETFLAGS, [FS_EXTENT_FL]');
  assert.equal(render('ioctl', { args: [3, 0x80404506, 0x7ffc], ret: -9 }), '3, EVIOCGNAME(64), 0x7ffc');
});

test('ioctl: btrfs and nsfs requests that take nothing, their u64s and flags, the owner uid', () => {
  const arg = (data: Buffer) => ({ 2: bytes(data) });
  const u64 = (n: bigint) => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(n);
    return b;
  };
  // Numbered as taking a vol_args (BTRFS_IOC_DEFRAG, _IOW(0x94, 2, 4096 bytes)) or nothing: no argument shown.
  assert.equal(render('ioctl', { args: [0xffffffffn, 0x9406, 0x7ffc], ret: -9 }), '-1, BTRFS_IOC_TRANS_START');
  assert.equal(render('ioctl', { args: [0xffffffffn, 0x50009402, 0x7ffc], ret: -9 }), '-1, BTRFS_IOC_DEFRAG');
  assert.equal(render('ioctl', { args: [0xffffffffn, 0x40049421, 2], ret: -9 }), '-1, BTRFS_IOC_BALANCE_CTL, BTRFS_BALANCE_CTL_CANCEL');
  assert.equal(render('ioctl', { args: [0xffffffffn, 0x40089416, 0x7ffc], blobs: arg(u64(16045690984232390125n)), ret: -9 }), '-1, BTRFS_IOC_WAIT_SYNC, [16045690984232390125]');
  assert.equal(render('ioctl', { args: [0xffffffffn, 0x4008941a, 0x7ffc], blobs: arg(u64(0xfn)), ret: -9 }),
    '-1, BTRFS_IOC_SUBVOL_SETFLAGS, BTRFS_SUBVOL_CREATE_ASYNC|BTRFS_SUBVOL_RDONLY|BTRFS_SUBVOL_QGROUP_INHERIT|0x8', 'flags shown bare');
  // struct btrfs_ioctl_vol_args and, at entry, _v2 (the qgroup_inherit pointer as an address).
  const vol = Buffer.alloc(4096);
  vol.writeBigInt64LE(-1n, 0);
  vol.write('subvol-name', 8);
  assert.equal(render('ioctl', { args: [0xffffffffn, 0x5000940e, 0x7ffc], blobs: arg(vol), ret: -9 }), '-1, BTRFS_IOC_SUBVOL_CREATE, {fd=-1, name="subvol-name"}');
  const v2 = Buffer.alloc(4096);
  v2.writeBigInt64LE(2n, 0);
  v2.writeBigUInt64LE(0xcn, 16);
  v2.writeBigUInt64LE(136n, 24);
  v2.writeBigUInt64LE(0x7f00n, 32);
  v2.write('snap', 56);
  assert.equal(render('ioctl', { args: [0xffffffffn, 0x50009417, 0x7ffc], blobs: arg(v2), ret: -9 }),
    '-1, BTRFS_IOC_SNAP_CREATE_V2, {fd=2, flags=BTRFS_SUBVOL_QGROUP_INHERIT|0x8, size=136, qgroup_inherit=0x7f00, name="snap"}');
  assert.equal(render('ioctl', { args: [3, 0xb701, 0], ret: 5 }), '3, NS_GET_USERNS');
  assert.equal(render('ioctl', { args: [5, 0xb703, 0], ret: 0x10000000 }), '5, NS_GET_NSTYPE');
  assert.equal(render('ioctl', { args: [5, 0xb704, 0x7ffc], blobs: arg(Buffer.from([0, 0, 0, 0])) }), '5, NS_GET_OWNER_UID, [0]');
  assert.equal(render('ioctl', { args: [0xffffffffn, 0xb704, 0], ret: -9 }), '-1, NS_GET_OWNER_UID, NULL');
  const sizes = new Map(catalog.ioctlArgSizes().map((t) => [t.request, t]));
  assert.deepEqual(sizes.get(0xb704), { request: 0xb704, size: 4, dir: 2 }, 'NS_GET_OWNER_UID: _IO, yet the kernel writes a uid');
  assert.deepEqual(sizes.get(0x50009402), { request: 0x50009402, size: 0, dir: 0 }, 'BTRFS_IOC_DEFRAG: its 4096 bytes are not read');
});

test('clocks, timers, poll, prctl, ids, mknod, socket options and epoll as strace prints them', () => {
  const ts = Buffer.alloc(16);
  ts.writeBigInt64LE(5n, 0);
  ts.writeBigInt64LE(1000n, 8);
  assert.equal(render('clock_gettime', { args: [1, 0x7ffc], blobs: { 1: bytes(ts) } }), 'CLOCK_MONOTONIC, {tv_sec=5, tv_nsec=1000}');
  assert.equal(render('clock_gettime', { args: [12345, 0x7ffc], ret: -22 }), '0x3039 /* CLOCK_??? */, 0x7ffc');
  assert.equal(render('timerfd_create', { args: [1, 0o4000 | 0o2000000] }), 'CLOCK_MONOTONIC, TFD_CLOEXEC|TFD_NONBLOCK');
  assert.equal(render('timerfd_create', { args: [0, 0x40000000] }), 'CLOCK_REALTIME, 0x40000000 /* TFD_??? */');
  const fds = Buffer.alloc(16);
  fds.writeInt32LE(6, 0);
  fds.writeUInt16LE(1, 4); // POLLIN
  fds.writeUInt16LE(1, 6);
  fds.writeInt32LE(5, 8);
  fds.writeUInt16LE(4, 12); // POLLOUT
  fds.writeUInt16LE(4, 14);
  const poll = decode('poll', { args: [0x7ffc, 2, 0], blobs: { 0: bytes(fds) }, ret: 2 });
  assert.equal(formatSyscall(poll), 'poll([{fd=6, events=POLLIN}, {fd=5, events=POLLOUT}], 2, 0) = 2 ([{fd=6, revents=POLLIN}, {fd=5, revents=POLLOUT}])');
  assert.equal(formatSyscall(decode('poll', { args: [0, 0, 1], ret: 0 })), 'poll(NULL, 0, 1)                        = 0 (Timeout)');
  // A negative fd is ignored by the kernel: strace prints it without events.
  fds.writeInt32LE(-1, 8);
  fds.writeUInt16LE(0, 14);
  assert.equal(formatSyscall(decode('poll', { args: [0x7ffc, 2, 0], blobs: { 0: bytes(fds) }, ret: 1 })), 'poll([{fd=6, events=POLLIN}, {fd=-1}], 2, 0) = 1 ([{fd=6, revents=POLLIN}])');
  const name = Buffer.alloc(16);
  name.write('corpus-proc');
  assert.equal(render('prctl', { args: [15, 0x7ffc, 96, 0x7f12, 128], blobs: { 1: bytes(name) } }), 'PR_SET_NAME, "corpus-proc"');
  assert.equal(render('prctl', { args: [3, 0x7ffc, 0, 0x7f12, 128] }), 'PR_GET_DUMPABLE');
  assert.equal(render('prctl', { args: [1, 15, 0, 0x7f12, 128] }), 'PR_SET_PDEATHSIG, SIGTERM');
  assert.equal(render('prctl', { args: [9999, 1, 2, 3, 4], ret: -22 }), '0x270f /* PR_??? */, 0x1, 0x2, 0x3, 0x4');
  assert.equal(render('getresuid', { args: [1, 2, 3], blobs: { 0: bytes(words([0], 4)), 1: bytes(words([1000], 4)), 2: bytes(words([0xffffffff], 4)) } }), '[0], [1000], [-1]');
  assert.equal(render('chown', { args: [1, 0xffffffff, 0xffffffff], strings: { 0: 'b.txt' } }), '"b.txt", -1, -1');
  assert.equal(render('mknodat', { args: [AT_FDCWD, 1, 0o10600, 0], strings: { 1: 'fifo' } }), 'AT_FDCWD, "fifo", S_IFIFO|0600');
  assert.equal(render('mknodat', { args: [AT_FDCWD, 1, 0o20600, 0x103], strings: { 1: 'null' } }), 'AT_FDCWD, "null", S_IFCHR|0600, makedev(0x1, 0x3)');
  assert.equal(render('setsockopt', { args: [3, 1, 2, 0x7ffc, 4], blobs: { 3: bytes(words([1], 4)) } }), '3, SOL_SOCKET, SO_REUSEADDR, [1], 4');
  assert.equal(render('setsockopt', { args: [3, 6, 1, 0x7ffc, 4], blobs: { 3: bytes(words([1], 4)) } }), '3, SOL_TCP, TCP_NODELAY, [1], 4');
  // struct sock_fprog at exactly its size, else its address; getsockopt reads it back as SO_GET_FILTER.
  const prog = { 3: bytes(words([10, 0x7f00n])) };
  assert.equal(render('setsockopt', { args: [3, 1, 26, 0x7ffc, 16], blobs: prog }), '3, SOL_SOCKET, SO_ATTACH_FILTER, {len=10, filter=0x7f00}, 16');
  assert.equal(render('setsockopt', { args: [3, 1, 51, 0x7ffc, 12], blobs: prog, ret: -22 }), '3, SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, 0x7ffc, 12');
  assert.equal(render('getsockopt', { args: [3, 1, 26, 0, 0], ret: -14 }), '3, SOL_SOCKET, SO_GET_FILTER, NULL, NULL');
  const ev = Buffer.alloc(12);
  ev.writeUInt32LE(0x80000001, 0);
  ev.writeBigUInt64LE(42n, 4);
  assert.equal(render('epoll_ctl', { args: [9, 1, 8, 0x7ffc], blobs: { 3: bytes(ev) } }), '9, EPOLL_CTL_ADD, 8, {events=EPOLLIN|EPOLLET, data={u32=42, u64=42}}');
  assert.equal(render('mremap', { args: [0x7f0000000000n, 16384, 32768, 1, 0] }), '0x7f0000000000, 16384, 32768, MREMAP_MAYMOVE');
});

test('netlink messages sent to a netlink socket are decoded as strace does', () => {
  const state = catalog.newTraceState([100], fakeFs({ '/proc/100/cwd': '/' }));
  decode('socket', { pid: 100, args: [16, 3 | 0o2000000, 0], ret: 3 }, state);
  const req = Buffer.alloc(32);
  req.writeUInt32LE(32, 0);
  req.writeUInt16LE(18, 4); // RTM_GETLINK
  req.writeUInt16LE(0x301, 6); // NLM_F_REQUEST|NLM_F_DUMP
  req.writeUInt32LE(1, 8);
  const sent = decode('sendto', { pid: 100, args: [3, 0x7ffc, 32, 0, 0, 0], blobs: { 1: bytes(req) }, ret: 32 }, state);
  assert.equal(formatArgs(sent)[1], '[{nlmsg_len=32, nlmsg_type=RTM_GETLINK, nlmsg_flags=NLM_F_REQUEST|NLM_F_DUMP, nlmsg_seq=1, nlmsg_pid=0}, {ifi_family=AF_UNSPEC, ifi_type=ARPHRD_NETROM, ifi_index=0, ifi_flags=0, ifi_change=0}]');
  const cut = decode('sendto', { pid: 100, args: [3, 0x7ffc, 64, 0, 0, 0], blobs: { 1: bytes(req.subarray(0, 32), true) }, ret: 64 }, state);
  assert.match(formatArgs(cut)[1], /^" \\0\\0\\0/, 'a message longer than what was delivered stays bytes');
});

test('netlink messages of a process already gone: the protocol the kernel side recorded, or the socket() seen', () => {
  const get = Buffer.alloc(16);
  get.writeUInt32LE(16, 0);
  get.writeUInt16LE(1000, 4); // AUDIT_GET in NETLINK_AUDIT; no RTM_ type in NETLINK_ROUTE
  get.writeUInt16LE(1, 6);
  const audit = '{nlmsg_len=16, nlmsg_type=AUDIT_GET, nlmsg_flags=NLM_F_REQUEST, nlmsg_seq=0, nlmsg_pid=0}';
  const sendto = (blob: RawBlob) => ({ pid: 100, args: [3, 0x7ffc, 16, 0x40, 0, 0], blobs: { 1: blob }, ret: 16 });
  const read: RawBlob = { kind: 'bytes', data: get, truncated: false, unreadable: false, whole: true, protocol: 9 };
  // Only sendto traced and /proc/100 gone: the read's protocol is all there is.
  const gone = traceOf([], {}, fakeFs({}), false);
  assert.equal(formatArgs(decode('sendto', sendto(read), gone))[1], audit);
  assert.match(formatArgs(decode('sendto', sendto(bytes(get)), gone))[1], /^"\\20\\0/, 'nothing says it is netlink: bytes');
  // What the kernel side saw at the call wins over an fd table that may be stale (fd 3 reused).
  const stale = traceOf([], {}, fakeFs({}));
  decode('socket', { pid: 100, args: [16, 3, 0], ret: 3 }, stale); // NETLINK_ROUTE
  assert.equal(formatArgs(decode('sendto', sendto(read), stale))[1], audit);
  // socket() traced but not every fd-changing call (answers from /proc, which no longer has the
  // process): the call's family and protocol stay known.
  const partial = traceOf([], {}, fakeFs({}), false);
  decode('socket', { pid: 100, args: [16, 3, 9], ret: 3 }, partial);
  assert.equal(formatArgs(decode('sendto', sendto(bytes(get)), partial))[1], audit);
});

test('netlink replies read whole: address cache info, unix sock_diag replies, link statistics, at most -s attributes', () => {
  const state = traceOf([100], { stringMax: 32 }, fakeFs({ '/proc/100/cwd': '/' }));
  decode('socket', { pid: 100, args: [16, 3, 0], ret: 3 }, state); // NETLINK_ROUTE
  decode('socket', { pid: 100, args: [16, 3, 4], ret: 4 }, state); // NETLINK_SOCK_DIAG
  const nlmsg = (type: number, flags: number, payload: Buffer) => {
    const h = Buffer.alloc(16);
    h.writeUInt32LE(16 + payload.length, 0);
    h.writeUInt16LE(type, 4);
    h.writeUInt16LE(flags, 6);
    h.writeUInt32LE(2, 8);
    return Buffer.concat([h, payload]);
  };
  const attr = (type: number, data: Buffer) => {
    const h = Buffer.alloc(4);
    h.writeUInt16LE(4 + data.length, 0);
    h.writeUInt16LE(type, 2);
    return Buffer.concat([h, data, Buffer.alloc((4 - (data.length % 4)) % 4)]);
  };
  const whole = (data: Buffer): RawBlob => ({ kind: 'bytes', data, truncated: false, unreadable: false, whole: true });
  const cache = Buffer.from(words([0xffffffff, 0xffffffff, 22, 22], 4));
  const addr = nlmsg(20, 2, Buffer.concat([Buffer.from([2, 8, 0x80, 254, 0, 0, 0, 0]), attr(6, cache)])); // RTM_NEWADDR, NLM_F_MULTI
  const got = decode('recvfrom', { pid: 100, args: [3, 0x7ffc, 32768, 0x40, 0, 0], blobs: { 1: whole(addr) }, ret: addr.length }, state);
  assert.equal(
    formatArgs(got)[1],
    '[{nlmsg_len=44, nlmsg_type=RTM_NEWADDR, nlmsg_flags=NLM_F_MULTI, nlmsg_seq=2, nlmsg_pid=0}, {ifa_family=AF_INET, ifa_prefixlen=8, ifa_flags=IFA_F_PERMANENT, ifa_scope=RT_SCOPE_HOST, ifa_index=0}, [{nla_len=20, nla_type=IFA_CACHEINFO}, {ifa_prefered=4294967295, ifa_valid=4294967295, cstamp=22, tstamp=22}]]',
  );
  const head = Buffer.alloc(16);
  head.set([1, 1, 10, 0]); // AF_UNIX, SOCK_STREAM, TCP_LISTEN
  head.writeUInt32LE(929926, 4);
  head.writeUInt32LE(178, 8);
  const diag = nlmsg(20, 2, Buffer.concat([head, attr(0, Buffer.from('/tmp/sctraced-hWwrrG/sctrace.sock\0')), attr(6, Buffer.from([0]))]));
  const reply = decode('recvfrom', { pid: 100, args: [4, 0x7ffc, 32768, 0x40, 0, 0], blobs: { 1: whole(diag) }, ret: diag.length }, state);
  assert.equal(
    formatArgs(reply)[1],
    `[{nlmsg_len=${diag.length}, nlmsg_type=SOCK_DIAG_BY_FAMILY, nlmsg_flags=NLM_F_MULTI, nlmsg_seq=2, nlmsg_pid=0}, {udiag_family=AF_UNIX, udiag_type=SOCK_STREAM, udiag_state=TCP_LISTEN, udiag_ino=929926, udiag_cookie=[178, 0]}, ` +
      '[[{nla_len=38, nla_type=UNIX_DIAG_NAME}, "/tmp/sctraced-hWwrrG/sctrace.soc"...], [{nla_len=5, nla_type=UNIX_DIAG_SHUTDOWN}, 0]]]',
  );
  // A link with statistics and more attributes than -s (here 4): the first four, then "...".
  const stats = Buffer.from(words([7, 8, ...new Array<number>(23).fill(0)], 8)); // struct rtnl_link_stats64, whole
  const link = nlmsg(16, 2, Buffer.concat([Buffer.alloc(16), attr(23, stats), ...[1, 2, 3, 4].map((n) => attr(4, Buffer.from(words([n], 4))))]));
  const four = traceOf([], { stringMax: 4 });
  decode('socket', { pid: 100, args: [16, 3, 0], ret: 3 }, four);
  const linkText = formatArgs(decode('recvfrom', { pid: 100, args: [3, 0x7ffc, 32768, 0, 0, 0], blobs: { 1: whole(link) }, ret: link.length }, four))[1];
  assert.match(linkText, /\[\{nla_len=204, nla_type=IFLA_STATS64\}, \{rx_packets=7, tx_packets=8, rx_bytes=0, [^}]*, rx_otherhost_dropped=0\}\], \[\{nla_len=8, nla_type=IFLA_MTU\}, 1\], .*, \.\.\.\]\]$/);
  assert.equal(linkText.match(/nla_type=IFLA_MTU/g)?.length, 3, 'four attributes, then ...');
});

test('-X raw and -X verbose render constants as numbers, or numbers with their names', () => {
  const raw = traceOf([], { constants: 'raw' });
  const verbose = traceOf([], { constants: 'verbose' });
  const openat = (state: Trace) => formatArgs(decode('openat', { args: [AT_FDCWD, 1, 0o2000000, 0], strings: { 1: '/etc/hostname' }, ret: 3 }, state)).join(', ');
  assert.equal(openat(raw), '-100, "/etc/hostname", 0x80000');
  assert.equal(openat(verbose), '-100 /* AT_FDCWD */, "/etc/hostname", 0x80000 /* O_RDONLY|O_CLOEXEC */');
  assert.equal(formatArgs(decode('lseek', { args: [3, 0, 2] }, verbose)).join(', '), '3, 0, 0x2 /* SEEK_END */');
  assert.equal(formatArgs(decode('ioctl', { args: [3, 0x5401, 0x7ffc], ret: -25 }, raw))[1], '0x5401');
});

test('-yy: sockets with protocol and endpoints (from /proc/PID/net), devices with numbers, pidfds with their pid', () => {
  const files: Record<string, string> = {
    '/proc/100/net/tcp': [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 501 1 0 100 0 0 10 0',
      '   1: 0100007F:9C40 0100007F:1F90 01 00000000:00000000 00:00000000 00000000     0        0 502 1 0 20 4 30 10 -1',
    ].join('\n'),
    '/proc/100/net/tcp6': [
      '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 503 1 0',
    ].join('\n'),
    '/proc/100/net/unix': [
      'Num       RefCount Protocol Flags    Type St Inode Path',
      '0000000000000000: 00000002 00000000 00010000 0001 01 504 /run/a b.sock',
      '0000000000000000: 00000002 00000000 00000000 0002 01 505 @abstract',
      '0000000000000000: 00000003 00000000 00000000 0001 03 506',
    ].join('\n'),
    '/proc/100/net/netlink': ['sk               Eth Pid        Groups   Rmem     Wmem     Dump  Locks    Drops    Inode', '0000000000000000 0   4242       00000000 0        0        0     2        0        507'].join('\n'),
    '/proc/100/fdinfo/9': 'pos:\t0\nflags:\t02000002\nmnt_id:\t15\nino:\t1057\nPid:\t4321\nNSpid:\t4321\n',
  };
  const details = new FdDetails((p) => (p === 0 ? 'ROUTE' : undefined), {
    readFile: (f) => (files[f] === undefined ? undefined : Buffer.from(files[f], 'latin1')),
    stat: (f) => (f === '/dev/null' ? { mode: 0o20666, rdev: 0x103 } : f === '/dev/sda1' ? { mode: 0o60660, rdev: 0x801 } : f === '/etc/passwd' ? { mode: 0o100644, rdev: 0 } : undefined),
  });
  const links: Record<string, string> = { '/proc/100/cwd': '/' };
  const names = ['socket:[501]', 'socket:[502]', 'socket:[503]', 'socket:[504]', 'socket:[505]', 'socket:[506]', 'socket:[507]', 'socket:[599]', 'anon_inode:[pidfd]', '/dev/null', '/dev/sda1', '/etc/passwd', 'pipe:[77]'];
  names.forEach((name, i) => (links[`/proc/100/fd/${i + 1}`] = name));
  links['/proc/100/fd/9'] = 'anon_inode:[pidfd]';
  const state = new FdState(fakeFs(links), { details });
  state.setSocket(100, 8, { family: 2, type: 1, protocol: 0 }); // fd 8's socket() call: AF_INET, SOCK_STREAM
  assert.deepEqual(names.map((_, i) => state.shown(100, i + 1)), [
    'TCP:[127.0.0.1:8080]',
    'TCP:[127.0.0.1:40000->127.0.0.1:8080]',
    'TCPv6:[[::1]:8080]',
    'UNIX-STREAM:[504,"/run/a b.sock"]',
    'UNIX:[505,@"abstract"]',
    'socket:[506]',
    'NETLINK:[ROUTE:4242]',
    'TCP:[599]',
    'pid:4321',
    '/dev/null<char 1:3>',
    '/dev/sda1<block 8:1>',
    '/etc/passwd',
    'pipe:[77]',
  ]);
  // The printer prints socket and pidfd texts as they are, a device's path escaped.
  const ev = (fd_path: string) => ({ ...decode('close', { args: [3] }), decoded: [{ ...decode('close', { args: [3] }).decoded[0], fd_path }] });
  assert.equal(formatArgs(ev('UNIX-STREAM:[504,"/run/a b.sock"]'), 'details')[0], '3<UNIX-STREAM:[504,"/run/a b.sock"]>');
  assert.equal(formatArgs(ev('/dev/tty\n<char 5:0>'), 'details')[0], '3</dev/tty\\n<char 5:0>>');
  assert.equal(formatArgs(ev('UNIX:[1,"x"]'), true)[0], '3<UNIX:[1,\\"x\\"]>', 'with -y alone a path is always escaped');
});

test('signal masks given to ppoll and signalfd4', () => {
  // SIGINT (2) and SIGTERM (15): bits 1 and 14.
  const mask = bytes(words([(1n << 1n) | (1n << 14n)]));
  assert.equal(render('signalfd4', { args: [-1, 0x7ffc0000, 8, 0o2000000], ret: 3, blobs: { 1: mask } }), '-1, [INT TERM], 8, SFD_CLOEXEC');
  assert.equal(render('ppoll', { args: [0, 0, 0, 0x7ffc0000, 8], ret: 0, blobs: { 3: mask } }).split(', ').slice(3).join(', '), '[INT TERM], 8');
  assert.equal(render('ppoll', { args: [0, 0, 0, 0, 8], ret: 0 }).split(', ').slice(3).join(', '), 'NULL, 8');
  // pollfds: none (an address still reads as `[]`), and two of which the second is unmapped.
  assert.equal(render('poll', { args: [0x7000, 0, 42], ret: 0, blobs: { 0: bytes('') } }), '[], 0, 42');
  assert.equal(render('poll', { args: [0x7ff8, 0xffffffff00000002n, 0], ret: -14, blobs: { 0: bytes(words([0xfffffffb], 8)) } }), '[{fd=-5}, ... /* 0x8000 */], 2, 0');
});

test('getrlimit prints the limits as prlimit64 does', () => {
  const rlim = bytes(words([8192n * 1024n, (1n << 64n) - 1n]));
  assert.equal(render('getrlimit', { args: [3, 0x7ffc0000], ret: 0, blobs: { 1: rlim } }), 'RLIMIT_STACK, {rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY}');
  assert.equal(render('getrlimit', { args: [3, 0x7ffc0000], ret: -14, blobs: { 1: rlim } }), 'RLIMIT_STACK, 0x7ffc0000');
});

/** The entry-value blob of argument `arg` (SCT_PART_ENTRY). */
const atEntry = (arg: number, blob: RawBlob): Record<number, RawBlob> => ({ [derivedKey(arg, 0)]: blob });

test('select and pselect6: fd sets and timeout at entry, ready sets and time left after the return', () => {
  const set = (...fds: number[]) => bytes(words([fds.reduce((m, fd) => m | (1n << BigInt(fd)), 0n)]));
  const zeroTv = bytes(words([0, 0]));
  // select(8, [4 6], [5 7], NULL, {0, 0}) = 3: q[0] (6) readable, both write ends writable.
  const ready: Call = {
    args: [8, 0x7ffc0100, 0x7ffc0180, 0, 0x7ffc0200],
    ret: 3,
    blobs: { ...atEntry(1, set(4, 6)), ...atEntry(2, set(5, 7)), ...atEntry(4, zeroTv), 1: set(6), 2: set(5, 7), 4: zeroTv },
  };
  assert.equal(formatSyscall(decode('select', ready)), 'select(8, [4 6], [5 7], NULL, {tv_sec=0, tv_usec=0}) = 3 (in [6], out [5 7], left {tv_sec=0, tv_usec=0})');
  // No timeout: no time left; the ready count stops the listing (the kernel leaves no extra bit, strace stops at ret anyway).
  const noTimeout: Call = { args: [7, 0x7ffc0100, 0, 0, 0], ret: 1, blobs: { ...atEntry(1, set(6)), 1: set(3, 6) } };
  assert.equal(formatSyscall(decode('select', noTimeout)), 'select(7, [6], NULL, NULL, NULL)        = 1 (in [3])');
  // A timeout that expired: the argument is the value given, not the 0 the kernel left.
  const expired: Call = { args: [5, 0x7ffc0100, 0, 0, 0x7ffc0200], ret: 0, blobs: { ...atEntry(1, set(4)), ...atEntry(4, bytes(words([0, 1]))), 4: zeroTv } };
  assert.equal(formatSyscall(decode('select', expired)), 'select(5, [4], NULL, NULL, {tv_sec=0, tv_usec=1}) = 0 (Timeout)');
  const pselect: Call = { args: [5, 0x7ffc0100, 0, 0, 0x7ffc0200, 0], ret: 0, blobs: { ...atEntry(1, set()), ...atEntry(4, bytes(words([0, 1000]))) } };
  assert.equal(formatSyscall(decode('pselect6', pselect)), 'pselect6(5, [], NULL, NULL, {tv_sec=0, tv_nsec=1000}, NULL) = 0 (Timeout)');
  // Not delivered (the parking table was full): addresses, as before.
  assert.equal(render('select', { args: [5, 0x7ffc0100, 0, 0, 0x7ffc0200], ret: 0 }), '5, 0x7ffc0100, NULL, NULL, 0x7ffc0200');
  // One fd_set for all three: the kernel wrote except (empty) last, so strace finds no fd and prints `()`.
  const shared: Call = { args: [5, 0x7ffc0100, 0x7ffc0100, 0x7ffc0100, 0], ret: 1, blobs: { ...atEntry(1, set(3, 4)), ...atEntry(2, set(3, 4)), ...atEntry(3, set(3, 4)), 1: set(), 2: set(), 3: set() } };
  assert.equal(formatSyscall(decode('select', shared)), 'select(5, [3 4], [3 4], [3 4], NULL)    = 1 ()');
});

test('ppoll: the timeout given, the time left; sendfile, splice and copy_file_range offsets', () => {
  const pfd = bytes(Uint8Array.of(6, 0, 0, 0, 1, 0, 1, 0));
  const ppoll: Call = { args: [0x7ffc0000, 1, 0x7ffc0100, 0, 8], ret: 1, blobs: { 0: pfd, ...atEntry(2, bytes(words([2, 0]))), 2: bytes(words([1, 999999000])) } };
  assert.equal(formatSyscall(decode('ppoll', ppoll)), 'ppoll([{fd=6, events=POLLIN}], 1, {tv_sec=2, tv_nsec=0}, NULL, 8) = 1 ([{fd=6, revents=POLLIN}], left {tv_sec=1, tv_nsec=999999000})');
  const off = (v: number) => bytes(words([v]));
  assert.equal(formatSyscall(decode('sendfile', { args: [7, 3, 0x7ffc0000, 4], ret: 4, blobs: { ...atEntry(2, off(2)), 2: off(6) } })), 'sendfile(7, 3, [2] => [6], 4)           = 4');
  assert.equal(render('sendfile', { args: [7, 3, 0x7ffc0000, 0], ret: 0, blobs: { ...atEntry(2, off(6)), 2: off(6) } }), '7, 3, [6], 0');
  assert.equal(render('sendfile', { args: [7, 3, 0x7ffc0000, 4], ret: -9, blobs: { ...atEntry(2, off(2)), 2: off(2) } }), '7, 3, [2], 4');
  assert.equal(render('sendfile', { args: [7, 3, 0, 8], ret: 8 }), '7, 3, NULL, 8');
  assert.equal(render('copy_file_range', { args: [3, 0x7ffc0000, 3, 0x7ffc0008, 4, 0], ret: 4, blobs: { ...atEntry(1, off(0)), ...atEntry(3, off(100)) } }), '3, [0], 3, [100], 4, 0');
  assert.equal(render('splice', { args: [4, 0, 3, 0x7ffc0000, 2, 0], ret: 2, blobs: atEntry(3, off(1)) }), '4, NULL, 3, [1], 2, 0');
});

test('perf_event_open with -v: every flag, and the fields the size reaches (strace 6.1 reads at most 128 bytes)', () => {
  // type SOFTWARE, size, config, period, sample_type (IP|TID|STACK_USER|BRANCH_STACK), read_format, flags (disabled, use_clockid).
  const attr = (size: number) =>
    words([1n | (BigInt(size) << 32n), 9, 0, 0x2803, 0, 1n | (1n << 25n), 5n | (0n << 32n), 0x11, 0x22, 0x3, 0x44, 0x1000n | (1n << 32n), 0x55, 7n | (9n << 32n) | (0x3n << 48n), 8n, 0x66]);
  const verbose = traceOf([], { verbose: true });
  const call = (size: number, ret = -22) => ({ args: [0x1000, -1, -1, -1, 0], ret, blobs: { 0: bytes(attr(size)) } });
  const head =
    '{type=PERF_TYPE_SOFTWARE, size=PERF_ATTR_SIZE_VER7, config=PERF_COUNT_SW_DUMMY, sample_period=0, ' +
    'sample_type=PERF_SAMPLE_IP|PERF_SAMPLE_TID|PERF_SAMPLE_BRANCH_STACK|PERF_SAMPLE_STACK_USER, read_format=0, disabled=1, inherit=0, pinned=0';
  const line = render('perf_event_open', call(128), verbose);
  assert.ok(line.startsWith(head), line);
  assert.match(line, /, watermark=0, precise_ip=0 \/\* arbitrary skid \*\/, mmap_data=0, .*, use_clockid=1, .*, sigtrap=0, wakeup_events=5, config1=0x11, config2=0x22, /);
  assert.match(
    line,
    /, branch_sample_type=PERF_SAMPLE_BRANCH_USER\|PERF_SAMPLE_BRANCH_KERNEL, sample_regs_user=0x44, sample_stack_user=0x1000, clockid=CLOCK_MONOTONIC, sample_regs_intr=0x55, aux_watermark=7, sample_max_stack=9 \/\* bytes 110..111: 0x3 \*\/, aux_sample_size=8, sig_data=0x66\}, -1, -1, -1, 0$/,
  );
  // A size of VER0 stops after config1; one past strace's struct ends in `...`.
  assert.match(render('perf_event_open', call(64), verbose), /, wakeup_events=5, config1=0x11\}, -1, -1, -1, 0$/);
  assert.match(render('perf_event_open', call(200), verbose), /, sig_data=0x66, \.\.\.\}, -1, -1, -1, 0$/);
  // Without -v: the flags set and `...`.
  assert.match(render('perf_event_open', call(128)), /, disabled=1, precise_ip=0 \/\* arbitrary skid \*\/, use_clockid=1, \.\.\.\}, -1/);
});

test('clone3 outputs in the parent, getdents entry counts from the kernel', () => {
  const args3 = words([0x1000n | 0x100000n, 0x7ffc0260n, 0, 0x7f44e24beffcn, 17, 0, 0, 0, 0, 0, 0]);
  const outs = { 0: bytes(args3), [derivedKey(0, 0)]: bytes(words([3], 4)), [derivedKey(0, 1)]: bytes(words([826], 4)) };
  assert.equal(
    render('clone3', { args: [0x7ffc0000, 88], ret: 826, blobs: outs }),
    '{flags=CLONE_PIDFD|CLONE_PARENT_SETTID, pidfd=0x7ffc0260, parent_tid=0x7f44e24beffc, exit_signal=SIGCHLD, stack=NULL, stack_size=0} => {pidfd=[3], parent_tid=[826]}, 88',
  );
  assert.equal(render('clone3', { args: [0x7ffc0000, 88], ret: 826, blobs: { 0: bytes(args3) } }).split(' => ')[1], '{pidfd=0x7ffc0260, parent_tid=0x7f44e24beffc}, 88', 'an output not delivered is its address');
  assert.equal(render('clone3', { args: [0x7ffc0000, 88], ret: -11, blobs: outs }).includes('=>'), false, 'nothing was written after a failure');
  // set_tid: the array behind the struct's pointer (derived part 2), its address when too long or unread.
  const tids = (size: number, ptr = 0x7ffc0400n) => bytes(words([0, 0, 0, 0, 0x100, 0, 0, 0, ptr, BigInt(size), 0]));
  const withTids = (size: number, ptr?: bigint) => ({ args: [0x7ffc0000, 88], ret: -22, blobs: { 0: tids(size, ptr), [derivedKey(0, 2)]: bytes(words([1, 2], 4)) } });
  assert.equal(render('clone3', withTids(2)), '{flags=0, exit_signal=256, stack=NULL, stack_size=0, set_tid=[1, 2], set_tid_size=2}, 88');
  assert.equal(render('clone3', withTids(33)), '{flags=0, exit_signal=256, stack=NULL, stack_size=0, set_tid=0x7ffc0400, set_tid_size=33}, 88');
  assert.equal(render('clone3', withTids(1, 0n)), '{flags=0, exit_signal=256, stack=NULL, stack_size=0, set_tid=NULL, set_tid_size=1}, 88');
  assert.equal(render('clone3', { ...withTids(3), blobs: { 0: tids(3) } }), '{flags=0, exit_signal=256, stack=NULL, stack_size=0, set_tid=0x7ffc0400, set_tid_size=3}, 88');
  const count = (n: number, truncated = false): RawBlob => ({ kind: 'count', count: n, truncated, unreadable: false });
  // 16384 bytes returned, 4096 delivered: the kernel's count of the whole buffer.
  const big: Call = { args: [3, 0x7ffc0000, 16384], ret: 16384, blobs: { 1: bytes(new Uint8Array(4096), true), [derivedKey(1, 0)]: count(512) } };
  assert.equal(render('getdents64', big), '3, 0x7ffc0000 /* 512 entries */, 16384');
  assert.equal(render('getdents64', { ...big, blobs: { 1: bytes(new Uint8Array(4096), true), [derivedKey(1, 0)]: count(2048, true) } }), '3, 0x7ffc0000, 16384', 'a count that stopped shows none');
});

test('ioctl size table: requests whose number does not say what the decoder shows', () => {
  const sizes = new Map(catalog.ioctlArgSizes().map((t) => [t.request, t]));
  assert.deepEqual(sizes.get(0x5401), { request: 0x5401, size: 36, dir: 2 }, 'TCGETS: an output termios');
  assert.deepEqual(sizes.get(0x5414), { request: 0x5414, size: 8, dir: 1 }, 'TIOCSWINSZ: an input winsize');
  assert.deepEqual(sizes.get(0x5409), undefined, 'TCSBRK: a value, and its number says no size either');
  assert.equal(sizes.has(0x80045430), false, 'TIOCGPTN: _IOR(T, 0x30, int) says it all');
  assert.equal(sizes.get(0x80086601)?.size, 4, 'FS_IOC_GETFLAGS: encoded as a long, the kernel writes an int');
  assert.ok(sizes.size <= IOCTL_SIZES_MAX, `${sizes.size} entries, the kernel table holds ${IOCTL_SIZES_MAX}`);
});

test('mount API, extensible structs, locks, handles: what strace prints for them', () => {
  assert.equal(render('faccessat', { args: [AT_FDCWD, 1, 8], strings: { 1: '.' }, ret: -22 }), 'AT_FDCWD, ".", 0x8 /* ?_OK */');
  // mount's type and data as strings, or their addresses when MS_BIND makes the kernel ignore them.
  const mountArgs = { 0: 'src', 1: 'dst', 2: 'tmpfs', 4: 'size=1m' };
  assert.equal(render('mount', { args: [1, 2, 0x5000, 0x200003, 0x6000], strings: mountArgs, ret: -2 }), '"src", "dst", "tmpfs", MS_RDONLY|MS_NOSUID|MS_RELATIME, "size=1m"');
  assert.equal(render('mount', { args: [1, 2, 0x5000, 0x5000, 0x6000], strings: mountArgs, ret: -2 }), '"src", "dst", 0x5000, MS_BIND|MS_REC, 0x6000');
  assert.equal(render('mount', { args: [1, 2, 0x5000, 0xc0ed0020n, 0x6000], strings: mountArgs, ret: -2 }), '"src", "dst", 0x5000, MS_MGC_VAL|MS_REMOUNT, "size=1m"');
  assert.equal(render('fsmount', { args: [0xffffffffn, 1, 0x40], ret: -22 }), '-1, FSMOUNT_CLOEXEC, 0x40 /* MOUNT_ATTR_??? */');
  assert.equal(render('open_tree', { args: [0xffffffffn, 1, 0x80001 | 0x8000], strings: { 1: 'x' }, ret: -9 }), '-1, "x", OPEN_TREE_CLONE|OPEN_TREE_CLOEXEC|AT_RECURSIVE');
  // fsconfig: the key for the SET_ commands only, the value as each command takes it, aux as a dirfd for paths.
  assert.equal(render('fsconfig', { args: [3, 3, 0x100, 0x200, AT_FDCWD], strings: { 2: 'source', 3: '/dev/sda1' }, ret: -22 }), '3, FSCONFIG_SET_PATH, "source", "/dev/sda1", AT_FDCWD');
  assert.equal(render('fsconfig', { args: [3, 2, 0x100, 0x200, 3], strings: { 2: 'k' }, blobs: { 3: bytes('\x01\x02\x03') }, ret: -22 }), '3, FSCONFIG_SET_BINARY, "k", "\\x01\\x02\\x03", 3');
  assert.equal(render('fsconfig', { args: [3, 8, 0x100, 0, 0], strings: { 2: 'k' }, ret: -22 }), '3, 0x8 /* FSCONFIG_??? */, 0x100, NULL, 0');
  // The key and a string value: at most -s bytes, and at most 256 (strace reads no more): `...` from 256 on.
  const keyed = (key: string, max: number) =>
    render('fsconfig', { args: [3, 1, 0x100, 0x200, 0], strings: { 2: key, 3: key }, ret: -22 }, traceOf([], { stringMax: max }));
  const a = (n: number) => 'a'.repeat(n);
  assert.equal(keyed(a(255), 300), `3, FSCONFIG_SET_STRING, "${a(255)}", "${a(255)}", 0`);
  assert.equal(keyed(a(256), 300), `3, FSCONFIG_SET_STRING, "${a(256)}"..., "${a(256)}"..., 0`);
  assert.equal(keyed(a(32), 32), `3, FSCONFIG_SET_STRING, "${a(32)}", "${a(32)}", 0`);
  assert.equal(keyed(a(33), 32), `3, FSCONFIG_SET_STRING, "${a(32)}"..., "${a(32)}"..., 0`);
  // An extensible struct longer than the kernel's: zero tail bytes hidden, others shown in hex, unreadable ones ???.
  const attr = new Uint8Array(40);
  attr.set(words([2, 4, 0x80000, 0]));
  const setattr = (size: number, data: Uint8Array) => render('mount_setattr', { args: [0xffffffffn, 1, 0x1000, 0x7000, size], strings: { 1: '' }, blobs: { 3: bytes(data) }, ret: -9 });
  assert.equal(setattr(40, attr), '-1, "", AT_EMPTY_PATH, {attr_set=MOUNT_ATTR_NOSUID, attr_clr=MOUNT_ATTR_NODEV, propagation=MS_SLAVE, userns_fd=0}, 40');
  attr[36] = 7;
  assert.equal(setattr(40, attr).split('userns_fd=0')[1], ', /* bytes 32..39 */ "\\x00\\x00\\x00\\x00\\x07\\x00\\x00\\x00"}, 40');
  assert.equal(setattr(48, attr).split('userns_fd=0')[1], ', ???}, 48', 'fewer bytes delivered than the size: the tail was unreadable');
  const how = words([0x80000000_00000000n | 0o200n, 0, 0, 0]);
  assert.equal(
    render('openat2', { args: [AT_FDCWD, 1, 0x7000, 32], strings: { 1: 'f' }, blobs: { 2: bytes(how) }, ret: -22 }),
    'AT_FDCWD, "f", {flags=O_RDONLY|O_EXCL|0x8000000000000000, resolve=0}, 32',
  );
  const fh = (handleBytes: number) => bytes(words([handleBytes, 0], 4));
  assert.equal(
    render('name_to_handle_at', { args: [AT_FDCWD, 1, 0x7000, 0x7100, 0], strings: { 1: '.' }, blobs: { 2: fh(8), [derivedKey(2, 0)]: fh(0) }, ret: -75 }),
    'AT_FDCWD, ".", {handle_bytes=0 => 8}, 0x7100, 0',
  );
});

test('credentials, priorities, clocks and events: prctl-era decoders', () => {
  const hdr = bytes(words([0x20080522, 0], 4));
  const data = bytes(words([1, 0, 0, 1, 0, 0], 4));
  assert.equal(render('capget', { args: [0x7000, 0x7100], blobs: { 0: hdr, 1: data } }), '{version=_LINUX_CAPABILITY_VERSION_3, pid=0}, {effective=1<<CAP_CHOWN|1<<CAP_MAC_OVERRIDE, permitted=0, inheritable=0}');
  assert.equal(render('capget', { args: [0x7000, 0x7100], blobs: { 0: hdr }, ret: -14 }), '{version=_LINUX_CAPABILITY_VERSION_3, pid=0}, 0x7100');
  assert.equal(render('capset', { args: [0, 0] , ret: -14 }), 'NULL, NULL');
  assert.equal(render('prctl', { args: [1, 10] }), 'PR_SET_PDEATHSIG, SIGUSR1');
  assert.equal(render('prctl', { args: [2, 0x7000], blobs: { 1: bytes(words([10], 4)) } }), 'PR_GET_PDEATHSIG, [SIGUSR1]');
  assert.equal(render('prctl', { args: [2, 0], ret: -14 }), 'PR_GET_PDEATHSIG, NULL');
  assert.equal(render('prctl', { args: [23, 13, 5, 6, 7] }), 'PR_CAPBSET_READ, CAP_NET_RAW');
  assert.equal(render('prctl', { args: [47, 2, 13, 0, 0], ret: -1 }), 'PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_RAW, 0, 0');
  assert.equal(formatSyscall(decode('prctl', { args: [27], ret: 0xff })).replace(/ <.*/, '').replace(/ +=/, ' ='), 'prctl(PR_GET_SECUREBITS) = 0xff (SECBIT_NOROOT|SECBIT_NOROOT_LOCKED|SECBIT_NO_SETUID_FIXUP|SECBIT_NO_SETUID_FIXUP_LOCKED|SECBIT_KEEP_CAPS|SECBIT_KEEP_CAPS_LOCKED|SECBIT_NO_CAP_AMBIENT_RAISE|SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED)');
  assert.equal(render('prctl', { args: [0x7fffffff, 1, 2, 3, 4], ret: -22 }), '0x7fffffff /* PR_??? */, 0x1, 0x2, 0x3, 0x4');
  assert.equal(render('arch_prctl', { args: [0x1011, 0] }), 'ARCH_GET_CPUID');
  assert.equal(render('arch_prctl', { args: [0x1001, 0] }), 'ARCH_SET_GS, 0');
  assert.equal(render('arch_prctl', { args: [0x1021, 0x7000], blobs: { 1: bytes(words([0xe7])) } }), 'ARCH_GET_XCOMP_SUPP, [0xe7 /* XFEATURE_MASK_FPSSE|XFEATURE_MASK_YMM|XFEATURE_MASK_AVX512 */]');
  assert.equal(render('ioprio_set', { args: [2, 7, (2 << 13) | 4], ret: -3 }), 'IOPRIO_WHO_PGRP, 7, IOPRIO_PRIO_VALUE(IOPRIO_CLASS_BE, 4)');
  assert.equal(formatSyscall(decode('ioprio_get', { args: [1, 0], ret: 0 })).replace(/ <.*/, '').replace(/ +=/, ' ='), 'ioprio_get(IOPRIO_WHO_PROCESS, 0) = 0 (IOPRIO_PRIO_VALUE(IOPRIO_CLASS_NONE, 0))');
  assert.equal(render('getgroups', { args: [0, 0x7000], ret: 0 }), '0, []');
  assert.equal(render('getgroups', { args: [0, 0], ret: 0 }), '0, NULL');
  // Ids read up to an unmapped page: those before it, then the address of the first one not.
  assert.equal(render('getgroups', { args: [3, 0x7000], ret: 3, blobs: { 1: bytes(words([0, 0xffffffff], 4)) } }), '3, [0, -1, ... /* 0x7008 */]');
  assert.equal(render('swapon', { args: [1, 0x8000 | 42], strings: { 0: 's' }, ret: -2 }), '"s", SWAP_FLAG_PREFER|42');
  assert.equal(render('swapon', { args: [1, 0], strings: { 0: 's' }, ret: -2 }), '"s", 0');
  assert.equal(render('sync_file_range', { args: [3, 0, 0, 0xffffffffn], ret: -9 }), '3, 0, 0, SYNC_FILE_RANGE_WAIT_BEFORE|SYNC_FILE_RANGE_WRITE|SYNC_FILE_RANGE_WAIT_AFTER|0xfffffff8');
  assert.equal(render('sched_rr_get_interval', { args: [0, 0x7000], blobs: { 1: bytes(words([0, 100000000])) } }), '0, {tv_sec=0, tv_nsec=100000000}');
  assert.equal(render('getcpu', { args: [0x7000, 0x7004, 0], blobs: { 0: bytes(words([1], 4)), 1: bytes(words([0], 4)) } }), '[1], [0], NULL');
  assert.equal(render('inotify_init1', { args: [0o2004000], ret: 3 }), 'IN_NONBLOCK|IN_CLOEXEC');
  assert.equal(render('epoll_ctl', { args: [4, 2, 3, 0x7000], blobs: { 3: bytes(words([1, 0, 0], 4)) } }), '4, EPOLL_CTL_DEL, 3, 0x7000');
  const bad = bytes(words([-1n & 0xffffffffffffffffn, -1n & 0xffffffffffffffffn]));
  assert.equal(render('nanosleep', { args: [0x7000, 0], blobs: { 0: bad }, ret: -22 }), '{tv_sec=-1, tv_nsec=18446744073709551615}, NULL');
  const left = bytes(words([0, 888]));
  assert.equal(render('nanosleep', { args: [0x7000, 0x7100], blobs: { 0: bytes(words([1, 0])), 1: left }, ret: -516 }), '{tv_sec=1, tv_nsec=0}, {tv_sec=0, tv_nsec=888}');
  assert.equal(render('nanosleep', { args: [0x7000, 0x7100], blobs: { 0: bytes(words([1, 0])), 1: left }, ret: 0 }), '{tv_sec=1, tv_nsec=0}, 0x7100', 'the time left only after an interrupt');
  const timex = new Uint8Array(208);
  new DataView(timex.buffer).setUint32(40, 0x40, true);
  assert.equal(formatSyscall(decode('adjtimex', { args: [0x7000], blobs: { 0: bytes(timex) }, ret: 5 })).replace(/ <.*/, '').replace(/ +=/, ' =').replace(/\{modes.*tai=0\}/, 'TIMEX'), 'adjtimex(TIMEX) = 5 (TIME_ERROR)');
  // A unix address longer than the 16 bytes asked for: the 16 that fit.
  const sun = bytes(Buffer.concat([Buffer.from([1, 0]), Buffer.from('kernelapi.socket.path')]).subarray(0, 16));
  const rx = Buffer.alloc(36);
  rx.writeUInt16LE(33, 0); // AF_RXRPC
  rx.writeUInt16LE(0x8382, 2);
  rx.writeUInt16LE(0x8584, 4);
  rx.writeUInt16LE(0x8786, 6);
  for (let i = 10; i < 36; i++) rx[i] = 0x80 + i;
  assert.equal(
    render('connect', { args: [0xffffffffn, 0x7000, 36], blobs: { 1: bytes(rx) }, ret: -9 }),
    '-1, {sa_family=AF_RXRPC, srx_service=0x8382 /* ???_SERVICE */, transport_type=0x8584 /* SOCK_??? */, transport_len=34694, transport={family=AF_UNSPEC, "\\212\\213\\214\\215\\216\\217\\220\\221\\222\\223\\224\\225\\226\\227\\230\\231\\232\\233\\234\\235\\236\\237\\240\\241\\242\\243"}}, 36',
  );
  rx.writeUInt16LE(1, 2);
  rx.writeUInt16LE(2, 4);
  rx.writeUInt16LE(16, 6);
  rx.writeUInt16LE(2, 8); // AF_INET
  rx.writeUInt16BE(80, 10);
  Buffer.from([127, 0, 0, 1]).copy(rx, 12);
  assert.equal(
    render('connect', { args: [0xffffffffn, 0x7000, 36], blobs: { 1: bytes(rx) }, ret: -9 }).split('srx_service=')[1],
    '0x1 /* CM_SERVICE */, transport_type=SOCK_DGRAM, transport_len=16, transport={sin={sin_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("127.0.0.1")}}}, 36',
  );
  assert.equal(render('getpeername', { args: [4, 0x7000, 0x7100], blobs: { 1: sun, 2: { kind: 'inout', before: 16, after: 24, unreadable: false } } }), '4, {sa_family=AF_UNIX, sun_path="kernelapi.sock"}, [16 => 24]');
});

test('setsockopt: ints, packet memberships and rings, the ICMP filter; a length past the struct reads only the struct', () => {
  // The value at page end read up to there (SCT_RD_HEAD): 4 bytes for a length of 5.
  assert.equal(render('setsockopt', { args: [3, 1, 1, 0x7ffc, 5], blobs: { 3: bytes(words([1234567890], 4)) } }), '3, SOL_SOCKET, SO_DEBUG, [1234567890], 5');
  assert.equal(render('setsockopt', { args: [3, 270, 3, 0x7ffc, 5], blobs: { 3: bytes(words([-1], 4)) } }), '3, SOL_NETLINK, NETLINK_PKTINFO, [-1], 5');
  assert.equal(render('setsockopt', { args: [3, 270, 3, 0x7ffc, 3], blobs: { 3: bytes(words([1], 4)) }, ret: -22 }), '3, SOL_NETLINK, NETLINK_PKTINFO, 0x7ffc, 3');
  assert.equal(render('setsockopt', { args: [3, 1, 1, 0x7ffc, 5] }), '3, SOL_SOCKET, SO_DEBUG, 0x7ffc, 5');
  const mreq6 = new Uint8Array(20);
  mreq6.set([0xff, 0x01], 0);
  mreq6[15] = 0x0c;
  mreq6.set([0xff, 0x7f, 0, 0], 16);
  assert.equal(
    render('setsockopt', { args: [0, 41, 20, 0x7000, 0x7fffffff], blobs: { 3: bytes(mreq6) }, ret: -92 }),
    '0, SOL_IPV6, IPV6_ADD_MEMBERSHIP, {inet_pton(AF_INET6, "ff01::c", &ipv6mr_multiaddr), ipv6mr_interface=32767}, 2147483647',
  );
  const pmreq = Uint8Array.from([0, 0, 0, 0, 0xff, 0xff, 9, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe]);
  assert.equal(
    render('setsockopt', { args: [-1, 263, 1, 0x7000, 16], blobs: { 3: bytes(pmreq) }, ret: -9 }),
    '-1, SOL_PACKET, PACKET_ADD_MEMBERSHIP, {mr_ifindex=0, mr_type=0xffff /* PACKET_MR_??? */, mr_alen=9, mr_address=ff:ff:ff:ff:ff:ff:ff:fe}, 16',
  );
  pmreq.set([1, 0, 2, 0], 4);
  assert.equal(render('setsockopt', { args: [-1, 263, 2, 0x7000, 16], blobs: { 3: bytes(pmreq) }, ret: -9 }).split(', mr_alen')[0], '-1, SOL_PACKET, PACKET_DROP_MEMBERSHIP, {mr_ifindex=0, mr_type=PACKET_MR_PROMISC');
  assert.equal(render('setsockopt', { args: [-1, 263, 2, 0x7000, 16], blobs: { 3: bytes(pmreq) }, ret: -9 }).split('mr_alen=')[1], '2, mr_address=ff:ff}, 16');
  // packet_mreq and tpacket_req only at their exact size.
  assert.equal(render('setsockopt', { args: [-1, 263, 1, 0x7000, 17], blobs: { 3: bytes(pmreq) }, ret: -9 }), '-1, SOL_PACKET, PACKET_ADD_MEMBERSHIP, 0x7000, 17');
  const ring = bytes(words([0xffffffff, 1, 2, 3], 4));
  assert.equal(render('setsockopt', { args: [-1, 263, 5, 0x7000, 16], blobs: { 3: ring }, ret: -9 }), '-1, SOL_PACKET, PACKET_RX_RING, {tp_block_size=4294967295, tp_block_nr=1, tp_frame_size=2, tp_frame_nr=3}, 16');
  assert.equal(render('setsockopt', { args: [-1, 263, 13, 0x7000, 15], blobs: { 3: ring }, ret: -9 }), '-1, SOL_PACKET, PACKET_TX_RING, 0x7000, 15');
  // The ICMP filter: the set bits' types, or `~` and the clear ones' when more than half are set.
  const icmp = (v: number, len: number) => render('setsockopt', { args: [-1, 255, 1, 0x7000, len], blobs: { 3: bytes(words([v], 4)) }, ret: -9 }).split(', ').slice(3, -1).join(', ');
  assert.equal(icmp(-1, 4), '~[]');
  assert.equal(icmp(0, 4), '[]');
  assert.equal(icmp(0x1839, 4), '[ICMP_ECHOREPLY ICMP_DEST_UNREACH ICMP_SOURCE_QUENCH ICMP_REDIRECT ICMP_TIME_EXCEEDED ICMP_PARAMETERPROB]');
  assert.equal(icmp(~0x1839, 8), '~[ICMP_ECHOREPLY ICMP_DEST_UNREACH ICMP_SOURCE_QUENCH ICMP_REDIRECT ICMP_TIME_EXCEEDED ICMP_PARAMETERPROB]');
  assert.equal(icmp(0x2, 4), '[0x1 /* ICMP_??? */]');
  // One byte over a filter of all ones: the other 24 bits stay set.
  assert.equal(icmp(0, 1), '~[ICMP_ECHOREPLY 0x1 /* ICMP_??? */ 0x2 /* ICMP_??? */ ICMP_DEST_UNREACH ICMP_SOURCE_QUENCH ICMP_REDIRECT 0x6 /* ICMP_??? */ 0x7 /* ICMP_??? */]');
  assert.equal(icmp(0, 0), '0x7000');
});

test('getsockopt: structs as far as the returned length reaches, short ints in hex, netlink groups as an array', () => {
  const lens = (before: number, after: number): RawBlob => ({ kind: 'inout', before, after, unreadable: false });
  const get = (level: number, name: number, value: Uint8Array | undefined, before: number, after: number, ret = 0) =>
    render('getsockopt', { args: [3, level, name, 0x7000, 0x7100], blobs: value ? { 3: bytes(value), 4: lens(before, after) } : { 4: lens(before, after) }, ret });
  const linger = words([1, 0xdeadbeef], 4);
  assert.equal(get(1, 13, linger, 8, 8), '3, SOL_SOCKET, SO_LINGER, {l_onoff=1, l_linger=-559038737}, [8]');
  assert.equal(get(1, 13, linger.subarray(0, 3), 3, 3), '3, SOL_SOCKET, SO_LINGER, {l_onoff="\\x01\\x00\\x00"}, [3]');
  assert.equal(get(1, 13, linger.subarray(0, 4), 4, 4), '3, SOL_SOCKET, SO_LINGER, {l_onoff=1}, [4]');
  assert.equal(get(1, 13, linger.subarray(0, 7), 7, 7), '3, SOL_SOCKET, SO_LINGER, {l_onoff=1, l_linger="\\xef\\xbe\\xad"}, [7]');
  assert.equal(get(1, 13, linger, 9, 8), '3, SOL_SOCKET, SO_LINGER, {l_onoff=1, l_linger=-559038737}, [9 => 8]');
  assert.equal(get(1, 13, undefined, 0, 0), '3, SOL_SOCKET, SO_LINGER, 0x7000, [0]');
  const cred = words([27697, 0, 0xffffffff], 4);
  assert.equal(get(1, 17, cred, 12, 12), '3, SOL_SOCKET, SO_PEERCRED, {pid=27697, uid=0, gid=-1}, [12]');
  assert.equal(get(1, 17, cred.subarray(0, 8), 8, 8), '3, SOL_SOCKET, SO_PEERCRED, {pid=27697, uid=0}, [8]');
  assert.equal(get(1, 17, cred.subarray(0, 11), 11, 11), '3, SOL_SOCKET, SO_PEERCRED, {pid=27697, uid=0, gid="\\xff\\xff\\xff"}, [11]');
  const err = words([111], 4);
  assert.equal(get(1, 4, err, 4, 4), '3, SOL_SOCKET, SO_ERROR, [ECONNREFUSED], [4]');
  assert.equal(get(1, 4, err, 5, 4), '3, SOL_SOCKET, SO_ERROR, [ECONNREFUSED], [5 => 4]');
  assert.equal(get(1, 4, err.subarray(0, 1), 1, 1), '3, SOL_SOCKET, SO_ERROR, "\\x6f", [1]');
  assert.equal(get(1, 2, words([0x034000], 4).subarray(0, 3), 3, 3), '3, SOL_SOCKET, SO_REUSEADDR, "\\x00\\x40\\x03", [3]');
  assert.equal(get(1, 2, words([1], 4), 4, 4), '3, SOL_SOCKET, SO_REUSEADDR, [1], [4]');
  assert.equal(get(1, 2, undefined, 4, 4, -14), '3, SOL_SOCKET, SO_REUSEADDR, 0x7000, [4]');
  assert.equal(get(263, 6, words([5, 1, 0], 4), 12, 12), '3, SOL_PACKET, PACKET_STATISTICS, {tp_packets=5, tp_drops=1, tp_freeze_q_cnt=0}, [12]');
  assert.equal(get(270, 9, words([0, 0], 4), 4, 8), '3, SOL_NETLINK, NETLINK_LIST_MEMBERSHIPS, [0], [4 => 8]');
  assert.equal(get(270, 9, words([0, 0], 4), 3, 8), '3, SOL_NETLINK, NETLINK_LIST_MEMBERSHIPS, [], [3 => 8]');
  assert.equal(get(270, 3, words([1], 4), 4, 4), '3, SOL_NETLINK, NETLINK_PKTINFO, [1], [4]');
  assert.equal(get(255, 1, words([0x1839], 4), 4, 4), '3, SOL_RAW, ICMP_FILTER, [ICMP_ECHOREPLY ICMP_DEST_UNREACH ICMP_SOURCE_QUENCH ICMP_REDIRECT ICMP_TIME_EXCEEDED ICMP_PARAMETERPROB], [4]');
});

test('setsockopt: multicast memberships as structs, a length short of the struct as the address', () => {
  const mreq = bytes(Buffer.from([224, 0, 0, 3, 127, 0, 0, 1]));
  assert.equal(render('setsockopt', { args: [0, 0, 35, 0x7000, 8], blobs: { 3: mreq } }), '0, SOL_IP, IP_ADD_MEMBERSHIP, {imr_multiaddr=inet_addr("224.0.0.3"), imr_interface=inet_addr("127.0.0.1")}, 8');
  assert.equal(render('setsockopt', { args: [0, 0, 35, 0x7000, 7], blobs: { 3: mreq }, ret: -22 }), '0, SOL_IP, IP_ADD_MEMBERSHIP, 0x7000, 7');
  assert.equal(render('setsockopt', { args: [0, 0, 35, 0x7000, 0x7fffffff], blobs: { 3: mreq }, ret: -14 }).split(', ')[3], '{imr_multiaddr=inet_addr("224.0.0.3")');
  const linger = bytes(words([0xfffffff1, 0xffffffd6], 4));
  assert.equal(render('setsockopt', { args: [3, 1, 13, 0x7000, 9], blobs: { 3: linger } }), '3, SOL_SOCKET, SO_LINGER, {l_onoff=-15, l_linger=-42}, 9');
  assert.equal(render('setsockopt', { args: [3, 1, 13, 0x7000, 4], blobs: { 3: linger }, ret: -22 }), '3, SOL_SOCKET, SO_LINGER, 0x7000, 4');
  assert.equal(render('setsockopt', { args: [3, 1, 2, 0x7000, 3], blobs: { 3: bytes(words([1], 4)) }, ret: -22 }), '3, SOL_SOCKET, SO_REUSEADDR, 0x7000, 3');
  assert.equal(render('setsockopt', { args: [3, 1, 2, 0x7000, 8], blobs: { 3: bytes(words([1, 2], 4)) } }), '3, SOL_SOCKET, SO_REUSEADDR, [1], 8');
  const greq = new Uint8Array(136);
  greq.set([0xff, 0x7f, 0, 0], 0); // an index no interface has
  greq.set([2, 0, 0, 80, 224, 0, 0, 3], 8);
  assert.equal(
    render('setsockopt', { args: [0, 0, 42, 0x7000, 136], blobs: { 3: bytes(greq) } }),
    '0, SOL_IP, MCAST_JOIN_GROUP, {gr_interface=32767, gr_group={sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("224.0.0.3")}}, 136',
  );
});
