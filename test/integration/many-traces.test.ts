/**
 * Many traces, one kernel pass, against the real kernel through the real service: concurrent
 * traces with different filters each get exactly the events a trace alone would get; a trace
 * whose workload floods does not make a paced trace next to it lose anything; traces started and
 * stopped while another streams leave it no gap; and nothing stays attached afterwards.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Event__Output } from '../../src/api/generated/sctrace/v1/Event';
import type { TraceSpec } from '../../src/api/generated/sctrace/v1/TraceSpec';
import { defaultObjectPath } from '../../src/backends/ebpf/engine';
import { SYSCALL_CLASSES } from '../../src/syscalls/classes';
import { collect, countEvents, settle, type Collector } from '../helpers/client';
import { ebpfUnavailableReason, skipUnlessPossible } from '../helpers/privileges';
import { bpfObjects, leftBehind, spawnStopped } from '../helpers/service-process';
import { liveService } from '../helpers/live-service';

const reason = ebpfUnavailableReason(defaultObjectPath());
let before0: ReturnType<typeof bpfObjects> | undefined;
before(() => {
  if (!reason) before0 = bpfObjects();
});
// A small ring, so that a flood puts it under pressure on any machine. At the default nice 10
// the service yields the CPU to the flood and to the paced workload itself, and what it cannot
// read in time is lost by everyone (by design: traced programs win); isolation is about the
// ring, so the service here competes as an equal.
const live = liveService({ args: ['--idle-timeout', '30', '--ring-mb', '4', '--nice', '0'], skip: () => reason, prefix: 'sctrace-many-' });

/** What identifies one event across traces: the same call seen by two traces is the same record. */
function key(e: Event__Output): string {
  const call = e.syscall;
  const what = call ? `${call.name}(${call.args.join(',')})=${call.ret}` : e.kind;
  return `${e.task?.tid}:${e.timestamp_ns}:${what}`;
}

function lostIn(events: Event__Output[]): number {
  return events.filter((e) => e.kind === 'lost').reduce((sum, e) => sum + Number(e.lost?.count ?? 0), 0);
}

/** Sequence numbers from 1 without a gap (no loss notice may stand in for any). */
function assertGapless(events: Event__Output[], what: string): void {
  assert.equal(lostIn(events), 0, `${what}: no loss`);
  events.forEach((e, i) => assert.equal(Number(e.sequence), i + 1, `${what}: event ${i} has sequence ${e.sequence}`));
}

test('concurrent traces with different filters each get exactly what a trace alone would', async (t) => {
  if (skipUnlessPossible(t, reason)) return;
  const file = path.join(live.workdir, 'hello.txt');
  fs.writeFileSync(file, 'hello\n');
  const child = await spawnStopped(['/bin/sh', '-c', `cat ${file} >/dev/null; ls ${live.workdir} >/dev/null; cat /nonexistent-sctrace 2>/dev/null; true`], { cwd: live.workdir });
  const uid = process.getuid?.() ?? 0;
  const specs: Record<string, TraceSpec> = {
    all: { pids: [child.pid], follow_children: true, process_events: true },
    openat: { pids: [child.pid], follow_children: true, process_events: true, syscalls: ['openat'] },
    file: { pids: [child.pid], follow_children: true, syscalls: ['%file'], uids: [uid] },
    cat: { comms: ['cat'], syscalls: ['openat', 'read', 'close'], process_events: true },
    none: { pids: [1], process_events: true },
    small: { pids: [child.pid], follow_children: true, process_events: true, string_max_bytes: 8 },
  };
  const traces: Record<string, { id: string; sub: Collector }> = {};
  try {
    for (const [name, spec] of Object.entries(specs)) {
      const { trace_id } = await live.rpc.start(spec);
      traces[name] = { id: trace_id, sub: collect(live.client, trace_id) };
    }
  } catch (err) {
    child.kill();
    throw err;
  }
  await settle(200);
  child.resume();
  await child.exited;
  await traces.all.sub.until((ev) => ev.some((e) => e.kind === 'exit' && e.task?.pid === child.pid));
  await settle(200);
  for (const { id } of Object.values(traces)) await live.rpc.stop(id);
  for (const { sub } of Object.values(traces)) await sub.done;

  const all = traces.all.sub.events;
  assertGapless(all, 'all');
  const pids = new Set(all.map((e) => e.task?.pid));
  const expect = (name: string, keep: (e: Event__Output) => boolean) => {
    const got = traces[name].sub.events;
    assertGapless(got, name);
    assert.deepEqual(got.map(key), all.filter(keep).map(key), `${name}: the events of "all" its filter selects, in order`);
    return got;
  };
  const fileClass = new Set(SYSCALL_CLASSES['%file']);
  expect('openat', (e) => e.kind !== 'syscall' || e.syscall?.name === 'openat');
  const fileEvents = expect('file', (e) => e.kind === 'syscall' && fileClass.has(e.syscall!.name));
  assert.ok(fileEvents.length > 5, `file: ${fileEvents.length} events`);
  // The comm filter is evaluated per event: cat's own calls, from its exec on (its comm changes there).
  const cat = traces.cat.sub.events.filter((e) => pids.has(e.task?.pid));
  assert.deepEqual(cat.map(key), all.filter((e) => e.task?.comm === 'cat' && (e.kind !== 'syscall' || ['openat', 'read', 'close'].includes(e.syscall!.name))).map(key));
  assert.ok(cat.some((e) => e.syscall?.name === 'openat'), 'cat opened its file');
  assert.deepEqual(traces.none.sub.events.filter((e) => pids.has(e.task?.pid)), [], 'a trace of pid 1 gets nothing of the workload');
  // Read once at the largest string_max, cut per trace: paths whole, other strings at 8 bytes.
  const small = expect('small', () => true);
  const opened = small.find((e) => e.syscall?.name === 'openat' && e.syscall.decoded[1]?.str === file);
  assert.ok(opened, `small: the openat of ${file}, whole although string_max is 8`);
  const argv = (events: Event__Output[]) => events.find((e) => e.syscall?.name === 'execve' && e.task?.pid === child.pid)?.syscall?.decoded[1];
  const script = argv(all)!.items[2];
  assert.ok(script.length > 8 && !argv(all)!.truncated, `all: sh's script whole: ${script}`);
  assert.equal(argv(small)!.items[2], script.slice(0, 8), 'small: the same argument cut at 8 bytes');
  assert.equal(argv(small)!.truncated, true);
});

test('a flooding trace next to a paced one: the paced one loses nothing', async (t) => {
  if (skipUnlessPossible(t, reason)) return;
  const paced = await spawnStopped(['/bin/sh', '-c', 'for i in $(seq 1 40); do cat /etc/hostname >/dev/null; sleep 0.02; done']);
  const flood = await spawnStopped(['/usr/bin/dd', 'if=/dev/zero', 'of=/dev/null', 'bs=1', 'count=4000000']);
  // The paced trace asks for a larger guaranteed share of the ring than the even split: while the
  // flood keeps the service busy, its events wait longer to be read.
  const p = await live.rpc.start({ pids: [paced.pid], follow_children: true, process_events: true, ring_bytes: String(1 << 20) });
  // Two traces of the flood: the records they share are lost for both at once (counted once per
  // record, by their mask) and announced to each.
  const f = await live.rpc.start({ pids: [flood.pid], process_events: true });
  const f2 = await live.rpc.start({ pids: [flood.pid], syscalls: ['read'] });
  const ps = collect(live.client, p.trace_id);
  // The flood's events are only counted: decoding a million of them here would take the CPUs
  // the service needs, and a service that cannot run loses everyone's events.
  const fs_ = countEvents(live.service!.address, f.trace_id);
  const fs2 = countEvents(live.service!.address, f2.trace_id);
  await settle(200);
  flood.resume();
  paced.resume();
  await Promise.all([paced.exited, flood.exited]);
  await settle(300);
  const { counters: pc } = await live.rpc.stop(p.trace_id);
  const { counters: fc } = await live.rpc.stop(f.trace_id);
  const { counters: fc2 } = await live.rpc.stop(f2.trace_id);
  await Promise.all([ps.done, fs_.done, fs2.done]);
  const log = () => live.service!.log().split('\n').filter((l) => l.includes('stopped')).join('\n');
  assert.equal(Number(pc?.lost_kernel), 0, `paced: nothing lost in the kernel; ${log()}`);
  assertGapless(ps.events, 'paced');
  assert.equal(ps.events.filter((e) => e.kind === 'exec' && e.exec?.filename === '/usr/bin/cat').length, 40, 'paced: all 40 cats');
  // The flood did fill the ring (4 MiB): it lost events, each one counted and announced.
  const c = fs_.counts;
  assert.ok(Number(fc?.lost_kernel) > 0, `flood: lost in the kernel (${fc?.lost_kernel}); ${log()}`);
  assert.equal(c.lostKernel + c.lostSubscriber, Number(fc?.lost_kernel) + Number(fc?.lost_subscribers), 'flood: every loss announced');
  // Sequence numbers jump only where a notice of the subscriber's own losses covers the gap.
  assert.equal(c.sequenceErrors, 0, 'flood: no unannounced gap');
  assert.ok(c.events > 0, 'flood: events delivered too');
  const c2 = fs2.counts;
  assert.ok(Number(fc2?.lost_kernel) > 0, `second flood trace: lost in the kernel (${fc2?.lost_kernel}); ${log()}`);
  assert.equal(c2.lostKernel + c2.lostSubscriber, Number(fc2?.lost_kernel) + Number(fc2?.lost_subscribers), 'second flood trace: every loss announced');
  assert.equal(c2.sequenceErrors, 0, 'second flood trace: no unannounced gap');
});

test('traces started and stopped while another streams leave it no gap, and nothing attached', async (t) => {
  if (skipUnlessPossible(t, reason)) return;
  const child = await spawnStopped(['/bin/sh', '-c', 'for i in $(seq 1 60); do cat /etc/hostname >/dev/null; sleep 0.01; done']);
  const main = await live.rpc.start({ pids: [child.pid], follow_children: true, process_events: true });
  const sub = collect(live.client, main.trace_id);
  await settle(200);
  child.resume();
  const others: Array<{ spec: TraceSpec; events: Event__Output[] }> = [];
  // Narrow and wide traces coming and going, so the attachments switch between modes under it.
  const churn = [
    { pids: [child.pid], follow_children: true, syscalls: ['openat'] },
    { syscalls: ['close', 'read'], comms: ['cat'] },
    { pids: [child.pid], follow_children: true },
    { syscalls: ['getppid'] },
  ];
  let i = 0;
  const exited = child.exited.then(() => true);
  while (!(await Promise.race([exited, settle(60).then(() => false)]))) {
    const spec = churn[i++ % churn.length];
    const { trace_id } = await live.rpc.start(spec);
    const c = collect(live.client, trace_id);
    await settle(40);
    await live.rpc.stop(trace_id);
    await c.done;
    others.push({ spec, events: c.events });
  }
  await sub.until((ev) => ev.some((e) => e.kind === 'exit' && e.task?.pid === child.pid));
  await settle(100);
  await live.rpc.stop(main.trace_id);
  await sub.done;
  assertGapless(sub.events, 'main');
  assert.equal(sub.events.filter((e) => e.kind === 'exec' && e.exec?.filename === '/usr/bin/cat').length, 60, 'main: all 60 cats');
  assert.ok(others.length >= 4, `${others.length} traces came and went`);
  // What a short trace of the workload's pid saw is what the long one saw in that time.
  const mainKeys = new Set(sub.events.map(key));
  for (const o of others) {
    if (!o.spec.pids) continue;
    const foreign = o.events.filter((e) => e.kind !== 'lost' && !mainKeys.has(key(e)));
    assert.deepEqual(foreign.map(key), [], `a trace of ${JSON.stringify(o.spec)} saw only what the main trace saw`);
  }
  const { traces } = await live.rpc.list();
  assert.deepEqual(traces, [], 'no trace left');
  // The kernel pass unloads with the last trace.
  assert.deepEqual(await leftBehind(before0!), { progs: [], links: [] }, 'no program or link left');
});
