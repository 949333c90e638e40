/**
 * The server core over real gRPC on a unix socket, with the fake capture engine standing in for
 * the kernel: validation and statuses, fan-out to several subscribers, sequence numbering, loss
 * notices, StopTrace, ListTraces, the idle timeout, capabilities, health and reflection.
 */
import 'reflect-metadata';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { status, credentials, loadPackageDefinition, type ServiceError } from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { FakeEngine } from '../../src/backends/fake/engine';
import { startService, type InProcessService } from '../helpers/in-process';
import { FakeSyscalls, syscallEvent } from '../helpers/fake-syscalls';
import { api, collect, connect, expectStatus, settle } from '../helpers/client';
import { checkHealth } from '../helpers/health';

const ebpf = new FakeEngine('ebpf');
const kmod = new FakeEngine('kmod', { available: false, reason: '/proc/sctrace not present: kernel module not loaded' });
let service: InProcessService;
let client: ReturnType<typeof connect>;
let rpc: ReturnType<typeof api>;

before(async () => {
  service = await startService([ebpf, kmod], new FakeSyscalls(), { idleTimeoutMs: 60_000 });
  client = connect(service.address);
  rpc = api(client);
});

after(async () => {
  client.close();
  await service.close();
});

test('bad specs are INVALID_ARGUMENT naming the bad value, and the service keeps running', async () => {
  await expectStatus(rpc.start({ syscalls: ['openat', 'frobnicate'] }), status.INVALID_ARGUMENT, /"frobnicate"/);
  await expectStatus(rpc.start({ syscalls: ['%nosuchclass'] }), status.INVALID_ARGUMENT, /"%nosuchclass"/);
  await expectStatus(rpc.start({ backend: 'dtrace' }), status.INVALID_ARGUMENT, /"dtrace"/);
  await expectStatus(rpc.start({ string_max_bytes: 1 << 20 }), status.INVALID_ARGUMENT, /string_max_bytes 1048576/);
  await expectStatus(rpc.start({ buffer_bytes: 1 << 30 }), status.INVALID_ARGUMENT, /buffer_bytes 1073741824/);
  await expectStatus(rpc.start({ comms: ['a-name-longer-than-15'] }), status.INVALID_ARGUMENT, /a-name-longer-than-15/);
  await expectStatus(rpc.start({ pids: [process.pid] }), status.INVALID_ARGUMENT, /sctraced service itself/);
  const caps = await rpc.caps();
  assert.equal(caps.default_backend, 'ebpf');
});

test('a missing spec and an unavailable backend get specific statuses', async () => {
  await expectStatus(
    new Promise((resolve, reject) => client.StartTrace({}, (err, res) => (err ? reject(err) : resolve(res)))),
    status.INVALID_ARGUMENT,
    /spec is missing/,
  );
  await expectStatus(rpc.start({ backend: 'kmod' }), status.FAILED_PRECONDITION, /kernel module not loaded/);
});

test('unknown trace ids are NOT_FOUND for StreamEvents and StopTrace', async () => {
  await expectStatus(rpc.stop('nope'), status.NOT_FOUND, /"nope"/);
  const sub = collect(client, 'nope');
  const err = await sub.done;
  assert.equal(err?.code, status.NOT_FOUND);
});

test('two subscribers receive the same sequenced events; StopTrace ends both streams', async () => {
  const { trace_id, backend } = await rpc.start({ pids: [4242], syscalls: ['%file', 'read'], process_events: true });
  assert.equal(backend, 'ebpf');
  const session = ebpf.sessions.at(-1)!;
  assert.deepEqual(session.spec.pids, [4242]);
  assert.deepEqual(session.spec.syscalls, [0, 257], 'names and classes resolve to sorted numbers');
  assert.deepEqual(session.spec.excludePids, [process.pid]);
  assert.equal(session.spec.stringMaxBytes, 256, 'strings that are not paths are cut at the default (the kernel reads paths whole)');
  assert.deepEqual(session.spec.rendering, { constants: 'abbrev', verbose: false, fdDetails: false }, "strace's renderings by default");
  assert.equal(session.spec.bufferBytes, 0, 'data buffers are opt-in');
  assert.equal(session.spec.execEnv, false);

  const a = collect(client, trace_id);
  const b = collect(client, trace_id);
  await settle();
  session.emit([syscallEvent(4242, 'openat', 3), syscallEvent(4242, 'read', 10)]);
  session.emit([syscallEvent(4242, 'openat', -2)]);
  session.lose(5, 'kernel');
  session.emit([syscallEvent(4242, 'read', 0)]);
  for (const s of [a, b]) await s.until((ev) => ev.length === 5);

  const listed = (await rpc.list()).traces.find((t) => t.trace_id === trace_id);
  assert.ok(listed, 'ListTraces shows the trace');
  assert.equal(listed.subscribers, 2);
  assert.equal(listed.counters?.lost_kernel, '5');
  assert.equal(listed.counters?.events_received, '4');
  assert.deepEqual(listed.spec?.pids, [4242]);

  const { counters } = await rpc.stop(trace_id);
  assert.equal(counters?.events_delivered, '10', 'five events to each of two subscribers');
  for (const s of [a, b]) {
    assert.equal(await s.done, null, 'stream ends with OK after StopTrace');
    assert.deepEqual(s.events.map((e) => e.sequence), ['1', '2', '3', '4', '5']);
    assert.equal(s.events[3].kind, 'lost');
    assert.deepEqual(s.events[3].lost, { count: '5', where: 'kernel' });
    assert.equal(s.events[2].syscall?.ret, '-2');
    assert.equal(s.events[0].task?.pid, 4242);
  }
  assert.ok(session.closed, 'the capture session was closed');
  assert.equal((await rpc.list()).traces.some((t) => t.trace_id === trace_id), false);
  await expectStatus(rpc.stop(trace_id), status.NOT_FOUND, /no trace/);
});

test('a subscriber that joins late sees events from then on', async () => {
  const { trace_id } = await rpc.start({});
  const session = ebpf.sessions.at(-1)!;
  session.emit([syscallEvent(7, 'getpid'), syscallEvent(7, 'getpid')]);
  const late = collect(client, trace_id);
  await settle();
  session.emit([syscallEvent(7, 'getppid')]);
  await late.until((ev) => ev.length === 1);
  assert.equal(late.events[0].syscall?.name, 'getppid');
  assert.equal(late.events[0].sequence, '3');
  await rpc.stop(trace_id);
  assert.equal(await late.done, null);
});

test('a failed capture session ends its streams with ABORTED and the reason', async () => {
  const { trace_id } = await rpc.start({});
  const session = ebpf.sessions.at(-1)!;
  const sub = collect(client, trace_id);
  await settle();
  session.fail(new Error('corrupt record: version 9'));
  const err = await sub.done;
  assert.equal(err?.code, status.ABORTED);
  assert.match(err?.details ?? '', /corrupt record: version 9/);
});

test('a cancelled subscriber is removed, and the trace stops after the idle timeout', async () => {
  const quick = await startService([new FakeEngine('ebpf')], new FakeSyscalls(), { idleTimeoutMs: 300 });
  const c = connect(quick.address);
  try {
    const r = api(c);
    const { trace_id } = await r.start({});
    const sub = collect(c, trace_id);
    await settle(150);
    assert.equal((await r.list()).traces[0]?.subscribers, 1);
    sub.cancel();
    await settle(100);
    assert.equal((await r.list()).traces[0]?.subscribers, 0);
    await settle(500);
    assert.equal((await r.list()).traces.length, 0, 'idle trace was stopped');
  } finally {
    c.close();
    await quick.close();
  }
});

test('GetCapabilities lists every backend with the reason it is unavailable', async () => {
  const caps = await rpc.caps();
  assert.deepEqual(
    caps.backends.map((b) => [b.name, b.available, b.reason]),
    [
      ['ebpf', true, ''],
      ['kmod', false, '/proc/sctrace not present: kernel module not loaded'],
    ],
  );
  assert.equal(caps.arch, 'x86_64');
  assert.ok(caps.kernel.length > 0);
});

test('the health service reports SERVING and reflection lists the Tracer service', async () => {
  assert.equal(await checkHealth(service.address, 'sctrace.v1.Tracer'), 'SERVING');

  const reflectionProto = require.resolve('@grpc/reflection/build/proto/grpc/reflection/v1/reflection.proto');
  const refl = loadPackageDefinition(protoLoader.loadSync(reflectionProto, { keepCase: true })) as any;
  const rc = new refl.grpc.reflection.v1.ServerReflection(service.address, credentials.createInsecure());
  const call = rc.ServerReflectionInfo();
  const reply = await new Promise<any>((resolve, reject) => {
    call.on('data', resolve);
    call.on('error', reject);
    call.write({ list_services: '' });
  });
  call.end();
  rc.close();
  const names = reply.list_services_response.service.map((s: { name: string }) => s.name);
  assert.ok(names.includes('sctrace.v1.Tracer'), `reflection lists ${names.join(', ')}`);
});
