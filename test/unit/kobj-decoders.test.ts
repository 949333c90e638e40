/**
 * The kernel-object decoders (bpf, io_uring, fanotify, keyctl, memory policies, perf flags,
 * module syscalls) on hand-made registers and kernel reads, rendered by the CLI printer, against
 * what strace 6.1 prints for the same values (lines of strace's own test programs on this machine).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatArgs } from '../../clients/cli/printer';
import type { SyscallEvent__Output } from '../../src/api/generated/sctrace/v1/SyscallEvent';
import { SyscallCatalog } from '../../src/syscalls/catalog';
import type { SyscallFormat } from '../../src/syscalls/tracefs';
import type { RawBlob, RawSyscall } from '../../src/syscalls/types';

/** This kernel's sys_enter_* declarations of the calls under test (module syscalls have none). */
const FORMATS: Record<string, string[]> = {
  bpf: ['int cmd', 'union bpf_attr * uattr', 'unsigned int size'],
  fanotify_mark: ['int fanotify_fd', 'unsigned int flags', '__u64 mask', 'int dfd', 'const char * pathname'],
  fanotify_init: ['unsigned int flags', 'unsigned int event_f_flags'],
  keyctl: ['int option', 'unsigned long arg2', 'unsigned long arg3', 'unsigned long arg4', 'unsigned long arg5'],
  io_uring_setup: ['u32 entries', 'struct io_uring_params * params'],
  io_uring_enter: ['unsigned int fd', 'u32 to_submit', 'u32 min_complete', 'u32 flags', 'const void * argp', 'size_t argsz'],
  io_uring_register: ['unsigned int fd', 'unsigned int opcode', 'void * arg', 'unsigned int nr_args'],
  mbind: ['unsigned long start', 'unsigned long len', 'unsigned long mode', 'const unsigned long * nmask', 'unsigned long maxnode', 'unsigned int flags'],
  get_mempolicy: ['int * policy', 'unsigned long * nmask', 'unsigned long maxnode', 'unsigned long addr', 'unsigned long flags'],
  pkey_alloc: ['unsigned long flags', 'unsigned long init_val'],
  move_pages: ['pid_t pid', 'unsigned long nr_pages', 'const void * * pages', 'const int * nodes', 'int * status', 'int flags'],
  perf_event_open: ['struct perf_event_attr * attr_uptr', 'pid_t pid', 'int cpu', 'int group_fd', 'unsigned long flags'],
  msgget: ['key_t key', 'int msgflg'],
  msgsnd: ['int msqid', 'struct msgbuf * msgp', 'size_t msgsz', 'int msgflg'],
  msgrcv: ['int msqid', 'struct msgbuf * msgp', 'size_t msgsz', 'long msgtyp', 'int msgflg'],
  shmget: ['key_t key', 'size_t size', 'int shmflg'],
  semctl: ['int semid', 'int semnum', 'int cmd', 'unsigned long arg'],
  msgctl: ['int msqid', 'int cmd', 'struct msqid_ds * buf'],
  shmctl: ['int shmid', 'int cmd', 'struct shmid_ds * buf'],
  semop: ['int semid', 'struct sembuf * tsops', 'unsigned nsops'],
  semtimedop: ['int semid', 'struct sembuf * tsops', 'unsigned int nsops', 'const struct __kernel_timespec * timeout'],
  shmat: ['int shmid', 'char * shmaddr', 'int shmflg'],
  sched_setattr: ['pid_t pid', 'struct sched_attr * uattr', 'unsigned int flags'],
  sched_getattr: ['pid_t pid', 'struct sched_attr * uattr', 'unsigned int usize', 'unsigned int flags'],
  mq_open: ['const char * u_name', 'int oflag', 'umode_t mode', 'struct mq_attr * u_attr'],
  landlock_create_ruleset: ['const struct landlock_ruleset_attr *const attr', 'const size_t size', 'const __u32 flags'],
  landlock_add_rule: ['const int ruleset_fd', 'const enum landlock_rule_type rule_type', 'const void *const rule_attr', 'const __u32 flags'],
  mq_getsetattr: ['mqd_t mqdes', 'const struct mq_attr * u_mqstat', 'struct mq_attr * u_omqstat'],
  pselect6: ['int n', 'fd_set * inp', 'fd_set * outp', 'fd_set * exp', 'struct __kernel_timespec * tsp', 'void * sig'],
  kcmp: ['pid_t pid1', 'pid_t pid2', 'int type', 'unsigned long idx1', 'unsigned long idx2'],
  ptrace: ['long request', 'long pid', 'unsigned long addr', 'unsigned long data'],
  setns: ['int fd', 'int flags'],
  futex_waitv: ['struct futex_waitv * waiters', 'unsigned int nr_futexes', 'unsigned int flags', 'struct __kernel_timespec * timeout', 'clockid_t clockid'],
  close_range: ['unsigned int fd', 'unsigned int max_fd', 'unsigned int flags'],
  quotactl: ['unsigned int cmd', 'const char * special', 'qid_t id', 'void * addr'],
  execveat: ['int fd', 'const char * filename', 'const char *const * argv', 'const char *const * envp', 'int flags'],
  io_destroy: ['aio_context_t ctx'],
  io_setup: ['unsigned nr_events', 'aio_context_t * ctxp'],
  io_getevents: ['aio_context_t ctx_id', 'long min_nr', 'long nr', 'struct io_event * events', 'struct __kernel_timespec * timeout'],
  io_submit: ['aio_context_t ctx_id', 'long nr', 'struct iocb * * iocbpp'],
  io_cancel: ['aio_context_t ctx_id', 'struct iocb * iocb', 'struct io_event * result'],
  io_pgetevents: ['aio_context_t ctx_id', 'long min_nr', 'long nr', 'struct io_event * events', 'struct __kernel_timespec * timeout', 'const struct __aio_sigset * usig'],
  wait4: ['pid_t upid', 'int * stat_addr', 'int options', 'struct rusage * ru'],
  pkey_mprotect: ['unsigned long start', 'size_t len', 'unsigned long prot', 'int pkey'],
  futex: ['u32 * uaddr', 'int op', 'u32 val', 'const struct __kernel_timespec * utime', 'u32 * uaddr2', 'u32 val3'],
};

const catalog = SyscallCatalog.fromFormats(
  new Map(
    Object.entries(FORMATS).map(([name, decls]): [string, SyscallFormat] => [
      name,
      { name, id: 0, args: decls.map((d) => ({ name: d.slice(d.lastIndexOf(' ') + 1), type: d.slice(0, d.lastIndexOf(' ')), signed: false, offset: 0, size: 8 })) },
    ]),
  ),
  { arch: 'x86_64' },
);

/** Little-endian bytes of [value, size] pairs. */
function le(...fields: Array<[bigint | number, 1 | 2 | 4 | 8]>): Uint8Array {
  const out = new Uint8Array(fields.reduce((n, [, s]) => n + s, 0));
  const v = new DataView(out.buffer);
  let at = 0;
  for (const [value, size] of fields) {
    const n = BigInt(value);
    if (size === 8) v.setBigUint64(at, BigInt.asUintN(64, n), true);
    else if (size === 4) v.setUint32(at, Number(BigInt.asUintN(32, n)), true);
    else if (size === 2) v.setUint16(at, Number(n), true);
    else v.setUint8(at, Number(n));
    at += size;
  }
  return out;
}

const blob = (data: Uint8Array): RawBlob => ({ kind: 'bytes', data, truncated: false, unreadable: false });

/** The argument list of one call as the CLI prints it. */
function render(name: string, args: Array<bigint | number>, options: { ret?: number; blobs?: Record<number, Uint8Array>; strings?: Record<number, string> } = {}): string {
  const info = catalog.byName(name);
  assert.ok(info, name);
  const regs = args.map(BigInt);
  while (regs.length < 6) regs.push(0n);
  const raw: RawSyscall = {
    nr: info.nr,
    args: regs,
    ret: BigInt(options.ret ?? 0),
    durationNs: 1n,
    noReturn: false,
    strings: new Map(Object.entries(options.strings ?? {}).map(([i, text]) => [Number(i), { text, truncated: false, unreadable: false }])),
    blobs: new Map(Object.entries(options.blobs ?? {}).map(([i, d]) => [Number(i), blob(d)])),
  };
  const ev = catalog.decode(raw);
  const decoded = (ev.decoded ?? []).map((a) => ({ truncated: false, unreadable: false, symbolic: '', fd_path: '', ignored: false, buffer: Buffer.alloc(0), items: [], str_bytes: Buffer.alloc(0), items_bytes: [], return_note: '', ...a }));
  return formatArgs({ ret_fd_path: '', ...ev, decoded } as unknown as SyscallEvent__Output, false).join(', ');
}

test('fanotify_mark: flags, the 64-bit event mask with unknown bits, FAN_NOFD', () => {
  assert.equal(render('fanotify_mark', [0x12345678, 0, 0, 0xffffffff, 0]), '305419896, 0, 0, FAN_NOFD, NULL');
  assert.equal(render('fanotify_mark', [3, 0x11, 0xffffffff00000001n, 0xffffff9c, 0]), '3, FAN_MARK_ADD|FAN_MARK_MOUNT, FAN_ACCESS|0xffffffff00000000, AT_FDCWD, NULL');
  assert.equal(render('fanotify_mark', [3, 0xeface800, 0x80000, 1, 0]), '3, 0xeface800 /* FAN_MARK_??? */, FAN_DIR_MODIFY, 1, NULL');
  assert.equal(render('fanotify_init', [0, 0x80000001]), 'FAN_CLASS_NOTIF, O_WRONLY|0x80000000');
});

test('bpf: attr per command as far as the size reaches, address when unread or size 0', () => {
  assert.equal(render('bpf', [0, 0x1000, 4], { blobs: { 1: le([2, 4]) } }), 'BPF_MAP_CREATE, {map_type=BPF_MAP_TYPE_ARRAY, key_size=0, value_size=0, max_entries=0}, 4');
  const create = le([0xdeadf00d, 4], [4, 4], [8, 4], [256, 4], [0x4, 4], [0xffffffff, 4], [7, 4], [0x34333231, 4], [0x38373635, 4]);
  assert.equal(
    render('bpf', [0, 0x1000, 36], { blobs: { 1: create } }),
    'BPF_MAP_CREATE, {map_type=0xdeadf00d /* BPF_MAP_TYPE_??? */, key_size=4, value_size=8, max_entries=256, map_flags=BPF_F_NUMA_NODE, inner_map_fd=-1, numa_node=7, map_name="1234567"...}, 36',
  );
  assert.equal(render('bpf', [1, 0x1000, 32], { blobs: { 1: le([0xffffffff, 8], [0xdeadbeef, 8], [0xbadc0ded, 8], [4, 8]) } }), 'BPF_MAP_LOOKUP_ELEM, {map_fd=-1, key=0xdeadbeef, value=0xbadc0ded, flags=BPF_F_LOCK}, 32');
  assert.equal(render('bpf', [2, 0x1000, 4], { blobs: { 1: le([0xffffffff, 4]) } }), 'BPF_MAP_UPDATE_ELEM, {map_fd=-1, key=NULL, value=NULL, flags=BPF_ANY}, 4');
  assert.equal(render('bpf', [6, 0x1000, 12], { blobs: { 1: le([0, 8], [0xffffffff, 4]) } }), 'BPF_OBJ_PIN, {pathname=NULL, bpf_fd=-1}, 12');
  // Strings behind the attr's pointers (SCT_READ_INNER, derived parts 4 + offset / 8 of argument 1):
  // a path whole, a license cut at -s; unread ones as their address.
  const long = `/sys/fs/bpf/${'p'.repeat(300)}`;
  assert.equal(render('bpf', [7, 0x1000, 12], { blobs: { 1: le([0x5000, 8], [3, 4]) }, strings: { [0x8c]: long } }), `BPF_OBJ_GET, {pathname="${long}", bpf_fd=3}, 12`);
  assert.equal(render('bpf', [7, 0x1000, 12], { blobs: { 1: le([0x5000, 8], [3, 4]) } }), 'BPF_OBJ_GET, {pathname=0x5000, bpf_fd=3}, 12');
  const load = le([1, 4], [0, 4], [0, 8], [0x6000, 8], [0, 4], [0, 4], [0, 8]);
  assert.equal(render('bpf', [5, 0x1000, 40], { blobs: { 1: load }, strings: { [0x8e]: 'GPL' } }), 'BPF_PROG_LOAD, {prog_type=BPF_PROG_TYPE_SOCKET_FILTER, insn_cnt=0, insns=NULL, license="GPL", log_level=0, log_size=0, log_buf=NULL}, 40');
  assert.equal(
    render('bpf', [5, 0x1000, 40], { blobs: { 1: load }, strings: { [0x8e]: 'L'.repeat(300) } }),
    `BPF_PROG_LOAD, {prog_type=BPF_PROG_TYPE_SOCKET_FILTER, insn_cnt=0, insns=NULL, license="${'L'.repeat(256)}"..., log_level=0, log_size=0, log_buf=NULL}, 40`,
  );
  assert.equal(render('bpf', [17, 0x1000, 12], { blobs: { 1: le([0x7000, 8], [-1, 4]) }, strings: { [0x8c]: 'sys_enter' } }), 'BPF_RAW_TRACEPOINT_OPEN, {raw_tracepoint={name="sys_enter", prog_fd=-1}}, 12');
  // Non-zero bytes past the struct strace knows: `...`.
  assert.equal(render('bpf', [9, 0x1000, 16], { blobs: { 1: le([3, 4], [0, 4], [1, 4], [9, 4]) } }), 'BPF_PROG_DETACH, {target_fd=3, attach_type=BPF_CGROUP_INET_EGRESS, ...}, 16');
  assert.equal(render('bpf', [28, 0x1000, 16], { blobs: { 1: le([-1, 4], [-559038737, 4], [1, 4], [4, 4]) } }), 'BPF_LINK_CREATE, {link_create={prog_fd=-1, target_fd=-559038737, attach_type=BPF_CGROUP_INET_EGRESS, flags=0x4}}, 16');
  assert.equal(render('bpf', [10, 0x1000, 4], { blobs: { 1: le([-1, 4]) } }), 'BPF_PROG_TEST_RUN, {test={prog_fd=-1, retval=0, data_size_in=0, data_size_out=0, data_in=NULL, data_out=NULL, repeat=0, duration=0}}, 4');
  assert.equal(render('bpf', [20, 0x1000, 4], { blobs: { 1: le([1735928559, 4]) } }), 'BPF_TASK_FD_QUERY, {task_fd_query={pid=1735928559, fd=0, flags=0, buf_len=0, buf=NULL, prog_id=0, fd_type=BPF_FD_TYPE_RAW_TRACEPOINT, probe_offset=0, probe_addr=0}}, 4');
  assert.equal(render('bpf', [29, 0x1000, 16], { blobs: { 1: le([-1, 4], [3, 4], [4, 4], [5, 4]) } }), 'BPF_LINK_UPDATE, {link_update={link_fd=-1, new_prog_fd=3, flags=BPF_F_REPLACE, old_prog_fd=5}}, 16');
  assert.equal(render('bpf', [16, 0x1000, 28], { blobs: { 1: le([-1, 4], [0, 4], [1, 4], [3, 4], [0x2000, 8], [0, 4]) } }), 'BPF_PROG_QUERY, {query={target_fd=-1, attach_type=BPF_CGROUP_INET_INGRESS, query_flags=BPF_F_QUERY_EFFECTIVE, attach_flags=BPF_F_ALLOW_OVERRIDE|BPF_F_ALLOW_MULTI, prog_ids=[], prog_cnt=0}}, 28');
  assert.equal(render('bpf', [11, 0x1000, 1], { blobs: { 1: le([239, 1]) } }), 'BPF_PROG_GET_NEXT_ID, {start_id=239, next_id=0}, 1');
  // NUMA_NO_NODE is no UAPI constant: strace names it in a comment.
  const noNode = le([1, 4], [4, 4], [8, 4], [1, 4], [0x4, 4], [0, 4], [0xffffffff, 4]);
  assert.equal(render('bpf', [0, 0x1000, 28], { blobs: { 1: noNode } }), 'BPF_MAP_CREATE, {map_type=BPF_MAP_TYPE_HASH, key_size=4, value_size=8, max_entries=1, map_flags=BPF_F_NUMA_NODE, inner_map_fd=0, numa_node=4294967295 /* NUMA_NO_NODE */}, 28');
  assert.equal(render('bpf', [0, 0x7f00, 0]), 'BPF_MAP_CREATE, 0x7f00, 0');
  assert.equal(render('bpf', [28, 0x7ff9, 8]), 'BPF_LINK_CREATE, 0x7ff9, 8');
});

test('keyctl: each command prints the arguments it takes', () => {
  assert.equal(render('keyctl', [2, 0xfffffff8, 0, 0, 0x1234]), 'KEYCTL_UPDATE, KEY_SPEC_REQUESTOR_KEYRING, NULL, 0');
  assert.equal(render('keyctl', [4, 0xdeadf00d, 0xffffffff, 0xffffffff]), 'KEYCTL_CHOWN, -559026163, -1, -1');
  assert.equal(render('keyctl', [5, 0xdeadf00d, 0xc0c0c0c0]), 'KEYCTL_SETPERM, -559026163, 0xc0c0c0c0 /* KEY_??? */');
  assert.equal(render('keyctl', [5, 1, 0x3f010000]), 'KEYCTL_SETPERM, 1, KEY_POS_VIEW|KEY_POS_READ|KEY_POS_WRITE|KEY_POS_SEARCH|KEY_POS_LINK|KEY_POS_SETATTR|KEY_USR_VIEW');
  assert.equal(render('keyctl', [6, 0xdeadf00d, 0, 0xfeedfacebadc0dedn]), 'KEYCTL_DESCRIBE, -559026163, NULL, 18369614220919311853');
  assert.equal(render('keyctl', [14, 0xffffffff]), 'KEYCTL_SET_REQKEY_KEYRING, KEY_REQKEY_DEFL_NO_CHANGE');
  assert.equal(render('keyctl', [19, 7, 3, 19, 7]), 'KEYCTL_REJECT, 7, 3, ENODEV, 7');
  assert.equal(render('keyctl', [30, 1, 0xffffffff, 1, 0xfffffffe]), 'KEYCTL_MOVE, 1, KEY_SPEC_THREAD_KEYRING, 1, 0xfffffffe /* KEYCTL_MOVE_??? */');
  assert.equal(render('keyctl', [18]), 'KEYCTL_SESSION_TO_PARENT');
  assert.equal(render('keyctl', [0xbadc0ded, 1, 2, 3, 4]), '0xbadc0ded /* KEYCTL_??? */, 0x1, 0x2, 0x3, 0x4');
});

const text = (s: string) => new TextEncoder().encode(s);

test('keyctl: the strings the command takes, its payload at its length, the address when unread', () => {
  assert.equal(render('keyctl', [1, 0x1000], { strings: { 1: 'ses' } }), 'KEYCTL_JOIN_SESSION_KEYRING, "ses"');
  assert.equal(render('keyctl', [1, 0x1000]), 'KEYCTL_JOIN_SESSION_KEYRING, 0x1000');
  assert.equal(render('keyctl', [1, 0x1000], { strings: { 1: 'k'.repeat(300) } }), `KEYCTL_JOIN_SESSION_KEYRING, "${'k'.repeat(256)}"...`);
  assert.equal(render('keyctl', [10, 0xfffffffe, 0x1000, 0x2000, 0], { strings: { 2: 'user', 3: 'no-such-key' } }), 'KEYCTL_SEARCH, KEY_SPEC_PROCESS_KEYRING, "user", "no-such-key", 0');
  assert.equal(render('keyctl', [29, 7, 0x1000, 0x2000], { strings: { 2: 'asymmetric', 3: 'builtin_trusted' } }), 'KEYCTL_RESTRICT_KEYRING, 7, "asymmetric", "builtin_trusted"');
  // A string read of a register that held a number is not shown: the key serial is.
  assert.equal(render('keyctl', [10, 7, 0x1000, 0x2000, 0xfffffffd], { strings: { 2: 'user', 3: 'd', 4: 'x' } }), 'KEYCTL_SEARCH, 7, "user", "d", KEY_SPEC_SESSION_KEYRING');
  assert.equal(render('keyctl', [2, 7, 0x1000, 8], { blobs: { 2: text('pay\0load') } }), 'KEYCTL_UPDATE, 7, "pay\\0load", 8');
  assert.equal(render('keyctl', [2, 7, 0x1000, 300], { blobs: { 2: text('p'.repeat(300)) } }), `KEYCTL_UPDATE, 7, "${'p'.repeat(256)}"..., 300`);
  // strace reads -s + 1 bytes of it: fewer readable, the address.
  assert.equal(render('keyctl', [2, 7, 0x1000, 300], { blobs: { 2: text('p'.repeat(256)) } }), 'KEYCTL_UPDATE, 7, 0x1000, 300');
  assert.equal(render('keyctl', [2, 7, 0x1000, 5], { blobs: { 2: text('pppp') } }), 'KEYCTL_UPDATE, 7, 0x1000, 5');
  assert.equal(render('keyctl', [2, 7, 0x1000, 0]), 'KEYCTL_UPDATE, 7, "", 0');
  assert.equal(render('keyctl', [12, 7, 0x1000, 3, 0xfffffffe], { blobs: { 2: text('abc') } }), 'KEYCTL_INSTANTIATE, 7, "abc", 3, KEY_SPEC_PROCESS_KEYRING');
});

test('keyctl: DESCRIBE, GET_SECURITY and READ outputs at the length returned, at most the buffer', () => {
  const desc = text('keyring;0;0;3f010000;_pid\0\0\0\0\0\0');
  assert.equal(render('keyctl', [6, 0xfffffffe, 0x1000, 64], { ret: 26, blobs: { 2: desc } }), 'KEYCTL_DESCRIBE, KEY_SPEC_PROCESS_KEYRING, "keyring;0;0;3f010000;_pid", 64');
  assert.equal(render('keyctl', [6, 0xfffffffe, 0x1000, 8], { ret: 26, blobs: { 2: desc.subarray(0, 8) } }), 'KEYCTL_DESCRIBE, KEY_SPEC_PROCESS_KEYRING, "keyring;", 8');
  assert.equal(render('keyctl', [6, 0xdeadf00d, 0x1000, 64], { ret: -126 }), 'KEYCTL_DESCRIBE, -559026163, 0x1000, 64');
  assert.equal(render('keyctl', [17, 0xfffffffe, 0x1000, 64], { ret: 1, blobs: { 2: new Uint8Array(64) } }), 'KEYCTL_GET_SECURITY, KEY_SPEC_PROCESS_KEYRING, "", 64');
  // READ's payload is bytes: a trailing NUL is shown.
  assert.equal(render('keyctl', [11, 7, 0x1000, 64], { ret: 3, blobs: { 2: text('ab\0') } }), 'KEYCTL_READ, 7, "ab\\0", 64');
  const long = text('x'.repeat(400));
  assert.equal(render('keyctl', [11, 7, 0x1000, 300], { ret: 400, blobs: { 2: long } }), `KEYCTL_READ, 7, "${'x'.repeat(256)}"..., 300`);
  assert.equal(render('keyctl', [11, 7, 0, 0], { ret: 40 }), 'KEYCTL_READ, 7, NULL, 0');
});

test('io_uring: setup params, enter flags and mask, register structs sized by nr_args', () => {
  const params = new Uint8Array(120);
  const pv = new DataView(params.buffer);
  pv.setUint32(0, 2, true);
  pv.setUint32(4, 4, true);
  pv.setUint32(20, 0x3, true);
  [0, 64, 256, 260, 268, 264, 320].forEach((n, i) => pv.setUint32(40 + 4 * i, n, true));
  [0, 64, 256, 260, 284, 320, 280].forEach((n, i) => pv.setUint32(80 + 4 * i, n, true));
  assert.equal(
    render('io_uring_setup', [2, 0x1000], { ret: 4, blobs: { 1: params } }),
    '2, {flags=0, sq_thread_cpu=0, sq_thread_idle=0, sq_entries=2, cq_entries=4, features=IORING_FEAT_SINGLE_MMAP|IORING_FEAT_NODROP, sq_off={head=0, tail=64, ring_mask=256, ring_entries=260, flags=268, dropped=264, array=320}, cq_off={head=0, tail=64, ring_mask=256, ring_entries=260, overflow=284, cqes=320, flags=280}}',
  );
  pv.setUint32(8, 0x20, true);
  pv.setUint32(24, 3, true);
  assert.equal(render('io_uring_setup', [2, 0x1000], { ret: -22, blobs: { 1: params } }), '2, {flags=IORING_SETUP_ATTACH_WQ, sq_thread_cpu=0, sq_thread_idle=0, wq_fd=3}');
  assert.equal(
    render('io_uring_enter', [3, 0xdeadbeef, 0xcafef00d, 0xffffffff, 0x1000, 8], { blobs: { 4: le([~((1n << 0n) | (1n << 8n) | (1n << 18n)), 8]) } }),
    '3, 3735928559, 3405705229, IORING_ENTER_GETEVENTS|IORING_ENTER_SQ_WAKEUP|IORING_ENTER_SQ_WAIT|IORING_ENTER_EXT_ARG|IORING_ENTER_REGISTERED_RING|0xffffffe0, ~[HUP KILL STOP], 8',
  );
  assert.equal(render('io_uring_register', [0, 13, 0x1000, 32], { blobs: { 2: le([0, 4], [0, 4], [0, 8], [0, 8], [0x2000, 8]) } }), '0, IORING_REGISTER_FILES2, {nr=0, flags=0, data=NULL, tags=[]}, 32');
  const tail = le([0, 4], [1, 4], [0, 8], [0x2000, 8], [0, 8], [0xa7a6a5a4a3a2a1a0n, 8]);
  assert.equal(render('io_uring_register', [0, 13, 0x1000, 40], { blobs: { 2: tail } }), '0, IORING_REGISTER_FILES2, {nr=0, flags=IORING_RSRC_REGISTER_SPARSE, data=[], tags=NULL, /* bytes 32..39 */ "\\xa0\\xa1\\xa2\\xa3\\xa4\\xa5\\xa6\\xa7"}, 40');
  assert.equal(render('io_uring_register', [0, 22, 0x1000, 66], { blobs: { 2: new Uint8Array(40) } }), '0, IORING_REGISTER_PBUF_RING, {ring_addr=NULL, ring_entries=0, bgid=0}, 66');
  assert.equal(render('io_uring_register', [0, 2, 0x1000, 5], { blobs: { 2: le([3, 4], [0, 4], [-1, 4], [-2, 4], [-3, 4]) } }), '0, IORING_REGISTER_FILES, [3, 0, -1, -2, -3], 5');
  assert.equal(render('io_uring_register', [0, 11, 0x1000, 1], { blobs: { 2: le([0, 2], [0, 1], [0, 1], [0, 4], [0, 4], [0, 4]) } }), '0, IORING_REGISTER_RESTRICTIONS, [{opcode=IORING_RESTRICTION_REGISTER_OP, register_op=IORING_REGISTER_BUFFERS}], 1');
  assert.equal(render('io_uring_register', [0, 11, 0x1000, 0]), '0, IORING_REGISTER_RESTRICTIONS, [], 0');
  // BUFFERS: nr_args iovecs, their bases as addresses.
  assert.equal(render('io_uring_register', [0, 0, 0x1000, 2], { blobs: { 2: le([0x5000, 8], [10, 8], [0, 8], [20, 8]) } }), '0, IORING_REGISTER_BUFFERS, [{iov_base=0x5000, iov_len=10}, {iov_base=NULL, iov_len=20}], 2');
  assert.equal(render('io_uring_register', [0, 0, 0x1000, 2]), '0, IORING_REGISTER_BUFFERS, 0x1000, 2');
});

test('io_uring_register: the arrays behind the register structs (SCT_READ_URING_RSRC, derived parts 0 and 1 of arg)', () => {
  const DATA = 0x80 | (2 << 3);
  const TAGS = DATA | 1;
  const fds = le([3, 4], [-1, 4], [-2, 4]);
  const tags = le([0, 8], [0x1234, 8], [7, 8]);
  const iovs = le([0x5000, 8], [12, 8], [0, 8], [0, 8]);
  assert.equal(
    render('io_uring_register', [0, 6, 0x1000, 3], { blobs: { 2: le([1, 4], [0, 4], [0x2000, 8]), [DATA]: fds } }),
    '0, IORING_REGISTER_FILES_UPDATE, {offset=1, fds=[3, -1, IORING_REGISTER_FILES_SKIP]}, 3',
  );
  assert.equal(render('io_uring_register', [0, 6, 0x1000, 3], { blobs: { 2: le([1, 4], [0, 4], [0x2000, 8]) } }), '0, IORING_REGISTER_FILES_UPDATE, {offset=1, fds=0x2000}, 3');
  const register = (nr: number) => le([nr, 4], [0, 4], [0, 8], [0x2000, 8], [0x3000, 8]);
  assert.equal(render('io_uring_register', [0, 13, 0x1000, 32], { blobs: { 2: register(3), [DATA]: fds, [TAGS]: tags } }), '0, IORING_REGISTER_FILES2, {nr=3, flags=0, data=[3, -1, -2], tags=[0, 0x1234, 0x7]}, 32');
  assert.equal(
    render('io_uring_register', [0, 15, 0x1000, 32], { blobs: { 2: register(2), [DATA]: iovs, [TAGS]: tags } }),
    '0, IORING_REGISTER_BUFFERS2, {nr=2, flags=0, data=[{iov_base=0x5000, iov_len=12}, {iov_base=NULL, iov_len=0}], tags=[0, 0x1234]}, 32',
  );
  const update = (nr: number) => le([2, 4], [0, 4], [0x2000, 8], [0x3000, 8], [nr, 4], [0, 4]);
  assert.equal(
    render('io_uring_register', [0, 14, 0x1000, 32], { blobs: { 2: update(3), [DATA]: fds, [TAGS]: tags } }),
    '0, IORING_REGISTER_FILES_UPDATE2, {offset=2, data=[3, -1, IORING_REGISTER_FILES_SKIP], tags=[0, 0x1234, 0x7], nr=3}, 32',
  );
  assert.equal(
    render('io_uring_register', [0, 16, 0x1000, 32], { blobs: { 2: update(2), [TAGS]: tags } }),
    '0, IORING_REGISTER_BUFFERS_UPDATE, {offset=2, data=0x2000, tags=[0, 0x1234], nr=2}, 32',
    'an array not delivered is its address',
  );
});

test('memory policies, pkeys and perf flags', () => {
  assert.equal(render('mbind', [0x1000, 4096, 0x8000, 0, 0, 0]), '0x1000, 4096, MPOL_DEFAULT|MPOL_F_STATIC_NODES, NULL, 0, 0');
  assert.equal(render('mbind', [0x1000, 4096, 1, 0, 0, 0xffffffff]), '0x1000, 4096, MPOL_PREFERRED, NULL, 0, MPOL_MF_STRICT|MPOL_MF_MOVE|MPOL_MF_MOVE_ALL|0xfffffff8');
  assert.equal(render('get_mempolicy', [0x1000, 0, 0, 0x2000, 2], { blobs: { 0: le([0, 4]) } }), '[MPOL_DEFAULT], NULL, 0, 0x2000, MPOL_F_ADDR');
  assert.equal(render('move_pages', [1, 0, 0x1000, 0, 0x2000, 2]), '1, 0, [], NULL, [], MPOL_MF_MOVE');
  // The arrays of nr_pages elements: addresses, nodes, statuses (a node or a negated errno).
  assert.equal(
    render('move_pages', [0, 3, 0x1000, 0x2000, 0x3000, 0], { blobs: { 2: le([0x7f0000001000n, 8], [0, 8], [0x10, 8]), 3: le([0, 4], [1, 4], [-1, 4]), 4: le([0, 4], [-14, 4], [-2, 4]) } }),
    '0, 3, [0x7f0000001000, NULL, 0x10], [0, 1, -1], [0, -EFAULT, -ENOENT], 0',
  );
  // Unread arrays print as their address; more than -s elements end in `...`.
  // (at the decoding default's 256).
  assert.equal(render('move_pages', [0, 300, 0x1000, 0, 0x3000, 0], { blobs: { 4: new Uint8Array(1200) } }), `0, 300, 0x1000, NULL, [${new Array(256).fill('0').join(', ')}, ...], 0`);
  // Node masks: maxnode - 1 bits in longs, printed as strace's %#016lx; a zero long without 0x.
  assert.equal(render('mbind', [0x1000, 4096, 2, 0x2000, 70, 0], { blobs: { 3: le([5, 8], [0, 8]) } }), '0x1000, 4096, MPOL_BIND, [0x00000000000005, 0000000000000000], 70, 0');
  assert.equal(render('mbind', [0x1000, 4096, 2, 0x2000, 1, 0]), '0x1000, 4096, MPOL_BIND, 0x2000, 1, 0');
  assert.equal(render('get_mempolicy', [0x1000, 0x2000, 65, 0, 0], { blobs: { 0: le([2, 4]), 1: le([0xffffffffffffffffn, 8]) } }), '[MPOL_BIND], [0xffffffffffffffff], 65, NULL, 0');
  // A failed get_mempolicy stored nothing: strace prints its outputs' addresses, whatever memory holds.
  assert.equal(
    render('get_mempolicy', [0x1000, 0x2000, 32770, 0, 0], { ret: -22, blobs: { 0: le([2, 4]), 1: le([0xffffffffffffffffn, 8], [0xffffffffffffffffn, 8]) } }),
    '0x1000, 0x2000, 32770, NULL, 0',
  );
  assert.equal(render('pkey_alloc', [0, 7]), '0, PKEY_DISABLE_ACCESS|PKEY_DISABLE_WRITE|PKEY_DISABLE_EXECUTE');
  assert.equal(render('pkey_alloc', [0xbadc0ded00000000n, 2]), '0xbadc0ded00000000, PKEY_DISABLE_WRITE');
  assert.equal(render('perf_event_open', [0, -1, -1, 1, 15]), 'NULL, -1, -1, 1, PERF_FLAG_FD_NO_GROUP|PERF_FLAG_FD_OUTPUT|PERF_FLAG_PID_CGROUP|PERF_FLAG_FD_CLOEXEC');
});

test('perf_event_open: the attr as strace prints it without -v, the size the kernel wrote back after E2BIG', () => {
  // type, size, config, sample_period, sample_type, read_format, the flags bitfield.
  const attr = (type: number, size: number, config: bigint, flags: bigint, period = 0) =>
    le([type, 4], [size, 4], [config, 8], [period, 8], [0x10000000003n, 8], [0xc, 8], [flags, 8]);
  const flags = 1n | (1n << 5n) | (2n << 15n) | (1n << 37n);
  assert.equal(
    render('perf_event_open', [0x1000, -1, -1, -1, 0], { blobs: { 0: attr(1, 112, 0xdeadn, flags) } }),
    '{type=PERF_TYPE_SOFTWARE, size=PERF_ATTR_SIZE_VER5, config=0xdead /* PERF_COUNT_SW_??? */, sample_period=0, ' +
      'sample_type=PERF_SAMPLE_IP|PERF_SAMPLE_TID|0x10000000000, read_format=PERF_FORMAT_ID|PERF_FORMAT_GROUP, disabled=1, ' +
      'exclude_kernel=1, precise_ip=2 /* requested to have 0 skid */, sigtrap=1, ...}, -1, -1, -1, 0',
  );
  assert.match(
    render('perf_event_open', [0x1000, -1, -1, -1, 0], { blobs: { 0: attr(0, 0, 0x500000007n, 1n << 10n, 4000) } }),
    /^\{type=PERF_TYPE_HARDWARE, size=0 \/\* PERF_ATTR_SIZE_\?\?\? \*\/, config=0x5<<32\|PERF_COUNT_HW_STALLED_CYCLES_FRONTEND, sample_freq=4000, .*, freq=1, precise_ip=0 \/\* arbitrary skid \*\/, \.\.\.\}/,
  );
  // E2BIG: the entry value's size, then the one the kernel wrote (the exit value).
  const cache = 0x3000000n | (1n << 16n) | (1n << 8n) | 3n;
  assert.match(
    render('perf_event_open', [0x1000, -1, -1, -1, 0], { ret: -7, blobs: { 0x80: attr(3, 200, cache, 0n), 0: attr(3, 136, cache, 0n) } }),
    /^\{type=PERF_TYPE_HW_CACHE, size=0xc8 \/\* PERF_ATTR_SIZE_\?\?\? \*\/ => 0x88 \/\* PERF_ATTR_SIZE_\?\?\? \*\/, config=0x3<<24\|PERF_COUNT_HW_CACHE_RESULT_MISS<<16\|PERF_COUNT_HW_CACHE_OP_WRITE<<8\|PERF_COUNT_HW_CACHE_DTLB, /,
  );
  assert.match(render('perf_event_open', [0x1000, -1, -1, -1, 0], { blobs: { 0: attr(0x77, 64, 0x1234n, 0xffffc00000000000n) } }), /config=0x1234, .*, __reserved_1=0x3ffff00 \/\* Bits 63..38 \*\/, \.\.\.\}/);
  // A size below PERF_ATTR_SIZE_VER0, or a head that could not be read: the address.
  assert.equal(render('perf_event_open', [0x1000, -1, -1, -1, 0], { blobs: { 0: attr(2, 32, 0n, 0n) } }), '0x1000, -1, -1, -1, 0');
  assert.equal(render('perf_event_open', [0x1000, -1, -1, -1, 0], { blobs: { 0: attr(2, 64, 0n, 0n).subarray(0, 40) } }), '0x1000, -1, -1, -1, 0');
  assert.match(render('perf_event_open', [0x1000, -1, -1, -1, 0], { blobs: { 0: attr(2, 64, 7n, 0n) } }), /^\{type=PERF_TYPE_TRACEPOINT, size=PERF_ATTR_SIZE_VER0, config=7, /);
});

test('pselect6: the sigmask pair and the mask behind it (SCT_READ_INNER with its struct)', () => {
  const call = (pair: Uint8Array, mask?: Uint8Array) => {
    const blobs: Record<number, Uint8Array> = { 5: pair };
    if (mask) blobs[0xac] = mask; // derived part 4 of argument 5
    return render('pselect6', [0, 0, 0, 0, 0, 0x2000], { blobs });
  };
  assert.equal(call(le([0x1000, 8], [8, 8]), le([1, 8])), '0, NULL, NULL, NULL, NULL, {sigmask=[HUP], sigsetsize=8}');
  assert.equal(call(le([0x1000, 8], [8, 8]), le([0, 8])), '0, NULL, NULL, NULL, NULL, {sigmask=[], sigsetsize=8}');
  assert.equal(call(le([0x1000, 8], [16, 8]), le([1, 8])), '0, NULL, NULL, NULL, NULL, {sigmask=0x1000, sigsetsize=16}');
  assert.equal(call(le([0, 8], [8, 8])), '0, NULL, NULL, NULL, NULL, {sigmask=NULL, sigsetsize=8}');
  assert.equal(call(le([0x1000, 8], [8, 8])), '0, NULL, NULL, NULL, NULL, {sigmask=0x1000, sigsetsize=8}');
  assert.equal(call(le([0x1000, 8])), '0, NULL, NULL, NULL, NULL, 0x2000');
});

test('syscalls tracefs does not describe get their declared arguments (module syscalls)', () => {
  assert.equal(render('delete_module', [0, 0]), 'NULL, 0');
  assert.equal(render('delete_module', [0x1000, 0x800], { strings: { 0: 'mod' } }), '"mod", O_NONBLOCK');
  assert.equal(render('finit_module', [0xbefefeed, 0x1000, 2], { strings: { 1: 'x=1' } }), '-1090584851, "x=1", MODULE_INIT_IGNORE_VERMAGIC');
  assert.equal(render('init_module', [0, 0xffffffff00000000n, 0]), 'NULL, 18446744069414584320, NULL');
  assert.equal(render('kexec_load', [0, 17, 0x1000, 0x2a0003]), 'NULL, 17, 0x1000, KEXEC_ARCH_SH|KEXEC_ON_CRASH|KEXEC_PRESERVE_CONTEXT');
  assert.equal(render('kexec_load', [0, 0, 0, 0xda7a0000]), 'NULL, 0, NULL, 0xda7a0000 /* KEXEC_ARCH_??? */');
  assert.equal(render('kexec_file_load', [-1, -1, 0, 0, 0x13]), '-1, -1, 0, NULL, KEXEC_FILE_UNLOAD|KEXEC_FILE_ON_CRASH|0x10');
  // The cmdline's cmdline_len bytes, its NUL among them (strace's printstrn); its address when unread.
  const cmdline = new TextEncoder().encode('abcdef\0');
  assert.equal(render('kexec_file_load', [3, 4, 7, 0x1000, 0], { blobs: { 3: cmdline } }), '3, 4, 7, "abcdef\\0", 0');
  assert.equal(render('kexec_file_load', [3, 4, 8, 0x1000, 0]), '3, 4, 8, 0x1000, 0');
  assert.equal(catalog.byName('init_module')?.tracepoint, undefined, 'no tracepoint: traced through raw_syscalls');
});

test('System V IPC keys, flags and commands; mq_open; kcmp indexes', () => {
  assert.equal(render('msgget', [0, 0o600]), 'IPC_PRIVATE, 0600');
  assert.equal(render('msgget', [0xfdb9f531, 0xface1000 | 0o6000 | 0o125]), '0xfdb9f531, IPC_EXCL|IPC_NOWAIT|0xface1000|0125');
  assert.equal(render('shmget', [0xfdb97531, 1, 21 << 26]), '0xfdb97531, 1, 21<<SHM_HUGE_SHIFT|000');
  assert.equal(render('semctl', [0, 0, 19, 0x7ffd1000]), '0, 0, SEM_INFO, 0x7ffd1000');
  assert.equal(render('mq_open', [0, 0, 0o177355, 0]), 'NULL, O_RDONLY');
  assert.equal(render('mq_open', [0, 0o103, 0o177355, 0]), 'NULL, O_ACCMODE|O_CREAT, 0177355, NULL');
  assert.equal(render('mq_getsetattr', [0, 0, 0x1000], { blobs: { 2: le([0, 8], [10, 8], [8192, 8], [0, 8], [0, 8], [0, 8], [0, 8], [0, 8]) } }), '0, NULL, {mq_flags=0, mq_maxmsg=10, mq_msgsize=8192, mq_curmsgs=0}');
  assert.equal(render('kcmp', [-1, -1, 0, 3, 4]), '-1, -1, KCMP_FILE, 3, 4');
  assert.equal(render('kcmp', [-1, -1, 1, 3, 4]), '-1, -1, KCMP_VM');
  assert.equal(render('kcmp', [-1, -1, 7, 3, 0]), '-1, -1, KCMP_EPOLL_TFD, 3, NULL');
  assert.equal(render('kcmp', [0, 0, 8, 0, 0]), '0, 0, 0x8 /* KCMP_??? */, 0, 0');
  assert.equal(render('kcmp', [-1, -1, 0xda7adead, 3, 4]), '-1, -1, 0xda7adead /* KCMP_??? */, 0x3, 0x4');
});

test('msgsnd and msgrcv: the msgbuf (mtype, then msgsz bytes of text cut at -s) and the flags', () => {
  const text = Buffer.from('hello\0world');
  const mb = new Uint8Array([...le([5, 8]), ...text]);
  assert.equal(render('msgsnd', [-1, 0x1000, 11, 0o4000], { blobs: { 1: mb } }), '-1, {mtype=5, mtext="hello\\0world"}, 11, IPC_NOWAIT');
  assert.equal(render('msgsnd', [-1, 0x1000, 300, 0], { blobs: { 1: new Uint8Array([...le([1, 8]), ...new Uint8Array(300).fill(0x61)]) } }), `-1, {mtype=1, mtext="${'a'.repeat(256)}"...}, 300, 0`);
  // The text could not be read with the mtype: its address, as strace's separate read shows it.
  assert.equal(render('msgsnd', [-1, 0x1000, 11, 0], { blobs: { 1: le([5, 8]) } }), '-1, {mtype=5, mtext=0x1008}, 11, 0');
  assert.equal(render('msgsnd', [-1, 0x1000, 11, 0]), '-1, 0x1000, 11, 0');
  assert.equal(render('msgrcv', [3, 0x1000, 5, -2, 0o14000], { ret: 5, blobs: { 1: mb.subarray(0, 13) } }), '3, {mtype=5, mtext="hello"}, 5, -2, MSG_NOERROR|IPC_NOWAIT');
});

test('landlock: ruleset attr, path-beneath attr, flags in hex', () => {
  assert.equal(render('landlock_create_ruleset', [0x1000, 12, 0], { blobs: { 0: le([1, 8]) } }), '{handled_access_fs=LANDLOCK_ACCESS_FS_EXECUTE, ...}, 12, 0');
  assert.equal(render('landlock_create_ruleset', [0x1000, 4, 0]), '0x1000, 4, 0');
  assert.equal(render('landlock_add_rule', [-1, 1, 0x1000, 0], { blobs: { 2: le([1, 8], [-1, 4]) } }), '-1, LANDLOCK_RULE_PATH_BENEATH, {allowed_access=LANDLOCK_ACCESS_FS_EXECUTE, parent_fd=-1}, 0');
  assert.equal(render('landlock_add_rule', [0, 0xfacebeef, 0x1000, 1]), '0, 0xfacebeef /* LANDLOCK_RULE_??? */, 0x1000, 0x1');
});

/** A struct iocb: aio_data, key, rw_flags, opcode, reqprio, fildes, buf, nbytes, offset, reserved2, flags, resfd. */
function iocb(f: { data?: bigint; key?: number; op: number; prio?: number; fd?: number; buf?: bigint; nbytes?: bigint; offset?: bigint; flags?: number; resfd?: number }): Uint8Array {
  return le([f.data ?? 0n, 8], [f.key ?? 0, 4], [0, 4], [f.op, 2], [f.prio ?? 0, 2], [f.fd ?? 0, 4], [f.buf ?? 0n, 8], [f.nbytes ?? 0n, 8], [f.offset ?? 0n, 8], [0, 8], [f.flags ?? 0, 4], [f.resfd ?? 0, 4]);
}

test('aio: io_submit\'s iocbs and what they point to (SCT_READ_AIO), io_cancel\'s header and event, the events returned', () => {
  const d = (arg: number, part: number) => 0x80 | (arg << 3) | part;
  const pread = iocb({ data: 0xfeedn, op: 0, prio: 11, buf: 0x5000n, nbytes: 4096n, offset: 7n });
  const pwrite = iocb({ op: 1, fd: 3, buf: 0x6000n, nbytes: 40n, flags: 3, resfd: 9, prio: (2 << 13) | 4 });
  const preadv = iocb({ op: 7, buf: 0x7000n, nbytes: 2n });
  const blobs = {
    2: le([0x1000, 8], [0x2000, 8], [0, 8], [0x3000, 8], [0x4000, 8]),
    [d(2, 0)]: pread,
    [d(2, 1)]: pwrite,
    [d(6, 1)]: new TextEncoder().encode('0123456789abcdef0123456789abcdef01234567'),
    [d(2, 3)]: preadv,
    [d(6, 3)]: le([0x7100, 8], [16, 8], [0x7200, 8], [32, 8]),
  };
  assert.equal(
    render('io_submit', [0x10, 6, 0x9000], { blobs, ret: -9 }),
    '0x10, 6, [{aio_data=0xfeed, aio_lio_opcode=IOCB_CMD_PREAD, aio_reqprio=11, aio_fildes=0, aio_buf=0x5000, aio_nbytes=4096, aio_offset=7}, ' +
      '{aio_data=0, aio_lio_opcode=IOCB_CMD_PWRITE, aio_reqprio=IOPRIO_PRIO_VALUE(IOPRIO_CLASS_BE, 4), aio_fildes=3, aio_buf="0123456789abcdef0123456789abcdef01234567", aio_nbytes=40, aio_offset=0, aio_flags=IOCB_FLAG_RESFD|IOCB_FLAG_IOPRIO, aio_resfd=9}, ' +
      'NULL, {aio_data=0, aio_lio_opcode=IOCB_CMD_PREADV, aio_fildes=0, aio_buf=[{iov_base=0x7100, iov_len=16}, {iov_base=0x7200, iov_len=32}], aio_offset=0}, 0x4000, ... /* 0x9028 */]',
  );
  // An unknown command prints the header alone; an invalid size the buffer in hex.
  assert.equal(
    render('io_submit', [0x10, 2, 0x9000], { blobs: { 2: le([0x1000, 8], [0x2000, 8]), [d(2, 0)]: iocb({ op: 61453, key: 5, fd: -1 }), [d(2, 1)]: iocb({ op: 8, buf: 0x10n, nbytes: 1n << 63n }) } }),
    '0x10, 2, [{aio_data=0, aio_key=5, aio_lio_opcode=61453 /* IOCB_CMD_??? */, aio_fildes=-1}, {aio_data=0, aio_lio_opcode=IOCB_CMD_PWRITEV, aio_fildes=0, aio_buf=0x10, aio_nbytes=9223372036854775808, aio_offset=0}]',
  );
  assert.equal(render('io_submit', [0x10, 2, 0x9000], { ret: -14 }), '0x10, 2, 0x9000');
  assert.equal(render('io_submit', [0x10, -1, 0x9000]), '0x10, -1, 0x9000');
  assert.equal(
    render('io_cancel', [0x10, 0x1000, 0x2000], { ret: -22, blobs: { 1: iocb({ data: 0xdeadn, op: 0, prio: 99, fd: -42 }), 2: le([1, 8], [2, 8], [3, 8], [4, 8]) } }),
    '0x10, {aio_data=0xdead, aio_lio_opcode=IOCB_CMD_PREAD, aio_reqprio=99, aio_fildes=-42}, 0x2000',
  );
  assert.equal(render('io_cancel', [0x10, 0, 0x2000], { blobs: { 2: le([1, 8], [2, 8], [3, 8], [-4, 8]) } }), '0x10, NULL, {data=0x1, obj=0x2, res=3, res2=-4}');
  const events = le([0xaa, 8], [0x100, 8], [4096, 8], [0, 8], [0xbb, 8], [0x200, 8], [-5, 8], [0, 8]);
  assert.equal(render('io_getevents', [0x10, 1, 2, 0x3000, 0], { ret: 2, blobs: { 3: events } }), '0x10, 1, 2, [{data=0xaa, obj=0x100, res=4096, res2=0}, {data=0xbb, obj=0x200, res=-5, res2=0}], NULL');
  assert.equal(render('io_pgetevents', [0x10, 1, 2, 0x3000, 0, 0], { ret: -22 }), '0x10, 1, 2, 0x3000, NULL, NULL');
});

test('constants and signedness strace prints for process, namespace, futex, quota and aio arguments', () => {
  // ptrace's pid is a long register the kernel uses as a pid_t.
  assert.equal(render('ptrace', [2, 0xdefaced00003ea7n, 0x1000, 0x2000]), 'PTRACE_PEEKDATA, 16039, 0x1000, 0x2000');
  assert.equal(render('ptrace', [3, 5, 0x1000, 0x2000]), 'PTRACE_PEEKUSER, 5, 0x1000, 0x2000');
  assert.equal(render('ptrace', [0, 5, 0x1000, 0x2000]), 'PTRACE_TRACEME');
  assert.equal(render('ptrace', [16, 0xffffffff00000005n, 0x1000, 0x2000]), 'PTRACE_ATTACH, 5');
  assert.equal(render('ptrace', [0x420a, 5, 8, 0x2000]), 'PTRACE_GETSIGMASK, 5, 8, 0x2000');
  assert.equal(render('setns', [-559038242, 0x80]), '-559038242, CLONE_NEWTIME');
  assert.equal(render('setns', [3, 0x40000000 | 0x1]), '3, CLONE_NEWNET|0x1');
  assert.equal(render('setns', [3, 0]), '3, 0');
  assert.equal(render('futex_waitv', [0, 1, 0xffffffff, 0, 1]), 'NULL, 1, 0xffffffff, NULL, CLOCK_MONOTONIC');
  assert.equal(render('futex_waitv', [0, 1, 0, 0, 0xffffffff]), 'NULL, 1, 0, NULL, 0xffffffff /* CLOCK_??? */');
  assert.equal(render('close_range', [4294967294, 4294967295, 1]), '4294967294, 4294967295, 0x1 /* CLOSE_RANGE_??? */');
  assert.equal(render('close_range', [0, 4294967292, 0xffffffff]), '0, 4294967292, CLOSE_RANGE_UNSHARE|CLOSE_RANGE_CLOEXEC|0xfffffff9');
  assert.equal(render('quotactl', [0, 0, 0xffffffff, 0]), 'QCMD(0 /* Q_??? */, USRQUOTA), NULL, -1, NULL');
  assert.equal(render('quotactl', [0x80000200, 0, 1, 0]), 'QCMD(Q_QUOTAON, USRQUOTA), NULL, QFMT_VFS_OLD, NULL');
  assert.equal(render('quotactl', [0x80000200, 0, 0xca7faced, 0]), 'QCMD(Q_QUOTAON, USRQUOTA), NULL, 0xca7faced /* QFMT_VFS_??? */, NULL');
  assert.equal(render('quotactl', [0x80000300, 0x1000, 0xffffffff, 0]), 'QCMD(Q_QUOTAOFF, USRQUOTA), 0x1000');
  assert.equal(render('quotactl', [0x80000401, 0, 7, 0x2000]), 'QCMD(Q_GETFMT, GRPQUOTA), NULL, 0x2000');
  assert.equal(render('quotactl', [0x80000700, 0, 1000, 0x2000]), 'QCMD(Q_GETQUOTA, USRQUOTA), NULL, 1000, 0x2000');
  assert.equal(render('execveat', [-100, 0, 0, 0, 0x100], { strings: { 1: 'x' } }).split(', ')[0], 'AT_FDCWD');
  assert.equal(render('io_submit', [0xfacefeedcafebeefn, 2, 0]), '0xfacefeedcafebeef, 2, NULL');
  assert.equal(render('io_setup', [2, 0x1000], { blobs: { 1: le([0x7f0000001000n, 8]) } }), '2, [0x7f0000001000]');
  assert.equal(render('io_getevents', [0x1000, 0, 0, 0, 0x2000], { ret: -22, blobs: { 4: le([1, 8], [2, 8]) } }), '0x1000, 0, 0, NULL, {tv_sec=1, tv_nsec=2}');
  assert.equal(render('io_destroy', [0xfacefeedcafebeefn]), '0xfacefeedcafebeef');
  assert.equal(render('io_setup', [2, 0x1000], { ret: -22, blobs: { 1: le([0x7f0000001000n, 8]) } }), '2, 0x1000');
  // prot is an unsigned long: unknown bits above 32 stay visible.
  assert.equal(render('pkey_mprotect', [0, 0, 0xdeadfeed00ca7500n, -1]), 'NULL, 0, 0xdeadfeed00ca7500 /* PROT_??? */, -1');
  assert.equal(render('pkey_mprotect', [0, 0, 0x100000003n, 0]), 'NULL, 0, PROT_READ|PROT_WRITE|0x100000000, 0');
  // Bit 2 is WSTOPPED (strace names WUNTRACED only where WSTOPPED is not defined).
  assert.equal(render('wait4', [-1, 0, 2, 0]), '-1, NULL, WSTOPPED, NULL');
  // The rusage only when a child was reaped; after WNOHANG's 0 its address.
  assert.equal(render('wait4', [5, 0, 1, 0x3000], { blobs: { 3: new Uint8Array(144).fill(0xff) } }), '5, NULL, WNOHANG, 0x3000');
  // FUTEX_WAKE_OP's val3 is FUTEX_OP(op, oparg, cmp, cmparg).
  assert.equal(render('futex', [0x1000, 5, 1, 0, 0x2000, 0]), '0x1000, FUTEX_WAKE_OP, 1, 0, 0x2000, FUTEX_OP_SET<<28|0<<12|FUTEX_OP_CMP_EQ<<24|0');
  assert.equal(render('futex', [0x1000, 5, 1, 2, 0x2000, 0xfffffffan]), '0x1000, FUTEX_WAKE_OP, 1, 2, 0x2000, FUTEX_OP_OPARG_SHIFT<<28|0x7<<28 /* FUTEX_OP_??? */|0xfff<<12|0xf<<24 /* FUTEX_OP_CMP_??? */|0xffa');
  assert.equal(render('futex', [0x1000, 14, 1, 0x3000, 0x2000, 0x9caffee1]), '0x1000, 0xe /* FUTEX_??? */, 1, 0x3000, 0x2000, 0x9caffee1');
  assert.equal(render('futex', [0x1000, 5 | 128, 1, 2, 0x2000, 0x1ffffff]), '0x1000, FUTEX_WAKE_OP_PRIVATE, 1, 2, 0x2000, FUTEX_OP_SET<<28|0xfff<<12|FUTEX_OP_CMP_NE<<24|0xfff');
});

/** struct ipc64_perm: key, uid, gid, cuid, cgid, mode, seq and padding. */
const perm = (key: number, mode: number): Array<[number | bigint, 1 | 2 | 4 | 8]> => [[key, 4], [0, 4], [1000, 4], [0xffffffff, 4], [0, 4], [mode, 4], [0, 8], [0, 8], [0, 8]];

test('System V IPC structs as strace prints them: by command, IPC_SET as input, the outputs after success', () => {
  const msqid = le(...perm(0x1234, 0o600), [5, 8], [6, 8], [7, 8], [0, 8], [2, 8], [16384, 8], [41, 4], [-1, 4], [0, 8], [0, 8]);
  assert.equal(msqid.length, 120);
  assert.equal(
    render('msgctl', [3, 2, 0x1000], { blobs: { 2: msqid } }),
    '3, IPC_STAT, {msg_perm={uid=0, gid=1000, mode=0600, key=4660, cuid=-1, cgid=0}, msg_stime=5, msg_rtime=6, msg_ctime=7, msg_qnum=2, msg_qbytes=16384, msg_lspid=41, msg_lrpid=-1}',
  );
  assert.equal(render('msgctl', [3, 2, 0x1000], { ret: -14, blobs: { 2: msqid } }), '3, IPC_STAT, 0x1000');
  assert.equal(render('msgctl', [3, 1, 0x1000], { ret: -1, blobs: { 2: msqid } }), '3, IPC_SET, {msg_perm={uid=0, gid=1000, mode=0600}, msg_qbytes=16384}');
  // IPC_64 is shown, then the command decoded without it; a struct shorter than the command's is its address.
  assert.equal(render('msgctl', [3, 0x102, 0x1000], { ret: -22 }), '3, IPC_64|IPC_STAT, 0x1000');
  assert.equal(render('msgctl', [3, 0x1ff, 0x1000], { ret: -22 }), '3, IPC_64|0xff /* MSG_??? */, 0x1000');
  assert.equal(render('msgctl', [3, 2, 0x1000], { blobs: { 2: msqid.subarray(0, 100) } }), '3, IPC_STAT, 0x1000');
  const msginfo = le([1, 4], [2, 4], [8192, 4], [16384, 4], [32000, 4], [16, 4], [0, 4], [65535, 2], [0, 2]);
  assert.equal(render('msgctl', [3, 12, 0x1000], { ret: 3, blobs: { 2: msginfo } }), '3, MSG_INFO, {msgpool=1, msgmap=2, msgmax=8192, msgmnb=16384, msgmni=32000, msgssz=16, msgtql=0, msgseg=65535}');
  const shmid = le(...perm(0, 0o1600), [4096, 8], [1, 8], [2, 8], [3, 8], [77, 4], [0, 4], [1, 8], [0, 8], [0, 8]);
  assert.equal(
    render('shmctl', [4, 13, 0x1000], { ret: 4, blobs: { 2: shmid } }),
    '4, SHM_STAT, {shm_perm={uid=0, gid=1000, mode=01600, key=0, cuid=-1, cgid=0}, shm_segsz=4096, shm_cpid=77, shm_lpid=0, shm_nattch=1, shm_atime=1, shm_dtime=2, shm_ctime=3}',
  );
  assert.equal(render('shmctl', [4, 1, 0x1000], { blobs: { 2: shmid } }), '4, IPC_SET, {shm_perm={uid=0, gid=1000, mode=01600}}');
  assert.equal(render('shmctl', [4, 3, 0x1000], { blobs: { 2: le([-1, 8], [1, 8], [4096, 8], [4096, 8], [9, 8], [0, 8], [0, 8], [0, 8], [0, 8]) } }), '4, IPC_INFO, {shmmax=18446744073709551615, shmmin=1, shmmni=4096, shmseg=4096, shmall=9}');
  assert.equal(render('shmctl', [4, 14, 0x1000], { blobs: { 2: le([2, 4], [0, 4], [3, 8], [1, 8], [0, 8], [0, 8], [0, 8]) } }), '4, SHM_INFO, {used_ids=2, shm_tot=3, shm_rss=1, shm_swp=0, swap_attempts=0, swap_successes=0}');
  assert.equal(render('shmctl', [4, 11, 0x1000]), '4, SHM_LOCK, 0x1000');
  const semid = le(...perm(0, 0o600), [0, 8], [0, 8], [9, 8], [0, 8], [1, 8], [0, 8], [0, 8]);
  assert.equal(render('semctl', [5, 0, 18, 0x1000], { ret: 5, blobs: { 3: semid } }), '5, 0, SEM_STAT, {sem_perm={uid=0, gid=1000, mode=0600, key=0, cuid=-1, cgid=0}, sem_otime=0, sem_ctime=9, sem_nsems=1}');
  assert.equal(render('semctl', [5, 0, 0x102, 0x1000], { ret: -22, blobs: { 3: semid } }), '5, 0, IPC_64|IPC_STAT, 0x1000');
  assert.equal(render('semctl', [5, 0, 0x101, 0x1000], { ret: -22, blobs: { 3: semid } }), '5, 0, IPC_64|IPC_SET, {sem_perm={uid=0, gid=1000, mode=0600}}');
  const seminfo = le(...Array.from({ length: 10 }, (_, i) => [i, 4] as [number, 4]));
  assert.equal(render('semctl', [5, 0, 3, 0x1000], { ret: 5, blobs: { 3: seminfo } }), '5, 0, IPC_INFO, {semmap=0, semmni=1, semmns=2, semmnu=3, semmsl=4, semopm=5, semume=6, semusz=7, semvmx=8, semaem=9}');
  assert.equal(render('semctl', [5, 0, 3, 0x1000], { ret: -14, blobs: { 3: seminfo } }), '5, 0, IPC_INFO, 0x1000');
  assert.equal(render('semctl', [5, 0, 16, 1]), '5, 0, SETVAL, 0x1');
  assert.equal(render('shmat', [4, 0, 0o110000]), '4, NULL, SHM_RDONLY|SHM_EXEC');
  assert.equal(render('shmat', [4, 0, -1330]), '4, NULL, SHM_RDONLY|SHM_RND|SHM_REMAP|SHM_EXEC|0xffff0ace');
});

test('semop, semtimedop and futex_waitv arrays: the elements readable, -s of them, `... /* ADDR */` where memory ends', () => {
  const sb = (num: number, op: number, flg: number): Array<[number, 2]> => [[num, 2], [op & 0xffff, 2], [flg, 2]];
  assert.equal(render('semop', [1, 0x1000, 1], { blobs: { 1: le(...sb(0, -1, 0x1000)) } }), '1, [{sem_num=0, sem_op=-1, sem_flg=SEM_UNDO}], 1');
  // Two asked, one readable (a HEAD read that stopped at the page's end).
  assert.equal(render('semop', [1, 0xffa, 2], { blobs: { 1: le(...sb(64206, -4083, 0xbeef)) } }), '1, [{sem_num=64206, sem_op=-4083, sem_flg=SEM_UNDO|IPC_NOWAIT|0xa6ef}, ... /* 0x1000 */], 2');
  assert.equal(render('semop', [1, 0xffa, 2], { blobs: { 1: new Uint8Array(0) } }), '1, 0xffa, 2');
  assert.equal(render('semtimedop', [1, 0x1000, 1, 0x2000], { blobs: { 1: le(...sb(0, 1, 0)), 3: le([1, 8], [2, 8]) } }), '1, [{sem_num=0, sem_op=1, sem_flg=0}], 1, {tv_sec=1, tv_nsec=2}');
  const w = (val: number, addr: number, flags: number, reserved = 0): Array<[number, 4 | 8]> => [[val, 8], [addr, 8], [flags, 4], [reserved, 4]];
  assert.equal(render('futex_waitv', [0x1000, 0, 0, 0, 0]), '[], 0, 0, NULL, CLOCK_REALTIME');
  assert.equal(render('futex_waitv', [0x1000, 1, 0, 0, 1], { blobs: { 0: le(...w(0, 0, -1, -1)) } }), '[{val=0, uaddr=NULL, flags=FUTEX_32|FUTEX_PRIVATE_FLAG|0xffffff7d, __reserved=0xffffffff}], 1, 0, NULL, CLOCK_MONOTONIC');
  // At most FUTEX_WAITV_MAX (128) shown (the service's -s is 256): 129 of 130 readable, the 129th
  // fetched, so `...`; with only 128 readable the comment at the 129th.
  const many = (n: number) => le(...Array.from({ length: n }, (_, i) => w(i, 0x5000, 130)).flat());
  assert.match(render('futex_waitv', [0x1000, 130, 0, 0, 1], { blobs: { 0: many(129) } }), /^\[\{val=0, uaddr=0x5000, flags=FUTEX_32\|FUTEX_PRIVATE_FLAG\}, .*\{val=0x7f, [^}]*\}, \.\.\.\], 130,/);
  assert.match(render('futex_waitv', [0x1000, 130, 0, 0, 1], { blobs: { 0: many(128) } }), /\{val=0x7f, [^}]*\}, \.\.\. \/\* 0x1c00 \*\/\], 130,/);
  assert.equal(render('futex_waitv', [0x1000, 2, 0, 0, 1], { blobs: { 0: many(1) } }), '[{val=0, uaddr=0x5000, flags=FUTEX_32|FUTEX_PRIVATE_FLAG}, ... /* 0x1018 */], 2, 0, NULL, CLOCK_MONOTONIC');
});

test('struct sched_attr as strace prints it: sched_setattr at entry with E2BIG\'s size, sched_getattr after success', () => {
  const attr = (size: number, policy: number, flags: bigint, util = true) =>
    le([size, 4], [policy, 4], [flags, 8], [-5, 4], [0, 4], [1400000, 8], [0, 8], [0, 8], ...(util ? ([[0, 4], [1024, 4]] as Array<[number, 4]>) : []));
  const entry = (size: number) => ({ 136: le([size, 4]) });
  assert.equal(
    render('sched_setattr', [0, 0x1000, 0], { blobs: { ...entry(56), 1: attr(56, 0, 1n) } }),
    '0, {size=56, sched_policy=SCHED_OTHER, sched_flags=SCHED_FLAG_RESET_ON_FORK, sched_nice=-5, sched_priority=0, sched_runtime=1400000, sched_deadline=0, sched_period=0, sched_util_min=0, sched_util_max=1024}, 0',
  );
  // Size 0 is VER0's; KEEP_PARAMS drops the parameters, KEEP_POLICY a non-negative policy.
  assert.equal(
    render('sched_setattr', [0, 0x1000, 0], { blobs: { ...entry(0), 1: attr(0, 1, 0x18n, false) } }),
    '0, {size=0, sched_flags=SCHED_FLAG_KEEP_POLICY|SCHED_FLAG_KEEP_PARAMS}, 0',
  );
  assert.equal(render('sched_setattr', [0, 0x1000, 0], { ret: -7, blobs: { ...entry(47), 1: le([56, 4]) } }), '0, {size=47} => {size=56}, 0');
  assert.match(render('sched_setattr', [0, 0x1000, 0], { ret: -7, blobs: { ...entry(64), 1: attr(56, 0xca7faced, 1n << 40n) } }), /^0, \{size=64, sched_policy=0xca7faced \/\* SCHED_\?\?\? \*\/, sched_flags=0x10000000000 \/\* SCHED_FLAG_\?\?\? \*\/, .*sched_util_max=1024, \.\.\.\} => \{size=56\}, 0$/);
  // Readable head, struct not: the address.
  assert.equal(render('sched_setattr', [0, 0x1000, 0], { blobs: { ...entry(56), 1: le([56, 4]) } }), '0, 0x1000, 0');
  assert.equal(
    render('sched_getattr', [0, 0x1000, 48, 0], { blobs: { 1: attr(48, 0, 0n, false) } }),
    '0, {size=48, sched_policy=SCHED_OTHER, sched_flags=0, sched_nice=-5, sched_priority=0, sched_runtime=1400000, sched_deadline=0, sched_period=0}, 48, 0',
  );
  assert.equal(render('sched_getattr', [0, 0x1000, 56, 0], { ret: -22, blobs: { 1: attr(56, 0, 0n) } }), '0, 0x1000, 56, 0');
  assert.equal(render('sched_getattr', [0, 0x1000, 0, 0], { ret: -22 }), '0, 0x1000, 0, 0');
});
