/** The bounded subscriber queue: overflow becomes counted EventsLost notices, never a stall. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import * as protoLoader from '@grpc/proto-loader';
import type { Event } from '../../src/api/generated/sctrace/v1/Event';
import { EventChunk } from '../../src/traces/chunk';
import { Subscriber, type EventStream } from '../../src/traces/subscriber';

/** Decodes what the subscriber writes (serialized StreamEventsResponses), 64-bit values as numbers. */
const decodeResponse = (() => {
  const definition = protoLoader.loadSync('sctrace/v1/tracer.proto', {
    keepCase: true,
    longs: Number,
    enums: String,
    oneofs: true,
    includeDirs: [path.resolve(__dirname, '../../../proto')],
  });
  const type = definition['sctrace.v1.StreamEventsResponse'] as protoLoader.MessageTypeDefinition<object, object>;
  return (bytes: Buffer) => (type.deserialize(bytes) as { events: Event[] }).events;
})();

/** A stream the test controls: it accepts writes until told it is full. */
class ControlledStream implements EventStream {
  written: Event[][] = [];
  full = false;
  ended = false;
  failedWith: Error | undefined;
  private drain: (() => void) | undefined;
  write(message: Buffer): boolean {
    this.written.push(decodeResponse(message));
    return !this.full;
  }
  once(_event: 'drain', listener: () => void): unknown {
    this.drain = listener;
    return this;
  }
  end(): void {
    this.ended = true;
  }
  fail(error: Error): void {
    this.failedWith = error;
  }
  release(): void {
    this.full = false;
    const d = this.drain;
    this.drain = undefined;
    d?.();
  }
  all(): Event[] {
    return this.written.flat();
  }
}

const tick = () => new Promise((r) => setImmediate(r));
const events = (from: number, n: number): EventChunk =>
  EventChunk.of(Array.from({ length: n }, (_, i) => ({ sequence: from + i, kind: 'syscall', syscall: { name: 'getpid' } })));

test('overflow is dropped, counted, and announced before the next delivered event', async () => {
  const stream = new ControlledStream();
  const sub = new Subscriber('s1', 'test', stream, { queueEvents: 10, batchEvents: 4, batchBytes: 1 << 20 });
  stream.full = true;
  sub.offer(events(1, 1));
  await tick(); // event 1 written, transport now "full"
  sub.offer(events(2, 25)); // 10 fit in the queue, 15 are dropped
  await tick();
  assert.equal(sub.counts().lost, 15);
  stream.release();
  await tick();
  sub.offer(events(27, 2));
  sub.finish();
  for (let i = 0; i < 5; i++) await tick();
  const seen = stream.all();
  const seqs = seen.map((e) => Number(e.sequence));
  assert.deepEqual(seqs, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 26, 27, 28]);
  const notice = seen[11];
  assert.equal(notice.kind, 'lost');
  assert.deepEqual(notice.lost, { count: 15, where: 'subscriber' });
  assert.ok(stream.ended, 'finish() ends the stream after the queue is flushed');
  assert.equal(sub.counts().delivered, seen.length);
  assert.ok(stream.written.every((b) => b.length <= 4), 'batches respect batchEvents');
});

test('batches are cut by size so a message stays under the client limit', async () => {
  const stream = new ControlledStream();
  const sub = new Subscriber('s1', 'test', stream, { queueEvents: 100, batchEvents: 100, batchBytes: 10_000 });
  const big: Event[] = Array.from({ length: 10 }, (_, i) => ({
    sequence: i + 1,
    kind: 'syscall',
    syscall: { decoded: [{ name: 'filename', str: 'x'.repeat(4000) }] },
  }));
  sub.offer(EventChunk.of(big));
  await tick();
  assert.ok(stream.written.length >= 4, `${stream.written.length} messages`);
  assert.equal(stream.all().length, 10);
});

test('a failed trace ends the stream with its error after flushing', async () => {
  const stream = new ControlledStream();
  const sub = new Subscriber('s1', 'test', stream, { queueEvents: 10, batchEvents: 10, batchBytes: 1 << 20 });
  sub.offer(events(1, 3));
  sub.finish(new Error('boom'));
  await tick();
  assert.equal(stream.all().length, 3);
  assert.equal(stream.failedWith?.message, 'boom');
  assert.equal(stream.ended, false);
});

test('the byte limit drops and announces like the event limit; an empty queue takes one event however large', async () => {
  const stream = new ControlledStream();
  const sub = new Subscriber('s1', 'test', stream, { queueEvents: 100, queueBytes: 3000, batchEvents: 100, batchBytes: 1 << 20 });
  const big = (seq: number): Event => ({ sequence: seq, kind: 'syscall', syscall: { decoded: [{ name: 'buf', str: 'x'.repeat(1000), value: 'str' }] } });
  stream.full = true;
  sub.offer(EventChunk.of([big(1)]));
  await tick(); // written; the transport is now "full"
  sub.offer(EventChunk.of([big(2), big(3), big(4), big(5)])); // two fit in 3000 bytes
  assert.equal(sub.counts().lost, 2);
  stream.release();
  await tick();
  sub.offer(EventChunk.of([{ sequence: 6, timestamp_ns: '1', task: { pid: 1 } }]));
  sub.finish();
  for (let i = 0; i < 5; i++) await tick();
  const seqs = stream.all().map((e) => Number(e.sequence));
  assert.deepEqual(seqs, [1, 2, 3, 5, 6]);
  assert.deepEqual(stream.all()[3].lost, { count: 2, where: 'subscriber' });
  const huge = new Subscriber('s2', 'test', new ControlledStream(), { queueEvents: 10, queueBytes: 10, batchEvents: 10, batchBytes: 1 << 20 });
  huge.offer(EventChunk.of([big(1), big(2)]));
  assert.equal(huge.counts().lost, 1, 'the first event is taken although it exceeds the byte limit');
});

test('trace loss notices are queued past a full queue; room() says what still fits', async () => {
  const stream = new ControlledStream();
  const sub = new Subscriber('s1', 'test', stream, { queueEvents: 3, batchEvents: 10, batchBytes: 1 << 20 });
  assert.equal(sub.room(), 3);
  sub.offer(events(1, 5));
  assert.equal(sub.room(), 0);
  sub.notify(EventChunk.of([{ sequence: 6, lost: { count: 9, where: 'kernel' }, kind: 'lost' }]));
  sub.finish();
  for (let i = 0; i < 3; i++) await tick();
  const seen = stream.all();
  assert.deepEqual(
    seen.map((e) => [Number(e.sequence), e.kind]),
    [
      [1, 'syscall'],
      [2, 'syscall'],
      [3, 'syscall'],
      [5, 'lost'],
      [6, 'lost'],
    ],
  );
  assert.deepEqual(seen[4].lost, { count: 9, where: 'kernel' });
  assert.equal(sub.room(), 0, 'a finished subscriber takes nothing');
});
