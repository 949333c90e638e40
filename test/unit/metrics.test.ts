/**
 * The Prometheus metrics over the real service core with the fake engine: totals follow the
 * traces' counters, per-trace series exist only while their trace runs, totals keep ended
 * traces, and the HTTP endpoint serves the same text.
 */
import 'reflect-metadata';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { FakeEngine } from '../../src/backends/fake/engine';
import { MetricsEndpoint } from '../../src/metrics/endpoint';
import { SilentLogger } from '../../src/util/log';
import { startService, type InProcessService } from '../helpers/in-process';
import { FakeSyscalls, syscallEvent } from '../helpers/fake-syscalls';
import { api, collect, connect, settle } from '../helpers/client';
import { parseExposition, sampleValue, scrape } from '../helpers/prometheus';

const ebpf = new FakeEngine('ebpf');
const kmod = new FakeEngine('kmod', { available: false, reason: 'no module' });
let service: InProcessService;
let client: ReturnType<typeof connect>;

before(async () => {
  service = await startService([ebpf, kmod], new FakeSyscalls());
  client = connect(service.address);
});

after(async () => {
  client.close();
  await service.close();
});

const read = async () => parseExposition(await service.metrics.render());

test('totals, losses by site and per-trace series follow a trace, and outlive it without its label', async () => {
  const rpc = api(client);
  const before = await read();
  const base = (name: string, labels: Record<string, string> = {}) => sampleValue(before, name, labels) ?? 0;
  assert.equal(sampleValue(before, 'sctrace_backend_available', { backend: 'ebpf' }), 1);
  assert.equal(sampleValue(before, 'sctrace_backend_available', { backend: 'kmod' }), 0);
  assert.equal(sampleValue(before, 'sctrace_build_info', { version: '0.1.0' }), 1);

  const { trace_id } = await rpc.start({ pids: [4242] });
  const sub = collect(client, trace_id);
  await settle();
  const session = ebpf.sessions[ebpf.sessions.length - 1];
  session.emit([syscallEvent(4242, 'getpid'), syscallEvent(4242, 'getppid'), syscallEvent(4242, 'read')]);
  session.lose(5, 'kernel');
  session.lose(2, 'decode');
  await sub.until((e) => e.filter((x) => x.kind === 'syscall').length === 3);
  await settle(50);

  const during = await read();
  const delta = (name: string, labels: Record<string, string> = {}) => (sampleValue(during, name, labels) ?? 0) - base(name, labels);
  assert.equal(delta('sctrace_events_received_total'), 3);
  assert.equal(delta('sctrace_events_delivered_total'), 5, 'the 3 events and the 2 loss notices written to the stream');
  assert.equal(delta('sctrace_events_lost_total', { where: 'kernel' }), 5);
  assert.equal(delta('sctrace_events_lost_total', { where: 'decode' }), 2);
  assert.equal(sampleValue(during, 'sctrace_traces_running'), 1);
  assert.equal(sampleValue(during, 'sctrace_subscribers'), 1);
  assert.equal(sampleValue(during, 'sctrace_trace_events_received_total', { trace_id, backend: 'ebpf' }), 3);
  assert.equal(sampleValue(during, 'sctrace_trace_events_lost_total', { trace_id, where: 'kernel' }), 5);
  assert.equal(sampleValue(during, 'sctrace_trace_subscribers', { trace_id }), 1);

  await rpc.stop(trace_id);
  await sub.done;
  const afterStop = await read();
  assert.equal(sampleValue(afterStop, 'sctrace_traces_running'), 0);
  assert.equal(sampleValue(afterStop, 'sctrace_subscribers'), 0);
  assert.equal(
    afterStop.filter((s) => s.labels.trace_id === trace_id).length,
    0,
    'no series keeps the ended trace id',
  );
  assert.equal((sampleValue(afterStop, 'sctrace_events_received_total') ?? 0) - base('sctrace_events_received_total'), 3, 'totals keep it');
  assert.equal((sampleValue(afterStop, 'sctrace_events_lost_total', { where: 'kernel' }) ?? 0) - base('sctrace_events_lost_total', { where: 'kernel' }), 5);
});

test('a trace that starts and ends between two scrapes still counts in the totals', async () => {
  const rpc = api(client);
  const before = sampleValue(await read(), 'sctrace_events_received_total') ?? 0;
  const started = sampleValue(await read(), 'sctrace_traces_started_total') ?? 0;
  const { trace_id } = await rpc.start({ pids: [4343] });
  ebpf.sessions[ebpf.sessions.length - 1].emit([syscallEvent(4343, 'getpid'), syscallEvent(4343, 'getpid')]);
  await rpc.stop(trace_id);
  const now = await read();
  assert.equal((sampleValue(now, 'sctrace_events_received_total') ?? 0) - before, 2);
  assert.equal((sampleValue(now, 'sctrace_traces_started_total') ?? 0) - started, 1);
});

test('a stream that starts before the retention window counts as lost where "retention", one that falls out of it where "subscriber"', async () => {
  const rpc = api(client);
  const before = await read();
  const base = (where: string) => sampleValue(before, 'sctrace_events_lost_total', { where }) ?? 0;
  const { trace_id } = await rpc.start({ pids: [4444], retention_bytes: 65_536 });
  const session = ebpf.sessions[ebpf.sessions.length - 1];
  for (let i = 0; i < 50; i++) session.emit(Array.from({ length: 100 }, () => syscallEvent(4444, 'getppid')));
  const late = collect(client, trace_id, 1);
  await late.until((ev) => ev.length > 0 && Number(ev.at(-1)!.sequence) === 5000);
  const dropped = Number(late.events[0].lost!.count);
  assert.equal(late.events[0].lost!.where, 'retention');
  const during = await read();
  assert.equal((sampleValue(during, 'sctrace_events_lost_total', { where: 'retention' }) ?? 0) - base('retention'), dropped);
  assert.equal((sampleValue(during, 'sctrace_events_lost_total', { where: 'subscriber' }) ?? 0) - base('subscriber'), 0);
  assert.equal(sampleValue(during, 'sctrace_trace_events_lost_total', { trace_id, where: 'retention' }), dropped);
  late.cancel();
  await late.done;
  await rpc.stop(trace_id);
  const after = await read();
  assert.equal((sampleValue(after, 'sctrace_events_lost_total', { where: 'retention' }) ?? 0) - base('retention'), dropped, 'the total keeps it after the stream and the trace ended');
});

test('ring fill: pending and size bytes and their ratio per backend, only while its ring is loaded', async () => {
  assert.equal((await read()).filter((s) => s.name.startsWith('sctrace_ring_')).length, 0, 'no ring, no series');
  ebpf.fill = { pendingBytes: 4 << 20, sizeBytes: 16 << 20 };
  try {
    const now = await read();
    assert.equal(sampleValue(now, 'sctrace_ring_pending_bytes', { backend: 'ebpf' }), 4 << 20);
    assert.equal(sampleValue(now, 'sctrace_ring_size_bytes', { backend: 'ebpf' }), 16 << 20);
    assert.equal(sampleValue(now, 'sctrace_ring_fill_ratio', { backend: 'ebpf' }), 0.25);
    assert.equal(sampleValue(now, 'sctrace_ring_fill_ratio', { backend: 'kmod' }), undefined);
  } finally {
    ebpf.fill = undefined;
  }
  assert.equal(sampleValue(await read(), 'sctrace_ring_fill_ratio', { backend: 'ebpf' }), undefined, 'the series goes with the ring');
});

test('the endpoint serves GET /metrics as Prometheus text and 404 elsewhere', async () => {
  const endpoint = await MetricsEndpoint.listen('127.0.0.1:0', service.metrics, new SilentLogger());
  try {
    const res = await fetch(`http://${endpoint.address}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const samples = await scrape(endpoint.address);
    assert.ok(sampleValue(samples, 'sctrace_traces_running') !== undefined);
    assert.ok(samples.some((s) => s.name === 'process_cpu_seconds_total'), 'process metrics too');
    assert.equal((await fetch(`http://${endpoint.address}/`)).status, 404);
  } finally {
    await endpoint.close();
  }
  await assert.rejects(MetricsEndpoint.listen('127.0.0.1:99999', service.metrics, new SilentLogger()), /--metrics-listen "127.0.0.1:99999": use HOST:PORT/);
});
