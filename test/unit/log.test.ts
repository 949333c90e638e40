/** The pino logger: JSON and text records, levels, components, trace ids and identities. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { PinoLogger, type LogOptions } from '../../src/util/log';
import { FakeEngine } from '../../src/backends/fake/engine';
import { BackendSelector } from '../../src/backends/select';
import type { CaptureSpec } from '../../src/backends/backend';
import { TraceManager } from '../../src/traces/manager';

function capture(options: LogOptions) {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { log: PinoLogger.create({ ...options, destination }), lines: () => chunks.join('').split('\n').filter(Boolean) };
}

test('json: one record per line with time, level, component, message and fields', () => {
  const { log, lines } = capture({ format: 'json', level: 'info' });
  log.debug('not shown at info');
  log.info('listening on unix:/x');
  log.child('traces').warn('something', { identity: 'alice' });
  const records = lines().map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(records.length, 2, 'debug is below the level');
  assert.equal(records[0].msg, 'listening on unix:/x');
  assert.equal(records[0].level, 30);
  assert.equal(records[0].component, 'sctraced');
  assert.match(String(records[0].time), /^\d{4}-\d\d-\d\dT/);
  assert.equal(records[1].component, 'traces');
  assert.equal(records[1].level, 40);
  assert.equal(records[1].identity, 'alice');
});

test('json: trace-related lines carry trace_id, bound or named in the message', () => {
  const { log, lines } = capture({ format: 'json' });
  const traces = log.child('traces');
  traces.info('trace 0123456789ab started on ebpf: every process');
  traces.child('trace', { trace_id: 'fedcba987654', identity: 'bob' }).info('subscriber s1 attached');
  traces.info('no trace here');
  const [named, bound, none] = lines().map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(named.trace_id, '0123456789ab');
  assert.equal(bound.trace_id, 'fedcba987654');
  assert.equal(bound.identity, 'bob');
  assert.equal(bound.component, 'trace');
  assert.equal(none.trace_id, undefined);
});

test('text: one readable line per record, fields on the same line', () => {
  const { log, lines } = capture({ format: 'text', level: 'debug' });
  log.child('traces').debug('trace 0123456789ab: subscriber s1 left');
  log.error('failed', { identity: 'carol' });
  const [first, second] = lines();
  assert.equal(lines().length, 2);
  assert.match(first, /^\[\d{4}-\d\d-\d\dT[\d:.]+Z\] DEBUG: \[traces\] trace 0123456789ab: subscriber s1 left .*"trace_id":"0123456789ab"/);
  assert.match(second, /ERROR: \[sctraced\] failed .*"identity":"carol"/);
});

test('every line about a trace carries its trace_id and the identity that started it', async () => {
  const { log, lines } = capture({ format: 'json', level: 'debug' });
  const engine = new FakeEngine('ebpf');
  const manager = new TraceManager(new BackendSelector([engine]), { maxTraces: 4, idleTimeoutMs: 60_000, limits: { batchEvents: 16, batchBytes: 1 << 20, heartbeatMs: 2000 } }, log.child('traces'));
  const request = (owner: string) => ({ spec: { pids: [4242] }, capture: {} as CaptureSpec, backend: 'auto' as const, owner, retentionBytes: 1 << 20 });
  const a = await manager.start(request('team-a'));
  const b = await manager.start(request('ci'));
  const stream = { write: () => true, once: () => undefined, end: () => undefined, fail: () => undefined };
  a.subscribe(stream, '10.1.2.3:5000').cancel();
  engine.sessions[1].fail(new Error('corrupt record'));
  await manager.stop(a.id);
  await manager.dispose();
  const records = lines().map((l) => JSON.parse(l) as Record<string, unknown>);
  const about = (id: string) => records.filter((r) => String(r.msg).includes(id));
  assert.deepEqual(about(a.id).map((r) => r.msg), [
    `trace ${a.id} started on ebpf for team-a: pids=4242`,
    `trace ${a.id}: subscriber s1 from 10.1.2.3:5000 attached`,
    `trace ${a.id}: subscriber s1 left`,
    `trace ${a.id} stopped`,
  ]);
  assert.ok(about(b.id).some((r) => r.level === 50 && /failed: corrupt record/.test(String(r.msg))), 'the failure is logged');
  for (const [trace, owner] of [[a, 'team-a'], [b, 'ci']] as const) {
    for (const record of about(trace.id)) {
      assert.equal(record.trace_id, trace.id, `trace_id on ${String(record.msg)}`);
      assert.equal(record.identity, owner, `identity on ${String(record.msg)}`);
      assert.equal(record.component, 'traces');
    }
  }
});
