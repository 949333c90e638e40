/**
 * The kernel-BTF probe that leaves out programs an older kernel cannot attach
 * (src/backends/ebpf/kernel-btf.ts), against this machine's real BTF.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasBtfTracepoint } from '../../src/backends/ebpf/kernel-btf';
import { ebpfUnavailableReason, skipUnlessPossible } from '../helpers/privileges';

const reason = ebpfUnavailableReason();

test('raw tracepoints are found by their btf_trace_ typedef, absent ones are not', (t) => {
  if (skipUnlessPossible(t, reason)) return;
  // Present since BTF-enabled raw tracepoints exist (5.5).
  assert.equal(hasBtfTracepoint('sys_enter'), true);
  assert.equal(hasBtfTracepoint('sched_process_exec'), true);
  assert.equal(hasBtfTracepoint('sctrace_no_such_tracepoint'), false);
  // Answered from the cache the second time, the same way.
  assert.equal(hasBtfTracepoint('sctrace_no_such_tracepoint'), false);
});
