/**
 * The CLI's -P filter by strace's pathtrace rules: a call matches when a path argument is PATH
 * or an fd argument names it, except the arguments strace does not test (fsconfig's context fd
 * and key, io_uring_enter's ring, a dirfd's AT_FDCWD).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Event__Output } from '../../src/api/generated/sctrace/v1/Event';
import type { SyscallArg__Output } from '../../src/api/generated/sctrace/v1/SyscallArg';
import { EventFilter } from '../../clients/cli/filter';
import { QualifiedSet } from '../../clients/cli/qualify';

/** An argument as a gRPC client sees it (proto3 defaults). */
function arg(name: string, value: Partial<SyscallArg__Output>): SyscallArg__Output {
  return { name, type: '', truncated: false, unreadable: false, symbolic: '', fd_path: '', ignored: false, buffer: Buffer.alloc(0), items: [], str_bytes: Buffer.alloc(0), items_bytes: [], return_note: '', value: 'int', int: '0', ...value } as SyscallArg__Output;
}

function call(name: string, decoded: SyscallArg__Output[]): Event__Output {
  return { kind: 'syscall', syscall: { name, decoded, no_return: false, errno_name: 'EINVAL', ret: '-22' } } as unknown as Event__Output;
}

const filter = new EventFilter({ status: QualifiedSet.all(), paths: ['/dev/full'], noSyscalls: false });
const fd = (name: string, n: number, path: string) => arg(name, { value: 'int', int: String(n), fd_path: path });
const str = (name: string, s: string) => arg(name, { value: 'str', str: s });
const uint = (name: string, n: number) => arg(name, { value: 'uint', uint: String(n) });

test('-P: fd and path arguments, not the ones strace does not test', () => {
  assert.ok(filter.accept(call('fspick', [fd('dfd', 3, '/dev/full'), str('path', ''), uint('flags', 8)])));
  assert.ok(filter.accept(call('fspick', [fd('dfd', -1, ''), str('path', '/dev/full'), uint('flags', 0)])));
  assert.ok(!filter.accept(call('io_uring_enter', [fd('fd', 3, '/dev/full')])), 'io_uring_enter: no argument strace tests');
  assert.ok(!filter.accept(call('fsmount', [fd('fs_fd', 3, '/dev/full'), uint('flags', 0)])));
  const fsconfig = (cmd: number, aux: SyscallArg__Output, value = str('_value', '/dev/full')) =>
    filter.accept(call('fsconfig', [fd('fd', 3, '/dev/full'), uint('cmd', cmd), str('_key', '/dev/full'), value, aux]));
  assert.ok(!fsconfig(0, arg('aux', { int: '3' })), 'FSCONFIG_SET_FLAG: the context fd and the key are not tested');
  assert.ok(fsconfig(5, fd('aux', 3, '/dev/full')), 'FSCONFIG_SET_FD: aux is');
  assert.ok(fsconfig(3, fd('aux', -1, '')), 'FSCONFIG_SET_PATH: the value is');
  assert.ok(!fsconfig(1, arg('aux', { int: '3' })), 'FSCONFIG_SET_STRING: the value is a string');
  // AT_FDCWD</dev/full> is no fd strace can look up.
  const cwd = new EventFilter({ status: QualifiedSet.all(), paths: ['/tmp'], noSyscalls: false });
  assert.ok(!cwd.accept(call('openat', [fd('dfd', -100, '/tmp'), str('filename', 'x'), uint('flags', 0)])));
  assert.ok(cwd.accept(call('openat', [fd('dfd', 5, '/tmp'), str('filename', 'x'), uint('flags', 0)])));
});
