/**
 * The CLI's event printer on hand-built events shaped like the runtime objects proto-loader
 * produces (Event__Output: 64-bit numbers as strings, the oneof member named in `kind`/`value`).
 */
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
  return { name, type, truncated: false, unreadable: false, symbolic: '', fd_path: '', ignored: false, buffer: Buffer.alloc(0), items: [], str_bytes: Buffer.alloc(0), items_bytes: [], ...value, ...extra };
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

test('process events: exec, fork, exit, kill, lost', () => {
  const printer = text();
  const exec = { filename: '/bin/ls', argv: ['ls', '-l'], argv_truncated: false, old_pid: 100, filename_bytes: Buffer.alloc(0), argv_bytes: [] };
  assert.equal(printer.format(event('exec', { exec })), '--- exec "/bin/ls" ["ls", "-l"] ---');
  assert.equal(printer.format(event('exec', { exec: { ...exec, argv_truncated: true } })), '--- exec "/bin/ls" ["ls", "-l", ...] ---');
  assert.equal(printer.format(event('fork', { fork: { child_pid: 4242 } })), '--- fork child 4242 ---');
  assert.equal(printer.format(event('exit', { exit: { exit_code: 3, signal: 0, core_dumped: false } })), '+++ exited with 3 +++');
  assert.equal(printer.format(event('exit', { exit: { exit_code: 0, signal: 9, core_dumped: false } })), '+++ killed by SIGKILL +++');
  assert.equal(printer.format(event('exit', { exit: { exit_code: 0, signal: 11, core_dumped: true } })), '+++ killed by SIGSEGV (core dumped) +++');
  assert.equal(printer.format(event('lost', { lost: { count: '12', where: 'kernel' } })), '--- 12 events lost (kernel) ---');
  assert.equal(signalName(6), 'SIGABRT');
  assert.equal(signalName(34), 'SIGRT_2');
});

test('the [pid TID] prefix appears once a second thread is seen, or always with follow', () => {
  const printer = text();
  const exitOf = (tid: number) => event('exit', { exit: { exit_code: 0, signal: 0, core_dumped: false } }, tid);
  assert.equal(printer.format(exitOf(100)), '+++ exited with 0 +++');
  assert.equal(printer.format(exitOf(101)), '[pid 101] +++ exited with 0 +++');
  assert.equal(printer.format(exitOf(100)), '[pid 100] +++ exited with 0 +++');
  assert.equal(new EventPrinter({ format: 'text', alwaysPrefix: true }).format(exitOf(100)), '[pid 100] +++ exited with 0 +++');
});

test('timestamps prefix the time of day with microseconds', () => {
  const line = new EventPrinter({ format: 'text', timestamps: true }).format(event('fork', { fork: { child_pid: 1 }, timestamp_ns: '1700000000123456789' }));
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
  for (const a of expected.syscall?.decoded ?? []) Object.assign(a, { buffer: '', str_bytes: '' });
  assert.deepEqual(parsed, expected);
  const withBytes = syscall({ decoded: [arg('buf', 'char *', { value: 'uint', uint: '1' }, { buffer: Buffer.from('hi\n') })] });
  assert.match(new EventPrinter({ format: 'json' }).format(withBytes), /"buffer":"aGkK"/);
  const notUtf8 = syscall({ decoded: [arg('filename', 'const char *', { value: 'str', str: 'hi\ufffd' }, { str_bytes: Buffer.from('hi\x92', 'latin1') })] });
  assert.match(new EventPrinter({ format: 'json' }).format(notUtf8), /"str_bytes":"aGmS"/);
  assert.equal(parsed.kind, 'syscall');
  assert.equal(parsed.syscall?.ret, '3');
  assert.equal(parsed.sequence, '7');
});
