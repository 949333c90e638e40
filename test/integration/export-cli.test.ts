/**
 * `sctrace export` end to end: the real sctraced (eBPF), a real workload, a real nats-server with
 * JetStream on loopback. First, nats-server restarted while the export runs; then the export's
 * connection to sctraced cut mid-stream (a TCP proxy) and the exporter killed and run again with
 * --trace. Each time a consumer reads the subject back and finds the trace's events in sequence
 * order from event 1, each exactly once. Skips with the reason without root/BPF or nats-server;
 * fails under CI=true.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { defaultObjectPath } from '../../src/backends/ebpf/engine';
import { DEFAULT_STREAM, decodeBatch, traceSubject } from '../../clients/export/jetstream';
import { natsServerUnavailableReason, startNatsServer } from '../helpers/nats-server';
import { ebpfUnavailableReason, skipUnlessPossible } from '../helpers/privileges';
import { ROOT, spawnService, spawnStopped } from '../helpers/service-process';
import { startProxy } from '../helpers/proxy';
import { NR_GETPPID, buildGetppid, compilerMissingReason, generatorResult } from '../helpers/load';
import { connect as connectTracer } from '../../clients/ts';
import type { Event__Output } from '../../src/api/generated/sctrace/v1/Event';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every event stored on `subject`, in stream order. */
async function readSubject(url: string, subject: string): Promise<Event__Output[]> {
  const nc = await connect({ servers: url });
  try {
    const info = await (await jetstreamManager(nc)).streams.info(DEFAULT_STREAM, { subjects_filter: subject });
    const total = info.state.subjects?.[subject] ?? 0;
    const events: Event__Output[] = [];
    if (total === 0) return events;
    const messages = await (await jetstream(nc).consumers.get(DEFAULT_STREAM, { filter_subjects: subject })).consume();
    let read = 0;
    for await (const m of messages) {
      events.push(...decodeBatch(m.data).events);
      if (++read === total) break;
    }
    return events;
  } finally {
    await nc.close();
  }
}

/** `sctrace export` as its own process; `stderr` grows as it writes. */
function spawnExporter(args: string[]) {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/clients/cli/main.js'), ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  const run = { child, stderr: '', exited: new Promise<number | null>((r) => child.on('exit', (code, signal) => r(code ?? (signal ? -1 : null)))) };
  child.stderr.on('data', (d) => (run.stderr += d));
  return run;
}

test('sctrace export publishes a real trace into JetStream, exactly once across a nats-server restart', async (t) => {
  if (skipUnlessPossible(t, ebpfUnavailableReason(defaultObjectPath()) ?? natsServerUnavailableReason())) return;
  const nats = await startNatsServer();
  const service = await spawnService();
  const workload = await spawnStopped(['/bin/sh', '-c', 'for i in $(seq 40); do cat /etc/hostname >/dev/null; sleep 0.02; done']);
  let stderr = '';
  const exporter = spawn(
    process.execPath,
    [path.join(ROOT, 'dist/clients/cli/main.js'), '--server', service.address, 'export', '--nats', nats.url, '--node', 'it-node', '--pid', String(workload.pid), '-f'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  exporter.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((r) => exporter.on('exit', (code) => r(code)));
  const events: Event__Output[] = [];
  try {
    const deadline = Date.now() + 15_000;
    while (!/trace ([0-9a-f]{12}) →/.test(stderr)) {
      assert.ok(Date.now() < deadline && exporter.exitCode === null, `exporter did not start:\n${stderr}\n${service.log()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const traceId = /trace ([0-9a-f]{12}) →/.exec(stderr)![1];
    await new Promise((r) => setTimeout(r, 300));
    workload.resume();
    await new Promise((r) => setTimeout(r, 300));
    await nats.restart(500);
    await workload.exited;
    await new Promise((r) => setTimeout(r, 1500));
    exporter.kill('SIGINT');
    assert.equal(await exited, 130, stderr);
    assert.match(stderr, /published \d+ events in \d+ messages/);

    events.push(...(await readSubject(nats.url, traceSubject('it-node', traceId))));
    assert.ok(events.length > 0, 'events on the subject');
    const seqs = events.map((e) => Number(e.sequence));
    assert.equal(seqs[0], 1, 'a trace the exporter starts is exported from its first event');
    for (let i = 1; i < seqs.length; i++) assert.equal(seqs[i], seqs[i - 1] + 1, `sequence ${seqs[i - 1]} is followed by ${seqs[i]}`);
    const published = Number(/published (\d+) events/.exec(stderr)![1]);
    assert.equal(events.length, published, 'the stream holds exactly what the exporter published');
    assert.ok(events.some((e) => e.kind === 'exit' && e.task?.pid === workload.pid), 'the workload’s exit is in the stream');
    assert.ok(events.filter((e) => e.syscall?.name === 'openat').length >= 40, 'every cat’s openat');
    assert.ok(events.every((e) => e.kind !== 'lost'), 'nothing lost at this rate');
  } finally {
    if (exporter.exitCode === null) exporter.kill('SIGKILL');
    workload.kill();
    assert.equal(await service.stop(), 0, service.log());
    await nats.stop();
  }
});

test('sctrace export resumes: its connection to sctraced cut mid-stream, the exporter killed and run again with --trace, every event exactly once', async (t) => {
  if (skipUnlessPossible(t, ebpfUnavailableReason(defaultObjectPath()) ?? natsServerUnavailableReason() ?? compilerMissingReason())) return;
  const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'sctrace-export-resume-'));
  const nats = await startNatsServer();
  const service = await spawnService(['--heartbeat-ms', '500']);
  const proxy = await startProxy(service.address);
  const tracer = connectTracer(service.address);
  // 150k getppid at 30k/s: five seconds of a steady trace, well within its retention window.
  const calls = 150_000;
  const generator = await spawnStopped([buildGetppid(workdir), String(calls), '30000']);
  const runs: ReturnType<typeof spawnExporter>[] = [];
  try {
    const { trace_id: traceId } = await tracer.startTrace({ pids: [generator.pid], syscalls: ['getppid'] });
    const args = ['--server', proxy.address, 'export', '--nats', nats.url, '--node', 'resume-node', '--trace', traceId];
    const waitFor = async (run: (typeof runs)[number], re: RegExp, what: string) => {
      const deadline = Date.now() + 15_000;
      while (!re.test(run.stderr)) {
        assert.ok(Date.now() < deadline && run.child.exitCode === null, `${what}:\n${run.stderr}\n${service.log()}`);
        await sleep(50);
      }
    };
    const subject = traceSubject('resume-node', traceId);

    // First run: exports while the workload runs; its stream to sctraced is cut twice; then it is
    // killed outright (no chance to flush or say goodbye).
    runs.push(spawnExporter(args));
    await waitFor(runs[0], /→ SCTRACE/, 'the first exporter did not start');
    generator.resume();
    await sleep(800);
    assert.ok(proxy.cutAll() > 0, 'the exporter had a connection to cut');
    await waitFor(runs[0], /resuming at event \d+/, 'the exporter did not resume after the cut');
    await sleep(600);
    proxy.cutAll();
    await sleep(600);
    runs[0].child.kill('SIGKILL');
    await runs[0].exited;
    const before = (await readSubject(nats.url, subject)).length;
    assert.ok(before > 0, 'the first run published something before it was killed');

    // Second run, while the workload goes on: continues after the last event in the stream.
    runs.push(spawnExporter(args));
    await waitFor(runs[1], /stream holds it up to sequence \d+/, 'the second exporter did not find where the first stopped');
    await sleep(700);
    proxy.cutAll();
    const gen = await generator.exited;
    const made = generatorResult(gen.stderr);
    assert.equal(made.calls, calls);
    // Stopping the trace ends the export once everything is published (exit code 0).
    await sleep(500);
    await tracer.stopTrace(traceId);
    const code = await Promise.race([runs[1].exited, sleep(20_000).then(() => 'timeout')]);
    assert.equal(code, 0, `the second exporter ends with the trace:\n${runs[1].stderr}`);

    const events = await readSubject(nats.url, subject);
    const seen = new Set<number>();
    let getppid = 0;
    let lost = 0;
    for (const [i, e] of events.entries()) {
      const seq = Number(e.sequence);
      assert.ok(!seen.has(seq), `sequence ${seq} is stored twice`);
      seen.add(seq);
      // An event follows the one before it; a loss notice carries the last sequence it stands for.
      const prev = i > 0 ? Number(events[i - 1].sequence) : 0;
      if (e.kind === 'lost') assert.ok(seq > prev, `notice ${seq} after ${prev}`);
      else assert.equal(seq, prev + 1, `a gap before ${seq} no notice covers`);
      if (e.kind === 'lost') lost += Number(e.lost!.count);
      else if (e.syscall?.nr === NR_GETPPID) getppid++;
    }
    assert.equal(getppid + lost, calls, `every getppid is in the stream or announced lost (${getppid} stored, ${lost} announced)`);
    assert.ok(lost < calls / 100, `at 30k/s almost nothing is lost (${lost} announced)`);
    const published = runs.map((r) => Number(/published (\d+) events/.exec(r.stderr)?.[1] ?? 0));
    assert.equal(published[1] + before, events.length, 'the second run published exactly what the first had not');
    t.diagnostic(`${events.length} events, ${lost} announced lost; first run stored ${before} before SIGKILL, ${proxy.cuts} connection cuts`);
  } finally {
    for (const r of runs) if (r.child.exitCode === null) r.child.kill('SIGKILL');
    generator.kill();
    tracer.close();
    await proxy.close();
    assert.equal(await service.stop(), 0, service.log());
    await nats.stop();
    fs.rmSync(workdir, { recursive: true, force: true });
  }
});
