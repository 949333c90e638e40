/**
 * How the kernel pass's syscall programs attach for the union of the running traces
 * (src/backends/ebpf/attach-plan.ts), from a small table.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describePlan, planSyscallAttach } from '../../src/backends/ebpf/attach-plan';
import type { SyscallArgInfo, SyscallInfo, SyscallResolver } from '../../src/syscalls/types';

const arg = (name: string): SyscallArgInfo => ({ name, type: 'int', isString: false, isPath: false, signed: true });
const info = (nr: number, name: string, nargs: number, tracepoint?: string): SyscallInfo => ({
  nr,
  name,
  args: Array.from({ length: nargs }, (_, i) => arg(`a${i}`)),
  readStringsAtEntry: false,
  ...(tracepoint ? { tracepoint } : {}),
});

const TABLE = [
  info(4, 'stat', 2, 'newstat'),
  info(110, 'getppid', 0, 'getppid'),
  info(257, 'openat', 4, 'openat'),
  info(246, 'kexec_load', 0),
  // 100 more syscalls with tracepoints, numbered 1000+, for the size limit.
  ...Array.from({ length: 100 }, (_, i) => info(1000 + i, `s${i}`, 1, `s${i}`)),
];
const resolver = { byNumber: (nr: number) => TABLE.find((s) => s.nr === nr) } as SyscallResolver;

test('a trace of every syscall: the raw_syscalls programs, whatever the others select', () => {
  assert.deepEqual(planSyscallAttach([null], resolver, 16), { mode: 'raw', reason: 'a trace wants every syscall' });
  assert.deepEqual(planSyscallAttach([[257], null, [4]], resolver, 16), { mode: 'raw', reason: 'a trace wants every syscall' });
});

test('narrow traces: their syscalls together, once each, attached one by one by argument count', () => {
  const plan = planSyscallAttach([[257, 4], [110, 257]], resolver, 16);
  assert.deepEqual(plan, {
    mode: 'per-syscall',
    tracepoints: [
      { name: 'newstat', nargs: 2 },
      { name: 'getppid', nargs: 0 },
      { name: 'openat', nargs: 4 },
    ],
  });
  assert.equal(describePlan(plan), 'syscalls through 3 per-syscall tracepoint pairs');
});

test('no syscalls at all (process events only): nothing attached per syscall', () => {
  assert.deepEqual(planSyscallAttach([[]], resolver, 16), { mode: 'per-syscall', tracepoints: [] });
});

test('a syscall without a tracepoint moves the pass to raw_syscalls, and says which', () => {
  const plan = planSyscallAttach([[257], [246]], resolver, 16);
  assert.equal(plan.mode, 'raw');
  assert.match(describePlan(plan), /raw_syscalls \(kexec_load has no syscalls\/sys_enter_\* tracepoint/);
  assert.match(describePlan(planSyscallAttach([[9999]], resolver, 16)), /syscall 9999 has no/);
});

test('more syscalls together than the limit: raw_syscalls; limit 0: always raw_syscalls', () => {
  const many = Array.from({ length: 16 }, (_, i) => 1000 + i);
  assert.equal(planSyscallAttach([many.slice(0, 8), many.slice(8)], resolver, 16).mode, 'per-syscall');
  const plan = planSyscallAttach([many, [1099]], resolver, 16);
  assert.equal(plan.mode, 'raw');
  assert.match(describePlan(plan), /the traces select 17 syscalls, --per-syscall-max is 16/);
  assert.equal(planSyscallAttach([[110]], resolver, 0).mode, 'raw');
});
