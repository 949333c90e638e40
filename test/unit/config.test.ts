/** sctraced's flags: defaults and the checks that stop a bad value at start. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, DEFAULTS, parseConfig } from '../../src/config/config';

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
