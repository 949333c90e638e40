/**
 * The CLI's event printer on hand-built events shaped like the runtime objects proto-loader
 * produces (Event__Output: 64-bit numbers as strings, the oneof member named in `kind`/`value`).
 */
import type { ContextSwitch__Output } from '../../src/api/generated/sctrace/v1/ContextSwitch';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Event__Output } from '../../src/api/generated/sctrace/v1/Event';
import type { SyscallArg__Output } from '../../src/api/generated/sctrace/v1/SyscallArg';
import type { SyscallEvent__Output } from '../../src/api/generated/sctrace/v1/SyscallEvent';
import { EventPrinter, formatDuration } from '../../clients/cli/printer';
import { errnoName, quoteString, signalName } from '../../clients/cli/values';

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
  return { name, type, truncated: false, unreadable: false, symbolic: '', fd_path: '', ignored: false, buffer: Buffer.alloc(0), items: [], ...value, ...extra };
}

const openatArgs = (path: string): SyscallArg__Output[] => [
  arg('dfd', 'int', { value: 'int', int: '-100' }, { symbolic: 'AT_FDCWD' }),
  arg('filename', 'const char *', { value: 'str', str: path }),
  arg('flags', 'int', { value: 'int', int: '0' }, { symbolic: 'O_RDONLY' }),
];

const text = () => new EventPrinter({ format: 'text' });

test('openat success with symbolic flags', () => {
  const line = text().format(syscall({ decoded: openatArgs('/etc/hostname'), ret: '3', duration_ns: '12345' }));
  assert.equal(line, 'openat(AT_FDCWD, "/etc/hostname", O_RDONLY) = 3 <0.000012>');
});

test('ENOENT failure with the errno message', () => {
  const line = text().format(syscall({ decoded: openatArgs('/nope'), ret: '-2', errno_name: 'ENOENT', duration_ns: '10000' }));
  assert.equal(line, 'openat(AT_FDCWD, "/nope", O_RDONLY) = -1 ENOENT (No such file or directory) <0.000010>');
});

test('an errno the server did not name is derived from ret; unknown messages print the name only', () => {
  assert.equal(text().format(syscall({ name: 'close', ret: '-9', decoded: [arg('fd', 'unsigned int', { value: 'uint', uint: '99' })] })),
    'close(99) = -1 EBADF (Bad file descriptor) <0.000012>');
  assert.equal(text().format(syscall({ name: 'x', ret: '-75', errno_name: 'EWHATEVER' })), 'x() = -1 EWHATEVER <0.000012>');
  assert.equal(text().format(syscall({ name: 'read', ret: '-512', errno_name: 'ERESTARTSYS' })),
    'read() = ? ERESTARTSYS (To be restarted if SA_RESTART is set) <0.000012>');
  assert.equal(errnoName(11), 'EAGAIN');
  assert.equal(errnoName(95), 'EOPNOTSUPP');
});

test('truncated string with escaping', () => {
  const write = syscall({
    name: 'write',
    ret: '300',
    decoded: [
      arg('fd', 'unsigned int', { value: 'uint', uint: '1' }),
      arg('buf', 'const char *', { value: 'str', str: 'a\tb\n"q" \\ \x1b[0m\x001é' }, { truncated: true }),
      arg('count', 'size_t', { value: 'uint', uint: '300' }),
    ],
  });
  assert.equal(text().format(write), 'write(1, "a\\tb\\n\\"q\\" \\\\ \\33[0m\\0001\\303\\251"..., 300) = 300 <0.000012>');
  assert.equal(quoteString('\x7f\x01x'), '"\\177\\1x"');
});

test('no_return prints ? and no duration', () => {
  const line = text().format(syscall({ name: 'exit_group', no_return: true, decoded: [arg('error_code', 'int', { value: 'int', int: '0' })] }));
  assert.equal(line, 'exit_group(0) = ?');
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
  assert.equal(line, 'execve(0x7ffd12345678, NULL, 0x59a5380) = 0 <0.000012>');
  assert.equal(text().format(syscall({ name: 'syscall_999', args: ['255', '0'] })), 'syscall_999(0xff, 0x0) = 0 <0.000012>');
  assert.equal(text().format(syscall({ name: 'mmap', ret: '139637976727552' })), 'mmap() = 0x7f0000000000 <0.000012>');
  const mprotect = syscall({
    name: 'mprotect',
    decoded: [arg('start', 'unsigned long', { value: 'uint', uint: '139637976727552' }), arg('len', 'size_t', { value: 'uint', uint: '4096' })],
  });
  assert.equal(text().format(mprotect), 'mprotect(0x7f0000000000, 4096) = 0 <0.000012>');
});

/** The exit figures a server before issue 15 did not send. */
const NO_USAGE = { wall_time_ns: '0', usage: null, children_usage: null };

test('process events: exec, fork, exit, kill, lost', () => {
  const printer = text();
  const exec = { filename: '/bin/ls', argv: ['ls', '-l'], argv_truncated: false, old_pid: 100 };
  assert.equal(printer.format(event('exec', { exec })), '--- exec "/bin/ls" ["ls", "-l"] ---');
  assert.equal(printer.format(event('exec', { exec: { ...exec, argv_truncated: true } })), '--- exec "/bin/ls" ["ls", "-l", ...] ---');
  assert.equal(printer.format(event('fork', { fork: { child_pid: 4242, clone_flags: '17' } })), '--- fork child 4242 ---');
  assert.equal(printer.format(event('exit', { exit: { exit_code: 3, signal: 0, core_dumped: false, ...NO_USAGE } })), '+++ exited with 3 +++');
  assert.equal(printer.format(event('exit', { exit: { exit_code: 0, signal: 9, core_dumped: false, ...NO_USAGE } })), '+++ killed by SIGKILL +++');
  assert.equal(printer.format(event('exit', { exit: { exit_code: 0, signal: 11, core_dumped: true, ...NO_USAGE } })), '+++ killed by SIGSEGV (core dumped) +++');
  assert.equal(printer.format(event('lost', { lost: { count: '12', where: 'kernel' } })), '--- 12 events lost (kernel) ---');
  assert.equal(signalName(6), 'SIGABRT');
  assert.equal(signalName(34), 'SIGRT_2');
});

test('the exit line carries the wall time and the CPU time of the process and its waited-for children', () => {
  const usage = (user: string, system: string) => ({
    user_time_ns: user,
    system_time_ns: system,
    voluntary_switches: '0',
    involuntary_switches: '0',
    max_rss_kb: '0',
    minor_faults: '0',
    major_faults: '0',
  });
  const exit = { exit_code: 0, signal: 0, core_dumped: false, wall_time_ns: '1212000000', usage: usage('700000000', '95000000'), children_usage: usage('100000000', '5000000') };
  assert.equal(text().format(event('exit', { exit })), '+++ exited with 0 (1.21 s, user 0.80 s, sys 0.10 s) +++');
  const killed = { ...exit, signal: 11, core_dumped: true, children_usage: null };
  assert.equal(text().format(event('exit', { exit: killed })), '+++ killed by SIGSEGV (core dumped) (1.21 s, user 0.70 s, sys 0.10 s) +++');
  const json = JSON.parse(new EventPrinter({ format: 'json' }).format(event('exit', { exit })) ?? '{}');
  assert.deepEqual(json.exit, exit, 'JSON has every field of the exit');
  assert.equal(text().format(event('thread_exit', { thread_exit: { wall_time_ns: '50000000', usage: usage('40000000', '1000000') } })), '--- thread exited (0.05 s, user 0.04 s, sys 0.00 s) ---');
  assert.equal(text().format(event('thread_created', { thread_created: { tid: 101, clone_flags: '4001536' } })), '--- thread 101 created (clone flags 0x3d0f00) ---');
});

test('context switches as --- lines, times as strace -T shows them', () => {
  const sw: ContextSwitch__Output = { switched_in: false, cpu: 1, ran_ns: '153000', off_cpu_ns: '0', state: 'TASK_STATE_SLEEPING', raw_state: 1, preempted: false, other_tid: 0, since_unknown: false };
  assert.equal(text().format(event('context_switch', { context_switch: sw })), '--- switched out sleeping, ran 0.000153 s, cpu 1 ---');
  assert.equal(text().format(event('context_switch', { context_switch: { ...sw, state: 'TASK_STATE_RUNNABLE', raw_state: 0, preempted: true, since_unknown: true } })), '--- switched out runnable (preempted), cpu 1 ---');
  const back: ContextSwitch__Output = { ...sw, switched_in: true, cpu: 0, ran_ns: '0', off_cpu_ns: '30112000' };
  assert.equal(text().format(event('context_switch', { context_switch: back })), '--- switched in, off cpu 0.030112 s sleeping, cpu 0 ---');
  assert.equal(text().format(event('context_switch', { context_switch: { ...back, state: 'TASK_STATE_OTHER', raw_state: 0x8000 } })), '--- switched in, off cpu 0.030112 s state 0x8000, cpu 0 ---');
});

test('the [pid TID] prefix appears once a second thread is seen, or always with follow', () => {
  const printer = text();
  const exitOf = (tid: number) => event('exit', { exit: { exit_code: 0, signal: 0, core_dumped: false, ...NO_USAGE } }, tid);
  assert.equal(printer.format(exitOf(100)), '+++ exited with 0 +++');
  assert.equal(printer.format(exitOf(101)), '[pid 101] +++ exited with 0 +++');
  assert.equal(printer.format(exitOf(100)), '[pid 100] +++ exited with 0 +++');
  assert.equal(new EventPrinter({ format: 'text', alwaysPrefix: true }).format(exitOf(100)), '[pid 100] +++ exited with 0 +++');
});

test('timestamps prefix the time of day with microseconds', () => {
  const line = new EventPrinter({ format: 'text', timestamps: true }).format(event('fork', { fork: { child_pid: 1, clone_flags: '17' }, timestamp_ns: '1700000000123456789' }));
  assert.match(line, /^\d\d:\d\d:\d\d\.123456 --- fork child 1 ---$/);
  assert.equal(formatDuration('1500000000'), '1.500000');
});

test('json mode prints the Event object on one line, 64-bit numbers as strings', () => {
  const ev = syscall({ decoded: openatArgs('/etc/hostname'), ret: '3' });
  const line = new EventPrinter({ format: 'json' }).format(ev);
  assert.ok(!line.includes('\n'));
  const parsed = JSON.parse(line) as Event__Output;
  // bytes fields are base64 strings, as in the proto3 JSON mapping.
  const expected = JSON.parse(JSON.stringify(ev)) as Event__Output;
  for (const a of expected.syscall?.decoded ?? []) (a as unknown as { buffer: string }).buffer = '';
  assert.deepEqual(parsed, expected);
  const withBytes = syscall({ decoded: [arg('buf', 'char *', { value: 'uint', uint: '1' }, { buffer: Buffer.from('hi\n') })] });
  assert.match(new EventPrinter({ format: 'json' }).format(withBytes), /"buffer":"aGkK"/);
  assert.equal(parsed.kind, 'syscall');
  assert.equal(parsed.syscall?.ret, '3');
  assert.equal(parsed.sequence, '7');
});
