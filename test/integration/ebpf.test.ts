/**
 * End to end against the real kernel: the real sctraced (eBPF backend) in a child process, a
 * gRPC client over a unix socket, and real workloads started by the test. Skips with the reason
 * on a machine without root/BPF; fails instead under CI=true.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { status, type ServiceError } from '@grpc/grpc-js';
import type { Event__Output } from '../../src/api/generated/sctrace/v1/Event';
import type { SyscallArg__Output } from '../../src/api/generated/sctrace/v1/SyscallArg';
import type { TraceSpec } from '../../src/api/generated/sctrace/v1/TraceSpec';
import { defaultObjectPath } from '../../src/backends/ebpf/engine';
import { collect, settle, type Collector } from '../helpers/client';
import { ebpfUnavailableReason, skipUnlessPossible } from '../helpers/privileges';
import { bpfObjects, leftBehind, spawnStopped } from '../helpers/service-process';
import { liveService } from '../helpers/live-service';

const reason = ebpfUnavailableReason(defaultObjectPath());
const live = liveService({ args: ['--idle-timeout', '30'], skip: () => reason, prefix: 'sctrace-it-' });

/**
 * Starts `argv` stopped, traces it with `spec` (its pid added), lets it run, and returns the
 * events once its exit event (or, without process events, its exit plus a drain) arrived.
 */
async function traceRun(argv: string[], spec: TraceSpec, subscribers = 1) {
  const child = await spawnStopped(argv, { cwd: live.workdir });
  // A stopped child left behind would keep the test run alive.
  const started = await live.rpc.start({ process_events: true, ...spec, pids: [child.pid] }).catch((err: unknown) => {
    child.kill();
    throw err;
  });
  const { trace_id, backend } = started;
  assert.equal(backend, 'ebpf');
  const subs: Collector[] = [];
  for (let i = 0; i < subscribers; i++) subs.push(collect(live.client, trace_id));
  await settle(200);
  child.resume();
  const result = await child.exited;
  const exitedTop = (ev: Event__Output[]) => ev.some((e) => e.kind === 'exit' && e.task?.pid === child.pid);
  if (spec.process_events !== false) await Promise.all(subs.map((s) => s.until(exitedTop)));
  await settle(100);
  const { counters } = await live.rpc.stop(trace_id);
  for (const s of subs) assert.equal(await s.done, null, 'stream ends OK after StopTrace');
  return { pid: child.pid, result, subs, events: subs[0].events, counters };
}

const syscalls = (events: Event__Output[], name?: string) =>
  events.filter((e) => e.kind === 'syscall' && (name === undefined || e.syscall?.name === name));
const arg = (e: Event__Output, name: string) => e.syscall?.decoded.find((a) => a.name === name);

test('execve of a traced child arrives with filename and argv, as a syscall and an exec event', async (t) => {
  if (skipUnlessPossible(t, reason)) return;
  const { pid, events, result } = await traceRun(['/bin/echo', 'hello', 'sctrace world'], {});
  assert.equal(result.stdout, 'hello sctrace world\n');
  const execve = syscalls(events, 'execve');
  assert.equal(execve.length, 1, `one execve; got ${execve.length}`);
  assert.equal(arg(execve[0], 'filename')?.str, '/bin/echo');
  assert.equal(execve[0].syscall?.ret, '0');
  assert.equal(execve[0].task?.pid, pid);
  const exec = events.find((e) => e.kind === 'exec');
  assert.ok(exec, 'exec event');
  assert.equal(exec.exec?.filename, '/bin/echo');
  assert.deepEqual(exec.exec?.argv, ['/bin/echo', 'hello', 'sctrace world']);
  const exit = events.find((e) => e.kind === 'exit');
  assert.equal(exit?.exit?.exit_code, 0);
  assert.ok(syscalls(events, 'exit_group').some((e) => e.syscall?.no_return), 'exit_group reported as never returning');
  // Sequence numbers are gap-free for a single subscriber without losses.
  const seqs = events.map((e) => Number(e.sequence));
  for (let i = 1; i < seqs.length; i++) assert.equal(seqs[i], seqs[i - 1] + 1);
  assert.ok(events.every((e) => BigInt(e.timestamp_ns) > BigInt(Date.now() - 60_000) * 1_000_000n), 'epoch timestamps');
});

test('openat of a file the test chose: path decoded, fd returned and then read and closed', async (t) => {
  if (skipUnlessPossible(t, reason)) return;
  const file = path.join(live.workdir, 'chosen-file.txt');
  fs.writeFileSync(file, 'payload\n');
  const { events, result } = await traceRun(['/bin/cat', file], {});
  assert.equal(result.stdout, 'payload\n');
  const open = syscalls(events, 'openat').find((e) => arg(e, 'filename')?.str === file);
  assert.ok(open, `openat of ${file}; saw ${syscalls(events, 'openat').map((e) => arg(e, 'filename')?.str).join(', ')}`);
  const fd = Number(open.syscall?.ret);
  assert.ok(fd >= 3, `fd ${fd}`);
  assert.equal(open.syscall?.errno_name, '');
  assert.ok(BigInt(open.syscall?.duration_ns ?? '0') > 0n, 'duration measured');
  const reads = syscalls(events, 'read').filter((e) => Number(e.syscall?.args[0]) === fd);
  assert.ok(reads.some((e) => e.syscall?.ret === '8'), 'read of the 8-byte payload on that fd');
  assert.ok(syscalls(events, 'close').some((e) => Number(e.syscall?.args[0]) === fd), 'close of that fd');
});

test('a failing syscall carries its errno name', async (t) => {
  if (skipUnlessPossible(t, reason)) return;
  const missing = path.join(live.workdir, 'does-not-exist');
  const { events, result } = await traceRun(['/bin/cat', missing], {});
  assert.equal(result.code, 1);
  const open = syscalls(events, 'openat').find((e) => arg(e, 'filename')?.str === missing);
  assert.ok(open, 'openat of the missing file');
  assert.equal(open.syscall?.ret, '-2');
  assert.equal(open.syscall?.errno_name, 'ENOENT');
  assert.equal(events.find((e) => e.kind === 'exit')?.exit?.exit_code, 1);
});

test('follow_children: the fork and exit of a grandchild are traced', async (t) => {
  if (skipUnlessPossible(t, reason)) return;
  // The outer shell forks a subshell, which forks an inner subshell that exits with 7.
  const { pid, events } = await traceRun(['/bin/sh', '-c', '( ( exit 7 ); echo $? > status ); cat status'], { follow_children: true });
  const forks = events.filter((e) => e.kind === 'fork');
  const childFork = forks.find((e) => e.task?.pid === pid);
  assert.ok(childFork, `fork by the traced shell ${pid}`);
  const child = childFork.fork!.child_pid;
  const grandFork = forks.find((e) => e.task?.pid === child);
  assert.ok(grandFork, `fork by the child ${child}; forks seen: ${forks.map((f) => `${f.task?.pid}->${f.fork?.child_pid}`).join(' ')}`);
  const grandchild = grandFork.fork!.child_pid;
  const grandExit = events.find((e) => e.kind === 'exit' && e.task?.pid === grandchild);
  assert.equal(grandExit?.exit?.exit_code, 7, 'the grandchild exited with 7');
  assert.ok(syscalls(events).some((e) => e.task?.pid === grandchild), "the grandchild's syscalls are traced");
});

test('without follow_children, children are not traced', async (t) => {
  if (skipUnlessPossible(t, reason)) return;
  const { pid, events } = await traceRun(['/bin/sh', '-c', '( exit 3 ); true'], { follow_children: false });
  assert.ok(syscalls(events).length > 0);
  assert.ok(syscalls(events).every((e) => e.task?.pid === pid), 'only the traced pid');
});

test('a syscall filter excludes everything else', async (t) => {
  if (skipUnlessPossible(t, reason)) return;
  const { events } = await traceRun(['/bin/cat', '/etc/hostname'], { syscalls: ['openat'], process_events: true });
  const sc = syscalls(events);
  assert.ok(sc.length >= 1, 'some openat');
  assert.deepEqual([...new Set(sc.map((e) => e.syscall?.name))], ['openat']);
  assert.ok(sc.some((e) => arg(e, 'filename')?.str === '/etc/hostname'));
});

test('per-syscall tracepoints and raw_syscalls deliver the same events', async (t) => {
  if (skipUnlessPossible(t, reason)) return;
  const wanted = ['openat', 'read', 'write', 'close', 'fstat', 'mmap'];
  // A few syscalls: attached one by one. Adding afs_syscall, which no x86_64 kernel implements (so
  // it has no tracepoint), makes the same filter fall back to the raw_syscalls programs.
  const perSyscall = await traceRun(['/bin/cat', '/etc/hostname'], { syscalls: wanted });
  const raw = await traceRun(['/bin/cat', '/etc/hostname'], { syscalls: [...wanted, 'afs_syscall'] });
  const log = live.service!.log();
  assert.match(log, /started on ebpf \(syscalls through 6 per-syscall tracepoint pairs\)/);
  assert.match(log, /started on ebpf \(syscalls through raw_syscalls \(afs_syscall has no syscalls\/sys_enter_\* tracepoint/);
  // Values that do not depend on address-space layout: pointers and mmap's addresses are masked.
  const view = (events: Event__Output[]) =>
    syscalls(events).map((e) => {
      const address = (a: SyscallArg__Output) => a.type.includes('*') || (e.syscall!.name === 'mmap' && a.name === 'addr');
      const args = e.syscall!.decoded.map((a) => a.str || (address(a) ? 'ptr' : (a.int ?? a.uint)));
      return `${e.syscall!.name}(${args.join(', ')}) = ${e.syscall!.name === 'mmap' ? 'addr' : e.syscall!.ret}`;
    });
  const a = view(perSyscall.events);
  assert.ok(a.some((line) => line.startsWith('openat(') && line.includes('/etc/hostname')), a.join('\n'));
  assert.ok(a.some((line) => line.startsWith('write(1, ptr, ')), 'the write of the hostname');
  assert.deepEqual(a, view(raw.events));
  assert.equal(perSyscall.counters?.lost_kernel, '0');
});

test('two subscribers receive the same events', async (t) => {
  if (skipUnlessPossible(t, reason)) return;
  const { subs, counters } = await traceRun(['/bin/ls', '/'], {}, 2);
  const view = (c: Collector) => c.events.map((e) => `${e.sequence} ${e.kind} ${e.syscall?.name ?? ''} ${e.syscall?.ret ?? ''}`);
  assert.ok(subs[0].events.length > 20, `${subs[0].events.length} events`);
  assert.deepEqual(view(subs[1]), view(subs[0]));
  assert.equal(counters?.lost_kernel, '0');
  assert.equal(counters?.lost_subscribers, '0');
});

test('StopTrace leaves no program or link of the service attached', async (t) => {
  if (skipUnlessPossible(t, reason)) return;
  const before = bpfObjects();
  const { trace_id } = await live.rpc.start({ pids: [1] });
  const during = bpfObjects();
  const added = [...during.progs].filter((id) => !before.progs.has(id));
  const addedLinks = [...during.links].filter((id) => !before.links.has(id));
  assert.ok(added.length >= 2, `the trace loaded programs (${added.length})`);
  assert.ok(addedLinks.length >= 2, `the trace attached links (${addedLinks.length})`);
  await live.rpc.stop(trace_id);
  assert.deepEqual(await leftBehind(before), { progs: [], links: [] }, 'programs left loaded or links left attached');
});

test('the service refuses to trace itself and rejects unknown syscalls', async (t) => {
  if (skipUnlessPossible(t, reason)) return;
  await assert.rejects(live.rpc.start({ pids: [live.service!.pid] }), (err: ServiceError) => err.code === status.INVALID_ARGUMENT && /itself/.test(err.details));
  await assert.rejects(live.rpc.start({ syscalls: ['opne'] }), (err: ServiceError) => err.code === status.INVALID_ARGUMENT && /"opne"/.test(err.details));
  const caps = await live.rpc.caps();
  assert.equal(caps.default_backend, 'ebpf');
  assert.deepEqual(caps.backends.map((b) => b.name), ['ebpf', 'kmod']);
  assert.match(caps.backends[1].reason, /kernel module not loaded/);
});
