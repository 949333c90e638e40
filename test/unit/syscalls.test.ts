/**
 * The syscall catalog on this machine's real kernel metadata (tracefs): numbers, argument names
 * and types, the string-argument rule, classes, and decoding of recorded raw values. Loading may
 * mount tracefs, which needs root: without root the tests skip saying why, and under CI=true
 * they fail instead.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { tracesFdChanges } from '../../src/syscalls/fdeffects';
import { encodeSyscallMeta, encodeSyscallReads, kernelMeta, SyscallCatalog } from '../../src/syscalls/catalog';
import { ReadFlag, ReadKind, ReadLen } from '../../src/syscalls/reads';
import type { RawString, RawSyscall } from '../../src/syscalls/types';

let loaded: { catalog: SyscallCatalog } | { error: Error } | undefined;
const logged: string[] = [];

/** The real catalog, loaded once; or null after skipping `t` (or throws when it must not skip). */
function realCatalog(t: TestContext): SyscallCatalog | null {
  if (!loaded) {
    try {
      loaded = { catalog: SyscallCatalog.load({ log: (m) => logged.push(m) }) };
    } catch (err) {
      loaded = { error: err as Error };
    }
  }
  if ('catalog' in loaded) return loaded.catalog;
  const isRoot = process.getuid?.() === 0;
  if (isRoot || process.env.CI === 'true') throw loaded.error;
  const reason = `needs root to mount tracefs: ${loaded.error.message}`;
  process.stderr.write(`# SKIP ${t.name}: ${reason}\n`);
  t.skip(reason);
  return null;
}

function raw(nr: number, args: bigint[], ret: bigint, strings: Array<[number, RawString]> = []): RawSyscall {
  return { nr, args, ret, durationNs: 1234n, noReturn: false, strings: new Map(strings) };
}

test('loads numbers from the headers and arguments from tracefs', (t) => {
  const c = realCatalog(t);
  if (!c) return;
  for (const m of logged) t.diagnostic(m);
  assert.equal(c.arch, 'x86_64');
  const openat = c.byName('openat');
  assert.ok(openat);
  assert.equal(openat.nr, 257);
  assert.equal(c.byNumber(257), openat);
  assert.deepEqual(openat.args.map((a) => a.name), ['dfd', 'filename', 'flags', 'mode']);
  assert.deepEqual(openat.args.map((a) => a.type), ['int', 'const char *', 'int', 'umode_t']);
  assert.deepEqual(openat.args.map((a) => a.isString), [false, true, false, false]);
  assert.deepEqual(openat.args.map((a) => a.signed), [true, false, true, false]);
  assert.equal(openat.readStringsAtEntry, false);
  // Zero-argument syscalls have metadata with no arguments.
  assert.deepEqual(c.byName('getpid')?.args, []);
});

test('finds metadata under the SYSCALL_DEFINE name when it differs from the __NR name', (t) => {
  const c = realCatalog(t);
  if (!c) return;
  assert.deepEqual(c.byName('stat')?.args.map((a) => a.name), ['filename', 'statbuf']);
  assert.deepEqual(c.byName('umount2')?.args.map((a) => a.name), ['name', 'flags']);
  assert.ok((c.byName('uname')?.args.length ?? 0) > 0);
  assert.ok((c.byName('sendfile')?.args.length ?? 0) > 0);
});

test('string rule: paths and names are strings, byte buffers are not', (t) => {
  const c = realCatalog(t);
  if (!c) return;
  const isString = (syscall: string, arg: string): boolean => {
    const a = c.byName(syscall)?.args.find((x) => x.name === arg);
    assert.ok(a, `${syscall}.${arg} exists on this kernel`);
    return a.isString;
  };
  for (const [s, a] of [
    ['write', 'buf'], ['read', 'buf'], ['pread64', 'buf'], ['pwrite64', 'buf'], ['getcwd', 'buf'],
    ['readlinkat', 'buf'], ['getrandom', 'ubuf'], ['listxattr', 'list'], ['setsockopt', 'optval'],
    ['mq_timedsend', 'u_msg_ptr'], ['shmat', 'shmaddr'], ['sethostname', 'name'], ['execve', 'argv'],
  ]) {
    assert.equal(isString(s, a), false, `${s}.${a} is not a string`);
  }
  for (const [s, a] of [
    ['openat', 'filename'], ['execve', 'filename'], ['renameat2', 'newname'], ['mount', 'type'],
    ['umount2', 'name'], ['stat', 'filename'], ['getxattr', 'name'], ['memfd_create', 'uname'],
    ['readlinkat', 'pathname'],
  ]) {
    assert.equal(isString(s, a), true, `${s}.${a} is a string`);
  }
});

test('execve and execveat read strings at entry', (t) => {
  const c = realCatalog(t);
  if (!c) return;
  assert.equal(c.byName('execve')?.readStringsAtEntry, true);
  assert.equal(c.byName('execveat')?.readStringsAtEntry, true);
  assert.equal(c.byName('open')?.readStringsAtEntry, false);
});

test('resolves names and strace classes', (t) => {
  const c = realCatalog(t);
  if (!c) return;
  const names = (x: string) => c.resolve(x).map((s) => s.name);
  assert.ok(names('%file').includes('openat'));
  assert.ok(!names('%file').includes('getppid'));
  assert.deepEqual(names('%net'), names('%network'));
  assert.ok(names('%network').includes('connect'));
  assert.deepEqual(names('%%stat'), ['stat', 'fstat', 'lstat', 'newfstatat', 'statx']);
  assert.deepEqual(names('openat'), ['openat']);
  assert.deepEqual(c.resolve('nosuchcall'), []);
  assert.deepEqual(c.resolve('%nosuchclass'), []);
});

test('decodes openat(AT_FDCWD, "/etc/hostname", O_RDONLY|O_CLOEXEC) = 3', (t) => {
  const c = realCatalog(t);
  if (!c) return;
  // Registers as glibc leaves them: dfd is a 32-bit -100, zero-extended.
  const ev = c.decode(
    raw(257, [0xffffff9cn, 0x7ffc5a1b2e30n, 0x80000n, 0n, 0n, 0n], 3n, [[1, { text: '/etc/hostname', truncated: false, unreadable: false }]]),
  );
  assert.equal(ev.name, 'openat');
  assert.equal(ev.nr, 257);
  assert.deepEqual(ev.args, [4294967196, 140721820216880, 524288, 0]);
  assert.equal(ev.ret, 3);
  assert.equal(ev.errno_name, '');
  assert.equal(ev.duration_ns, 1234);
  assert.equal(ev.arch, 'x86_64');
  assert.equal(ev.no_return, false);
  assert.deepEqual(ev.decoded, [
    { name: 'dfd', type: 'int', int: '-100', value: 'int', truncated: false, unreadable: false, symbolic: 'AT_FDCWD' },
    { name: 'filename', type: 'const char *', str: '/etc/hostname', value: 'str', truncated: false, unreadable: false, symbolic: '' },
    { name: 'flags', type: 'int', int: '524288', value: 'int', truncated: false, unreadable: false, symbolic: 'O_RDONLY|O_CLOEXEC' },
    // Without O_CREAT the kernel ignores mode and strace does not print it.
    { name: 'mode', type: 'umode_t', uint: '0', value: 'uint', truncated: false, unreadable: false, symbolic: '', ignored: true },
  ]);
});

test('decodes a failed open with O_CREAT, a truncated string, and an unknown number', (t) => {
  const c = realCatalog(t);
  if (!c) return;
  const failed = c.decode(
    raw(257, [3n, 0x1000n, 0o1101n, 0o644n, 0n, 0n], -2n, [[1, { text: 'a'.repeat(32), truncated: true, unreadable: false }]]),
  );
  assert.equal(failed.ret, -2);
  assert.equal(failed.errno_name, 'ENOENT');
  assert.equal(failed.decoded?.[0].symbolic, '');
  assert.equal(failed.decoded?.[1].truncated, true);
  assert.equal(failed.decoded?.[1].str, 'a'.repeat(32));
  assert.equal(failed.decoded?.[2].symbolic, 'O_WRONLY|O_CREAT|O_TRUNC');
  assert.equal(failed.decoded?.[3].symbolic, '0644');

  const unreadable = c.decode(raw(2, [0xdeadn, 0n, 0n, 0n, 0n, 0n], -14n, [[0, { text: '', truncated: false, unreadable: true }]]));
  assert.equal(unreadable.decoded?.[0].unreadable, true);
  assert.equal(unreadable.errno_name, 'EFAULT');

  const unknown = c.decode(raw(499, [1n, 2n, 3n, 4n, 5n, 6n], 0n));
  assert.equal(unknown.name, 'syscall_499');
  assert.deepEqual(unknown.args, [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(unknown.decoded, []);
});

test('kernelMeta carries string masks and entry reads for the kernel table', (t) => {
  const c = realCatalog(t);
  if (!c) return;
  const all = kernelMeta(c);
  assert.equal(all.length, 512);
  assert.ok(all.every((m, i) => m.nr === i));
  assert.equal(all[257].strMask, 0b10); // openat: filename
  assert.equal(all[257].pathMask, 0b10, 'a path: read whole whatever string_max says');
  assert.equal(all[1].strMask, 0); // write: buf is not a string
  assert.equal(all[c.byName('renameat2')!.nr].strMask, 0b1010);
  assert.equal(all[c.byName('mount')!.nr].strMask, 0b10111, "mount's data is a string too (a void *)");
  assert.equal(all[c.byName('mount')!.nr].pathMask, 0b011, "mount's dev_name and dir_name are paths, its type and data are not");
  // execve: filename at entry, argv read at entry, envp counted (or read with exec_env).
  assert.deepEqual(all[59], {
    nr: 59,
    strMask: 0b1,
    pathMask: 0b1,
    enterStr: true,
    enterReads: false,
    reads: [
      { kind: ReadKind.STRV, arg: 1, lenFrom: ReadLen.FIXED, lenArg: 0, max: 4096, flags: ReadFlag.ENTRY },
      { kind: ReadKind.STRV, arg: 2, lenFrom: ReadLen.FIXED, lenArg: 0, max: 4096, flags: ReadFlag.ENTRY | ReadFlag.ENV },
    ],
  });
  // connect: the sockaddr, its length from addrlen's value (an int: its low 32 bits).
  assert.deepEqual(all[c.byName('connect')!.nr].reads, [{ kind: ReadKind.BYTES, arg: 1, lenFrom: ReadLen.ARG32, lenArg: 2, max: 128, flags: 0 }]);
  // poll's and ppoll's pollfds and setgroups' gids: counts of 32-bit arguments, taken at 32 bits.
  for (const name of ['poll', 'ppoll', 'setgroups']) assert.equal(all[c.byName(name)!.nr].reads[0]!.lenFrom, ReadLen.ARG32, name);
  // accept4: the sockaddr it fills, sized by *addrlen, *addrlen before and after, and the
  // sockaddr at a sockaddr_in's size (for an address longer than the buffer).
  assert.deepEqual(all[c.byName('accept4')!.nr].reads, [
    { kind: ReadKind.BYTES, arg: 1, lenFrom: ReadLen.ARG_PTR, lenArg: 2, max: 128, flags: ReadFlag.SUCCESS },
    { kind: ReadKind.INOUT, arg: 2, lenFrom: ReadLen.FIXED, lenArg: 0, max: 4 },
    { kind: ReadKind.BYTES, arg: 1, lenFrom: ReadLen.FIXED, lenArg: 0, max: 16, flags: ReadFlag.SUCCESS },
  ].map((r) => ({ flags: 0, ...r })));
  // recvfrom: the data buffer (opt-in), the source sockaddr and its length: three reads.
  assert.equal(all[c.byName('recvfrom')!.nr].reads.length, 3);
  // read: the bytes it returned, only with buffer_bytes.
  assert.deepEqual(all[0].reads, [{ kind: ReadKind.BYTES, arg: 1, lenFrom: ReadLen.RET, lenArg: 0, max: 4096, flags: ReadFlag.BUFFER | ReadFlag.SUCCESS }]);
  assert.deepEqual(all[c.byName('newfstatat')!.nr].reads, [{ kind: ReadKind.BYTES, arg: 2, lenFrom: ReadLen.FIXED, lenArg: 0, max: 144, flags: ReadFlag.SUCCESS }]);
  assert.deepEqual(all[c.byName('getpid')!.nr].reads, []);
  // The encoded table entries.
  assert.deepEqual([...encodeSyscallMeta(all[59])], [1, 1, 1, 1]);
  assert.deepEqual([...encodeSyscallMeta(all[c.byName('getpid')!.nr])], [0, 0, 0, 0]);
  // Per-syscall tracepoint names, under the SYSCALL_DEFINE name where it differs.
  assert.equal(c.byName('openat')!.tracepoint, 'openat');
  assert.equal(c.byName('stat')!.tracepoint, 'newstat');
  assert.equal(c.byName('stat')!.args.length, 2);
  assert.deepEqual([...encodeSyscallReads(all[c.byName('connect')!.nr])], [1, 1, 6, 2, 128, 0, 0, 0, ...new Array(16).fill(0)]);
  assert.equal(all[322].enterStr, true); // execveat
  // Arrays counted in elements (sct_read.elem) and node masks counted in bits.
  assert.deepEqual(all[c.byName('move_pages')!.nr].reads, [
    { kind: ReadKind.BYTES, arg: 2, lenFrom: ReadLen.ARG, lenArg: 1, max: 4096, flags: 0, elem: 8 },
    { kind: ReadKind.BYTES, arg: 3, lenFrom: ReadLen.ARG, lenArg: 1, max: 4096, flags: 0, elem: 4 },
    { kind: ReadKind.BYTES, arg: 4, lenFrom: ReadLen.ARG, lenArg: 1, max: 4096, flags: 0, elem: 4 },
  ]);
  assert.deepEqual(all[c.byName('epoll_wait')!.nr].reads, [{ kind: ReadKind.BYTES, arg: 1, lenFrom: ReadLen.RET, lenArg: 0, max: 4096, flags: ReadFlag.SUCCESS, elem: 12 }]);
  assert.deepEqual(all[c.byName('mbind')!.nr].reads, [{ kind: ReadKind.BYTES, arg: 3, lenFrom: ReadLen.NODEMASK, lenArg: 4, max: 4096, flags: ReadFlag.HEAD }]);
  // bpf: the attr, and the strings behind its pointers at bytes 0 (a path) and 16 (at string_max).
  assert.deepEqual(all[c.byName('bpf')!.nr].reads.slice(1), [
    { kind: ReadKind.INNER, arg: 1, lenFrom: ReadLen.FIXED, lenArg: 0, max: 4096, flags: ReadFlag.STRING },
    { kind: ReadKind.INNER, arg: 1, lenFrom: ReadLen.FIXED, lenArg: 2, max: 0, flags: ReadFlag.STRING },
  ]);
  assert.deepEqual(all[c.byName('msgsnd')!.nr].reads, [{ kind: ReadKind.BYTES, arg: 1, lenFrom: ReadLen.ARG_HDR, lenArg: 2, max: 4096, flags: 0, elem: 8 }]);
  assert.deepEqual([...encodeSyscallReads(all[c.byName('poll')!.nr])], [1, 0, 6, 1, 0, 16, 128, 8, ...new Array(16).fill(0)]);
});

test('spec validation: renderings, -s, trace=none, and whether a trace lets the fd table follow the events', async () => {
  const { validateSpec } = await import('../../src/api/spec');
  const catalog = SyscallCatalog.fromFormats(new Map(), { arch: 'x86_64' });
  const base = { syscalls: [], pids: [], follow_children: false, comms: [], uids: [], process_events: true, string_max_bytes: 32, backend: '', cgroup_ids: [], buffer_bytes: 32, exec_env: false, rendering: null, no_syscalls: false, ring_bytes: '0', retention_bytes: '0', sched_events: false, signal_events: false };
  const all = validateSpec(base, catalog, 1).capture;
  assert.equal(all.syscalls, null);
  assert.equal(all.stringMaxBytes, 32, 'strings that are not paths are read at -s (paths whole, by the kernel side)');
  assert.deepEqual(all.rendering, { constants: 'abbrev', verbose: false, fdDetails: false });
  assert.equal(tracesFdChanges(all.syscalls, catalog), true, 'every syscall: the fd table follows the events');
  assert.equal(all.trackFds, false, 'no fd_paths: the fd-changing calls a trace leaves out are not captured');
  const reads = validateSpec({ ...base, syscalls: ['read'], rendering: { constants: 'CONSTANT_STYLE_VERBOSE', verbose: true, fd_details: true, fd_paths: false } }, catalog, 1).capture;
  assert.deepEqual(reads.rendering, { constants: 'verbose', verbose: true, fdDetails: true });
  assert.equal(reads.trackFds, true, 'fd_details implies fd_paths');
  assert.equal(tracesFdChanges(reads.syscalls, catalog), false, 'read alone: fd paths from /proc');
  const paths = validateSpec({ ...base, syscalls: ['read'], rendering: { constants: 'CONSTANT_STYLE_ABBREV', verbose: false, fd_details: false, fd_paths: true } }, catalog, 1).capture;
  assert.deepEqual([paths.trackFds, paths.rendering?.fdDetails], [true, false], 'fd_paths alone: the table kept exact, paths without details');
  assert.throws(() => validateSpec({ ...base, rendering: { constants: 'CONSTANT_STYLE_BOLD' as 'CONSTANT_STYLE_RAW', verbose: false, fd_details: false, fd_paths: false } }, catalog, 1), /spec.rendering.constants "CONSTANT_STYLE_BOLD" is not a ConstantStyle/);
  assert.deepEqual(validateSpec({ ...base, no_syscalls: true }, catalog, 1).capture.syscalls, []);
  assert.throws(() => validateSpec({ ...base, no_syscalls: true, syscalls: ['read'] }, catalog, 1), /no_syscalls is set but spec.syscalls names 1/);
});
