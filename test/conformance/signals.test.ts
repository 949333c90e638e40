/**
 * Signal deliveries (TraceSpec.signal_events) on every capture backend available where the test
 * runs (eBPF here; the kernel module and eBPF on 6.1 in the kmod guest), through the real
 * sctraced over gRPC: the fixture test/fixtures/signals.c gets signals whose siginfo it knows
 * (the test's SIGCONT, a child's SIGCHLD, kill, sigqueue with a value, a fault at address 16),
 * and each must arrive as a SignalDelivered with the fields the kernel gave, in order with the
 * process's system calls; rt_sigreturn shows the mask it restores. A trace without
 * signal_events gets none.
 */
import { test, describe, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { Event__Output } from '../../src/api/generated/sctrace/v1/Event';
import type { TraceSpec } from '../../src/api/generated/sctrace/v1/TraceSpec';
import { collect, settle } from '../helpers/client';
import { fixture, fixtureUnavailableReason, stateOf } from '../helpers/fixtures';
import { skipUnlessBackend, skipUnlessPossible } from '../helpers/privileges';
import { liveService } from '../helpers/live-service';
import { patience } from '../helpers/patience';

const BACKENDS = ['ebpf', 'kmod'] as const;

const rootReason = process.getuid?.() !== 0 ? 'needs root to load a capture backend and read tracefs' : null;
const live = liveService({ args: ['--idle-timeout', '30'], skip: () => rootReason, prefix: 'sctrace-signals-' });

function skipped(t: TestContext, backend: string): boolean {
  return skipUnlessBackend(t, backend, live.unavailable, rootReason) || skipUnlessPossible(t, fixtureUnavailableReason('signals'));
}

/** Runs the fixture traced on `backend` by `spec` from its stop to its exit event. */
async function traceFixture(backend: string, spec: Partial<TraceSpec>) {
  const proc = spawn(fixture('signals'), [], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  const pid = proc.pid!;
  const deadline = Date.now() + patience(10_000);
  while (stateOf(pid) !== 'T') {
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`the fixture did not stop: ${out}${err}`);
    }
    await settle(5);
  }
  const started = await live.rpc.start({ process_events: true, follow_children: true, ...spec, pids: [pid], backend }).catch((e: Error) => {
    proc.kill('SIGKILL');
    throw e;
  });
  const sub = collect(live.client, started.trace_id);
  await settle(200);
  process.kill(pid, 'SIGCONT');
  assert.equal(await exited, 0, `fixture exit code; stderr: ${err}`);
  await sub.until((ev) => ev.some((e) => e.kind === 'exit' && e.task?.pid === pid), 20_000);
  await settle(100);
  const { counters } = await live.rpc.stop(started.trace_id);
  assert.equal(await sub.done, null, 'stream ends OK after StopTrace');
  assert.equal(counters?.lost_kernel, '0', 'nothing lost');
  const done = JSON.parse(out.trim().split('\n').pop()!) as { child: number; fault: number };
  return { pid, child: done.child, fault: done.fault, events: sub.events };
}

const signals = (events: Event__Output[], pid: number) => events.filter((e) => e.kind === 'signal_delivered' && e.task?.pid === pid).map((e) => e.signal_delivered!);

for (const backend of BACKENDS) {
  describe(`backend ${backend}`, () => {
    test('signals arrive as SignalDelivered with the kernel\'s siginfo, in order with the syscalls', async (t) => {
      if (skipped(t, backend)) return;
      const { pid, child, fault, events } = await traceFixture(backend, { signal_events: true });
      const got = signals(events, pid);
      assert.deepEqual(got.map((s) => s.signal), ['SIGCONT', 'SIGCHLD', 'SIGUSR1', 'SIGUSR2', 'SIGUSR1', 'SIGSEGV'], got.map((s) => s.symbolic).join('\n'));
      const [cont, chld, usr1, usr2, masked, segv] = got;
      assert.deepEqual([cont.code_name, cont.pid, cont.discarded, cont.fields], ['SI_USER', process.pid, true, 'SIGINFO_FIELDS_KILL'], 'the test\'s SIGCONT, ignored by default');
      assert.equal(cont.handler, '0');
      assert.equal(chld.symbolic, `{si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=${child}, si_uid=${process.getuid!()}, si_status=5, si_utime=${chld.utime}, si_stime=${chld.stime}}`);
      assert.deepEqual([chld.fields, chld.pid, chld.status, chld.discarded], ['SIGINFO_FIELDS_CHLD', child, 5, true]);
      assert.deepEqual([usr1.code_name, usr1.pid, usr1.uid, usr1.discarded], ['SI_USER', pid, process.getuid!(), false]);
      assert.notEqual(usr1.handler, '0', 'the fixture\'s handler');
      assert.deepEqual([usr2.code_name, usr2.fields, usr2.int_value, usr2.ptr_value], ['SI_QUEUE', 'SIGINFO_FIELDS_RT', 99, '99']);
      assert.equal(masked.code_name, 'SI_USER');
      assert.deepEqual([segv.code_name, segv.fields, segv.addr], ['SEGV_MAPERR', 'SIGINFO_FIELDS_FAULT', String(fault)]);
      assert.equal(segv.symbolic, `{si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x${fault.toString(16)}}`);
      for (const s of got) {
        assert.equal((s.siginfo as Uint8Array).length, 48, 'the raw kernel_siginfo');
        assert.equal(new DataView((s.siginfo as Uint8Array).buffer, (s.siginfo as Uint8Array).byteOffset).getInt32(0, true), s.signo);
      }
      // In the thread's order: each handled signal right after the call that sent it, then its rt_sigreturn.
      const mine = events.filter((e) => e.task?.tid === pid && (e.kind === 'syscall' || e.kind === 'signal_delivered'));
      const line = (e: Event__Output) => (e.kind === 'syscall' ? e.syscall!.name : `--- ${e.signal_delivered!.signal}`);
      const seq = mine.map(line);
      const at = (name: string, from = 0) => seq.indexOf(name, from);
      const kill1 = at('kill');
      assert.deepEqual(seq.slice(kill1, kill1 + 3), ['kill', '--- SIGUSR1', 'rt_sigreturn'], seq.join(' '));
      const queued = at('rt_sigqueueinfo');
      assert.deepEqual(seq.slice(queued, queued + 3), ['rt_sigqueueinfo', '--- SIGUSR2', 'rt_sigreturn'], seq.join(' '));
      const returns = mine.filter((e) => e.kind === 'syscall' && e.syscall!.name === 'rt_sigreturn').map((e) => e.syscall!.decoded[0]?.symbolic);
      assert.deepEqual(returns, ['{mask=[]}', '{mask=[]}', '{mask=[INT]}'], 'the masks the frames restore');
    });

    test('a trace without signal_events gets no signal', async (t) => {
      if (skipped(t, backend)) return;
      const { pid, events } = await traceFixture(backend, { signal_events: false });
      assert.ok(events.some((e) => e.kind === 'syscall' && e.task?.pid === pid), 'its syscalls');
      assert.deepEqual(signals(events, pid), []);
    });
  });
}
