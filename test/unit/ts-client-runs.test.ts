/**
 * The event iterator's lazy form (clients/ts/event-run.ts, events.ts): a message located (its
 * events counted, the first and last sequence numbers read from the bytes) and decoded only when
 * the loop reaches it. The located figures must be the message's (protobufjs decoding it is the
 * reference), a run cut at a sequence must keep exactly the events from it on, and the iterator
 * must hand out every event once, in order, one at a time or a batch at a time, and end with
 * INTERNAL on bytes that do not decode.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { MessageTypeDefinition } from '@grpc/proto-loader';
import { status } from '@grpc/grpc-js';
import { tracerPackageDefinition } from '../../src/api/proto';
import { EventEncoder } from '../../src/api/wire/events';
import { readSchemas } from '../../src/api/wire/descriptor';
import type { Event } from '../../src/api/generated/sctrace/v1/Event';
import type { StreamEventsResponse__Output } from '../../src/api/generated/sctrace/v1/StreamEventsResponse';
import { compileDecoders } from '../../clients/ts/decoder';
import { locateEvents } from '../../clients/ts/event-run';
import { TraceEvents, type RunMessage } from '../../clients/ts/events';
import { RpcError, type FailureCause } from '../../clients/ts/errors';
import type { EventSubscription } from '../../clients/ts/subscription';
import { sampleMessage } from '../helpers/messages';

const definition = tracerPackageDefinition();
const RESPONSE = 'sctrace.v1.StreamEventsResponse';
const EVENT = 'sctrace.v1.Event';
const responseType = definition[RESPONSE] as MessageTypeDefinition<object, object>;
const schemas = readSchemas((definition[EVENT] as MessageTypeDefinition<object, object>).fileDescriptorProtos);
const decodeMessage = compileDecoders(schemas, [RESPONSE]).get(RESPONSE)!;
const encoder = new EventEncoder(definition);

/** Events of every kind and variant the sample generator makes, numbered from `first`. */
function sampleEvents(first: number): Event[] {
  const eventSchema = schemas.messages.get(EVENT)!;
  const kinds = eventSchema.fields.filter((f) => f.oneof !== null).length;
  const events: Event[] = [];
  for (let pick = 0; pick < kinds; pick++) {
    for (const variant of [0, 1, 2]) events.push({ ...(sampleMessage(schemas, eventSchema, variant, pick) as Event), sequence: first + events.length });
  }
  return events;
}

test('a located message has the events protobufjs decodes, numbered as they are; cut at a sequence it keeps those from it on', () => {
  const events = sampleEvents(41);
  // The service's encoder writes one-byte lengths for short events; protobufjs bytes carry longer ones and other fields.
  for (const bytes of [encoder.encodeResponse({ events }), responseType.serialize({ events, latest_sequence: 7 })]) {
    const run = locateEvents(bytes);
    const reference = (responseType.deserialize(bytes) as StreamEventsResponse__Output).events;
    assert.equal(run.length, reference.length);
    assert.equal(run.firstSequence, 41);
    assert.equal(run.lastSequence, 41 + reference.length - 1);
    assert.deepStrictEqual(run.decode(decodeMessage), reference);
    const cut = run.from(45);
    assert.equal(cut.length, reference.length - 4);
    assert.equal(cut.firstSequence, 45);
    assert.equal(cut.lastSequence, run.lastSequence);
    assert.deepStrictEqual(cut.decode(decodeMessage), reference.slice(4));
    assert.equal(run.from(41), run, 'nothing to cut: the same run');
    assert.equal(run.from(1_000).length, 0);
  }
});

test('broken framing is an error when located, a broken event when decoded', () => {
  const bytes = encoder.encodeResponse({ events: sampleEvents(100) });
  assert.throws(() => locateEvents(bytes.subarray(0, bytes.length - 1)), /runs past the message/, 'a truncated last event');
  // Event { sequence: 4, timestamp_ns: a truncated varint }: framed well, so located; its body does not decode.
  const broken = locateEvents(Buffer.from([0x0a, 0x04, 0x08, 0x04, 0x10, 0x80]));
  assert.equal(broken.length, 1);
  assert.equal(broken.firstSequence, 4);
  assert.throws(() => broken.decode(decodeMessage), /decode: /);
});

/** A stand-in for the subscription underneath: it emits what the test sends and records pause/resume/cancel. */
class FakeSubscription extends EventEmitter {
  paused = 0;
  resumed = 0;
  cancelled = 0;
  pause(): void {
    this.paused++;
  }
  resume(): void {
    this.resumed++;
  }
  cancel(): void {
    this.cancelled++;
    this.emit('error', new RpcError('StreamEvents', 'test', { code: status.CANCELLED, details: 'cancelled', message: '' }));
  }
  send(first: number, n: number): void {
    const events = Array.from({ length: n }, (_, i) => ({ sequence: first + i, task: { pid: 3, comm: 'cat' }, syscall: { nr: 110, name: 'getppid' }, kind: 'syscall' }) as Event);
    this.emit('data', { events: locateEvents(encoder.encodeResponse({ events })) } as RunMessage);
  }
}

const codec = { decodeMessage, rpcError: (rpc: string, cause: FailureCause) => new RpcError(rpc, 'test', cause) };

function iterator(highWaterMark?: number): { sub: FakeSubscription; events: TraceEvents } {
  const sub = new FakeSubscription();
  return { sub, events: new TraceEvents(sub as unknown as EventSubscription<RunMessage>, codec, highWaterMark) };
}

test('the iterator hands out every event once, in order, across messages queued and awaited; a backlog pauses the stream', async () => {
  const { sub, events } = iterator(100);
  sub.send(1, 60);
  sub.send(61, 60); // 120 waiting > 100: paused
  assert.equal(sub.paused, 1);
  const seen: number[] = [];
  const consumed = (async () => {
    for await (const e of events) seen.push(Number(e.sequence));
  })();
  await new Promise((r) => setImmediate(r));
  assert.equal(sub.resumed, 1, 'resumed once the backlog was taken');
  sub.send(121, 30); // while the loop waits
  sub.emit('end');
  await consumed;
  assert.deepEqual(seen, Array.from({ length: 150 }, (_, i) => i + 1));
});

test('batchesOf gives the rest of each message at a time; leaving its loop cancels the stream', async () => {
  const { sub, events } = iterator();
  sub.send(1, 10);
  sub.send(11, 5);
  const batches: number[][] = [];
  for await (const batch of events.batchesOf()) {
    batches.push(batch.map((e) => Number(e.sequence)));
    if (batches.length === 2) break;
  }
  assert.deepEqual(batches, [Array.from({ length: 10 }, (_, i) => i + 1), [11, 12, 13, 14, 15]]);
  assert.equal(sub.cancelled, 1);
});

test('an event that does not decode ends the iteration with INTERNAL and cancels the stream', async () => {
  const { sub, events } = iterator();
  sub.send(1, 3);
  // A well-framed event (sequence 4) whose timestamp is a truncated varint.
  sub.emit('data', { events: locateEvents(Buffer.from([0x0a, 0x04, 0x08, 0x04, 0x10, 0x80])) } as RunMessage);
  const seen: number[] = [];
  await assert.rejects(
    (async () => {
      for await (const e of events) seen.push(Number(e.sequence));
    })(),
    (err: RpcError) => err.code === status.INTERNAL && /decode: /.test(err.details),
  );
  assert.deepEqual(seen, [1, 2, 3]);
  assert.equal(sub.cancelled, 1);
});
