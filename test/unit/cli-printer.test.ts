/**
 * The CLI's event printer on hand-built events shaped like the runtime objects proto-loader
 * produces (Event__Output: 64-bit numbers as strings, the oneof member named in `kind`/`value`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Event__Output } from '../../src/api/generated/sctrace/v1/Event';
import type { SyscallArg__Output } from '../../src/api/generated/sctrace/v1/SyscallArg';
import type { SyscallEvent__Output } from '../../src/api/generated/sctrace/v1/SyscallEvent';
import { EventPrinter, formatDuration, type PrinterOptions } from '../../clients/cli/printer';
import { QualifiedSet } from '../../clients/cli/qualify';
import { errnoName } from '../../src/syscalls/strerror';
import { quoteString, signalName } from '../../clients/cli/values';

function task(tid = 100, pid = tid) {
  return { pid, tid, ppid: 1, uid: 0, gid: 0, comm: 'cat', cgroup_id: '1' };
}

function event(kind: NonNullable<Event__Output['kind']>, body: Partial<Event__Output>, tid = 100): Event__Output {
  return { sequence: '7', timestamp_ns: '1700000000000000000', task: task(tid), kind, ...body };
}

function syscall(call: Partial<SyscallEvent__Output>, tid = 100): Event__Output {
  const full: SyscallEvent__Output = {
    nr: 257, name: 'openat', args: [], ret: '0', duration_ns: '12000', errno_name: '', decoded: [], no_return: false, arch: 'x86_64', ret_fd_path: '',
    ...call,
  };
  return event('syscall', { syscall: full }, tid);
}

function arg(name: string, type: string, value: Pick<SyscallArg__Output, 'value' | 'str' | 'int' | 'uint'>, extra: Partial<SyscallArg__Output> = {}): SyscallArg__Output {
  return { name, type, truncated: false, unreadable: false, symbolic: '', fd_path: '', ignored: false, buffer: Buffer.alloc(0), items: [], str_bytes: Buffer.alloc(0), items_bytes: [], return_note: '', ...value, ...extra };
}

const openatArgs = (path: string): SyscallArg__Output[] => [
  arg('dfd', 'int', { value: 'int', int: '-100' }, { symbolic: 'AT_FDCWD' }),
  arg('filename', 'const char *', { value: 'str', str: path }),
  arg('flags', 'int', { value: 'int', int: '0' }, { symbolic: 'O_RDONLY' }),
];

const text = (options: Partial<PrinterOptions> = {}) => new EventPrinter({ format: 'text', ...options });

/** The exit figures a server before issue 15 did not send. */
const NO_USAGE = { wall_time_ns: '0', usage: null, children_usage: null };

test('strace layout: ` = ` at column 40, or right after a longer call; no time without -T', () => {
  assert.equal(text().format(syscall({ decoded: openatArgs('/etc/hostname'), ret: '3', duration_ns: '12345' })), 'openat(AT_FDCWD, "/etc/hostname", O_RDONLY) = 3');
  const close = syscall({ name: 'close', ret: '0', decoded: [arg('fd', 'unsigned int', { value: 'int', int: '3' })] });
  assert.equal(text().format(close), 'close(3)                                = 0');
  assert.equal(text().format(close).indexOf('='), 40);
  assert.equal(text({ durations: true }).format(close), 'close(3)                                = 0 <0.000012>');
  assert.equal(text({ column: 0 }).format(close), 'close(3) = 0');
});

test('errors: the name and glibc\'s message; restarts as `= ?`; an errno without a name as its number', () => {
  assert.equal(text().format(syscall({ decoded: openatArgs('/nope'), ret: '-2', errno_name: 'ENOENT' })), 'openat(AT_FDCWD, "/nope", O_RDONLY)     = -1 ENOENT (No such file or directory)');
  assert.equal(text().format(syscall({ name: 'close', ret: '-9', decoded: [arg('fd', 'unsigned int', { value: 'uint', uint: '99' })] })),
    'close(99)                               = -1 EBADF (Bad file descriptor)');
  assert.equal(text().format(syscall({ name: 'x', ret: '-41', errno_name: 'ERRNO_41' })), 'x()                                     = -1 (errno 41)');
  assert.equal(text().format(syscall({ name: 'ioctl', ret: '-515', errno_name: 'ENOIOCTLCMD' })), 'ioctl()                                 = -1 ENOIOCTLCMD (Unknown error 515)');
  assert.equal(text().format(syscall({ name: 'read', ret: '-512', errno_name: 'ERESTARTSYS' })),
    'read()                                  = ? ERESTARTSYS (To be restarted if SA_RESTART is set)');
  assert.equal(errnoName(11), 'EAGAIN');
  assert.equal(errnoName(95), 'EOPNOTSUPP');
  assert.equal(errnoName(35), 'EDEADLK');
});

test('return values: hex addresses, octal umask, strace\'s notes', () => {
  assert.equal(text().format(syscall({ name: 'mmap', ret: '139637976727552' })), 'mmap()                                  = 0x7f0000000000');
  assert.equal(text().format(syscall({ name: 'umask', ret: '18' })), 'umask()                                 = 022');
  const fcntl = (cmd: string, ret: string) => text().format(syscall({ name: 'fcntl', args: ['3', cmd, '0'], ret })).replace(/^.*= /, '');
  assert.equal(fcntl('3', '32770'), '0x8002 (flags O_RDWR|O_LARGEFILE)');
  assert.equal(fcntl('1', '1'), '0x1 (flags FD_CLOEXEC)');
  assert.equal(fcntl('1', '0'), '0');
  assert.equal(text().format(syscall({ name: 'poll', ret: '0' })), 'poll()                                  = 0 (Timeout)');
  // NS_GET_NSTYPE's namespace type; another request's value stays bare.
  const ioctl = (cmd: string, ret: string) => text().format(syscall({ name: 'ioctl', args: ['5', cmd, '0'], ret })).replace(/^.*= /, '');
  assert.equal(ioctl(String(0xb703), '268435456'), '268435456 (CLONE_NEWUSER)');
  assert.equal(ioctl(String(0xb703), '7'), '7');
  assert.equal(ioctl(String(0xb701), '268435456'), '268435456');
});

test('strings: escapes, cut strings, bytes that are not UTF-8; -x and -xx', () => {
  const write = syscall({
    name: 'write',
    ret: '300',
    decoded: [
      arg('fd', 'unsigned int', { value: 'uint', uint: '1' }),
      arg('buf', 'const char *', { value: 'str', str: 'a\tb\n"q" \\ \x1b[0m\x001é' }, { truncated: true }),
      arg('count', 'size_t', { value: 'uint', uint: '300' }),
    ],
  });
  assert.equal(text().format(write), 'write(1, "a\\tb\\n\\"q\\" \\\\ \\33[0m\\0001\\303\\251"..., 300) = 300');
  assert.equal(quoteString('\x7f\x01x'), '"\\177\\1x"');
  const chdir = (path: string, bytes?: Buffer) => syscall({ name: 'chdir', ret: '0', decoded: [arg('filename', 'const char *', { value: 'str', str: path }, bytes ? { str_bytes: bytes } : {})] });
  assert.equal(text().format(chdir('hi\ufffd', Buffer.from('hi\x92', 'latin1'))), 'chdir("hi\\222")                         = 0');
  assert.equal(text({ hex: 1 }).format(chdir('/tmp')), 'chdir("/tmp")                           = 0');
  assert.equal(text({ hex: 1 }).format(chdir('hi\ufffd', Buffer.from('hi\x92', 'latin1'))), 'chdir("\\x68\\x69\\x92")                   = 0');
  assert.equal(text({ hex: 2 }).format(chdir('/t')), 'chdir("\\x2f\\x74")                       = 0');
  const connect = syscall({ name: 'connect', decoded: [arg('fd', 'int', { value: 'int', int: '3' }), arg('addr', 'struct sockaddr *', { value: 'uint', uint: '1' }, { symbolic: '{sa_family=AF_UNIX, sun_path="/x"}' })] });
  assert.equal(text({ hex: 2 }).format(connect), 'connect(3, {sa_family=AF_UNIX, sun_path="\\x2f\\x78"}) = 0');
});

test('no_return prints ? aligned; exit prints the thread\'s exit line', () => {
  const line = text().format(syscall({ name: 'exit_group', no_return: true, decoded: [arg('error_code', 'int', { value: 'int', int: '0' })] }));
  assert.equal(line, 'exit_group(0)                           = ?');
  const exit = syscall({ name: 'exit', no_return: true, args: ['3'], decoded: [arg('error_code', 'int', { value: 'int', int: '3' })] });
  assert.equal(text().format(exit), 'exit(3)                                 = ?\n+++ exited with 3 +++');
});

test('pointers in hex, NULL for 0, unreadable strings as their pointer, raw args without decoding', () => {
  const line = text().format(syscall({
    name: 'execve',
    args: [BigInt('0x7ffd12345678').toString(), '0', '94000000'],
    decoded: [
      arg('filename', 'const char *', { value: 'str', str: '' }, { unreadable: true }),
      arg('argv', 'const char *const *', { value: 'uint', uint: '0' }),
      arg('envp', 'const char *const *', { value: 'uint', uint: '94000000' }),
    ],
  }));
  assert.equal(line, 'execve(0x7ffd12345678, NULL, 0x59a5380) = 0');
  assert.equal(text().format(syscall({ name: 'syscall_999', args: ['255', '0'] })), 'syscall_999(0xff, 0x0)                  = 0');
  const mprotect = syscall({
    name: 'mprotect',
    decoded: [arg('start', 'unsigned long', { value: 'uint', uint: '139637976727552' }), arg('len', 'size_t', { value: 'uint', uint: '4096' })],
  });
  assert.equal(text().format(mprotect), 'mprotect(0x7f0000000000, 4096)          = 0');
});

test('process events: exec and fork print nothing (strace has no such lines) unless asked; exits and losses print', () => {
  const printer = text();
  const exec = { filename: '/bin/ls', argv: ['ls', '-l'], argv_truncated: false, old_pid: 100, filename_bytes: Buffer.alloc(0), argv_bytes: [] };
  assert.equal(printer.format(event('exec', { exec })), '');
  assert.equal(printer.format(event('fork', { fork: { child_pid: 4242, clone_flags: '17' } })), '');
  const notices = text({ processNotices: true });
  assert.equal(notices.format(event('exec', { exec: { ...exec, argv_truncated: true } })), '--- exec "/bin/ls" ["ls", "-l", ...] ---');
  assert.equal(notices.format(event('fork', { fork: { child_pid: 4242, clone_flags: '17' } })), '--- fork child 4242 ---');
  assert.equal(text().format(event('exit', { exit: { exit_code: 3, signal: 0, core_dumped: false, ...NO_USAGE } })), '+++ exited with 3 +++');
  assert.equal(text().format(event('exit', { exit: { exit_code: 0, signal: 9, core_dumped: false, ...NO_USAGE } })), '+++ killed by SIGKILL +++');
  assert.equal(text().format(event('exit', { exit: { exit_code: 0, signal: 11, core_dumped: true, ...NO_USAGE } })), '+++ killed by SIGSEGV (core dumped) +++');
  assert.equal(text({ exitLines: false }).format(event('exit', { exit: { exit_code: 3, signal: 0, core_dumped: false, ...NO_USAGE } })), '');
  assert.equal(printer.format(event('lost', { lost: { count: '12', where: 'kernel' } })), '--- 12 events lost (kernel) ---');
  assert.equal(signalName(6), 'SIGABRT');
  assert.equal(signalName(34), 'SIGRT_2');
});

test('pid prefixes as strace: `[pid  TID] ` while several tasks live, `TID   ` with -f -o FILE', () => {
  const printer = text({ pidBrackets: true });
  const getpid = (tid: number, ret = '0') => syscall({ name: 'getpid', ret }, tid);
  assert.equal(printer.format(getpid(100)), 'getpid()                                = 0');
  assert.equal(printer.format(syscall({ name: 'clone', ret: '101', args: ['0'] }, 100)), 'clone(0x0)                              = 101');
  assert.equal(printer.format(getpid(101)), '[pid   101] getpid()                    = 0');
  assert.equal(printer.format(event('exit', { exit: { exit_code: 0, signal: 0, core_dumped: false, ...NO_USAGE } }, 101)), '[pid   101] +++ exited with 0 +++');
  assert.equal(printer.format(getpid(100)), 'getpid()                                = 0');
  assert.equal(text({ pidColumn: true }).format(getpid(100)), '100   getpid()                          = 0');
});

test('timestamps -t, -tt, -ttt and -r, of the call\'s entry; -n numbers', () => {
  const call = (ts: string, tid = 100) => ({ ...syscall({ name: 'getpid', ret: '7', duration_ns: '1000000' }, tid), timestamp_ns: ts });
  assert.match(text({ timestamps: 2 }).format(call('1700000000124456789')), /^\d\d:\d\d:\d\d\.123456 getpid\(\)\s+= 7$/);
  assert.match(text({ timestamps: 1 }).format(call('1700000000124456789')), /^\d\d:\d\d:\d\d getpid\(\)/);
  assert.equal(text({ timestamps: 3 }).format(call('1700000000124456789')), '1700000000.123456 getpid()              = 7');
  const r = text({ relative: true });
  assert.equal(r.format(call('1700000000001000000')), '     0.000000 getpid()                  = 7');
  assert.equal(r.format(call('1700000001501000000')), '     1.500000 getpid()                  = 7');
  assert.equal(text({ syscallNumbers: true }).format(syscall({ name: 'getpid', nr: 39, ret: '7' })), '[  39] getpid()                         = 7');
  assert.equal(formatDuration('1500000000'), '1.500000');
});

test('-e read=/write= dump every byte transferred, 16 to a line', () => {
  const read = syscall({ name: 'read', args: ['3', '1', '64'], ret: '28', decoded: [arg('fd', 'unsigned int', { value: 'int', int: '3' }), arg('buf', 'char *', { value: 'uint', uint: '1' }, { buffer: Buffer.from('hello world, this is a test\n'), symbolic: '"hello world, this is a test\\n"' }), arg('count', 'size_t', { value: 'uint', uint: '64' })] });
  const printer = text({ readDump: new QualifiedSet(new Set([3]), false) });
  assert.deepEqual(printer.format(read).split('\n'), [
    'read(3, "hello world, this is a test\\n", 64) = 28',
    ' | 00000  68 65 6c 6c 6f 20 77 6f  72 6c 64 2c 20 74 68 69  hello world, thi |',
    ' | 00010  73 20 69 73 20 61 20 74  65 73 74 0a              s is a test.     |',
  ]);
  assert.equal(text({ readDump: new QualifiedSet(new Set([4]), false) }).format(read).split('\n').length, 1);
});

test('json mode prints the Event object on one line, 64-bit numbers as strings', () => {
  const ev = syscall({ decoded: openatArgs('/etc/hostname'), ret: '3' });
  const line = new EventPrinter({ format: 'json' }).format(ev);
  assert.ok(!line.includes('\n'));
  const parsed = JSON.parse(line) as Event__Output;
  // bytes fields are base64 strings, as in the proto3 JSON mapping.
  const expected = JSON.parse(JSON.stringify(ev)) as Event__Output;
  for (const a of expected.syscall?.decoded ?? []) Object.assign(a, { buffer: '', str_bytes: '' });
  assert.deepEqual(parsed, expected);
  const withBytes = syscall({ decoded: [arg('buf', 'char *', { value: 'uint', uint: '1' }, { buffer: Buffer.from('hi\n') })] });
  assert.match(new EventPrinter({ format: 'json' }).format(withBytes), /"buffer":"aGkK"/);
  const notUtf8 = syscall({ decoded: [arg('filename', 'const char *', { value: 'str', str: 'hi\ufffd' }, { str_bytes: Buffer.from('hi\x92', 'latin1') })] });
  assert.match(new EventPrinter({ format: 'json' }).format(notUtf8), /"str_bytes":"aGmS"/);
  assert.equal(parsed.kind, 'syscall');
  assert.equal(parsed.syscall?.ret, '3');
  assert.equal(parsed.sequence, '7');
  assert.match(new EventPrinter({ format: 'json' }).format(event('fork', { fork: { child_pid: 5, clone_flags: '17' } })), /"child_pid":5/);
});

test('issue 15: with --sched the exit line carries the times; thread and context-switch lines', () => {
  const usage = (user: string, system: string) => ({
    user_time_ns: user, system_time_ns: system, voluntary_switches: '0', involuntary_switches: '0', max_rss_kb: '0', minor_faults: '0', major_faults: '0',
  });
  const exit = { exit_code: 0, signal: 0, core_dumped: false, wall_time_ns: '1212000000', usage: usage('700000000', '95000000'), children_usage: usage('100000000', '5000000') };
  const sched = text({ exitTimes: true });
  assert.equal(sched.format(event('exit', { exit })), '+++ exited with 0 (1.21 s, user 0.80 s, sys 0.10 s) +++');
  assert.equal(text().format(event('exit', { exit })), '+++ exited with 0 +++', "without --sched, strace's line");
  const killed = { ...exit, signal: 11, core_dumped: true, children_usage: null };
  assert.equal(text({ exitTimes: true }).format(event('exit', { exit: killed })), '+++ killed by SIGSEGV (core dumped) (1.21 s, user 0.70 s, sys 0.10 s) +++');
  const json = JSON.parse(new EventPrinter({ format: 'json' }).format(event('exit', { exit })));
  assert.deepEqual(json.exit, exit, 'JSON has every field of the exit');
  const notices = text({ processNotices: true });
  assert.equal(notices.format(event('thread_created', { thread_created: { tid: 101, clone_flags: '4001536' } })), '--- thread 101 created (clone flags 0x3d0f00) ---');
  assert.equal(text({ processNotices: true }).format(event('thread_exit', { thread_exit: { wall_time_ns: '50000000', usage: usage('40000000', '1000000') } })), '--- thread exited (0.05 s, user 0.04 s, sys 0.00 s) ---');
  const sw = { switched_in: false, cpu: 1, ran_ns: '153000', off_cpu_ns: '0', state: 'TASK_STATE_SLEEPING' as const, raw_state: 1, preempted: false, other_tid: 0, since_unknown: false, run_queue_ns: '0', wakeup_unknown: false };
  assert.equal(text().format(event('context_switch', { context_switch: sw })), '--- switched out sleeping, ran 0.000153 s, cpu 1 ---');
  assert.equal(text().format(event('context_switch', { context_switch: { ...sw, state: 'TASK_STATE_RUNNABLE', raw_state: 0, preempted: true, since_unknown: true } })), '--- switched out runnable (preempted), cpu 1 ---');
  const back = { ...sw, switched_in: true, cpu: 0, ran_ns: '0', off_cpu_ns: '30112000', run_queue_ns: '41000' };
  assert.equal(text().format(event('context_switch', { context_switch: back })), '--- switched in, off cpu 0.030112 s sleeping, run queue 0.000041 s, cpu 0 ---');
  assert.equal(text().format(event('context_switch', { context_switch: { ...back, state: 'TASK_STATE_OTHER', raw_state: 0x8000, run_queue_ns: '0', wakeup_unknown: true } })), '--- switched in, off cpu 0.030112 s state 0x8000, cpu 0 ---', 'no run-queue part when the wakeup was not seen');
  const swJson = JSON.parse(new EventPrinter({ format: 'json' }).format(event('context_switch', { context_switch: back })));
  assert.equal(swJson.context_switch.run_queue_ns, '41000', 'JSON carries the run-queue wait');
});
