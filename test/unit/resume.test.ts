/**
 * Resumable streams through the real server core and real gRPC on a unix socket (the fake
 * capture engine stands in for the kernel): retention while nobody is subscribed, from_sequence,
 * EventsLost "retention", resuming after a cancelled stream, a stopped trace's window, heartbeats,
 * node identity, and the checks on from_sequence and retention_bytes.
 */
import 'reflect-metadata';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { status, type ServiceError } from '@grpc/grpc-js';
import type { Event__Output } from '../../src/api/generated/sctrace/v1/Event';
import { FakeEngine, type FakeSession } from '../../src/backends/fake/engine';
import { startService, type InProcessService } from '../helpers/in-process';
import { FakeSyscalls, emitSyscalls, syscallEvent } from '../helpers/fake-syscalls';
import { api, collect, connect, expectStatus, settle } from '../helpers/client';

const engine = new FakeEngine('ebpf');
let service: InProcessService;
let client: ReturnType<typeof connect>;
let rpc: ReturnType<typeof api>;

before(async () => {
  service = await startService([engine], new FakeSyscalls(), { nodeName: 'node-a', heartbeatMs: 200, retentionBytes: 1 << 20 });
  client = connect(service.address);
  rpc = api(client);
});

after(async () => {
  client.close();
  await service.close();
});

const emit = (session: FakeSession, n: number) => emitSyscalls(session, n, 'getpid', 500);

function sequences(events: Event__Output[]): number[] {
  return events.map((e) => Number(e.sequence));
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

test('the node names itself in StartTrace, ListTraces and GetCapabilities; ListTraces shows the retention in effect', async () => {
  const started = await rpc.start({});
  assert.equal(started.node, 'node-a');
  const listed = (await rpc.list()).traces.find((t) => t.trace_id === started.trace_id)!;
  assert.equal(listed.node, 'node-a');
  assert.equal(listed.spec?.retention_bytes, String(1 << 20), 'the service default');
  assert.equal((await rpc.caps()).node, 'node-a');
  await rpc.stop(started.trace_id);
});

test('a late subscriber with from_sequence 1 gets the trace from its start; 0 gets new events only', async () => {
  const { trace_id } = await rpc.start({});
  const session = engine.sessions.at(-1)!;
  emit(session, 1200);
  session.lose(4, 'kernel');
  emit(session, 10);
  const fromStart = collect(client, trace_id, 1);
  const fromNow = collect(client, trace_id, 0);
  await settle();
  emit(session, 5);
  await fromStart.until((ev) => ev.length === 1216);
  await fromNow.until((ev) => ev.length === 5);
  assert.deepEqual(sequences(fromStart.events), range(1, 1216));
  assert.deepEqual(fromStart.events[1200].lost, { count: '4', where: 'kernel' });
  assert.deepEqual(sequences(fromNow.events), range(1212, 1216));
  for (const s of [fromStart, fromNow]) {
    assert.equal(s.heartbeats[0]?.latest_sequence, '1211', 'the first response is a heartbeat with the latest sequence');
    assert.equal(s.heartbeats[0]?.first_retained_sequence, '1');
    assert.equal(s.heartbeats[0]?.heartbeat_interval_ms, 200);
  }
  await rpc.stop(trace_id);
  assert.equal(await fromStart.done, null);
});

test('a resumed stream continues at the next sequence, without duplicate or gap', async () => {
  const { trace_id } = await rpc.start({});
  const session = engine.sessions.at(-1)!;
  const first = collect(client, trace_id);
  await settle();
  emit(session, 300);
  await first.until((ev) => ev.length === 300);
  first.cancel();
  await first.done;
  emit(session, 200); // while nobody is subscribed
  const resumed = collect(client, trace_id, Number(first.events.at(-1)!.sequence) + 1);
  await settle();
  emit(session, 100);
  await resumed.until((ev) => ev.length === 300);
  assert.deepEqual(sequences([...first.events, ...resumed.events]), range(1, 600));
  await rpc.stop(trace_id);
});

test('a start older than the window gets EventsLost "retention" for exactly what was dropped, then the rest', async () => {
  const { trace_id } = await rpc.start({ retention_bytes: 65_536 });
  const session = engine.sessions.at(-1)!;
  emit(session, 5000);
  const late = collect(client, trace_id, 1);
  await late.until((ev) => ev.length > 0 && Number(ev.at(-1)!.sequence) === 5000);
  const notice = late.events[0];
  assert.equal(notice.lost?.where, 'retention');
  const dropped = Number(notice.lost!.count);
  assert.ok(dropped > 1000 && dropped < 5000, `${dropped} dropped from a 64 KiB window`);
  assert.equal(Number(notice.sequence), dropped, 'numbered like the last event it stands for');
  assert.deepEqual(sequences(late.events.slice(1)), range(dropped + 1, 5000));
  assert.equal(late.heartbeats[0]?.first_retained_sequence, String(dropped + 1));
  const counters = (await rpc.stop(trace_id)).counters!;
  assert.equal(counters.lost_subscribers, String(dropped));
});

test('a stopped trace stays streamable from its window for a while, whether a stream was attached or not', async () => {
  const { trace_id } = await rpc.start({});
  const session = engine.sessions.at(-1)!;
  emit(session, 50);
  await rpc.stop(trace_id);
  await expectStatus(rpc.stop(trace_id), status.NOT_FOUND, /no trace/);
  assert.equal((await rpc.list()).traces.some((t) => t.trace_id === trace_id), false, 'not listed as running');
  const tail = collect(client, trace_id, 41);
  assert.equal(await tail.done, null, 'the stream ends with OK after the window');
  assert.deepEqual(sequences(tail.events), range(41, 50));
  // Stopped under a subscriber: the server wrote it everything, but only the client knows
  // whether it arrived, so the window stays for a client coming back too.
  const watched = await rpc.start({});
  const sub = collect(client, watched.trace_id);
  await settle();
  engine.sessions.at(-1)!.emit([syscallEvent(7, 'getpid')]);
  await sub.until((ev) => ev.length === 1);
  await rpc.stop(watched.trace_id);
  assert.equal(await sub.done, null);
  const late = collect(client, watched.trace_id, 1);
  assert.equal(await late.done, null);
  assert.deepEqual(sequences(late.events), [1]);
});

test('a stream cut before it received the end of a stopped trace comes back for the rest', async () => {
  const { trace_id } = await rpc.start({});
  const session = engine.sessions.at(-1)!;
  const first = collect(client, trace_id);
  await settle();
  // A client that stops reading (a busy consumer): flow control holds the server's writes back.
  first.pause();
  emit(session, 8000);
  await rpc.stop(trace_id);
  await settle(200);
  // Its connection drops (a stall timer, a network): what the server wrote and the client had
  // not read is gone with it (as the client library ignores a cancelled call's messages).
  const kept = first.events.slice();
  first.cancel();
  await first.done;
  assert.ok(kept.length < 8000, `the stream left before the end: it had ${kept.length} of 8000`);
  const next = kept.length === 0 ? 1 : Number(kept.at(-1)!.sequence) + 1;
  const rest = collect(client, trace_id, next);
  assert.equal(await rest.done, null, 'the window is still there, and the stream ends with OK after it');
  assert.deepEqual(sequences([...kept, ...rest.events]), range(1, 8000));
});

test('a quiet stream carries heartbeats; bad from_sequence and retention_bytes get clear statuses', async () => {
  const { trace_id } = await rpc.start({});
  const session = engine.sessions.at(-1)!;
  emit(session, 3);
  const quiet = collect(client, trace_id);
  await settle(700);
  assert.ok(quiet.heartbeats.length >= 3, `${quiet.heartbeats.length} heartbeats in 700 ms at 200 ms`);
  assert.ok(quiet.heartbeats.every((h) => h.latest_sequence === '3' && h.queued_events === '0'));
  quiet.cancel();
  const beyond = collect(client, trace_id, 5);
  const err = await beyond.done;
  assert.equal(err?.code, status.OUT_OF_RANGE);
  assert.match(err?.details ?? '', /from_sequence 5 is beyond trace \w+'s latest event 3/);
  await rpc.stop(trace_id);
  await expectStatus(rpc.start({ retention_bytes: 1000 }), status.INVALID_ARGUMENT, /retention_bytes 1000 is too small: at least 65536/);
  await expectStatus(rpc.start({ retention_bytes: String(2 ** 40) }), status.RESOURCE_EXHAUSTED, /above this service's limit of 1073741824 \(sctraced --max-retention-mb\)/);
  await expectStatus(rpc.start({ retention_bytes: String(512 << 20) }), status.RESOURCE_EXHAUSTED, /above what all traces of this service may retain together, 134217728 \(sctraced --retention-total-mb\)/);
});
