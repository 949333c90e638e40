/** sctraced's flags: defaults and the checks that stop a bad value at start. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import { ConfigError, DEFAULTS, listenerPlan, parseConfig } from '../../src/config/config';

const parse = (...args: string[]) => {
  const config = parseConfig(['--listen', 'unix:/tmp/x.sock', ...args]);
  assert.notEqual(config, 'help');
  return config as Exclude<ReturnType<typeof parseConfig>, 'help'>;
};

test('defaults: a 16 MiB ring woken at 1 MiB, a 5 ms drain timer, nice 10', () => {
  const config = parse();
  assert.equal(config.ringBytes, 16 << 20);
  assert.equal(config.wakeupBytes, 1 << 20);
  assert.equal(config.pollIntervalMs, 5);
  assert.equal(config.nice, 10);
  assert.equal(config.perSyscallMax, 16);
  assert.deepEqual({ ...config, listen: DEFAULTS.listen }, DEFAULTS);
});

test('--ring-mb sets the ring and its wakeup threshold; --nice takes -20..19', () => {
  const config = parse('--ring-mb', '8', '--nice', '0');
  assert.equal(config.ringBytes, 8 << 20);
  assert.equal(config.wakeupBytes, 512 << 10);
  assert.equal(config.nice, 0);
  assert.equal(parse('--nice=-5').nice, -5, 'a negative value needs the = form');
  assert.throws(() => parse('--nice', '20'), ConfigError);
  assert.throws(() => parse('--nice', 'x'), /--nice "x": not a whole number/);
  assert.throws(() => parse('--ring-mb', '3'), /power of two/);
});

test('--per-syscall-max takes 0..64', () => {
  assert.equal(parse('--per-syscall-max', '0').perSyscallMax, 0);
  assert.equal(parse('--per-syscall-max', '64').perSyscallMax, 64);
  assert.throws(() => parse('--per-syscall-max', '65'), /--per-syscall-max 65: out of range 0\.\.64/);
});

test('--log-format takes json or text; --metrics-listen takes HOST:PORT', () => {
  assert.equal(parse('--log-format', 'json').logFormat, 'json');
  assert.throws(() => parse('--log-format', 'xml'), /--log-format "xml": use json or text/);
  assert.throws(() => parse('--log-level', 'loud'), /--log-level "loud": use debug, info, warn or error/);
  assert.equal(parse('--metrics-listen', '[::]:9464').metricsListen, '[::]:9464');
  assert.throws(() => parse('--metrics-listen', '9464'), /--metrics-listen "9464": use HOST:PORT/);
});

const refuse = (pattern: RegExp, ...args: string[]) => assert.throws(() => parseConfig(args), pattern);

test('--listen is repeatable; each TCP address needs TLS or --insecure', () => {
  const config = parse('--listen', '127.0.0.1:7070', '--insecure');
  assert.deepEqual(config.listen, ['unix:/tmp/x.sock', '127.0.0.1:7070']);
  assert.deepEqual(listenerPlan(config).map((l) => l.transport), ['unix', 'tcp']);
  refuse(/a TCP address would serve trace data without TLS/, '--listen', '0.0.0.0:7070');
  refuse(/use unix:\/path or host:port/, '--listen', 'nowhere');
  assert.deepEqual(DEFAULTS.listen, ['unix:/run/sctrace/sctrace.sock']);
});

test('TLS combinations that would expose the service, or do nothing, are refused at start', () => {
  const tcp = ['--listen', '127.0.0.1:7070'];
  const mtls = parseConfig([...tcp, '--tls-cert', 'c.pem', '--tls-key', 'k.pem', '--tls-client-ca', 'ca.pem']);
  assert.notEqual(mtls, 'help');
  assert.deepEqual(listenerPlan(mtls as Exclude<typeof mtls, 'help'>), [{ address: '127.0.0.1:7070', transport: 'mtls' }]);
  refuse(/with neither --tls-client-ca nor --auth would let anyone who reaches the address in/, ...tcp, '--tls-cert', 'c.pem', '--tls-key', 'k.pem');
  const tokens = parseConfig([...tcp, '--tls-cert', 'c.pem', '--tls-key', 'k.pem', '--auth', 'ids.yaml']);
  assert.deepEqual(listenerPlan(tokens as Exclude<typeof tokens, 'help'>).map((l) => l.transport), ['tls']);
  refuse(/--tls-cert needs --tls-key too/, ...tcp, '--tls-cert', 'c.pem', '--tls-client-ca', 'ca.pem');
  refuse(/--tls-key needs --tls-cert too/, ...tcp, '--tls-key', 'k.pem', '--tls-client-ca', 'ca.pem');
  refuse(/--tls-client-ca needs --tls-cert and --tls-key/, ...tcp, '--insecure', '--tls-client-ca', 'ca.pem');
  refuse(/no TCP --listen address to serve TLS on/, '--tls-cert', 'c.pem', '--tls-key', 'k.pem', '--tls-client-ca', 'ca.pem');
  refuse(/--insecure asks for plaintext and --tls-cert for TLS: choose one/, ...tcp, '--insecure', '--tls-cert', 'c.pem', '--tls-key', 'k.pem', '--tls-client-ca', 'ca.pem');
  refuse(/--tls-cert needs a file name/, ...tcp, '--tls-cert', '', '--tls-key', 'k.pem');
});

test('--socket-group needs a unix socket and a group-like name', () => {
  assert.equal(parse('--socket-group', 'sctrace').socketGroup, 'sctrace');
  assert.equal(parse('--socket-group', '4242').socketGroup, '4242');
  refuse(/--socket-group "a b": not a group name or number/, '--listen', 'unix:/tmp/x.sock', '--socket-group', 'a b');
  refuse(/--socket-group: no unix: --listen address/, '--listen', '127.0.0.1:1', '--insecure', '--socket-group', 'sctrace');
});

test('the limits: sane defaults, each flag range-checked', () => {
  const config = parse();
  assert.deepEqual(
    [config.maxTracesPerIdentity, config.maxSubscribers, config.maxStreamsPerConnection, config.rateLimit, config.maxRequestBytes, config.maxStringBytes, config.maxBufferBytes],
    [16, 16, 32, 100, 65536, 4096, 4096],
  );
  const set = parse('--max-traces-per-identity', '3', '--max-subscribers', '4', '--max-streams-per-connection', '5', '--rate-limit', '6',
    '--max-request-bytes', '2048', '--max-string-bytes', '512', '--max-buffer-bytes', '0');
  assert.deepEqual(
    [set.maxTracesPerIdentity, set.maxSubscribers, set.maxStreamsPerConnection, set.rateLimit, set.maxRequestBytes, set.maxStringBytes, set.maxBufferBytes],
    [3, 4, 5, 6, 2048, 512, 0],
  );
  assert.throws(() => parse('--max-string-bytes', '8192'), /--max-string-bytes 8192: out of range 1\.\.4096/);
  assert.throws(() => parse('--rate-limit', '0'), /--rate-limit 0: out of range/);
  assert.throws(() => parse('--max-request-bytes', '10'), /--max-request-bytes 10: out of range 1024\.\./);
});

test('--shutdown-grace: seconds subscribers get at SIGTERM (default 10)', () => {
  assert.equal(parse().shutdownGraceMs, 10_000);
  assert.equal(parse('--shutdown-grace', '30').shutdownGraceMs, 30_000);
  assert.throws(() => parse('--shutdown-grace', '0'), /--shutdown-grace 0: out of range 1\.\.3600/);
});

test('--max-traces: the kernel pass has 64 slots', () => {
  const config = parseConfig([]);
  assert.ok(config !== 'help');
  assert.equal(config.maxTraces, 64);
  assert.throws(() => parseConfig(['--max-traces', '65']), /--max-traces 65: out of range 1\.\.64/);
});

test('retention, heartbeat and node name flags', () => {
  const config = parse();
  assert.equal(config.retentionBytes, 64 << 20, 'each trace keeps 64 MiB of events by default');
  assert.equal(config.maxRetentionBytes, 1024 << 20);
  assert.equal(config.heartbeatMs, 2000);
  assert.equal(config.nodeName, os.hostname());
  const set = parse('--retention-mb', '8', '--max-retention-mb', '16', '--heartbeat-ms', '250', '--node-name', 'edge-7');
  assert.deepEqual([set.retentionBytes, set.maxRetentionBytes, set.heartbeatMs, set.nodeName], [8 << 20, 16 << 20, 250, 'edge-7']);
  assert.throws(() => parse('--retention-mb', '32', '--max-retention-mb', '16'), /--retention-mb 32 is above --max-retention-mb 16/);
  assert.throws(() => parse('--heartbeat-ms', '10'), /--heartbeat-ms 10: out of range 100\.\.60000/);
  assert.throws(() => parse('--node-name', 'two words'), /--node-name "two words"/);
});
