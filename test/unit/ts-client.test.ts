/**
 * The TypeScript client library (clients/ts) against the real server core over real gRPC (the
 * fake capture engine stands in for the kernel), with a TCP proxy in between to cut or black-hole
 * the connection: unary calls and their errors, the event iterator from a sequence, resuming
 * after a cut and after a silent connection, and the ends of a stream (trace stopped, trace gone).
 */
import 'reflect-metadata';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { status } from '@grpc/grpc-js';
import { connect, RpcError, type Event, type SctraceClient } from '../../clients/ts';
import { FakeEngine, type FakeSession } from '../../src/backends/fake/engine';
import { startService, type InProcessService } from '../helpers/in-process';
import { FakeSyscalls, emitSyscalls } from '../helpers/fake-syscalls';
import { startProxy, type Proxy } from '../helpers/proxy';

const engine = new FakeEngine('ebpf');
let service: InProcessService;
let proxy: Proxy;
let client: SctraceClient;

before(async () => {
  service = await startService([engine], new FakeSyscalls(), { nodeName: 'unit-node', heartbeatMs: 100 });
  proxy = await startProxy(service.address);
  client = connect(proxy.address);
});

after(async () => {
  client.close();
  await proxy.close();
  await service.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const emit = (session: FakeSession, n: number) => emitSyscalls(session, n, 'getpid', 250);

function sequences(events: Event[]): number[] {
  return events.map((e) => Number(e.sequence));
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Collects a trace's events through the library until `until` holds. */
function follow(traceId: string, fromSequence: number) {
  const events: Event[] = [];
  const stream = client.events(traceId, { fromSequence, retry: { initialDelayMs: 20, maxDelayMs: 100 } });
  let reconnects = 0;
  stream.subscription.on('reconnecting', () => reconnects++);
  const done = (async () => {
    for await (const e of stream) events.push(e);
  })();
  return { events, done, stream, reconnects: () => reconnects };
}

async function until(condition: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

test('unary calls: start, list, capabilities, stop; errors keep the RPC and the status', async () => {
  const started = await client.startTrace({ syscalls: ['getpid'] });
  assert.equal(started.node, 'unit-node');
  const { traces } = await client.listTraces();
  assert.ok(traces.some((t) => t.trace_id === started.trace_id && t.node === 'unit-node'));
  assert.equal((await client.getCapabilities()).node, 'unit-node');
  await client.stopTrace(started.trace_id);
  await assert.rejects(client.stopTrace(started.trace_id), (err: RpcError) => {
    assert.ok(err instanceof RpcError);
    assert.equal(err.code, status.NOT_FOUND);
    assert.equal(err.rpc, 'StopTrace');
    assert.match(err.message, /^StopTrace: NOT_FOUND: no trace with id/);
    return true;
  });
  await assert.rejects(client.startTrace({ syscalls: ['nope'] }), (err: RpcError) => err.code === status.INVALID_ARGUMENT && /"nope"/.test(err.details));
});

test('events from sequence 1 as an async iterator; the stream ends when the trace stops', async () => {
  const { trace_id } = await client.startTrace({});
  const session = engine.sessions.at(-1)!;
  emit(session, 600);
  const f = follow(trace_id, 1);
  await until(() => f.events.length === 600, '600 events');
  emit(session, 400);
  await until(() => f.events.length === 1000, '1000 events');
  await client.stopTrace(trace_id);
  await f.done;
  assert.deepEqual(sequences(f.events), range(1, 1000));
  assert.equal(f.stream.subscription.lastSequence, 1000);
  assert.equal(f.events[0].task?.pid, 7);
  assert.equal(f.events[0].syscall?.name, 'getpid');
});

test('cut connections are resumed at the next sequence, without duplicates', async () => {
  const { trace_id } = await client.startTrace({});
  const session = engine.sessions.at(-1)!;
  const f = follow(trace_id, 0);
  await once(f.stream.subscription, 'heartbeat'); // subscribed: "now" is pinned
  for (let round = 0; round < 5; round++) {
    emit(session, 500);
    await until(() => f.events.length === round * 1000 + 500, 'the events before the cut');
    assert.ok(proxy.cutAll() > 0);
    emit(session, 500); // while the client is away
  }
  await until(() => f.events.length === 5000, '5000 events', 10_000);
  assert.ok(f.reconnects() >= 5, `${f.reconnects()} reconnects`);
  await client.stopTrace(trace_id);
  await f.done;
  assert.deepEqual(sequences(f.events), range(1, 5000));
});

test('a connection that goes silent is replaced once the heartbeats stop, and the stream resumes', async () => {
  const { trace_id } = await client.startTrace({});
  const session = engine.sessions.at(-1)!;
  const events: Event[] = [];
  const stream = client.events(trace_id, { fromSequence: 1, stallTimeoutMs: 400, retry: { initialDelayMs: 20 } });
  const reasons: string[] = [];
  stream.subscription.on('reconnecting', (r: { error: RpcError }) => reasons.push(r.error.details));
  const done = (async () => {
    for await (const e of stream) events.push(e);
  })();
  emit(session, 100);
  await until(() => events.length === 100, '100 events');
  proxy.stallAll();
  emit(session, 100);
  await until(() => events.length === 200, 'the events sent after the stall', 5000);
  assert.match(reasons[0] ?? '', /no message for 400 ms/);
  await client.stopTrace(trace_id);
  await done;
  assert.deepEqual(sequences(events), range(1, 200));
});

test('a trace that does not exist (or no longer) ends the iterator with NOT_FOUND, not retries', async () => {
  const stream = client.events('gone', { retry: { initialDelayMs: 10 } });
  let reconnects = 0;
  stream.subscription.on('reconnecting', () => reconnects++);
  await assert.rejects(
    (async () => {
      for await (const _ of stream) void _;
    })(),
    (err: RpcError) => err.code === status.NOT_FOUND && err.rpc === 'StreamEvents',
  );
  assert.equal(reconnects, 0);
});

test('breaking out of the loop cancels the stream; the trace keeps running', async () => {
  const { trace_id } = await client.startTrace({});
  const session = engine.sessions.at(-1)!;
  emit(session, 50);
  let n = 0;
  for await (const _ of client.events(trace_id, { fromSequence: 1 })) {
    void _;
    if (++n === 10) break;
  }
  await sleep(100);
  const listed = (await client.listTraces()).traces.find((t) => t.trace_id === trace_id);
  assert.equal(listed?.subscribers, 0, 'the server saw the stream go');
  await client.stopTrace(trace_id);
});

test('a trace stopped while its consumer is paused a window behind still delivers or announces every event', async () => {
  // Straight to the service: the proxy's buffers would hold more of what the window drops.
  const direct = connect(service.address);
  try {
    const { trace_id } = await direct.startTrace({ retention_bytes: String(1 << 20) });
    const session = engine.sessions.at(-1)!;
    const stream = direct.events(trace_id, { fromSequence: 1, highWaterMark: 256 });
    emit(session, 1);
    const first = await stream.next(); // the stream is up; nothing more is read until the trace stops
    assert.equal(first.done, false);
    // The client pauses, the server's transport fills, and the window (1 MiB) moves on past the
    // chunk the stream was about to send: more events than it and the transports' buffers hold.
    for (let i = 0; i < 40; i++) {
      emit(session, 10_000);
      await sleep(10);
    }
    await direct.stopTrace(trace_id);
    let received = 1;
    let announced = 0;
    let last = 0;
    for await (const e of stream) {
      if (e.kind === 'lost') announced += Number(e.lost!.count);
      else received++;
      last = Number(e.sequence);
    }
    assert.ok(announced > 0, 'the window did leave the stream behind');
    assert.equal(received + announced, 400_001, 'received + announced = produced');
    assert.equal(last, 400_001, 'the stream ends with the last event of the window');
  } finally {
    direct.close();
  }
});
