/** `sctrace export` command line: its own options taken out, the rest left for the trace options. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExportArgs } from '../../clients/cli/export';
import { subjectToken, traceSubject } from '../../clients/export/jetstream';

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
