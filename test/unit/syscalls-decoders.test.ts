/**
 * Syscall module pieces that need no tracefs: symbolic decoders, errno lookup, format parsing,
 * the argument type rules, class data, and a catalog built from hand-written formats.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { archName, archTables } from '../../src/syscalls/arch';
import { integerKind, isSignedType, isStringArg, ValueKind } from '../../src/syscalls/argtypes';
import { canonicalClass, SYSCALL_CLASSES } from '../../src/syscalls/classes';
import { kernelMeta, SyscallCatalog } from '../../src/syscalls/catalog';
import { defaultDecoders, DecoderRegistry, type CallView } from '../../src/syscalls/decoders';
import { dirfdDecoder } from '../../src/syscalls/decoders/fd';
import { formatMode, formatOpenFlags, openModeDecoder } from '../../src/syscalls/decoders/open';
import { ErrnoTable } from '../../src/syscalls/errno';
import { STRACE_ERRNOS } from '../../src/syscalls/strerror';
import { parseFormat, type SyscallFormat } from '../../src/syscalls/tracefs';
import { DEFAULT_DECODE_OPTIONS, type RawSyscall, type SyscallInfo, type SyscallResolver } from '../../src/syscalls/types';

const X86 = archTables('x86_64');
const F = X86.openFlags;

/** A call with these registers and nothing else delivered (no blobs, return 0). */
function callOf(args: readonly bigint[], extra: Partial<CallView> = {}): CallView {
  return { args, ret: 0n, noReturn: false, strings: new Map(), blobs: new Map(), options: DEFAULT_DECODE_OPTIONS, ...extra };
}

test('open flags render in strace order and spelling', () => {
  assert.equal(formatOpenFlags(0, F), 'O_RDONLY');
  assert.equal(formatOpenFlags(F.O_CLOEXEC, F), 'O_RDONLY|O_CLOEXEC');
  assert.equal(formatOpenFlags(F.O_WRONLY | F.O_CREAT | F.O_TRUNC, F), 'O_WRONLY|O_CREAT|O_TRUNC');
  assert.equal(formatOpenFlags(F.O_RDWR | F.O_CLOEXEC | F.O_CREAT | F.O_EXCL, F), 'O_RDWR|O_CREAT|O_EXCL|O_CLOEXEC');
  assert.equal(
    formatOpenFlags(F.O_RDONLY | F.O_NONBLOCK | F.O_CLOEXEC | F.O_DIRECTORY, F),
    'O_RDONLY|O_NONBLOCK|O_CLOEXEC|O_DIRECTORY',
  );
  // Composite flags print whole, and only when complete.
  assert.equal(formatOpenFlags(F.O_WRONLY | F.O_SYNC, F), 'O_WRONLY|O_SYNC');
  assert.equal(formatOpenFlags(F.O_WRONLY | F.O_DSYNC, F), 'O_WRONLY|O_DSYNC');
  assert.equal(formatOpenFlags(F.O_RDWR | F.O_TMPFILE, F), 'O_RDWR|O_TMPFILE');
  assert.equal(formatOpenFlags(F.O_ACCMODE | F.O_PATH, F), 'O_ACCMODE|O_PATH');
  // Unknown bits stay visible.
  assert.equal(formatOpenFlags(0x80000000 | F.O_CLOEXEC, F), 'O_RDONLY|O_CLOEXEC|0x80000000');
});

test('modes render like strace %#03o', () => {
  assert.equal(formatMode(0o644), '0644');
  assert.equal(formatMode(0o755), '0755');
  assert.equal(formatMode(0o4755), '04755');
  assert.equal(formatMode(0o7), '007');
  assert.equal(formatMode(0), '000');
});

test('mode renders only when O_CREAT or O_TMPFILE make the kernel use it', () => {
  const mode = openModeDecoder(3, F, 2);
  assert.equal(mode([0n, 0n, BigInt(F.O_RDONLY), 0o644n], callOf([0n, 0n, BigInt(F.O_RDONLY), 0o644n])), null, 'ignored: not printed');
  assert.equal(mode([0n, 0n, BigInt(F.O_WRONLY | F.O_CREAT), 0o600n], callOf([0n, 0n, BigInt(F.O_WRONLY | F.O_CREAT), 0o600n])), '0600');
  assert.equal(mode([0n, 0n, BigInt(F.O_RDWR | F.O_TMPFILE), 0o600n], callOf([0n, 0n, BigInt(F.O_RDWR | F.O_TMPFILE), 0o600n])), '0600');
  assert.equal(openModeDecoder(1, F, null)([0n, 0o664n], callOf([0n, 0o664n])), '0664'); // creat
});

test('dirfd is AT_FDCWD only for a 32-bit -100, whatever the upper half holds', () => {
  const d = dirfdDecoder(0);
  assert.equal(d([0xffffff9cn], callOf([0xffffff9cn])), 'AT_FDCWD');
  assert.equal(d([0xffffffffffffff9cn], callOf([0xffffffffffffff9cn])), 'AT_FDCWD');
  assert.equal(d([0x12345678ffffff9cn], callOf([0x12345678ffffff9cn])), 'AT_FDCWD');
  assert.equal(d([3n], callOf([3n])), '');
  assert.equal(d([0xffffffffn], callOf([0xffffffffn])), '');
});

test('the registry binds exact names before any-syscall names and refuses duplicates', () => {
  const reg = new DecoderRegistry()
    .register('*', 'fd', () => () => 'any')
    .register('close', 'fd', () => () => 'close');
  const args = [{ name: 'fd', type: 'unsigned int', isString: false, isPath: false, signed: false }];
  assert.equal(reg.bind({ syscall: 'close', argIndex: 0, args, tables: X86, style: DEFAULT_DECODE_OPTIONS })?.([3n], callOf([3n])), 'close');
  assert.equal(reg.bind({ syscall: 'dup', argIndex: 0, args, tables: X86, style: DEFAULT_DECODE_OPTIONS })?.([3n], callOf([3n])), 'any');
  assert.throws(() => reg.register('close', 'fd', () => null), /already registered/);
  assert.ok(defaultDecoders().keys().includes('openat.flags'));
});

test('errno names, messages, aliases and kernel restart codes', () => {
  const e = ErrnoTable.forArch('x86_64');
  assert.equal(e.name(2), 'ENOENT');
  assert.equal(e.message(2), 'No such file or directory');
  assert.equal(e.name(11), 'EAGAIN');
  assert.equal(e.byName('EWOULDBLOCK')?.number, 11);
  assert.equal(e.name(35), 'EDEADLK');
  assert.equal(e.errnoNameForReturn(-2n), 'ENOENT');
  assert.equal(e.errnoNameForReturn(-512n), 'ERESTARTSYS');
  assert.equal(e.errnoNameForReturn(-4000n), 'ERRNO_4000');
  assert.equal(e.errnoNameForReturn(0n), '');
  assert.equal(e.errnoNameForReturn(3n), '');
  assert.equal(e.errnoNameForReturn(-4096n), '');
});

test('the service names every errno as the CLI prints it (one table: strerror.ts)', () => {
  const e = ErrnoTable.forArch('x86_64');
  for (const [number, name, message] of STRACE_ERRNOS) {
    assert.equal(e.name(number), name, `errno ${number}`);
    assert.equal(e.message(number), message, `errno ${number}`);
  }
  assert.equal(e.message(11), 'Resource temporarily unavailable');
});

test('parses a tracefs format file', () => {
  const text = [
    'name: sys_enter_openat',
    'ID: 782',
    'format:',
    '\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;',
    '\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;',
    '',
    '\tfield:int __syscall_nr;\toffset:8;\tsize:4;\tsigned:1;',
    '\tfield:int dfd;\toffset:16;\tsize:8;\tsigned:0;',
    '\tfield:const char * filename;\toffset:24;\tsize:8;\tsigned:0;',
    '\tfield:const char *const * argv;\toffset:32;\tsize:8;\tsigned:0;',
    '',
    'print fmt: "dfd: 0x%08lx"',
  ].join('\n');
  const f = parseFormat('openat', text);
  assert.equal(f.id, 782);
  assert.deepEqual(f.args, [
    { name: 'dfd', type: 'int', signed: false, offset: 16, size: 8 },
    { name: 'filename', type: 'const char *', signed: false, offset: 24, size: 8 },
    { name: 'argv', type: 'const char *const *', signed: false, offset: 32, size: 8 },
  ]);
  assert.throws(() => parseFormat('x', 'name: x\n'), /__syscall_nr/);
});

test('argument types: strings, signedness and widths', () => {
  assert.equal(isStringArg('openat', 'filename', 'const char *'), true);
  assert.equal(isStringArg('mount', 'type', 'char *'), true);
  assert.equal(isStringArg('write', 'buf', 'const char *'), false);
  assert.equal(isStringArg('read', 'buf', 'char *'), false);
  assert.equal(isStringArg('sethostname', 'name', 'char *'), false);
  assert.equal(isStringArg('execve', 'argv', 'const char *const *'), false);
  assert.equal(isStringArg('mincore', 'vec', 'unsigned char *'), false);
  assert.equal(isSignedType('int'), true);
  assert.equal(isSignedType('pid_t'), true);
  assert.equal(isSignedType('const clockid_t'), true);
  assert.equal(isSignedType('unsigned int'), false);
  assert.equal(isSignedType('int *'), false);
  assert.equal(integerKind('loff_t'), ValueKind.Int64);
  assert.equal(integerKind('umode_t'), ValueKind.Uint16);
  assert.equal(integerKind('uid_t'), ValueKind.Uint32);
  assert.equal(integerKind('size_t'), ValueKind.Uint64);
  assert.equal(integerKind('struct stat *'), ValueKind.Uint64);
});

test('every class member is an x86_64 syscall; %net is %network', () => {
  const names = new Set(X86.syscallNumbers.map(([n]) => n));
  for (const [cls, members] of Object.entries(SYSCALL_CLASSES)) {
    for (const m of members) assert.ok(names.has(m), `${cls} member ${m} is not in the x86_64 table`);
  }
  assert.equal(canonicalClass('%net'), '%network');
  assert.equal(canonicalClass('%bogus'), undefined);
  assert.equal(canonicalClass('%constructor'), undefined);
});

/** A catalog over hand-written formats, as if tracefs described only these syscalls. */
function smallCatalog(): SyscallCatalog {
  const field = (name: string, type: string) => ({ name, type, signed: false, offset: 0, size: 8 });
  const formats = new Map<string, SyscallFormat>([
    ['openat', { name: 'openat', id: 1, args: [field('dfd', 'int'), field('filename', 'const char *'), field('flags', 'int'), field('mode', 'umode_t')] }],
    ['write', { name: 'write', id: 2, args: [field('fd', 'unsigned int'), field('buf', 'const char *'), field('count', 'size_t')] }],
    ['lseek', { name: 'lseek', id: 3, args: [field('fd', 'unsigned int'), field('offset', 'off_t'), field('whence', 'unsigned int')] }],
    ['getpid', { name: 'getpid', id: 4, args: [] }],
    ['newstat', { name: 'newstat', id: 5, args: [field('filename', 'const char *'), field('statbuf', 'struct stat *')] }],
  ]);
  return SyscallCatalog.fromFormats(formats, { arch: 'x86_64' });
}

function raw(nr: number, args: bigint[], ret = 0n, strings: RawSyscall['strings'] = new Map()): RawSyscall {
  return { nr, args, ret, durationNs: 10n, noReturn: false, strings };
}

test('catalog without tracefs: widths, NULL strings, missing metadata, unknown numbers', () => {
  const c = smallCatalog();
  assert.equal(c.byName('stat')?.args[0].name, 'filename', 'stat found under its event name newstat');

  // Upper register halves are ignored for 32-bit arguments; SyscallEvent.args keeps them.
  const w = c.decode(raw(1, [0xdead00000001n, 0x1000n, 5n, 0n, 0n, 0n], 5n));
  assert.deepEqual(w.args, [0xdead00000001, 4096, 5]);
  // fds are ints whatever the kernel's type says, as strace prints them.
  assert.deepEqual(w.decoded?.map((a) => [a.name, a.value, a.uint ?? a.int]), [['fd', 'int', '1'], ['buf', 'uint', '4096'], ['count', 'uint', '5']]);

  const l = c.decode(raw(8, [3n, 0xfffffffffffffff6n, 2n, 0n, 0n, 0n], -22n));
  assert.equal(l.decoded?.[1].int, '-10');
  assert.equal(l.errno_name, 'EINVAL');
  assert.equal(l.ret, -22);

  // A string argument the kernel side did not capture: NULL pointer.
  const o = c.decode(raw(257, [0xffffff9cn, 0n, 0n, 0n, 0n, 0n], -14n));
  assert.deepEqual(o.decoded?.[1], { name: 'filename', type: 'const char *', uint: '0', value: 'uint', truncated: false, unreadable: false, symbolic: 'NULL' });

  assert.deepEqual(c.decode(raw(39, [7n, 7n, 7n, 7n, 7n, 7n], 42n)).args, []);

  // Known number, no tracefs metadata: name, all six registers, no decoded arguments.
  const r = c.decode(raw(0, [1n, 2n, 3n, 4n, 5n, 6n], 3n));
  assert.equal(r.name, 'read');
  assert.deepEqual(r.args, [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(r.decoded, []);
  assert.deepEqual(c.byName('read')?.args, []);

  const u = c.decode({ ...raw(600, [1n, 2n, 3n, 4n, 5n, 6n], -38n), noReturn: true });
  assert.equal(u.name, 'syscall_600');
  assert.equal(u.errno_name, 'ENOSYS');
  assert.equal(u.no_return, true);
});

test('kernelMeta from any resolver', () => {
  const info = (nr: number, name: string, strs: boolean[], entry = false): SyscallInfo => ({
    nr,
    name,
    args: strs.map((isString, i) => ({ name: i === 0 ? 'filename' : `a${i}`, type: isString ? 'const char *' : 'int', isString, isPath: isString && i === 0, signed: !isString })),
    readStringsAtEntry: entry,
  });
  const table = [info(2, 'open', [true, false, false]), info(59, 'execve', [true, false, false], true), info(264, 'renameat', [false, true, false, true])];
  const resolver: Pick<SyscallResolver, 'byNumber'> = { byNumber: (nr) => table.find((s) => s.nr === nr) };
  const meta = kernelMeta(resolver as SyscallResolver);
  assert.equal(meta.length, 512);
  assert.deepEqual(meta[2], { nr: 2, strMask: 1, pathMask: 1, enterStr: false, enterReads: false, reads: [] });
  assert.deepEqual(meta[59], { nr: 59, strMask: 1, pathMask: 1, enterStr: true, enterReads: false, reads: [] });
  assert.deepEqual(meta[264], { nr: 264, strMask: 0b1010, pathMask: 0, enterStr: false, enterReads: false, reads: [] });
  assert.deepEqual(meta[3], { nr: 3, strMask: 0, pathMask: 0, enterStr: false, enterReads: false, reads: [] });
});

test('archName maps Node names to kernel names', () => {
  const expected: Record<string, string> = { x64: 'x86_64', arm64: 'aarch64' };
  assert.equal(archName(), expected[process.arch] ?? process.arch);
});
