/** The bounded subscriber queue: overflow becomes counted EventsLost notices, never a stall. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import * as protoLoader from '@grpc/proto-loader';
import type { Event } from '../../src/api/generated/sctrace/v1/Event';
import { EventChunk } from '../../src/sessions/chunk';
import { Subscriber, type EventStream } from '../../src/sessions/subscriber';

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
