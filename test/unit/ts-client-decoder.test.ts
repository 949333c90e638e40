/**
 * The TypeScript client's compiled decoder (clients/ts/decoder.ts) against the reference,
 * protobufjs through proto-loader: for any bytes either side writes, the decoded objects must be
 * identical (same fields, same defaults, same 64-bit strings, same oneof naming).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MessageTypeDefinition } from '@grpc/proto-loader';
import { tracerPackageDefinition } from '../../src/api/proto';
import { EventEncoder } from '../../src/api/wire/events';
import { readSchemas } from '../../src/api/wire/descriptor';
import { ProtoWriter } from '../../src/api/wire/writer';
import type { Event } from '../../src/api/generated/sctrace/v1/Event';
import { compileDecoders } from '../../clients/ts/decoder';
import { UNICODE, sampleMessage } from '../helpers/messages';

const definition = tracerPackageDefinition();
const RESPONSE = 'sctrace.v1.StreamEventsResponse';
const responseType = definition[RESPONSE] as MessageTypeDefinition<object, object>;
const schemas = readSchemas((definition['sctrace.v1.Event'] as MessageTypeDefinition<object, object>).fileDescriptorProtos);
const decoders = compileDecoders(schemas, [RESPONSE, 'sctrace.v1.TraceInfo']);
const decode = decoders.get(RESPONSE)!;
const encoder = new EventEncoder(definition);

function assertLikeReference(bytes: Buffer, what: string): void {
  assert.deepStrictEqual(decode(bytes), responseType.deserialize(bytes), what);
}

test('every field of every event kind and oneof member decodes like protobufjs', () => {
  const eventSchema = schemas.messages.get('sctrace.v1.Event')!;
  const kinds = eventSchema.fields.filter((f) => f.oneof !== null).length;
  for (let pick = 0; pick < Math.max(kinds, 3); pick++) {
    for (const variant of [0, 1, 2]) {
      const event = sampleMessage(schemas, eventSchema, variant, pick) as Event;
      assertLikeReference(responseType.serialize({ events: [event, {}] }), `kind #${pick} variant ${variant}, protobufjs bytes`);
      assertLikeReference(encoder.encodeResponse({ events: [event] }), `kind #${pick} variant ${variant}, service encoder bytes`);
    }
  }
  const heartbeat = sampleMessage(schemas, schemas.messages.get(RESPONSE)!, 2, 0);
  assertLikeReference(responseType.serialize({ ...heartbeat, events: [] }), 'heartbeat fields');
  const info = sampleMessage(schemas, schemas.messages.get('sctrace.v1.TraceInfo')!, 0, 0);
  const infoType = definition['sctrace.v1.TraceInfo'] as MessageTypeDefinition<object, object>;
  const infoBytes = infoType.serialize(info);
  assert.deepStrictEqual(decoders.get('sctrace.v1.TraceInfo')!(infoBytes), infoType.deserialize(infoBytes), 'any message reachable from a root');
});

test('64-bit values decode to the same decimal strings, signed and unsigned, across the whole range', () => {
  const values = ['0', '1', '127', '128', '4294967295', '4294967296', '9007199254740991', '9007199254740992', '9007199254740993', '10000000000000000', '99999999999999999', '1764000000123456789', '18446744073709551615'];
  let seed = 11;
  for (let i = 0; i < 500; i++) {
    seed = (seed * 48271) % 2147483647;
    const big = ((BigInt(seed) << 33n) ^ BigInt(seed * 31)) & ((1n << 64n) - 1n);
    values.push(big.toString(), (big >> BigInt(i % 64)).toString());
  }
  for (const u of values) {
    const signed = BigInt.asIntN(64, BigInt(u)).toString();
    const event = { sequence: u, timestamp_ns: u, syscall: { args: [u, '0', u], ret: signed, duration_ns: u, decoded: [{ int: signed, value: 'int' }, { uint: u, value: 'uint' }] }, kind: 'syscall' };
    const bytes = responseType.serialize({ events: [event] });
    assertLikeReference(bytes, `value ${u}`);
    const ours = decode(bytes) as { events: Event[] };
    assert.equal(ours.events[0].syscall?.ret, signed);
  }
});

test('strings that repeat between messages are recognised, and a changed one is not mistaken for it', () => {
  const names = ['cat', 'cut', 'cat', UNICODE, 'a'.repeat(32), 'a'.repeat(31) + 'b', 'x'.repeat(200), 'cat', ''];
  for (const comm of names) {
    const bytes = encoder.encodeResponse({ events: [{ sequence: 1, task: { comm }, syscall: { name: comm, decoded: [{ name: comm, str: comm, value: 'str' }] }, kind: 'syscall' }] });
    const ours = decode(bytes) as { events: Event[] };
    assert.equal(ours.events[0].task?.comm, comm);
    assert.equal(ours.events[0].syscall?.decoded?.[0].str, comm);
  }
});

test('unknown fields are skipped, packed and unpacked repeated scalars both read', () => {
  const event = { sequence: 9, syscall: { name: 'read', args: ['1', '2', '3'] }, kind: 'syscall' };
  const plain = responseType.serialize({ events: [event] });
  // Event field 99 of each wire type, appended to the event's body.
  const extra = Buffer.from([0x98, 0x06, 0x96, 0x01, 0x99, 0x06, 1, 2, 3, 4, 5, 6, 7, 8, 0x9a, 0x06, 2, 0x41, 0x42, 0x9d, 0x06, 1, 2, 3, 4]);
  const body = plain.subarray(2);
  const withUnknown = Buffer.concat([Buffer.from([0x0a, body.length + extra.length]), body, extra]);
  assert.deepStrictEqual(decode(withUnknown), decode(plain));
  // SyscallEvent.args (field 3) unpacked: one tag per element.
  const w = new ProtoWriter();
  w.byte(0x0a); // StreamEventsResponse.events
  const ev = w.reserve();
  w.byte(0x52); // Event.syscall (10)
  const sc = w.reserve();
  for (const v of [1, 2, 131]) {
    w.byte(0x18);
    w.varint32(v);
  }
  w.finish(sc);
  w.finish(ev);
  const decoded = decode(w.copy()) as { events: Event[] };
  assert.deepEqual(decoded.events[0].syscall?.args, ['1', '2', '131']);
});

test('truncated or overrunning input is an error, never a half-decoded message', () => {
  const bytes = encoder.encodeResponse({
    events: [{ sequence: 1, task: { comm: 'cat', pid: 4 }, syscall: { name: 'openat', args: ['1'], decoded: [{ name: 'filename', str: '/etc/hostname', value: 'str' }] }, kind: 'syscall' }],
  });
  for (let cut = 1; cut < bytes.length; cut++) {
    assert.throws(() => decode(bytes.subarray(0, cut)), /decode: /, `cut at ${cut} of ${bytes.length}`);
  }
});
