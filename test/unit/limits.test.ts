/**
 * The limits of the Limits section, each refused with RESOURCE_EXHAUSTED naming it: requests per
 * second per identity, traces per identity, subscribers per trace, streams per connection,
 * request size, string and buffer capture sizes. Real gRPC over a unix socket, the fake engine.
 */
import 'reflect-metadata';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { status, credentials, type ServiceError } from '@grpc/grpc-js';
import { FakeEngine } from '../../src/backends/fake/engine';
import { tracerGrpc } from '../../src/api/proto';
import type { TracerClient } from '../../src/api/generated/sctrace/v1/Tracer';
import { LimitExceededError, RateLimiter, TraceQuota, StreamCounter } from '../../src/auth/limits';
import type { ServiceConfig } from '../../src/config/config';
import { startService, type InProcessService } from '../helpers/in-process';
import { FakeSyscalls } from '../helpers/fake-syscalls';
import { api, collect, connect, settle } from '../helpers/client';
import { RecordingLogger } from '../helpers/recording-log';

async function withService(overrides: Partial<ServiceConfig>, body: (service: InProcessService, log: RecordingLogger) => Promise<void>): Promise<void> {
  const log = new RecordingLogger();
  const service = await startService([new FakeEngine('ebpf')], new FakeSyscalls(), overrides, log);
  try {
    await body(service, log);
  } finally {
    await service.close();
  }
}

/** A client on a connection of its own (grpc-js otherwise shares one between clients of an address). */
function ownConnection(address: string): TracerClient {
  const Tracer = tracerGrpc().sctrace.v1.Tracer;
  return new Tracer(address, credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 });
}

async function exhausted(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (err: ServiceError) => {
    assert.equal(status[err.code], 'RESOURCE_EXHAUSTED', err.details);
    assert.match(err.details, pattern);
    return true;
  });
}

test('the rate limiter: a bucket of N requests per identity, refilled at N per second', () => {
  let now = 0;
  const limiter = new RateLimiter(3, () => now);
  for (let i = 0; i < 3; i++) limiter.take('a');
  assert.throws(() => limiter.take('a'), (err: Error) => err instanceof LimitExceededError && /identity a sent more than 3 requests per second \(sctraced --rate-limit\)/.test(err.message));
  limiter.take('b');
  now = 340;
  limiter.take('a');
  assert.throws(() => limiter.take('a'), LimitExceededError);
  now = 10_000;
  for (let i = 0; i < 3; i++) limiter.take('a');
  assert.throws(() => limiter.take('a'), LimitExceededError, 'the bucket never holds more than N');
});

test('the trace quota counts starts in flight; the stream counter releases once', () => {
  const quota = new TraceQuota(2);
  const r1 = quota.reserve('a', 0);
  const r2 = quota.reserve('a', 0);
  assert.throws(() => quota.reserve('a', 0), /identity a already runs 2 traces, the most one identity may \(sctraced --max-traces-per-identity\)/);
  r1();
  r2();
  assert.throws(() => quota.reserve('a', 2), LimitExceededError);
  quota.reserve('a', 1);
  const streams = new StreamCounter(1);
  const conn = {};
  const release = streams.admit(conn);
  assert.throws(() => streams.admit(conn), /--max-streams-per-connection/);
  release();
  release();
  streams.admit(conn);
  assert.throws(() => streams.admit(conn), LimitExceededError, 'a double release frees one slot only');
  const byPeer = streams.admit('10.0.0.1:5000');
  assert.throws(() => streams.admit('10.0.0.1:5000'), LimitExceededError);
  byPeer();
  streams.admit('10.0.0.1:5000');
});

test('--rate-limit: calls past the bucket are RESOURCE_EXHAUSTED naming the flag, and audited', async () => {
  await withService({ rateLimit: 5 }, async (service, log) => {
    const client = connect(service.address);
    const rpc = api(client);
    try {
      for (let i = 0; i < 5; i++) await rpc.caps();
      await exhausted(rpc.list(), /identity local sent more than 5 requests per second \(sctraced --rate-limit\)/);
      await settle(450);
      await rpc.list();
      assert.ok(log.audit().some((a) => a.call === 'ListTraces' && a.result === 'RESOURCE_EXHAUSTED' && a.identity === 'local'));
    } finally {
      client.close();
    }
  });
});

test('--max-traces-per-identity: also for concurrent starts', async () => {
  await withService({ maxTracesPerIdentity: 2 }, async (service, log) => {
    const client = connect(service.address);
    const rpc = api(client);
    try {
      const results = await Promise.allSettled([1, 2, 3, 4, 5].map((pid) => rpc.start({ pids: [pid] })));
      const started = results.filter((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{ trace_id: string }>[];
      assert.equal(started.length, 2);
      for (const r of results.filter((x) => x.status === 'rejected') as PromiseRejectedResult[]) {
        assert.equal((r.reason as ServiceError).code, status.RESOURCE_EXHAUSTED);
        assert.match((r.reason as ServiceError).details, /identity local already runs 2 traces.*--max-traces-per-identity/);
      }
      await rpc.stop(started[0].value.trace_id);
      const again = await rpc.start({ pids: [9] });
      await exhausted(rpc.start({ pids: [10] }), /--max-traces-per-identity/);
      const refused = log.audit().filter((a) => a.call === 'StartTrace' && a.result === 'RESOURCE_EXHAUSTED');
      assert.deepEqual(refused.at(-1)?.spec, { pids: [10] }, 'refused starts are audited with their spec');
      assert.equal(refused.length, 4);
      await rpc.stop(again.trace_id);
      await rpc.stop(started[1].value.trace_id);
    } finally {
      client.close();
    }
  });
});

test('--max-subscribers: a trace takes that many StreamEvents', async () => {
  await withService({ maxSubscribers: 2 }, async (service) => {
    const client = connect(service.address);
    const rpc = api(client);
    try {
      const { trace_id } = await rpc.start({});
      const subs = [collect(client, trace_id), collect(client, trace_id)];
      await settle();
      const third = collect(client, trace_id);
      const err = await third.done;
      assert.equal(err?.code, status.RESOURCE_EXHAUSTED);
      assert.match(err?.details ?? '', new RegExp(`trace ${trace_id} already has 2 subscribers, the most one trace may \\(sctraced --max-subscribers\\)`));
      subs[0].cancel();
      await settle();
      const replacement = collect(client, trace_id);
      await rpc.stop(trace_id);
      assert.equal(await replacement.done, null);
    } finally {
      client.close();
    }
  });
});

test('--max-streams-per-connection: counted per HTTP/2 connection, released when a stream ends', async () => {
  await withService({ maxStreamsPerConnection: 2 }, async (service) => {
    const first = ownConnection(service.address);
    const second = ownConnection(service.address);
    const rpc = api(first);
    try {
      const { trace_id } = await rpc.start({});
      const a = collect(first, trace_id);
      const b = collect(first, trace_id);
      await settle();
      const c = collect(first, trace_id);
      const err = await c.done;
      assert.equal(err?.code, status.RESOURCE_EXHAUSTED);
      assert.match(err?.details ?? '', /this connection already has 2 open streams.*--max-streams-per-connection/);
      // Another connection has its own count (on a unix socket every peer looks alike, so this
      // also shows the gate found each call's HTTP/2 session).
      const d = collect(second, trace_id);
      await settle();
      assert.equal((await rpc.list()).traces[0].subscribers, 3);
      a.cancel();
      await settle();
      const e = collect(first, trace_id);
      await settle();
      assert.equal((await rpc.list()).traces[0].subscribers, 3);
      await rpc.stop(trace_id);
      for (const s of [b, d, e]) assert.equal(await s.done, null);
    } finally {
      first.close();
      second.close();
    }
  });
});

test('--max-request-bytes: a larger request is refused before it is decoded', async () => {
  await withService({ maxRequestBytes: 1024 }, async (service) => {
    const client = connect(service.address);
    try {
      const pids = Array.from({ length: 600 }, (_, i) => i + 1);
      await exhausted(api(client).start({ pids }), /Received message larger than max \(\d+ vs 1024\)/);
      await api(client).caps();
    } finally {
      client.close();
    }
  });
});

test('--max-string-bytes and --max-buffer-bytes: within the kernel cap but above the limit is RESOURCE_EXHAUSTED', async () => {
  const engine = new FakeEngine('ebpf');
  const service = await startService([engine], new FakeSyscalls(), { maxStringBytes: 100, maxBufferBytes: 0 });
  const client = connect(service.address);
  const rpc = api(client);
  try {
    await exhausted(rpc.start({ string_max_bytes: 512 }), /spec\.string_max_bytes 512 is above this service's limit of 100 \(sctraced --max-string-bytes\)/);
    await exhausted(rpc.start({ buffer_bytes: 16 }), /spec\.buffer_bytes 16 is above this service's limit of 0 \(sctraced --max-buffer-bytes\)/);
    await assert.rejects(rpc.start({ string_max_bytes: 8192 }), (err: ServiceError) => err.code === status.INVALID_ARGUMENT, 'beyond the kernel cap stays INVALID_ARGUMENT');
    const { trace_id } = await rpc.start({});
    assert.equal(engine.sessions.at(-1)!.spec.stringMaxBytes, 100, 'the default string size is cut to the limit');
    await rpc.stop(trace_id);
  } finally {
    client.close();
    await service.close();
  }
});
