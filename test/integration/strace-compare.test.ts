/**
 * The exactness check: real programs run under `strace -f` and under sctrace (the real service,
 * eBPF backend, over gRPC, following children, every syscall), and the two traces compared per
 * thread on syscall names, return values and decoded path strings (see
 * test/helpers/strace-compare.ts for the pairing rules and the documented exclusions). Prints
 * the agreement per program and overall, and fails below 100%.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { defaultObjectPath } from '../../src/backends/ebpf/engine';
import { commandUnavailableReason, ebpfUnavailableReason, skipUnlessPossible } from '../helpers/privileges';
import { spawnService, type ServiceProcess } from '../helpers/service-process';
import { agreementText, compareArgs, compareFdPaths, compareRuns, sctraceRun, straceRun, type Comparison } from '../helpers/strace-compare';
import { parseStraceLog } from '../helpers/strace-log';
import { makeFixture, runUnderSctrace, runUnderStrace, workloadEnv, type Workload } from '../helpers/strace-runs';

const reason = ebpfUnavailableReason(defaultObjectPath()) ?? commandUnavailableReason(['strace', '-V'], 'as the reference to compare with');
const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'sctrace-vs-strace-'));
let service: ServiceProcess | undefined;
let server: net.Server | undefined;
let port = 0;
const totals: Comparison = { fields: 0, agreeing: 0, calls: 0, threads: 0, mismatches: [] };
const fdTotals: Comparison = { fields: 0, agreeing: 0, calls: 0, threads: 0, mismatches: [] };
const argTotals: Comparison = { fields: 0, agreeing: 0, calls: 0, threads: 0, mismatches: [] };

before(async () => {
  if (reason) return;
  makeFixture(workdir);
  service = await spawnService(['--idle-timeout', '60']);
  // A loopback peer for the socket program: answers every line with "pong".
  server = net.createServer((socket) => {
    socket.on('data', () => socket.end('pong\n'));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  port = (server.address() as net.AddressInfo).port;
});

after(async () => {
  if (totals.fields > 0) {
    process.stdout.write(`# overall agreement with strace (names, returns, paths): ${agreementText(totals)}\n`);
    process.stdout.write(`# overall fd paths (strace -y) where sctrace named the fd: ${agreementText(fdTotals)}\n`);
    process.stdout.write(`# overall argument renderings (informational): ${agreementText(argTotals)}\n`);
  }
  server?.close();
  if (service) assert.equal(await service.stop(), 0, `sctraced exit code; log:\n${service.log()}`);
  fs.rmSync(workdir, { recursive: true, force: true });
});

/** Runs `argv` both ways, compares, reports, and asserts full agreement. */
async function compareProgram(label: string, argv: string[], expectCode = 0): Promise<void> {
  const w: Workload = { argv, cwd: workdir, env: workloadEnv(workdir) };
  const logFile = path.join(workdir, `${label.replace(/\W+/g, '_')}.strace`);
  const s = await runUnderStrace(w, logFile, ['-y']);
  const t = await runUnderSctrace(service!.address, w);
  assert.equal(s.output.code, expectCode, `${label} under strace: exit ${s.output.code}, stderr ${s.output.stderr}`);
  assert.equal(t.output.code, expectCode, `${label} under sctrace: exit ${t.output.code}, stderr ${t.output.stderr}`);
  assert.equal(t.output.stdout, s.output.stdout, `${label}: same output in both runs`);
  assert.equal(t.counters?.lost_kernel, '0', 'no event lost in the kernel');
  assert.equal(t.counters?.lost_subscribers, '0', 'no event lost on the stream');
  assert.ok(!t.events.some((e) => e.kind === 'lost'), 'no EventsLost notice');
  const mine = sctraceRun(t.events, t.root, true);
  const theirs = straceRun(parseStraceLog(s.log), s.stracePid);
  const result = compareRuns(mine, theirs);
  const fds = compareFdPaths(mine, theirs);
  const args = compareArgs(mine, theirs);
  for (const k of ['fields', 'agreeing', 'calls', 'threads'] as const) {
    totals[k] += result[k];
    fdTotals[k] += fds[k];
    argTotals[k] += args[k];
  }
  process.stdout.write(
    `# ${label}: ${result.threads} threads, ${result.calls} calls; names, returns, paths ${agreementText(result)}; ` +
      `fd paths ${agreementText(fds)} (strace named ${fds.straceNamed}); arguments ${agreementText(args)}\n`,
  );
  const shown = [...result.mismatches, ...fds.mismatches].slice(0, 25).map((m) => `  [${m.thread}] ${m.field}\n    sctrace: ${m.sctrace}\n    strace:  ${m.strace}`);
  assert.equal(result.agreeing + fds.agreeing, result.fields + fds.fields, `${label}: disagreements with strace:\n${shown.join('\n')}`);
}

test('cat FILE', async (t) => {
  if (skipUnlessPossible(t, reason)) return;
  await compareProgram('cat FILE', ['/usr/bin/cat', path.join(workdir, 'hello.txt')]);
});

test('ls DIR', async (t) => {
  if (skipUnlessPossible(t, reason)) return;
  await compareProgram('ls DIR', ['/usr/bin/ls', '-l', path.join(workdir, 'sub')]);
});

test('head -c 10 FILE', async (t) => {
  if (skipUnlessPossible(t, reason)) return;
  await compareProgram('head -c 10 FILE', ['/usr/bin/head', '-c', '10', path.join(workdir, 'hello.txt')]);
});

test('cat of a missing file (fails on purpose)', async (t) => {
  if (skipUnlessPossible(t, reason)) return;
  await compareProgram('cat MISSING', ['/usr/bin/cat', path.join(workdir, 'missing.txt')], 1);
});

test('sh -c pipeline', async (t) => {
  if (skipUnlessPossible(t, reason)) return;
  await compareProgram('sh -c pipeline', ['/bin/sh', '-c', `cat ${path.join(workdir, 'hello.txt')} | wc -c`]);
});

test('sh -c that forks and execs', async (t) => {
  if (skipUnlessPossible(t, reason)) return;
  await compareProgram('sh -c fork+exec', ['/bin/sh', '-c', `/usr/bin/true; /usr/bin/ls ${path.join(workdir, 'sub')} > /dev/null; echo done`]);
});

test('bash /dev/tcp on loopback (sockets)', async (t) => {
  if (skipUnlessPossible(t, reason)) return;
  await compareProgram('bash /dev/tcp', [
    '/usr/bin/bash',
    '-c',
    `exec 3<>/dev/tcp/127.0.0.1/${port}; printf 'ping\\n' >&3; read -r reply <&3; echo "$reply"`,
  ]);
});
