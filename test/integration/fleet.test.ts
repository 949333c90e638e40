/**
 * Fleet fan-out with the real CLI and three real sctraced on this machine (unix sockets, node
 * names a, b, c) plus a fourth address where nothing listens: `sctrace --server ... trace`
 * starts the trace on every node that answers, reports the one that does not, merges the streams
 * (JSON lines with a "node" field), keeps going while node b is killed and started again
 * mid-trace (its trace started anew there, said on stderr), and Ctrl-C stops it everywhere.
 * `list` and `stop` across the servers too.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { connect } from '../../clients/ts';
import { defaultObjectPath } from '../../src/backends/ebpf/engine';
import { buildGetppid, compilerMissingReason, generatorResult } from '../helpers/load';
import { ebpfUnavailableReason, skipUnlessPossible } from '../helpers/privileges';
import { ROOT, spawnService, spawnStopped, type ServiceProcess } from '../helpers/service-process';

const reason = ebpfUnavailableReason(defaultObjectPath()) ?? compilerMissingReason();
const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'sctrace-fleet-'));
const NAMES = ['a', 'b', 'c'];
const sockets = NAMES.map((n) => path.join(workdir, `${n}.sock`));
const nodeArgs = (name: string) => ['--node-name', name, '--heartbeat-ms', '500'];
let services: ServiceProcess[] = [];
let generator = '';
const CLI = path.join(ROOT, 'dist/clients/cli/main.js');
const ABSENT = `unix:${path.join(workdir, 'absent.sock')}`;

before(async () => {
  if (reason) return;
  generator = buildGetppid(workdir);
  services = await Promise.all(NAMES.map((name, i) => spawnService(nodeArgs(name), { socket: sockets[i] })));
});

after(async () => {
  for (const s of services) await s.stop();
  fs.rmSync(workdir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const servers = () => services.map((s) => s.address).join(',');

/** Runs the CLI; collects stdout lines and stderr. */
function cli(args: string[]) {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SCTRACE_SERVER: '' } });
  const lines: string[] = [];
  let stderr = '';
  readline.createInterface({ input: child.stdout }).on('line', (l) => lines.push(l));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, lines, stderr: () => stderr, exited };
}

async function until(condition: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

test('trace on three nodes and a dead address: merged JSON with node fields, a node killed and restarted mid-trace, Ctrl-C stops everywhere', async (t) => {
  if (skipUnlessPossible(t, reason)) return;
  const load = await spawnStopped([generator, '120000', '20000']); // 6 s at 20k calls/s
  const run = cli(['--server', `${servers()},${ABSENT}`, 'trace', '-p', String(load.pid), '-e', 'getppid', '-o', 'json']);
  let calls = 0;
  try {
    await until(() => /trace started on/.test(run.stderr()), 'the trace to start');
    assert.match(run.stderr(), new RegExp(`${ABSENT.replace(/[/.]/g, '\\$&')}: StartTrace: UNAVAILABLE.*going on without it`));
    assert.match(run.stderr(), /trace started on a \(\w+\), b \(\w+\), c \(\w+\)/);
    load.resume();
    await sleep(2000);
    // Kill node b outright and start it again on the same socket.
    const b = services[1];
    process.kill(b.pid, 'SIGKILL');
    await b.exited;
    await sleep(500);
    services[1] = await spawnService(nodeArgs('b'), { socket: sockets[1] });
    await until(() => /b: trace started again/.test(run.stderr()), 'node b to trace again');
    // list across the servers, while it runs.
    const list = cli(['--server', servers(), 'list']);
    assert.equal(await list.exited, 0, list.stderr());
    assert.match(list.lines[0], /^NODE\s+ID\s+BACKEND/);
    assert.deepEqual(list.lines.slice(1).map((l) => l.split(/\s+/)[0]).sort(), ['a', 'b', 'c']);
    calls = generatorResult((await load.exited).stderr).calls;
    await sleep(1000);
    run.child.kill('SIGINT');
    assert.equal(await run.exited, 130, run.stderr());
  } finally {
    load.kill();
    if (run.child.exitCode === null) run.child.kill('SIGKILL');
  }
  const events = run.lines.map((l) => JSON.parse(l) as { node: string; sequence: string; kind: string; syscall?: { name: string } });
  const of = (node: string) => events.filter((e) => e.node === node && e.kind === 'syscall' && e.syscall?.name === 'getppid');
  t.diagnostic(`${calls} calls; a: ${of('a').length}, b: ${of('b').length}, c: ${of('c').length} getppid events`);
  assert.equal(of('a').length, calls, 'node a saw every call');
  assert.equal(of('c').length, calls, 'node c saw every call');
  for (const node of ['a', 'c']) {
    const seqs = events.filter((e) => e.node === node).map((e) => Number(e.sequence));
    assert.ok(seqs.every((s, i) => i === 0 || s === seqs[i - 1] + 1), `node ${node}: gap-free sequence numbers`);
  }
  const bEvents = of('b');
  assert.ok(bEvents.length > 0 && bEvents.length < calls, `node b: ${bEvents.length} events, some lost while it was down`);
  assert.match(run.stderr(), /b: stream lost \(StreamEvents: UNAVAILABLE/);
  assert.match(run.stderr(), /b: trace \w+ is gone \(the service restarted\?\); starting it again there/);
  // Stopped everywhere.
  for (const s of services) {
    const client = connect(s.address);
    assert.deepEqual((await client.listTraces()).traces, [], `no trace left on ${s.address}`);
    client.close();
  }
});

test('stop across the servers stops each id where it runs; an id found nowhere is NOT_FOUND', async (t) => {
  if (skipUnlessPossible(t, reason)) return;
  const clients = services.map((s) => connect(s.address));
  try {
    const a = await clients[0].startTrace({ syscalls: ['swapoff'] });
    const c = await clients[2].startTrace({ syscalls: ['swapoff'] });
    const run = cli(['--server', servers(), 'stop', a.trace_id, c.trace_id]);
    assert.equal(await run.exited, 0, run.stderr());
    const out = run.lines.join('\n');
    assert.match(out, new RegExp(`== .*a.sock ==\\ntrace ${a.trace_id} stopped`));
    assert.match(out, new RegExp(`trace ${c.trace_id} stopped`));
    assert.equal((await clients[0].listTraces()).traces.length, 0);
    assert.equal((await clients[2].listTraces()).traces.length, 0);
    const missing = cli(['--server', servers(), 'stop', 'nope']);
    assert.equal(await missing.exited, 1);
    assert.match(missing.stderr(), /NOT_FOUND: no trace "nope" on any of/);
  } finally {
    for (const client of clients) client.close();
  }
});
