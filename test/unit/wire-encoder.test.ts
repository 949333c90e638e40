/**
 * The hand-compiled protobuf encoder (src/api/wire) against the reference, proto-loader's
 * serializer: whatever either writes must decode to the same message. Objects are built from the
 * loaded schema, so a field added to tracer.proto is covered without touching this test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MessageTypeDefinition } from '@grpc/proto-loader';
import { tracerPackageDefinition } from '../../src/api/proto';
import { EventEncoder } from '../../src/api/wire/events';
import { readSchemas, type Schemas } from '../../src/api/wire/descriptor';
import { ProtoWriter } from '../../src/api/wire/writer';
import type { Event } from '../../src/api/generated/sctrace/v1/Event';
import { EventChunk } from '../../src/traces/chunk';
import { UNICODE, sampleMessage } from '../helpers/messages';

const definition = tracerPackageDefinition();
const RESPONSE = 'sctrace.v1.StreamEventsResponse';
const responseType = definition[RESPONSE] as MessageTypeDefinition<object, object>;
const schemas: Schemas = readSchemas((definition['sctrace.v1.Event'] as MessageTypeDefinition<object, object>).fileDescriptorProtos);
const encoder = new EventEncoder(definition);

/** Decoded by the reference deserializer, as a client would see it. */
const decode = (bytes: Buffer) => responseType.deserialize(bytes);

function assertSameAsReference(message: { events: Event[] }, what: string): void {
  const reference = responseType.serialize(message);
  const ours = encoder.encodeResponse(message);
  assert.deepEqual(decode(ours), decode(reference), `${what}: decodes like the reference`);
  assert.deepEqual(decode(encoder.encodeEvents(message.events).bytes), decode(reference), `${what}: framed events decode like the reference`);
}

test('every field of every event kind and oneof member encodes like the reference', () => {
  const eventSchema = schemas.messages.get('sctrace.v1.Event')!;
  const kinds = eventSchema.fields.filter((f) => f.oneof !== null).length;
  for (let pick = 0; pick < Math.max(kinds, 3); pick++) {
    for (const variant of [0, 1, 2]) {
      const event = sampleMessage(schemas, eventSchema, variant, pick) as Event;
      assertSameAsReference({ events: [event] }, `kind #${pick} variant ${variant}`);
    }
  }
});

test('a oneof member holding its default value is still sent', () => {
  const cases: Event[] = [
    { sequence: 1, syscall: { decoded: [{ name: 'fd', uint: '0', value: 'uint' }] }, kind: 'syscall' },
    { sequence: 2, syscall: { decoded: [{ name: 'n', int: 0, value: 'int' }] }, kind: 'syscall' },
    { sequence: 3, syscall: { decoded: [{ name: 'path', str: '', value: 'str' }] }, kind: 'syscall' },
    { sequence: 4, fork: {}, kind: 'fork' },
    { sequence: 5, lost: { count: 0, where: '' }, kind: 'lost' },
  ];
  assertSameAsReference({ events: cases }, 'defaults in oneofs');
  const decoded = decode(encoder.encodeResponse({ events: cases })) as { events: Event[] };
  assert.equal(decoded.events[0].syscall?.decoded?.[0].value, 'uint');
  assert.equal(decoded.events[2].syscall?.decoded?.[0].value, 'str');
  assert.equal(decoded.events[3].kind, 'fork');
});

test('64-bit values: strings, numbers, bigints and Long-like objects, signed and unsigned', () => {
  const values: unknown[] = [
    '0',
    '1',
    '127',
    '128',
    '4294967295',
    '4294967296',
    '9007199254740991',
    '9007199254740993',
    '123456789012345678',
    '18446744073709551615',
    '-1',
    '-2',
    '-4294967296',
    '-9223372036854775808',
    '9223372036854775807',
    12345,
    -7,
    2 ** 40 + 3,
    18446744073709551615n,
    -3n,
    { low: -1, high: -1, unsigned: true },
    { low: 5, high: 1, unsigned: false },
  ];
  let seed = 7;
  for (let i = 0; i < 200; i++) {
    seed = (seed * 48271) % 2147483647;
    const big = (BigInt(seed) << 33n) ^ BigInt(seed * 31);
    values.push(big.toString(), (-big).toString(), (big >> BigInt(i % 60)).toString());
  }
  const negative = (v: unknown) => (typeof v === 'object' && v !== null ? false : String(v).startsWith('-'));
  for (const v of values) {
    // Negative values go to signed fields only: protobufjs turns a negative number in an
    // unsigned field into 0, a case no caller has.
    const u = negative(v) ? '1' : v;
    const event = {
      sequence: u,
      timestamp_ns: u,
      syscall: { args: [u, u, '0'], ret: v, duration_ns: u, decoded: [{ int: v, value: 'int' }, { uint: u, value: 'uint' }] },
      kind: 'syscall',
    } as unknown as Event;
    assertSameAsReference({ events: [event] }, `value ${String(v)} (${typeof v})`);
  }
});

test('bodies over 127 bytes and over 16 KiB get multi-byte lengths', () => {
  for (const len of [120, 127, 128, 200, 16_383, 16_384, 70_000, 2_100_000]) {
    const event: Event = { sequence: len, syscall: { name: 'write', decoded: [{ name: 'buf', str: 'é'.repeat(len / 2) + 'a'.repeat(len % 2), value: 'str' }] }, kind: 'syscall' };
    assertSameAsReference({ events: [event, { sequence: len + 1, kind: 'fork', fork: { child_pid: 9 } }] }, `string of ${len} bytes`);
  }
});

test('framed events concatenate to the response and ends mark each event', () => {
  const events: Event[] = Array.from({ length: 50 }, (_, i) => ({
    sequence: i + 1,
    timestamp_ns: String(1764000000000000000n + BigInt(i)),
    task: { pid: 100 + i, tid: 100 + i, comm: i % 2 ? 'cat' : UNICODE.slice(0, 5), cgroup_id: '77' },
    syscall: { nr: i, name: `sys${i}`, args: ['1', '2'], ret: String(-i), decoded: [{ name: 'p', str: 'x'.repeat(i * 5), value: 'str' }] },
    kind: 'syscall',
  }));
  const { bytes, ends } = encoder.encodeEvents(events);
  assert.deepEqual(bytes, encoder.encodeResponse({ events }));
  assert.equal(ends.length, events.length);
  assert.equal(ends[ends.length - 1], bytes.length);
  for (let i = 0; i < events.length; i++) {
    const one = bytes.subarray(i === 0 ? 0 : ends[i - 1], ends[i]);
    const decoded = decode(one) as { events: { sequence: string }[] };
    assert.equal(decoded.events.length, 1);
    assert.equal(decoded.events[0].sequence, String(i + 1));
  }
  // Cut into runs of at most 400 bytes (an event larger than that alone): the same bytes.
  const runs: Buffer[] = [];
  for (let from = 0; from < events.length; ) {
    const run = encoder.encodeEvents(events, undefined, from, 400);
    assert.ok(run.next > from, 'every run takes at least one event');
    assert.ok(run.bytes.length <= 400 || run.next === from + 1, `run [${from}, ${run.next}) of ${run.bytes.length} bytes`);
    assert.ok(run.next === events.length || run.bytes.length + (ends[run.next] - ends[run.next - 1]) > 400, 'each run is as long as fits');
    assert.equal(run.ends.length, run.next - from);
    runs.push(run.bytes);
    from = run.next;
  }
  assert.ok(runs.length > 2);
  assert.deepEqual(Buffer.concat(runs), bytes);
  const chunk = new EventChunk(bytes, ends, 50);
  assert.equal(chunk.endWithin(0, 50, bytes.length), 50);
  assert.equal(chunk.endWithin(10, 20, 0), 11, 'an oversized event goes out alone');
  const end = chunk.endWithin(5, 50, 300);
  assert.ok(ends[end - 1] - ends[4] <= 300 && (end === 50 || ends[end] - ends[4] > 300), 'largest run within the byte budget');
});

test('strings: ASCII fast path, non-ASCII and lone surrogates', () => {
  const w = new ProtoWriter(4);
  for (const s of ['', 'a', 'abc'.repeat(50), UNICODE, `${'a'.repeat(100)}é`]) {
    w.reset();
    w.string(s);
    const expected = Buffer.from(s, 'utf8');
    const len = expected.length;
    const prefix = len < 128 ? 1 : 2;
    assert.deepEqual(w.copy().subarray(prefix), expected, JSON.stringify(s));
  }
  // Documented difference: a lone surrogate becomes U+FFFD, as Buffer writes it.
  w.reset();
  w.string('a\ud800b');
  assert.equal(w.copy().subarray(1).toString('utf8'), 'a\ufffdb');
});

test('malformed 64-bit strings are refused', () => {
  const w = new ProtoWriter();
  for (const bad of ['', '-', '12a', '1.5', '123456789012345678901']) assert.throws(() => w.set64(bad), TypeError, bad);
});

test('a frozen Task shared by consecutive events is written as encoded the first time; an unfrozen one is encoded each time', () => {
  const frozen = Object.freeze({ pid: 7, tid: 8, ppid: 1, uid: 1000, gid: 1000, comm: 'shared', cgroup_id: '12345678901234567' });
  const other = Object.freeze({ pid: 9, tid: 9, comm: 'other', cgroup_id: '1' });
  const events: Event[] = [1, 2, 3].map((sequence) => ({ sequence, task: sequence === 2 ? other : frozen, kind: 'fork', fork: { child_pid: sequence } }));
  assertSameAsReference({ events }, 'frozen tasks, one of them twice around another');
  // A mutable task changed between two encodings is encoded as it is now.
  const mutable = { pid: 1, comm: 'before' };
  encoder.encodeEvents([{ sequence: 1, task: mutable, kind: 'fork', fork: {} }]);
  mutable.comm = 'after';
  const decoded = decode(encoder.encodeEvents([{ sequence: 2, task: mutable, kind: 'fork', fork: {} }]).bytes) as { events: Event[] };
  assert.equal(decoded.events[0].task?.comm, 'after');
  // A long task (its bytes need more than the memo's first buffer) round-trips too.
  const long = Object.freeze({ pid: 1, comm: 'é'.repeat(200) });
  assertSameAsReference({ events: [1, 2].map((sequence) => ({ sequence, task: long, kind: 'fork' as const, fork: {} })) }, 'a long frozen task twice');
});
