/**
 * Subscribers of one trace against the real kernel and the real sctraced over gRPC (issue 12's two
 * defects): a subscriber that falls behind learns of its loss within 100 ms of having room again,
 * even when the trace has gone quiet; and a subscriber paused for seconds costs another
 * subscriber of the same trace nothing. Load comes from bench/c/getppid.c, paced.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { defaultObjectPath } from '../../src/backends/ebpf/engine';
import { api, connect } from '../helpers/client';
import { buildGetppid, compilerMissingReason, countingStream, generatorResult, type CountingStream } from '../helpers/load';
import { ebpfUnavailableReason, skipUnlessPossible } from '../helpers/privileges';
import { spawnStopped } from '../helpers/service-process';
import { liveService } from '../helpers/live-service';

const reason = ebpfUnavailableReason(defaultObjectPath()) ?? compilerMissingReason();
const live = liveService({ args: ['--heartbeat-ms', '1000'], skip: () => reason, prefix: 'sctrace-subs-' });
let generator = '';
before(() => {
  if (!reason) generator = buildGetppid(live.workdir);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts the generator stopped, a getppid trace of it, and subscribers; returns them. */
async function setUp(calls: number, rate: number, spec: { retention_bytes?: number }, subscribers: number) {
  const child = await spawnStopped([generator, String(calls), String(rate)]);
  const { trace_id } = await live.rpc.start({ pids: [child.pid], syscalls: ['getppid'], ...spec }).catch((err: unknown) => {
    child.kill();
    throw err;
  });
  const subs: CountingStream[] = [];
  for (let i = 0; i < subscribers; i++) subs.push(countingStream(live.service!.address, trace_id));
  await Promise.all(subs.map((s) => s.subscribed));
  return { child, trace_id, subs };
}

/** What a subscriber accounted for: events received plus losses announced to it. */
function accounted(s: CountingStream): number {
  return s.counts.watched + s.counts.lostKernel + s.counts.lostSubscriber + s.counts.lostDecode;
}

test('a subscriber left behind learns of its loss within 100 ms of having room again, on a trace gone quiet', async (t) => {
  if (skipUnlessPossible(t, reason)) return;
  // A 4 MiB window (~175k getppid events, under a second of this load) and 400k events: the paused
  // stream is left behind by the other one, which keeps up even on a busy 2-CPU machine (with a
  // 64 KiB window, 10 ms of the load, it did not).
  const { child, trace_id, subs } = await setUp(400_000, 200_000, { retention_bytes: 4 << 20 }, 2);
  const [paused, fast] = subs;
  paused.pause();
  child.resume();
  const { calls } = generatorResult((await child.exited).stderr);
  // Quiet now: nothing more will happen on this trace until StopTrace.
  const deadline = Date.now() + 10_000;
  while (accounted(fast) < calls && Date.now() < deadline) await sleep(20);
  assert.equal(fast.counts.watched, calls, `the fast subscriber got every event: ${JSON.stringify(fast.counts)}`);
  await sleep(1000);
  assert.equal(paused.notices.length, 0, 'no notice while paused');
  const resumedAt = performance.now();
  paused.resume();
  while (paused.notices.length === 0 && performance.now() - resumedAt < 2000) await sleep(1);
  assert.ok(paused.notices.length > 0, 'the paused subscriber was told of its loss');
  const delay = paused.notices[0].at - resumedAt;
  t.diagnostic(`loss notice ${delay.toFixed(1)} ms after resuming; lost ${paused.counts.lostSubscriber} of ${calls}`);
  assert.ok(delay < 100, `the notice came ${delay.toFixed(1)} ms after the stream had room again`);
  assert.ok(paused.counts.lostSubscriber > 0);
  const stopped = await live.rpc.stop(trace_id);
  for (const s of subs) {
    assert.equal(await s.done, null);
    s.close();
  }
  assert.equal(accounted(paused), calls, 'received + announced = produced, for the paused subscriber too');
  assert.equal(paused.counts.sequenceErrors, 0);
  assert.equal(stopped.counters?.lost_kernel, '0');
});

test('a subscriber paused for 8 s at 200k events/s costs the other subscriber of the trace nothing', async (t) => {
  if (skipUnlessPossible(t, reason)) return;
  const { child, trace_id, subs } = await setUp(2_000_000, 200_000, {}, 2);
  const [paused, fast] = subs;
  paused.pause();
  child.resume();
  await sleep(8000);
  paused.resume();
  const { calls, rate } = generatorResult((await child.exited).stderr);
  const deadline = Date.now() + 20_000;
  while ((accounted(fast) < calls || accounted(paused) < calls) && Date.now() < deadline) await sleep(50);
  const stopped = await live.rpc.stop(trace_id);
  for (const s of subs) {
    assert.equal(await s.done, null);
    s.close();
  }
  t.diagnostic(
    `generator ${calls} calls at ${Math.round(rate)}/s; fast: ${fast.counts.watched} received; ` +
      `paused: ${paused.counts.watched} received, ${paused.counts.lostSubscriber} lost (subscriber), ${paused.counts.lostKernel} (kernel)`,
  );
  assert.equal(fast.counts.lostKernel + fast.counts.lostSubscriber, 0, 'the fast subscriber was told of no loss');
  assert.equal(fast.counts.watched, calls, 'and received every event');
  assert.equal(fast.counts.sequenceErrors, 0);
  assert.equal(stopped.counters?.lost_kernel, '0', 'nothing was lost in the kernel');
  assert.equal(accounted(paused), calls, 'the paused one: received + announced = produced');
});
