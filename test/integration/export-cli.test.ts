/**
 * `sctrace export` end to end: the real sctraced (eBPF), a real workload, a real nats-server with
 * JetStream on loopback, restarted while the export runs. A consumer reads the subject back and
 * finds the trace's events in sequence order, each exactly once, the workload's exec and exit
 * among them. Skips with the reason without root/BPF or nats-server; fails under CI=true.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { defaultObjectPath } from '../../src/backends/ebpf/engine';
import { DEFAULT_STREAM, decodeBatch, traceSubject } from '../../clients/export/jetstream';
import { natsServerUnavailableReason, startNatsServer } from '../helpers/nats-server';
import { ebpfUnavailableReason, skipUnlessPossible } from '../helpers/privileges';
import { ROOT, spawnService, spawnStopped } from '../helpers/service-process';
import type { Event__Output } from '../../src/api/generated/sctrace/v1/Event';

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

    const nc = await connect({ servers: nats.url });
    const subject = traceSubject('it-node', traceId);
    const info = await (await jetstreamManager(nc)).streams.info(DEFAULT_STREAM, { subjects_filter: subject });
    const total = info.state.subjects?.[subject] ?? 0;
    assert.ok(total > 0, `messages on ${subject}`);
    const events: Event__Output[] = [];
    const messages = await (await jetstream(nc).consumers.get(DEFAULT_STREAM, { filter_subjects: subject })).consume();
    let read = 0;
    for await (const m of messages) {
      events.push(...decodeBatch(m.data).events);
      if (++read === total) break;
    }
    await nc.close();
    const seqs = events.map((e) => Number(e.sequence));
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
