/**
 * Kernel-side reads whose size or timing depends on the call (bpf/shared/sctrace_reads.h), on
 * every capture backend available where the test runs (the eBPF programs on the host, the module
 * in the kmod guest), through the real sctraced and a gRPC client: an ioctl argument read at the
 * size its request gives (an int at the end of a mapped page, for a request without the _IOC
 * encoding: the size table user space fills), select's fd sets and timeout at entry and at exit,
 * and a forked child's failed execve, whose strings are read again at exit (at entry its pages
 * were not mapped in the child). The workload is test/fixtures/reads.c.
 */
import { test, describe, before, after, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { Event__Output } from '../../src/api/generated/sctrace/v1/Event';
import { api, collect, connect, settle } from '../helpers/client';
import { fixture, fixtureUnavailableReason } from '../helpers/fixtures';
import { skipUnlessBackend, skipUnlessPossible } from '../helpers/privileges';
import { spawnService, spawnStopped, type ServiceProcess } from '../helpers/service-process';

const BACKENDS = ['ebpf', 'kmod'] as const;

const rootReason = process.getuid?.() !== 0 ? 'needs root to load a capture backend and read tracefs' : null;
let service: ServiceProcess | undefined;
let client: ReturnType<typeof connect>;
let rpc: ReturnType<typeof api>;
const unavailable = new Map<string, string>();

before(async () => {
  if (rootReason) return;
  service = await spawnService(['--idle-timeout', '30']);
  client = connect(service.address);
  rpc = api(client);
  for (const b of (await rpc.caps()).backends) unavailable.set(b.name, b.available ? '' : b.reason);
});

after(async () => {
  client?.close();
  if (service) assert.equal(await service.stop(), 0, `sctraced exit code; log:\n${service.log()}`);
});

function skipped(t: TestContext, backend: string): boolean {
  return skipUnlessBackend(t, backend, unavailable, rootReason) || skipUnlessPossible(t, fixtureUnavailableReason('reads'));
}

const syscalls = (events: Event__Output[], name: string) => events.filter((e) => e.kind === 'syscall' && e.syscall?.name === name);
const arg = (e: Event__Output, name: string) => e.syscall?.decoded.find((a) => a.name === name);

for (const backend of BACKENDS) {
  describe(`backend ${backend}`, () => {
    test('ioctl sized by its request, select sets and timeout at entry and exit, a failed execve read at exit', async (t) => {
      if (skipped(t, backend)) return;
      const child = await spawnStopped([fixture('reads')]);
      const started = await rpc.start({ process_events: true, follow_children: true, syscalls: ['ioctl', 'select', 'execve'], pids: [child.pid], backend });
      const sub = collect(client, started.trace_id);
      await settle(200);
      child.resume();
      assert.equal((await child.exited).code, 0);
      await sub.until((ev) => ev.some((e) => e.kind === 'exit' && e.task?.pid === child.pid), 20_000);
      await settle(100);
      const { counters } = await rpc.stop(started.trace_id);
      await sub.done;
      const events = sub.events;

      const fionread = syscalls(events, 'ioctl').find((e) => arg(e, 'cmd')?.symbolic === 'FIONREAD');
      assert.ok(fionread, `an ioctl FIONREAD; saw ${syscalls(events, 'ioctl').map((e) => arg(e, 'cmd')?.symbolic).join(' ')}`);
      assert.equal(arg(fionread, 'arg')?.symbolic, '[3]', 'the int at the end of the page, read at its 4 bytes');

      const select = syscalls(events, 'select');
      assert.equal(select.length, 1, 'one select');
      assert.equal(select[0].syscall?.ret, '1');
      assert.equal(arg(select[0], 'inp')?.symbolic, '[3]', 'the set given');
      assert.equal(arg(select[0], 'tvp')?.symbolic, '{tv_sec=0, tv_usec=0}', 'the timeout given');
      assert.equal(arg(select[0], 'exp')?.return_note, 'in [3]', 'the ready set');
      assert.equal(arg(select[0], 'tvp')?.return_note, 'left {tv_sec=0, tv_usec=0}', 'the time left');

      const failed = syscalls(events, 'execve').find((e) => e.syscall?.ret === '-2');
      assert.ok(failed, `the child's failed execve; saw ${syscalls(events, 'execve').map((e) => e.syscall?.ret).join(' ')}`);
      assert.notEqual(failed.task?.pid, child.pid, 'made by the forked child');
      assert.equal(arg(failed, 'filename')?.str, '/nonexistent/program');
      assert.equal(arg(failed, 'filename')?.unreadable, false);
      assert.deepEqual(arg(failed, 'argv')?.items, ['nope']);
      assert.equal(counters?.lost_kernel, '0');
      assert.equal(counters?.decode_errors, '0');
    });
  });
}
