/** `sctrace export` command line: its own options taken out, the rest left for the trace options. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exportCommand, parseExportArgs } from '../../clients/cli/export';
import { decodeBatch, subjectToken, traceSubject } from '../../clients/export/jetstream';
import { piecesOf } from '../../clients/export/pump';
import { relayMessage } from '../../clients/export/source';
import { decodeStreamEventsResponse } from '../../clients/ts';
import { EventEncoder } from '../../src/api/wire/events';
import type { Event } from '../../src/api/generated/sctrace/v1/Event';

test('export options: --nats required and checked, --stream defaults to SCTRACE, the rest are trace options', () => {
  const args = parseExportArgs(['--nats', 'nats://127.0.0.1:4222', '-e', 'openat', '--pid=7', '--node=n1']);
  assert.notEqual(args, 'help');
  if (args === 'help') return;
  assert.equal(args.nats, 'nats://127.0.0.1:4222');
  assert.equal(args.stream, 'SCTRACE');
  assert.equal(args.node, 'n1');
  assert.deepEqual(args.rest, ['-e', 'openat', '--pid=7']);
  assert.equal(parseExportArgs(['--help']), 'help');
  assert.throws(() => parseExportArgs(['--pid', '7']), /--nats nats:\/\/HOST:PORT is required/);
  assert.throws(() => parseExportArgs(['--nats', 'localhost:4222']), /--nats "localhost:4222": use nats:\/\/HOST:PORT/);
  assert.throws(() => parseExportArgs(['--nats', 'nats://a:1', '--stream', 'a.b']), /--stream "a.b": letters, digits/);
  assert.throws(() => parseExportArgs(['--nats']), /--nats needs a value/);
});

test('subjects: sctrace.events.<node>.<trace_id>, a node name cannot split or wildcard the subject', () => {
  assert.equal(traceSubject('web-1.prod.example', 'abc'), 'sctrace.events.web-1_prod_example.abc');
  assert.equal(subjectToken('a*b>c d'), 'a_b_c_d');
  assert.equal(subjectToken(''), '_');
});

test('piecesOf: a message\'s events as its own bytes, cut at event boundaries, what the stream holds skipped', () => {
  const task = { pid: 7, tid: 7, ppid: 1, uid: 0, gid: 0, comm: 'x', cgroup_id: '1' };
  const events: Event[] = [];
  for (let seq = 1; seq <= 40; seq++) {
    events.push(seq % 10 === 0 ? { sequence: seq, lost: { count: 3, where: 'kernel' }, kind: 'lost' } : { sequence: seq, task, syscall: { nr: 110, name: 'getppid', ret: '1' }, kind: 'syscall' });
  }
  const message = new EventEncoder().encodeResponse({ events });
  // A field other than events (as heartbeats will be) between two events: left out, no harm.
  const cut = message.indexOf(0x0a, Math.floor(message.length / 2));
  const withOther = Buffer.concat([message.subarray(0, cut), Buffer.from([0x10, 0x05]), message.subarray(cut)]);
  const sequences = (bytes: Uint8Array) => decodeBatch(bytes).events.map((e) => Number(e.sequence));

  const relay = (bytes: Buffer) => relayMessage(bytes, decodeStreamEventsResponse);
  const whole = piecesOf(relay(message), 0, 1 << 20);
  assert.equal(whole.length, 1);
  assert.equal(Buffer.compare(Buffer.from(whole[0].bytes), message), 0, 'a message of events alone is published as it came');
  assert.deepEqual([whole[0].first, whole[0].last, whole[0].count, whole[0].lost], [1, 40, 40, 12]);

  const small = piecesOf(relay(withOther), 12, 200);
  assert.ok(small.length > 2 && small.every((p) => p.bytes.length <= 200), 'cut under the limit');
  assert.deepEqual(small.flatMap((p) => sequences(p.bytes)), events.slice(12).map((e) => Number(e.sequence)), 'every event once, in order, from 13');
  assert.deepEqual(sequences(Buffer.concat(small.map((p) => p.bytes))), events.slice(12).map((e) => Number(e.sequence)), 'pieces joined are a response again');
  assert.equal(small.reduce((n, p) => n + p.lost, 0), 9);
  assert.deepEqual(piecesOf(relay(message), 40, 1 << 20), []);
  // An event the subscription left out (it had delivered it before) cuts the run too.
  const gapped = relay(message);
  gapped.events = gapped.events.filter((e) => e.sequence !== 20);
  assert.deepEqual(piecesOf(gapped, 0, 1 << 20).map((p) => [p.first, p.last]), [[1, 19], [21, 40]]);
  assert.throws(() => piecesOf(relay(message), 0, 10), /event 1 alone is \d+ bytes, over NATS's 4106-byte message limit/);
});

test('export takes the credential options, with --trace too (a TLS or token sctraced is reachable)', async () => {
  const run = (argv: string[]) => exportCommand.run(argv, {});
  await assert.rejects(run(['--nats', 'nats://127.0.0.1:1', '--trace', '0123456789ab', '--server', '127.0.0.1:1', '--tls-ca', '/nonexistent/ca.pem']), /--tls-ca/);
  await assert.rejects(run(['--nats', 'nats://127.0.0.1:1', '--server', '127.0.0.1:1', '--pid', '1', '--tls-cert', '/nonexistent/c.pem']), /--tls-cert needs --tls-key/);
  await assert.rejects(run(['--nats', 'nats://127.0.0.1:1', '--trace', '0123456789ab', '--pid', '1']), /--trace joins a running trace: --pid 1 does not apply/);
});
