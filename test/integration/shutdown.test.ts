/**
 * Ending the service: SIGTERM stops every trace, flushes what subscribers have queued, ends their
 * streams with OK and detaches every BPF program before the process exits 0; after SIGKILL the
 * kernel releases every program and link with the process's descriptors, and the next start
 * takes over the stale socket. The real sctraced, eBPF backend, real workloads; checked with
 * bpftool. Skips with the reason without root/BPF; fails instead under CI=true.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultObjectPath } from '../../src/backends/ebpf/engine';
import type { Event__Output } from '../../src/api/generated/sctrace/v1/Event';
import { api, collect, connect, settle } from '../helpers/client';
import { ebpfUnavailableReason, skipUnlessPossible } from '../helpers/privileges';
import { bpfAddedSince, bpfLeftSince, bpfObjects, spawnService, spawnStopped } from '../helpers/service-process';
import { gccUnavailableReason, getppidGenerator } from '../helpers/workload';

const reason = ebpfUnavailableReason(defaultObjectPath()) ?? gccUnavailableReason();

/** Sequence numbers never go back, and every gap is covered by an EventsLost notice. */
function checkSequences(events: Event__Output[]): void {
  let last = 0;
  for (const e of events) {
    const seq = Number(e.sequence);
    if (e.kind === 'lost' && e.lost?.where === 'subscriber') {
      assert.equal(seq, last + Number(e.lost.count), `subscriber loss notice at ${seq} after ${last}`);
    } else if (last !== 0) {
      assert.equal(seq, last + 1, `event ${seq} after ${last}`);
    }
    last = seq;
  }
}

test('SIGTERM: subscribers get what was queued and an OK end, every program is detached, exit 0', async (t) => {
  if (skipUnlessPossible(t, reason)) return;
  const before = bpfObjects();
  const service = await spawnService(['--idle-timeout', '30']);
  const client = connect(service.address);
  // 50,000 getppid a second for up to a minute: events keep coming while the service shuts down.
  const load = await spawnStopped([getppidGenerator(), '3000000', '50000']);
  try {
    const rpc = api(client);
    const { trace_id } = await rpc.start({ pids: [load.pid], syscalls: ['getppid'] });
    // Every syscall of tasks named so (none): the raw_syscalls programs, attached and quiet.
    const wide = await rpc.start({ comms: ['sctrace-nobody'] });
    const subs = [collect(client, trace_id), collect(client, trace_id), collect(client, wide.trace_id)];
    await settle(200);
    load.resume();
    await subs[0].until((ev) => ev.length > 20_000, 20_000);
    const attached = bpfAddedSince(before);
    assert.ok(attached.progs.length >= 4 && attached.links.length >= 4, `two traces attached programs (${attached.progs.length}) and links (${attached.links.length})`);
    process.kill(service.pid, 'SIGTERM');
    for (const s of subs) assert.equal(await s.done, null, 'the stream ends with OK, not a reset');
    assert.deepEqual(await service.exited, { code: 0, signal: null }, service.log());
    assert.match(service.log(), /SIGTERM received[\s\S]*stopping every trace[\s\S]*stopped/);
    for (const s of subs.slice(0, 2)) {
      assert.ok(s.events.length > 20_000, `${s.events.length} events`);
      checkSequences(s.events);
    }
    assert.deepEqual(await bpfLeftSince(before), { progs: [], links: [] }, 'programs or links left after SIGTERM');
  } finally {
    load.kill();
    client.close();
    await service.stop();
  }
});

test('SIGKILL: the kernel releases every program and link; the next start takes over the socket', async (t) => {
  if (skipUnlessPossible(t, reason)) return;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sctrace-kill-'));
  const socket = path.join(dir, 'sctrace.sock');
  const before = bpfObjects();
  const service = await spawnService(['--idle-timeout', '30'], { socket });
  const client = connect(service.address);
  try {
    const rpc = api(client);
    // One trace on raw_syscalls (every syscall), one attached per syscall (a narrow filter).
    const wide = await rpc.start({});
    await rpc.start({ pids: [1], syscalls: ['getppid', 'openat'] });
    const sub = collect(client, wide.trace_id);
    await sub.until((ev) => ev.length > 0, 10_000);
    const attached = bpfAddedSince(before);
    assert.ok(attached.progs.length >= 4 && attached.links.length >= 2, `programs ${attached.progs.length}, links ${attached.links.length}`);
    process.kill(service.pid, 'SIGKILL');
    assert.deepEqual(await service.exited, { code: null, signal: 'SIGKILL' });
    assert.deepEqual(await bpfLeftSince(before), { progs: [], links: [] }, 'programs or links left after SIGKILL');
    assert.ok(fs.existsSync(socket), 'SIGKILL left the socket file behind');
    const next = await spawnService(['--idle-timeout', '30'], { socket });
    const again = connect(next.address);
    try {
      assert.equal((await api(again).list()).traces.length, 0);
    } finally {
      again.close();
      assert.equal(await next.stop(), 0);
    }
  } finally {
    client.close();
    await service.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
