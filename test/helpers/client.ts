/** A typed Tracer client for tests, with promise wrappers and a stream collector. */
import assert from 'node:assert/strict';
import { Client, credentials, type ChannelCredentials, type MethodDefinition, type ServiceError, type status } from '@grpc/grpc-js';
import { tracerGrpc, tracerPackageDefinition } from '../../src/api/proto';
import { countMessage, emptyCounts, type WireCounts } from '../../bench/lib/wire';
import type { TracerClient } from '../../src/api/generated/sctrace/v1/Tracer';
import type { Event__Output } from '../../src/api/generated/sctrace/v1/Event';
import type { TraceSpec } from '../../src/api/generated/sctrace/v1/TraceSpec';
import type { TraceInfo__Output } from '../../src/api/generated/sctrace/v1/TraceInfo';
import type { TraceCounters__Output } from '../../src/api/generated/sctrace/v1/TraceCounters';
import type { StreamEventsResponse__Output } from '../../src/api/generated/sctrace/v1/StreamEventsResponse';
import type { GetCapabilitiesResponse__Output } from '../../src/api/generated/sctrace/v1/GetCapabilitiesResponse';
import { patience } from './patience';

/** Connects to `address` (unix:/path or host:port), in plaintext unless given `channel` credentials. */
export function connect(address: string, channel: ChannelCredentials = credentials.createInsecure()): TracerClient {
  const Tracer = tracerGrpc().sctrace.v1.Tracer;
  return new Tracer(address, channel, { 'grpc.max_receive_message_length': 64 << 20 });
}

/** Promise wrappers around the unary calls. */
export function api(client: TracerClient) {
  const unary = <T>(fn: (cb: (err: ServiceError | null, res?: T) => void) => void) =>
    new Promise<T>((resolve, reject) => fn((err, res) => (err ? reject(err) : resolve(res as T))));
  return {
    start: (spec: TraceSpec) => unary<{ trace_id: string; backend: string; node: string }>((cb) => client.StartTrace({ spec }, cb)),
    stop: (id: string) => unary<{ counters: TraceCounters__Output | null }>((cb) => client.StopTrace({ trace_id: id }, cb)),
    list: () => unary<{ traces: TraceInfo__Output[] }>((cb) => client.ListTraces({}, cb)),
    caps: () => unary<GetCapabilitiesResponse__Output>((cb) => client.GetCapabilities({}, cb)),
  };
}

/** An open subscription collecting every event it receives. */
export interface Collector {
  events: Event__Output[];
  /** Responses without events, in arrival order (the first one comes at subscription). */
  heartbeats: StreamEventsResponse__Output[];
  /** Resolves when the stream ends: null on OK, the error otherwise. */
  done: Promise<ServiceError | null>;
  /** Resolves once `predicate` holds for the events so far (polled), or rejects after `timeoutMs` (scaled by patience()). */
  until(predicate: (events: Event__Output[]) => boolean, timeoutMs?: number): Promise<void>;
  cancel(): void;
  /** Stops reading the stream (flow control then holds the server's writes back). */
  pause(): void;
}

/** Subscribes to `traceId` (from `fromSequence`, 0: new events only) and collects its events. */
export function collect(client: TracerClient, traceId: string, fromSequence = 0): Collector {
  const events: Event__Output[] = [];
  const heartbeats: StreamEventsResponse__Output[] = [];
  const call = client.StreamEvents({ trace_id: traceId, from_sequence: fromSequence });
  const done = new Promise<ServiceError | null>((resolve) => {
    call.on('data', (msg: StreamEventsResponse__Output) => {
      if (msg.events.length === 0) heartbeats.push(msg);
      events.push(...msg.events);
    });
    call.on('error', (err: ServiceError) => resolve(err));
    call.on('end', () => resolve(null));
  });
  const until = async (predicate: (events: Event__Output[]) => boolean, timeoutMs = 10_000) => {
    const wait = patience(timeoutMs);
    const deadline = Date.now() + wait;
    while (!predicate(events)) {
      if (Date.now() > deadline) throw new Error(`condition not met within ${wait} ms; ${events.length} events received`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const cancel = () => {
    call.cancel();
    // grpc-js gives the status only once the messages it holds are read: a paused call would never end.
    call.resume();
  };
  return { events, heartbeats, done, until, cancel, pause: () => call.pause() };
}

/** Waits until the server has registered the subscription (the stream's headers arrived). */
export async function settle(ms = 100): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

/**
 * Subscribes to `traceId` and only counts its events from the wire bytes (bench/lib/wire.ts), for
 * floods a full decode in the test process would slow down, on CPUs the service needs.
 */
export function countEvents(address: string, traceId: string): { counts: WireCounts; done: Promise<ServiceError | null> } {
  const def = (tracerPackageDefinition()['sctrace.v1.Tracer'] as Record<string, MethodDefinition<object, object>>).StreamEvents;
  const raw = new Client(address, credentials.createInsecure(), { 'grpc-node.flow_control_window': 16 << 20 });
  const counts = emptyCounts();
  const call = raw.makeServerStreamRequest<object, Buffer>(def.path, (req) => def.requestSerialize(req), (bytes) => bytes, { trace_id: traceId });
  const done = new Promise<ServiceError | null>((resolve) => {
    call.on('data', (bytes: Buffer) => countMessage(bytes, counts));
    call.on('error', (err: ServiceError) => resolve(err));
    call.on('end', () => resolve(null));
  }).finally(() => raw.close());
  return { counts, done };
}

/** Asserts that `promise` rejects with gRPC status `code` and details matching `pattern`. */
export async function expectStatus(promise: Promise<unknown>, code: status, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (err: ServiceError) => {
    assert.equal(err.code, code, `status ${err.code} (${err.details}), expected ${code}`);
    assert.match(err.details, pattern);
    return true;
  });
}
