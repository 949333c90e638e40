/**
 * The real sctraced with --metrics-listen and --log-format json: a real trace of a real workload
 * moves the counters a scrape of /metrics shows, its series end with it, and its log lines are
 * JSON records carrying its trace id. Skips with the reason without root/BPF; fails under CI=true.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultObjectPath } from '../../src/backends/ebpf/engine';
import { api, collect, connect, settle } from '../helpers/client';
import { ebpfUnavailableReason, skipUnlessPossible } from '../helpers/privileges';
import { sampleValue, scrape } from '../helpers/prometheus';
import { spawnService, spawnStopped } from '../helpers/service-process';

test('a real trace moves the scraped counters; its series end with it; its log lines carry its id', async (t) => {
  if (skipUnlessPossible(t, ebpfUnavailableReason(defaultObjectPath()))) return;
  const service = await spawnService(['--metrics-listen', '127.0.0.1:0', '--log-format', 'json', '--ring-mb', '8']);
  const client = connect(service.address);
  try {
    const records = () =>
      service
        .log()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    const announced = records().find((r) => typeof r.msg === 'string' && r.msg.startsWith('metrics on http://'));
    assert.ok(announced, `the metrics address is logged:\n${service.log()}`);
    const address = String(announced.msg).replace(/^metrics on http:\/\/(.*)\/metrics$/, '$1');

    const idle = await scrape(address);
    assert.equal(sampleValue(idle, 'sctrace_traces_running'), 0);
    assert.equal(sampleValue(idle, 'sctrace_events_received_total'), 0);
    assert.equal(sampleValue(idle, 'sctrace_backend_available', { backend: 'ebpf' }), 1);
    assert.equal(sampleValue(idle, 'sctrace_ring_size_bytes', { backend: 'ebpf' }), undefined, 'no ring before the first trace');

    const rpc = api(client);
    const child = await spawnStopped(['/bin/sh', '-c', 'for i in 1 2 3 4 5 6 7 8; do cat /etc/hostname; done']);
    const { trace_id } = await rpc.start({ pids: [child.pid], follow_children: true, process_events: true }).catch((err: unknown) => {
      child.kill();
      throw err;
    });
    const sub = collect(client, trace_id);
    await settle(200);
    child.resume();
    await child.exited;
    await sub.until((ev) => ev.some((e) => e.kind === 'exit' && e.task?.pid === child.pid));
    await settle(100);

    const during = await scrape(address);
    const received = sampleValue(during, 'sctrace_events_received_total') ?? 0;
    assert.ok(received >= sub.events.length && sub.events.length > 50, `received ${received}, the client got ${sub.events.length}`);
    assert.equal(sampleValue(during, 'sctrace_events_delivered_total'), sub.events.length, 'delivered = what the client got');
    assert.equal(sampleValue(during, 'sctrace_events_lost_total', { where: 'kernel' }), 0);
    assert.equal(sampleValue(during, 'sctrace_traces_running'), 1);
    assert.equal(sampleValue(during, 'sctrace_subscribers'), 1);
    assert.equal(sampleValue(during, 'sctrace_trace_events_received_total', { trace_id, backend: 'ebpf' }), received);
    assert.equal(sampleValue(during, 'sctrace_ring_size_bytes', { backend: 'ebpf' }), 8 << 20, 'the ring of --ring-mb 8');
    const fill = sampleValue(during, 'sctrace_ring_fill_ratio', { backend: 'ebpf' });
    assert.ok(fill !== undefined && fill >= 0 && fill < 0.01, `an idle workload leaves the ring (nearly) empty: ${fill}`);

    const { counters } = await rpc.stop(trace_id);
    await sub.done;
    const ended = await scrape(address);
    assert.equal(sampleValue(ended, 'sctrace_traces_running'), 0);
    assert.equal(ended.filter((s) => s.labels.trace_id === trace_id).length, 0, 'no series keeps the ended trace id');
    assert.equal(sampleValue(ended, 'sctrace_events_received_total'), Number(counters?.events_received), 'the total is the trace’s final count');
    assert.equal(sampleValue(ended, 'sctrace_traces_started_total'), 1);
    assert.equal(sampleValue(ended, 'sctrace_ring_fill_ratio', { backend: 'ebpf' }), undefined, 'the ring is unloaded with the last trace');

    const traceLines = records().filter((r) => typeof r.msg === 'string' && r.msg.includes(trace_id));
    assert.ok(traceLines.length >= 3, `started, subscriber attached, stopped: ${JSON.stringify(traceLines)}`);
    for (const r of traceLines) assert.equal(r.trace_id, trace_id, `trace_id field of ${JSON.stringify(r)}`);
  } finally {
    client.close();
    assert.equal(await service.stop(), 0, `sctraced exit code; log:\n${service.log()}`);
  }
});
