/**
 * The retention window and the subscriber cursors over it: gap-free sequence numbers, exact loss
 * notices when the window drops what a stream has not sent (announced as soon as the transport
 * has room), starts from a given sequence, batches cut by count and size, heartbeats.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import * as protoLoader from '@grpc/proto-loader';
import type { Event } from '../../src/api/generated/sctrace/v1/Event';
import { EventChunk } from '../../src/traces/chunk';
import { RetentionWindow } from '../../src/traces/retention';
import { RetentionBudget } from '../../src/traces/retention-budget';
import { Subscriber, type EventStream, type SubscriberLimits } from '../../src/traces/subscriber';

interface Response {
  events: Event[];
  latest_sequence: number;
  queued_events: number;
  first_retained_sequence: number;
  heartbeat_interval_ms: number;
}

/** Decodes what the subscriber writes (serialized StreamEventsResponses), 64-bit values as numbers. */
const decodeResponse = (() => {
  const definition = protoLoader.loadSync('sctrace/v1/tracer.proto', {
    keepCase: true,
    longs: Number,
    enums: String,
    oneofs: true,
    defaults: true,
    includeDirs: [path.resolve(__dirname, '../../../proto')],
  });
  const type = definition['sctrace.v1.StreamEventsResponse'] as protoLoader.MessageTypeDefinition<object, object>;
  return (bytes: Buffer) => type.deserialize(bytes) as Response;
})();

/** A stream the test controls: it accepts writes until told it is full. */
class ControlledStream implements EventStream {
  written: Response[] = [];
  /** The messages as written, to check later that they did not change. */
  raw: Buffer[] = [];
  /** Callbacks of writes the "transport" still holds (run by done()). */
  private held: (() => void)[] = [];
  full = false;
  ended = false;
  failedWith: Error | undefined;
  private drain: (() => void) | undefined;
  write(message: Buffer, written?: () => void): boolean {
    this.raw.push(message);
    if (written) this.held.push(written);
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
  /** The transport is done with everything written so far. */
  done(): void {
    for (const f of this.held.splice(0)) f();
  }
  all(): Event[] {
    return this.written.flatMap((r) => r.events);
  }
  batches(): Event[][] {
    return this.written.filter((r) => r.events.length > 0).map((r) => r.events);
  }
  heartbeats(): Response[] {
    return this.written.filter((r) => r.events.length === 0);
  }
}

const tick = () => new Promise((r) => setImmediate(r));
const ticks = async (n = 5) => {
  for (let i = 0; i < n; i++) await tick();
};
const LIMITS: SubscriberLimits = { batchEvents: 1000, batchBytes: 1 << 20, heartbeatMs: 60_000 };

/** A window fed like a trace feeds it: consecutive numbers, events and loss notices. */
class Feed {
  readonly window: RetentionWindow;
  constructor(limitBytes: number, keptNotices?: number, budget?: RetentionBudget) {
    this.window = new RetentionWindow(limitBytes, budget, keptNotices);
  }
  events(n: number, payload = 0): void {
    const from = this.window.latest + 1;
    const batch: Event[] = Array.from({ length: n }, (_, i) => ({
      sequence: from + i,
      kind: 'syscall',
      syscall: { name: 'getpid', decoded: payload ? [{ name: 'buf', str: 'x'.repeat(payload), value: 'str' }] : [] },
    }));
    this.window.append(EventChunk.of(batch, this.window));
  }
  lost(count: number, where: 'kernel' | 'decode' = 'kernel'): void {
    this.window.append(EventChunk.lost(this.window.latest + 1, { count, where }));
  }
}

/** Events received + events announced lost (what a client's accounting adds up). */
function accounted(events: Event[]): number {
  return events.reduce((n, e) => n + (e.kind === 'lost' ? Number(e.lost!.count) : 1), 0);
}

function sequences(events: Event[]): number[] {
  return events.map((e) => Number(e.sequence));
}

test('a stream starts with a heartbeat and sends the window from its start sequence, in batches', async () => {
  const feed = new Feed(1 << 20);
  feed.events(25);
  const stream = new ControlledStream();
  const sub = new Subscriber('s1', 'test', stream, { ...LIMITS, batchEvents: 4 }, feed.window, 11);
  sub.start();
  await ticks();
  const { server_time_ns: serverTime, ...first } = stream.written[0] as Response & { server_time_ns: number };
  assert.ok(Math.abs(serverTime / 1e6 - Date.now()) < 5000, 'server_time_ns is now');
  assert.deepEqual(
    { ...first, events: first.events.length },
    { events: 0, latest_sequence: 25, queued_events: 15, first_retained_sequence: 1, heartbeat_interval_ms: 60_000 },
    'the first response is a heartbeat saying where the trace stands',
  );
  assert.deepEqual(sequences(stream.all()), Array.from({ length: 15 }, (_, i) => 11 + i));
  assert.ok(stream.batches().every((b) => b.length <= 4), 'batches respect batchEvents');
  feed.events(3);
  sub.wake();
  sub.finish();
  await ticks();
  assert.deepEqual(sequences(stream.all()).slice(-3), [26, 27, 28]);
  assert.ok(stream.ended, 'finish() ends the stream once the window is sent');
  assert.equal(sub.counts().delivered, 18);
});

test('batches are cut by size so a message stays under the client limit', async () => {
  const feed = new Feed(1 << 20);
  feed.events(10, 4000);
  const stream = new ControlledStream();
  const sub = new Subscriber('s1', 'test', stream, { ...LIMITS, batchBytes: 10_000 }, feed.window, 1);
  sub.start();
  await ticks();
  assert.ok(stream.batches().length >= 4, `${stream.batches().length} messages`);
  assert.equal(stream.all().length, 10);
});

test('a paused stream that the window leaves behind is told exactly what it lost as soon as it has room, with no new event needed', async () => {
  const feed = new Feed(64 << 10);
  const stream = new ControlledStream();
  // One chunk per batch: the messages written are single ranges of the window's memory.
  const sub = new Subscriber('s1', 'test', stream, { ...LIMITS, batchEvents: 50 }, feed.window, 1);
  sub.start();
  stream.full = true; // the first heartbeat went out; the transport is now "full"
  for (let i = 0; i < 20; i++) {
    feed.events(50, 100); // ~8 KB per chunk: the 64 KiB window holds about 8
    if (i === 5) feed.lost(7, 'kernel');
    if (i === 6) feed.lost(3, 'decode');
    sub.wake();
  }
  await ticks();
  assert.ok(feed.window.first > 500, `the window dropped the oldest events (first retained ${feed.window.first})`);
  const before = stream.all().length;
  stream.release(); // room again; the trace stays quiet
  await ticks();
  const seen = stream.all();
  assert.ok(seen.length > before);
  // A kernel and a decode notice kept from the dropped range, then one subscriber notice.
  const notices = seen.filter((e) => e.kind === 'lost').map((e) => [e.lost!.where, Number(e.lost!.count)]);
  assert.deepEqual(notices.slice(0, 2), [['kernel', 7], ['decode', 3]]);
  assert.equal(notices[2][0], 'subscriber');
  assert.equal(accounted(seen), 20 * 50 + 7 + 3, 'received + announced = produced');
  assert.equal(sub.counts().lost, notices[2][1]);
  const seqs = sequences(seen);
  for (let i = 1; i < seqs.length; i++) assert.ok(seqs[i] > seqs[i - 1], 'sequence numbers only grow');
  assert.equal(seqs.at(-1), feed.window.latest);
  const resumed = seen.findIndex((e) => e.lost?.where === 'subscriber') + 1;
  assert.equal(seqs[resumed], feed.window.first, 'after the notice, the oldest retained event');
  assert.deepEqual(seqs.slice(resumed), Array.from({ length: feed.window.latest - feed.window.first + 1 }, (_, i) => feed.window.first + i));
});

test('a trace stopped while its stream is paused and left behind by the window ends the stream only after the loss notice and the rest of the window', async () => {
  const feed = new Feed(64 << 10);
  const stream = new ControlledStream();
  const sub = new Subscriber('s1', 'test', stream, { ...LIMITS, batchEvents: 50 }, feed.window, 1);
  stream.full = true; // the client holds the stream paused from its first message on
  sub.start();
  for (let i = 0; i < 20; i++) {
    feed.events(50, 100);
    sub.wake();
  }
  await ticks();
  assert.ok(feed.window.dropped(0), 'the window dropped the chunk the stream was reading');
  sub.finish(); // StopTrace while the client holds the stream paused
  await ticks();
  assert.ok(!stream.ended, 'the stream does not end with the notice and the window unsent');
  stream.release();
  await ticks();
  assert.ok(stream.ended, 'the stream ends once it has sent them');
  const seen = stream.all();
  assert.equal(accounted(seen), 20 * 50, 'received + announced = produced');
  assert.equal(sequences(seen).at(-1), feed.window.latest, 'the last event of the window was sent');
});

test("a window's slabs are reused as it turns over, but not while a transport holds a message written from them", async () => {
  const limit = 1 << 20;
  const feed = new Feed(limit);
  const slabBytes = feed.window.pool.slabBytes;
  assert.ok(limit >= 16 * slabBytes, 'a window this size fills slabs');
  const stream = new ControlledStream();
  const sub = new Subscriber('s1', 'test', stream, { ...LIMITS, batchEvents: 50 }, feed.window, 1);
  sub.start();
  // Paused: the window turns over, but the slabs of what was written stay as they are.
  for (let i = 0; i < 10; i++) {
    feed.events(50, 100);
    sub.wake();
    await tick();
  }
  stream.full = true;
  for (let i = 0; i < 300; i++) feed.events(50, 100); // ~2.5 MB through a 1 MiB window
  assert.ok(feed.window.first > 500, 'the window turned over');
  assert.deepEqual(stream.raw.map(decodeResponse), stream.written, 'written messages did not change');
  assert.ok(feed.window.retainedBytes <= limit, `${feed.window.retainedBytes} bytes held, the limit is ${limit}`);
  assert.equal(feed.window.retainedBytes % slabBytes, (feed.window.latest - feed.window.first + 1) / 50 * 160 % slabBytes, 'memory is counted in whole slabs (and each chunk\'s objects)');
  // Once the transport lets go, turning the window over many more times takes no new memory.
  stream.release();
  stream.done();
  const slabs = feed.window.pool.slabCount;
  for (let i = 0; i < 300; i++) {
    feed.events(50, 100);
    sub.wake();
    await tick();
    stream.done();
  }
  assert.ok(feed.window.pool.slabCount <= slabs + 1, `${feed.window.pool.slabCount} slabs, ${slabs} before`);
  assert.ok(feed.window.pool.slabCount <= limit / slabBytes + 1, 'bounded by the window');
});

test('the budget bounds the memory of every window together: whole slabs, the free ones included; an ended trace gives way first and its slabs serve the others', () => {
  const limit = 4 << 20;
  const budget = new RetentionBudget(limit);
  const { slabBytes } = budget.pool;
  const allocated = () => budget.pool.slabCount * slabBytes;
  // Each may hold 3 MiB: together they would hold more than the budget.
  const [a, b] = [new Feed(3 << 20, undefined, budget), new Feed(3 << 20, undefined, budget)];
  const quiet = new Feed(3 << 20, undefined, budget);
  quiet.events(5, 100);
  for (let i = 0; i < 800; i++) {
    (i % 2 ? a : b).events(50, 100); // ~8 KB each
    assert.ok(allocated() <= limit, `${allocated()} bytes of slabs after append ${i}, the budget is ${limit}`);
    assert.ok(budget.retainedBytes <= limit, `${budget.retainedBytes} bytes counted, the budget is ${limit}`);
  }
  assert.equal(budget.retainedBytes, a.window.retainedBytes + b.window.retainedBytes + quiet.window.retainedBytes + budget.pool.freeBytes);
  // Besides whole slabs, a window counts 160 bytes of objects per chunk (of 50 events here).
  const inSlabs = (f: Feed) => f.window.retainedBytes - ((f.window.latest - f.window.first + 1) / 50) * 160;
  assert.equal((inSlabs(a) + inSlabs(b)) % slabBytes, 0);
  assert.ok(allocated() >= inSlabs(a) + inSlabs(b), 'what the windows count is memory they hold');
  assert.equal(quiet.window.first, 1, 'the quiet window kept its events');
  assert.ok(a.window.first > 1 && b.window.first > 1, 'the busy windows gave up their oldest');
  // An ended trace's window gives way first, down to nothing; its slabs go to the windows that grow.
  a.window.retired = true;
  const slabs = budget.pool.slabCount;
  const aFirst = a.window.first;
  for (let i = 0; i < 200; i++) b.events(50, 100);
  assert.ok(a.window.first > aFirst, "the ended trace's window gave way");
  assert.ok(b.window.retainedBytes > (3 << 20) - 4 * slabBytes, `the growing window has about its limit (${b.window.retainedBytes})`);
  assert.ok(budget.pool.slabCount <= slabs, `no new slab: ${budget.pool.slabCount}, ${slabs} before`);
  // Under more pressure it is emptied, its last slab included.
  const c = new Feed(4 << 20, undefined, budget);
  for (let i = 0; i < 300; i++) c.events(50, 100);
  assert.equal(a.window.retainedBytes, 0, "the ended trace's window was emptied");
  assert.equal(a.window.first, a.window.latest + 1);
  assert.ok(allocated() <= limit);
  // A forgotten window gives its slabs back; at most a sixteenth of the budget stays free.
  b.window.release();
  assert.ok(budget.pool.freeBytes <= Math.max(2 * slabBytes, limit / 16), `${budget.pool.freeBytes} bytes free`);
  assert.equal(budget.retainedBytes, quiet.window.retainedBytes + a.window.retainedBytes + c.window.retainedBytes + budget.pool.freeBytes);
});

test('windows share the service-wide budget: the largest gives up its oldest chunks first, a quiet one keeps its events, a released one stops counting', async () => {
  const budget = new RetentionBudget(96 << 10);
  const [a, b, quiet] = [new Feed(64 << 10, undefined, budget), new Feed(64 << 10, undefined, budget), new Feed(64 << 10, undefined, budget)];
  quiet.events(5, 100);
  quiet.events(5, 100);
  const quietBytes = quiet.window.retainedBytes;
  for (let i = 0; i < 8; i++) a.events(50, 100); // ~52 KB: within its own limit and the budget
  assert.equal(a.window.first, 1, 'nothing dropped while the total fits');
  for (let i = 0; i < 8; i++) b.events(50, 100);
  const total = a.window.retainedBytes + b.window.retainedBytes + quiet.window.retainedBytes;
  assert.equal(budget.retainedBytes, total, 'the budget counts what the windows hold');
  assert.ok(total <= 96 << 10, `${total} bytes held, the budget is ${96 << 10}`);
  assert.ok(a.window.first > 1, 'the largest window gave up its oldest events');
  assert.equal(quiet.window.first, 1, 'the quiet window kept all it had');
  assert.equal(quiet.window.retainedBytes, quietBytes);
  assert.ok(Math.abs(a.window.retainedBytes - b.window.retainedBytes) <= 10 << 10, 'busy windows converge to even shares');
  // Room for a window: what the others leave of the budget, at least an even share.
  assert.ok(b.window.roomBytes >= Math.floor((96 << 10) / 3) && b.window.roomBytes <= 64 << 10);
  // A stopped trace's window gives way first, however small.
  quiet.window.retired = true;
  b.events(50, 100);
  assert.ok(quiet.window.first > 1, "the stopped trace's window gave up its events first");
  a.window.release();
  assert.equal(budget.retainedBytes, b.window.retainedBytes + quiet.window.retainedBytes, 'a released window no longer counts');
  for (let i = 0; i < 3; i++) b.events(50, 100);
  assert.ok(b.window.retainedBytes > 56_000, "the room it left is used by the others");
});

test('a paused stream whose window the budget shrinks for another trace is told exactly what it lost', async () => {
  const budget = new RetentionBudget(64 << 10);
  const mine = new Feed(64 << 10, undefined, budget);
  const other = new Feed(64 << 10, undefined, budget);
  const stream = new ControlledStream();
  const sub = new Subscriber('s1', 'test', stream, { ...LIMITS, batchEvents: 50 }, mine.window, 1);
  sub.start();
  stream.full = true;
  for (let i = 0; i < 6; i++) mine.events(50, 100);
  // The other trace's events push this window's oldest out; this trace itself stays quiet.
  for (let i = 0; i < 30; i++) other.events(50, 100);
  assert.ok(mine.window.first > 1, `the budget dropped events of the quiet trace (first retained ${mine.window.first})`);
  stream.release();
  await ticks();
  const seen = stream.all();
  const lost = seen.filter((e) => e.kind === 'lost');
  assert.equal(lost.length, 1);
  assert.equal(lost[0].lost!.where, 'subscriber');
  assert.equal(accounted(seen), 6 * 50, 'received + announced = produced');
  assert.equal(sequences(seen).at(-1), mine.window.latest);
});

test('a start older than the window gets one EventsLost "retention" (after the kept loss notices), then the window', async () => {
  const feed = new Feed(32 << 10);
  feed.events(100, 100);
  feed.lost(5);
  for (let i = 0; i < 10; i++) feed.events(100, 100);
  const first = feed.window.first;
  assert.ok(first > 102, `window starts at ${first}`);
  for (const from of [1, 50]) {
    const stream = new ControlledStream();
    const sub = new Subscriber('s', 'test', stream, LIMITS, feed.window, from);
    sub.start();
    sub.finish();
    await ticks();
    const seen = stream.all();
    const wantLost = first - from - (from <= 101 ? 1 : 0);
    if (from <= 101) {
      assert.deepEqual([seen[0].kind, Number(seen[0].sequence), seen[0].lost], ['lost', 101, { count: 5, where: 'kernel' }]);
      seen.shift();
    }
    assert.deepEqual([Number(seen[0].sequence), seen[0].lost], [first - 1, { count: wantLost, where: 'retention' }]);
    assert.equal(Number(seen[1].sequence), first);
    assert.equal(seen.length - 1, feed.window.latest - first + 1, 'then every retained event');
    assert.equal(sub.counts().lost, wantLost);
  }
});

test('beyond the kept-notice capacity, older loss notices are folded into one total per site', async () => {
  const feed = new Feed(16 << 10, 4);
  for (let i = 0; i < 10; i++) {
    feed.events(20, 100);
    feed.lost(i + 1);
  }
  for (let i = 0; i < 10; i++) feed.events(20, 100);
  const stream = new ControlledStream();
  const sub = new Subscriber('s', 'test', stream, LIMITS, feed.window, 1);
  sub.start();
  sub.finish();
  await ticks();
  const seen = stream.all();
  const kernel = seen.filter((e) => e.lost?.where === 'kernel').reduce((n, e) => n + Number(e.lost!.count), 0);
  assert.equal(kernel, 55, 'every kernel loss is still announced');
  assert.ok(seen.filter((e) => e.lost?.where === 'kernel').length < 10, 'some were folded');
  assert.equal(accounted(seen), 20 * 20 + 55);
});

test('a failed trace ends the stream with its error after the window', async () => {
  const feed = new Feed(1 << 20);
  feed.events(3);
  const stream = new ControlledStream();
  const sub = new Subscriber('s1', 'test', stream, LIMITS, feed.window, 1);
  sub.start();
  sub.finish(new Error('boom'));
  await ticks();
  assert.equal(stream.all().length, 3);
  assert.equal(stream.failedWith?.message, 'boom');
  assert.equal(stream.ended, false);
});

test('heartbeats come every heartbeatMs, and one that fell due while the transport was full follows the drain', async () => {
  const feed = new Feed(1 << 20);
  const stream = new ControlledStream();
  const sub = new Subscriber('s1', 'test', stream, { ...LIMITS, heartbeatMs: 100 }, feed.window, 1);
  sub.start();
  await new Promise((r) => setTimeout(r, 350));
  const quiet = stream.heartbeats().length;
  assert.ok(quiet >= 3 && quiet <= 5, `${quiet} heartbeats in 350 ms`);
  stream.full = true;
  feed.events(2);
  sub.wake();
  await ticks(); // the batch is written; the transport is now "full"
  const whileFull = stream.heartbeats().length;
  await new Promise((r) => setTimeout(r, 250));
  assert.equal(stream.heartbeats().length, whileFull, 'no heartbeat is written into a full transport');
  stream.release(); // the drain listener writes at once
  assert.equal(stream.heartbeats().length, whileFull + 1, 'the due heartbeat goes out on drain');
  assert.equal(stream.heartbeats().at(-1)!.latest_sequence, 2);
  sub.abandon();
  const after = stream.written.length;
  await new Promise((r) => setTimeout(r, 250));
  assert.equal(stream.written.length, after, 'an abandoned subscriber writes nothing');
});
