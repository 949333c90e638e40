/**
 * Many traces in one kernel pass, on every capture backend available where the test runs (the
 * eBPF backend on a host with eBPF; both the module and eBPF on Linux 6.1 inside the kmod test
 * guest, scripts/kmod-test.sh), through the real sctraced and a gRPC client:
 * - several concurrent traces with different filters each receive exactly the events a trace
 *   alone would: a trace of everything the workload does (checked for completeness against the
 *   workload's known syscall counts) is the reference, and every other trace receives exactly the
 *   reference's events its filters select, the same records, in the same order;
 * - a flooding trace next to a paced one, the service's reader stopped: the flood loses events in
 *   the kernel (counted, announced), the paced trace loses nothing;
 * - traces started and stopped while another streams leave no gap in it, and once the last trace
 *   is gone nothing of the kernel side is left (no probe registered in the module, no BPF
 *   program, link or map held by the service).
 *
 * Workloads use only /bin/sh, /bin/cat, /bin/echo and /bin/dd, so they run the same on a Debian
 * host and in the busybox guest. A backend that is not available is skipped with its reason; no
 * backend (or no root) fails under CI=true.
 */
import { test, describe, before, after, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Event__Output } from '../../src/api/generated/sctrace/v1/Event';
import type { TraceSpec } from '../../src/api/generated/sctrace/v1/TraceSpec';
import { parseStats } from '../../src/backends/kmod/protocol';
import { api, collect, connect, settle, type Collector } from '../helpers/client';
import { skipUnlessBackend } from '../helpers/privileges';
import { spawnService, spawnStopped, type ServiceProcess } from '../helpers/service-process';
import { patience } from '../helpers/patience';

const BACKENDS = ['ebpf', 'kmod'] as const;
const rootReason = process.getuid?.() !== 0 ? 'needs root to load a capture backend and read tracefs' : null;
const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'sctrace-multi-'));
const services: ServiceProcess[] = [];
/** Backend name → why it is unavailable ('' when available). */
const unavailable = new Map<string, string>();

before(async () => {
  if (rootReason) return;
  const service = await start([]);
  const client = connect(service.address);
  for (const b of (await api(client).caps()).backends) unavailable.set(b.name, b.available ? '' : b.reason);
  client.close();
});

after(async () => {
  for (const s of services) assert.equal(await s.stop(), 0, `sctraced exit code; log:\n${s.log()}`);
  fs.rmSync(workdir, { recursive: true, force: true });
});

/** A service competing for the CPU as an equal (its default nice 10 yields to the workloads). */
async function start(args: string[]): Promise<ServiceProcess> {
  const service = await spawnService(['--idle-timeout', '60', '--nice', '0', ...args]);
  services.push(service);
  return service;
}

/** Skips unless `backend` can run here; true when skipped. */
function skipped(t: TestContext, backend: string): boolean {
  return skipUnlessBackend(t, backend, unavailable, rootReason);
}

/** One event's identity: the same record decoded once gives the same key in every trace. */
const key = (e: Event__Output) => `${e.kind}:${e.task?.tid}:${e.timestamp_ns}:${e.syscall?.name ?? ''}:${e.syscall?.ret ?? ''}`;
const records = (c: Collector) => c.events.filter((e) => e.kind !== 'lost');
const lostIn = (c: Collector) => c.events.filter((e) => e.kind === 'lost').reduce((n, e) => n + Number(e.lost?.count), 0);
/** The loss notices of `c`, for a failure message: count and where, in stream order. */
const notices = (c: Collector) =>
  c.events
    .filter((e) => e.kind === 'lost')
    .map((e) => `${e.lost?.count} ${e.lost?.where} (seq ${e.sequence})`)
    .join(', ');
const arg = (e: Event__Output, name: string) => e.syscall?.decoded.find((a) => a.name === name);
/** dd's data transfers: bs=1 reads of its input (fd 0) and writes to its output (fd 1). */
const ddMoves = (events: Event__Output[], name: 'read' | 'write') =>
  events.filter((e) => e.syscall?.name === name && e.task?.comm === 'dd' && e.syscall.args[0] === (name === 'read' ? '0' : '1') && e.syscall.ret === '1');

/** Waits until `c` has seen the exit of `pid`, then a little more (the drain after it). */
async function untilExit(c: Collector, pid: number, service: ServiceProcess): Promise<void> {
  await c.until((ev) => ev.some((e) => e.kind === 'exit' && e.task?.pid === pid), 60_000).catch((err: Error) => {
    throw new Error(`${err.message}\nsctraced log (last lines):\n${service.log().split('\n').slice(-40).join('\n')}`);
  });
  await settle(200);
}

/** Nothing of `backend`'s kernel side left once no trace runs on it. */
function assertNothingLeft(backend: string, service: ServiceProcess): void {
  if (backend === 'kmod') {
    const s = parseStats(fs.readFileSync('/proc/sctrace/stats', 'utf8'));
    assert.equal(s.state, 'idle', 'the module freed its pass');
    assert.equal(s.counters.get('probes'), 0, 'no probe registered');
    return;
  }
  const held = fs
    .readdirSync(`/proc/${service.pid}/fd`)
    .map((fd) => {
      try {
        return fs.readlinkSync(`/proc/${service.pid}/fd/${fd}`);
      } catch {
        return '';
      }
    })
    .filter((target) => /bpf/.test(target));
  assert.deepEqual(held, [], 'the service holds no BPF program, link or map');
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

for (const backend of BACKENDS) {
  describe(`backend ${backend}`, () => {
    test('concurrent traces with different filters each receive exactly what their filters select', async (t) => {
      if (skipped(t, backend)) return;
      const service = services[0];
      const client = connect(service.address);
      const rpc = api(client);
      const file = path.join(workdir, 'read-me.txt');
      fs.writeFileSync(file, 'concurrent\n');
      const child = await spawnStopped(['/bin/sh', '-c', `/bin/cat ${file}; /bin/echo one two; /bin/dd if=/dev/zero of=/dev/null bs=1 count=300`], {
        cwd: workdir,
      });
      const specs: Record<string, TraceSpec> = {
        all: { pids: [child.pid], follow_children: true, process_events: true },
        own: { pids: [child.pid], syscalls: ['openat', 'read', 'write', 'close', 'wait4'], process_events: true },
        dd: { comms: ['dd'], syscalls: ['read', 'write'] },
        short: { pids: [child.pid], follow_children: true, syscalls: ['execve', 'openat'], string_max_bytes: 4 },
        init: { pids: [1] },
        nobody: { uids: [4242], process_events: true },
      };
      const traces = new Map<string, { id: string; sub: Collector }>();
      try {
        for (const [name, spec] of Object.entries(specs)) {
          const { trace_id, backend: used } = await rpc.start({ ...spec, backend });
          assert.equal(used, backend);
          traces.set(name, { id: trace_id, sub: collect(client, trace_id) });
        }
        await settle(200);
        child.resume();
        const result = await child.exited;
        assert.equal(result.stdout, 'concurrent\none two\n');
        await untilExit(traces.get('all')!.sub, child.pid, service);
      } finally {
        child.kill();
        for (const { id } of traces.values()) await rpc.stop(id).catch(() => undefined);
        client.close();
      }
      for (const { sub } of traces.values()) assert.equal(await sub.done, null, 'stream ends OK after StopTrace');
      const all = records(traces.get('all')!.sub);
      for (const [name, { sub }] of traces) assert.equal(lostIn(sub), 0, `${name}: nothing lost: ${notices(sub)}`);
      // The reference is complete: every exec, and dd's 300 one-byte reads and writes.
      // The shell itself (spawnStopped's exec), then its commands (a shell may exec the last one).
      const execs = all.filter((e) => e.kind === 'exec').map((e) => e.exec?.filename);
      assert.deepEqual(execs.sort(), ['/bin/cat', '/bin/dd', '/bin/echo', '/bin/sh']);
      assert.equal(ddMoves(all, 'read').length, 300, "all dd's reads");
      assert.equal(ddMoves(all, 'write').length, 300, "all dd's writes");
      assert.ok(all.every((e) => e.task?.pid === child.pid || e.task?.ppid === child.pid), 'the shell and its children only');

      const expect = (name: string, select: (e: Event__Output) => boolean) =>
        assert.deepEqual(records(traces.get(name)!.sub).map(key), all.filter(select).map(key), `${name}: exactly what its filters select`);
      const ownCalls = new Set(specs.own.syscalls);
      expect('own', (e) => e.task?.pid === child.pid && (e.kind !== 'syscall' || ownCalls.has(e.syscall!.name)));
      // Filters apply at entry: dd's execve entered under the shell's name.
      expect('dd', (e) => e.kind === 'syscall' && e.task?.comm === 'dd' && (e.syscall!.name === 'read' || e.syscall!.name === 'write'));
      expect('short', (e) => e.kind === 'syscall' && (e.syscall!.name === 'execve' || e.syscall!.name === 'openat'));
      const byKey = new Map(all.map((e) => [key(e), e]));
      for (const e of records(traces.get('short')!.sub).filter((e) => e.syscall?.name === 'execve')) {
        const full = arg(byKey.get(key(e))!, 'argv')?.items ?? [];
        const cut = arg(e, 'argv')?.items ?? [];
        // strace -s cuts the element count as well (TraceSpec.string_max_bytes, issue 10).
        assert.equal(cut.length, Math.min(full.length, 4), 'argv elements up to string_max_bytes');
        if (full.length > 4) assert.equal(arg(e, 'argv')?.truncated, true, 'a cut argv is marked truncated');
        cut.forEach((item, i) => assert.ok(item.length <= 4 && full[i].startsWith(item), `argv[${i}] ${JSON.stringify(item)} cut from ${JSON.stringify(full[i])}`));
      }
      assert.ok(records(traces.get('init')!.sub).every((e) => e.task?.pid === 1), 'pid 1 only');
      assert.deepEqual(records(traces.get('nobody')!.sub), [], 'a uid nobody has: nothing');
    });

    test('a flooding trace next to a paced one: the flood loses events, the paced trace none', async (t) => {
      if (skipped(t, backend)) return;
      // A 1 MiB ring and a reader that is not running (sctraced stopped) while both workloads
      // run: the flood makes several MiB of records, the paced workload about 100 KiB.
      const service = await start(['--ring-mb', '1']);
      const client = connect(service.address);
      const rpc = api(client);
      const flood = await spawnStopped(['/bin/dd', 'if=/dev/zero', 'of=/dev/null', 'bs=1', 'count=20000']);
      const paced = await spawnStopped(['/bin/dd', 'if=/dev/zero', 'of=/dev/null', 'bs=1', 'count=200']);
      try {
        const f = await rpc.start({ pids: [flood.pid], process_events: true, backend });
        const p = await rpc.start({ pids: [paced.pid], process_events: true, backend });
        const fSub = collect(client, f.trace_id);
        const pSub = collect(client, p.trace_id);
        await settle(200);
        process.kill(service.pid, 'SIGSTOP');
        try {
          flood.resume();
          paced.resume();
          assert.equal((await flood.exited).code, 0, 'the flooding process never waits for the reader');
          assert.equal((await paced.exited).code, 0);
        } finally {
          process.kill(service.pid, 'SIGCONT');
        }
        await untilExit(pSub, paced.pid, service);
        // The flood's own exit record may be among its dropped: wait until its stream is quiet.
        for (let seen = -1; seen !== fSub.events.length; ) {
          seen = fSub.events.length;
          await settle(1000);
        }
        const fStop = await rpc.stop(f.trace_id);
        const pStop = await rpc.stop(p.trace_id);
        assert.equal(await fSub.done, null);
        assert.equal(await pSub.done, null);
        assert.ok(lostIn(fSub) > 0, 'the flood lost events in the kernel');
        assert.ok(fSub.events.filter((e) => e.kind === 'lost').every((e) => e.lost?.where === 'kernel'));
        assert.equal(Number(fStop.counters?.lost_kernel), lostIn(fSub), "the flood's counters agree with its notices");
        const fCalls = records(fSub).filter((e) => e.kind === 'syscall').length;
        assert.ok(fCalls + lostIn(fSub) >= 40000, `${fCalls} received + ${lostIn(fSub)} lost cover the flood's 40000 reads and writes: nothing unaccounted`);
        assert.equal(lostIn(pSub), 0, `the paced trace lost nothing: ${notices(pSub)}`);
        assert.equal(pStop.counters?.lost_kernel, '0');
        assert.equal(ddMoves(records(pSub), 'read').length, 200, 'every read of the paced workload');
        assert.equal(ddMoves(records(pSub), 'write').length, 200, 'every write of the paced workload');
        assert.ok(records(pSub).some((e) => e.kind === 'exit' && e.task?.pid === paced.pid));
      } finally {
        flood.kill();
        paced.kill();
        client.close();
      }
    });

    test('traces started and stopped while another streams leave no gap, and nothing once all are gone', async (t) => {
      if (skipped(t, backend)) return;
      const service = services[0];
      const client = connect(service.address);
      const rpc = api(client);
      // Runs dd after dd (50 one-byte reads and writes each) until the test is done starting and
      // stopping other traces. The pause is stretched with the tests' waits: on a slower machine
      // the starts and stops take longer, and a fixed pause would make ever more events to drain.
      const stopFile = path.join(workdir, `stop-streaming-${backend}`);
      const pause = (patience(20) / 1000).toFixed(2);
      const script = `while [ ! -e ${stopFile} ]; do /bin/dd if=/dev/zero of=/dev/null bs=1 count=50 2>/dev/null; /bin/sleep ${pause}; done`;
      const child = await spawnStopped(['/bin/sh', '-c', script]);
      const startMs: number[] = [];
      const stopMs: number[] = [];
      const others: Event__Output[][] = [];
      try {
        const s = await rpc.start({ pids: [child.pid], follow_children: true, process_events: true, backend });
        const sub = collect(client, s.trace_id);
        await settle(200);
        // Start and stop latency with one trace running and the system idle (the workload waits).
        const idleStart: number[] = [];
        const idleStop: number[] = [];
        for (let i = 0; i < 8; i++) {
          let begin = performance.now();
          const { trace_id } = await rpc.start({ pids: [1], backend });
          idleStart.push(performance.now() - begin);
          begin = performance.now();
          await rpc.stop(trace_id);
          idleStop.push(performance.now() - begin);
        }
        process.stderr.write(`# ${backend}: StartTrace/StopTrace next to one trace, idle: median ${median(idleStart).toFixed(1)} ms / ${median(idleStop).toFixed(1)} ms\n`);
        child.resume();
        const variety: TraceSpec[] = [
          { pids: [child.pid], follow_children: true, syscalls: ['read'] },
          { pids: [1] },
          { comms: ['dd'], process_events: true },
          { pids: [child.pid], follow_children: true, string_max_bytes: 8, buffer_bytes: 16 },
        ];
        for (let i = 0; i < 8; i++) {
          const spec = variety[i % variety.length];
          let begin = performance.now();
          const { trace_id } = await rpc.start({ ...spec, backend });
          startMs.push(performance.now() - begin);
          const other = collect(client, trace_id);
          await settle(80);
          begin = performance.now();
          await rpc.stop(trace_id);
          stopMs.push(performance.now() - begin);
          assert.equal(await other.done, null);
          others.push(records(other));
          await settle(20);
        }
        fs.writeFileSync(stopFile, '');
        process.stderr.write(
          `# ${backend}: ${startMs.length} StartTrace/StopTrace while streaming: median ${median(startMs).toFixed(1)} ms / ${median(stopMs).toFixed(1)} ms (max ${Math.max(...startMs).toFixed(1)} / ${Math.max(...stopMs).toFixed(1)})\n`,
        );
        assert.equal((await child.exited).code, 0);
        await untilExit(sub, child.pid, service);
        await rpc.stop(s.trace_id);
        assert.equal(await sub.done, null);
        const events = records(sub);
        assert.equal(lostIn(sub), 0, `nothing lost: ${notices(sub)}\nsctraced log (last lines):\n${service.log().split('\n').slice(-20).join('\n')}`);
        const seqs = sub.events.map((e) => Number(e.sequence));
        seqs.forEach((q, i) => i === 0 || assert.equal(q, seqs[i - 1] + 1, 'gap-free sequence'));
        // Every dd the stream saw start, it saw whole: each one's 50 reads and writes and its exit.
        const dds = events.filter((e) => e.kind === 'exec' && e.exec?.filename === '/bin/dd').map((e) => e.task!.pid);
        assert.ok(dds.length >= 3, `${dds.length} dd processes ran while traces came and went`);
        for (const pid of dds) {
          const own = events.filter((e) => e.task?.pid === pid);
          assert.equal(ddMoves(own, 'read').length, 50, `every read of dd ${pid}`);
          assert.equal(ddMoves(own, 'write').length, 50, `every write of dd ${pid}`);
          assert.ok(own.some((e) => e.kind === 'exit'), `the exit of dd ${pid}`);
        }
        // What the short-lived traces received of this workload is part of what the stream saw.
        const seen = new Set(events.map(key));
        for (const got of others) {
          for (const e of got.filter((e) => e.task?.pid === child.pid || e.task?.ppid === child.pid)) {
            assert.ok(seen.has(key(e)), `${key(e)} of a short-lived trace is in the stream`);
          }
        }
        assert.ok(
          others.some((got) => got.some((e) => e.task?.ppid === child.pid)),
          "the short-lived traces saw some of the workload's children",
        );
      } finally {
        fs.writeFileSync(stopFile, '');
        child.kill();
        client.close();
      }
      await settle(100);
      assertNothingLeft(backend, service);
    });
  });
}
