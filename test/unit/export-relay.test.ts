/**
 * The export's source (clients/export/source.ts) against the real server core over real gRPC
 * (the fake capture engine stands in for the kernel), through a TCP proxy that cuts the
 * connection: every event once, in order, across cuts, as the bytes the service sent; the
 * pump's pieces of those bytes decode to the same events; the iteration ends with the trace.
 */
import 'reflect-metadata';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, decodeStreamEventsResponse, type SctraceClient } from '../../clients/ts';
import { relayMessages, relaySubscription } from '../../clients/export/source';
import { piecesOf } from '../../clients/export/pump';
import { FakeEngine, type FakeSession } from '../../src/backends/fake/engine';
import { startService, type InProcessService } from '../helpers/in-process';
import { FakeSyscalls, emitSyscalls } from '../helpers/fake-syscalls';
import { startProxy, type Proxy } from '../helpers/proxy';

const engine = new FakeEngine('ebpf');
let service: InProcessService;
let proxy: Proxy;
let client: SctraceClient;

before(async () => {
  service = await startService([engine], new FakeSyscalls(), { heartbeatMs: 100 });
  proxy = await startProxy(service.address);
  client = connect(proxy.address);
});

after(async () => {
  client.close();
  await proxy.close();
  await service.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const emit = (session: FakeSession, n: number) => emitSyscalls(session, n, 'getppid', 250);

test('relayed messages: every event once across connection cuts, from event 1, as bytes that decode to it; the iteration ends with the trace', async () => {
  const { trace_id } = await client.startTrace({ pids: [7] });
  const session = engine.sessions.at(-1)!;
  emit(session, 3000);
  const subscription = relaySubscription(client, trace_id, { fromSequence: 1, retry: { initialDelayMs: 20 } });
  let reconnects = 0;
  subscription.on('reconnecting', () => reconnects++);
  const sequences: number[] = [];
  const decoded: number[] = [];
  let heartbeatOnly = 0;
  const reading = (async () => {
    for await (const m of relayMessages(subscription, 1000)) {
      if (m.events.length === 0) heartbeatOnly++;
      for (const e of m.events) sequences.push(e.sequence);
      // What the pump publishes: the events' own bytes, which decode as a response of them.
      for (const p of piecesOf(m, 0, 1 << 20)) decoded.push(...decodeStreamEventsResponse(p.bytes).events.map((e) => Number(e.sequence)));
    }
  })();
  for (let round = 0; round < 3; round++) {
    await sleep(150);
    proxy.cutAll();
    emit(session, 2000);
  }
  await sleep(300);
  emit(session, 1000);
  await sleep(200);
  await client.stopTrace(trace_id);
  await reading;
  assert.ok(reconnects >= 3, `the cuts were resumed (${reconnects} reconnects)`);
  assert.equal(heartbeatOnly, 0, 'heartbeats are not handed to the pump');
  assert.deepEqual(sequences, Array.from({ length: 10_000 }, (_, i) => i + 1), 'every event once, in order, from 1');
  assert.deepEqual(decoded, sequences, 'the relayed bytes decode to the same events');
});
