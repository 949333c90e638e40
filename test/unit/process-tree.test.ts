/**
 * The process tree a trace keeps (src/traces/process-tree.ts): nodes from fork, thread, exec and
 * exit events, the main thread first, a non-leader exec ending the other threads, and the cap
 * (past it new processes and threads are counted, never kept).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Event } from '../../src/api/generated/sctrace/v1/Event';
import { ProcessTree } from '../../src/traces/process-tree';

const task = (pid: number, tid = pid, comm = 'prog', ppid = 1) => ({ pid, tid, ppid, comm, uid: 0, gid: 0, cgroup_id: '0' });
const at = (ns: number, e: Event): Event => ({ timestamp_ns: String(ns), ...e });

test('a tree from fork, thread, exec and exit events, in the order first seen', () => {
  const tree = new ProcessTree(100);
  tree.observe([
    at(10, { kind: 'thread_created', task: task(100), thread_created: { tid: 101, clone_flags: '4001536' } }),
    at(20, { kind: 'fork', task: task(100, 101), fork: { child_pid: 200, clone_flags: '17' } }),
    at(25, { kind: 'syscall', task: task(300), syscall: { name: 'getppid' } }),
    at(30, { kind: 'exec', task: task(200, 200, 'ls', 100), exec: { filename: '/bin/ls', old_pid: 200 } }),
    at(40, { kind: 'thread_exit', task: task(100, 101), thread_exit: {} }),
    at(50, { kind: 'exit', task: task(200, 200, 'ls', 100), exit: { exit_code: 0, signal: 9 } }),
  ]);
  const { processes, dropped_nodes, node_limit } = tree.snapshot();
  assert.deepEqual([dropped_nodes, node_limit], ['0', 100]);
  assert.deepEqual(processes.map((p) => [p.pid, p.ppid, p.comm, p.exec_filename]), [[100, 1, 'prog', ''], [200, 100, 'ls', '/bin/ls']], 'a syscall event makes no node');
  const [parent, child] = processes;
  assert.deepEqual(parent.threads.map((t) => [t.tid, t.clone_flags, t.start_ns, t.exited, t.exit_ns]), [[100, '0', '0', false, '0'], [101, '4001536', '10', true, '40']]);
  assert.deepEqual([parent.start_ns, parent.exited], ['0', false], 'running before the trace');
  assert.deepEqual([child.start_ns, child.clone_flags, child.exited, child.exit_ns, child.exit_code, child.signal], ['20', '17', true, '50', 0, 9]);
  assert.deepEqual(child.threads.map((t) => [t.tid, t.clone_flags, t.start_ns, t.exited]), [[200, '17', '20', true]], 'its main thread has the fork');
});

test('a non-leader exec ends the other threads; the main thread is listed first', () => {
  const tree = new ProcessTree();
  tree.observe([
    at(1, { kind: 'thread_created', task: task(10, 11), thread_created: { tid: 12, clone_flags: '0' } }),
    at(2, { kind: 'thread_created', task: task(10, 12), thread_created: { tid: 13, clone_flags: '0' } }),
    at(3, { kind: 'exec', task: task(10, 10, 'new'), exec: { filename: '/bin/new', old_pid: 13 } }),
  ]);
  const [p] = tree.snapshot().processes;
  assert.deepEqual(p.threads.map((t) => [t.tid, t.exited]), [[10, false], [11, true], [12, true], [13, true]]);
  assert.equal(p.comm, 'new');
});

test('past the cap, new processes and threads are counted, not kept; known ones still update', () => {
  const tree = new ProcessTree(3);
  tree.observe([
    at(1, { kind: 'fork', task: task(1), fork: { child_pid: 2, clone_flags: '17' } }),
    at(2, { kind: 'fork', task: task(1), fork: { child_pid: 3, clone_flags: '17' } }),
    at(3, { kind: 'thread_created', task: task(2), thread_created: { tid: 4, clone_flags: '0' } }),
    at(4, { kind: 'exit', task: task(2), exit: { exit_code: 5 } }),
  ]);
  const snap = tree.snapshot();
  // Nodes: process 1, its thread 1, process 2; then process 2's main thread, process 3 and
  // thread 4 find no room, each counted once (the exit's thread 2 again is not).
  assert.deepEqual(snap.processes.map((p) => p.pid), [1, 2]);
  assert.equal(snap.dropped_nodes, '3');
  assert.deepEqual([snap.processes[1].exited, snap.processes[1].exit_code], [true, 5]);
});
