/**
 * Export into NATS JetStream: the paced getppid generator traced by a fresh sctraced and
 * published by `sctrace export` into a real nats-server (JetStream, file storage, loopback),
 * while a consumer on the bus reads the subject. A rate passes when the consumer received every
 * getppid the generator made and no EventsLost; the search climbs a ladder and confirms the best
 * rate. The consumer's figure is events received per second from its first to its last message.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { DEFAULT_STREAM, traceSubject } from '../clients/export/jetstream';
import { startNatsServer } from '../test/helpers/nats-server';
import { spawnStopped } from '../test/helpers/service-process';
import { cpuNs, median, sleep } from './lib/proc';
import { countMessage, emptyCounts } from './lib/wire';
import { NR_GETPPID } from './throughput';
import type { Service } from './lib/service';

export interface ExportRun {
  offered: number;
  calls: number;
  achieved_rate: number;
  /** getppid events the consumer read from JetStream, and losses announced in the stream. */
  consumed: number;
  announced_lost: number;
  /** The same by where the service lost them: in the kernel ring, or behind the export's subscription ("subscriber", "retention"). */
  lost_kernel?: number;
  lost_subscriber?: number;
  messages: number;
  /** Events out of sequence order or repeated, gaps no EventsLost covers: must be 0. */
  sequence_errors: number;
  /** CPU of the exporter and of sctraced from the generator's start until the consumer had everything, % of one CPU. */
  exporter_cpu_pct: number;
  service_cpu_pct: number;
  /** Consumer: events per second between its first and last message. */
  consumer_rate: number;
  zero_loss: boolean;
}

export interface ExportResult {
  seconds: number;
  ladder: ExportRun[];
  max_zero_loss_rate: number;
  confirm: ExportRun[];
  median_consumer_rate: number;
}

export interface ExportOptions {
  root: string;
  getppid: string;
  seconds: number;
  ladder: number[];
  runs: number;
  fresh: () => Promise<Service>;
  log: (line: string) => void;
}

/** One run at `rate`, against a fresh service and the given nats-server. */
async function exportRun(opts: ExportOptions, natsUrl: string, rate: number, node: string): Promise<ExportRun> {
  const service = await opts.fresh();
  const calls = Math.round(rate * opts.seconds);
  const generator = await spawnStopped([opts.getppid, String(calls), String(rate)]);
  let stderr = '';
  const exporter = spawn(
    process.execPath,
    [path.join(opts.root, 'dist/clients/cli/main.js'), '--server', service.address, 'export', '--nats', natsUrl, '--node', node, '--pid', String(generator.pid), '-e', 'getppid'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  exporter.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<void>((r) => exporter.on('exit', () => r()));
  const nc = await connect({ servers: natsUrl });
  try {
    const deadline = Date.now() + 20_000;
    while (!/trace ([0-9a-f]{12}) →/.test(stderr)) {
      if (Date.now() > deadline || exporter.exitCode !== null) throw new Error(`sctrace export did not start: ${stderr}`);
      await sleep(20);
    }
    const traceId = /trace ([0-9a-f]{12}) →/.exec(stderr)![1];
    const subject = traceSubject(node, traceId);
    // The consumer on the bus reads while the export runs.
    const consumer = await jetstream(nc).consumers.get(DEFAULT_STREAM, { filter_subjects: subject });
    const messages = await consumer.consume();
    // It counts from the wire bytes (bench/lib/wire.ts) as the gRPC bench client does: a consumer
    // on the bus is elsewhere in a fleet, and here it shares the 2 CPUs with the service.
    const counts = emptyCounts();
    let firstAt = 0;
    let lastAt = 0;
    const reading = (async () => {
      for await (const m of messages) {
        countMessage(m.data, counts, NR_GETPPID);
        firstAt ||= Date.now();
        lastAt = Date.now();
      }
    })();
    await sleep(200);
    const cpuAtStart = { exporter: cpuNs(exporter.pid!), service: cpuNs(service.pid), at: process.hrtime.bigint() };
    generator.resume();
    const gen = await generator.exited;
    const made = JSON.parse(gen.stderr.trim().split('\n').reverse().find((l) => l.startsWith('{"calls"')) ?? '{"calls":0,"rate":0}') as {
      calls: number;
      rate: number;
    };
    // Drained when the consumer has every call (or nothing arrives for 2 s).
    const consumed = () => counts.watched;
    const lost = () => counts.lostKernel + counts.lostSubscriber + counts.lostDecode;
    for (let idle = 0, seen = -1; consumed() + lost() < made.calls && idle < 20; idle = consumed() === seen ? idle + 1 : 0, seen = consumed()) await sleep(100);
    const wallNs = Number(process.hrtime.bigint() - cpuAtStart.at);
    const exporterCpu = (cpuNs(exporter.pid!) - cpuAtStart.exporter) / wallNs;
    const serviceCpu = (cpuNs(service.pid) - cpuAtStart.service) / wallNs;
    exporter.kill('SIGINT');
    await exited;
    messages.stop();
    await reading;
    return {
      offered: rate,
      calls: made.calls,
      achieved_rate: made.rate,
      consumed: consumed(),
      announced_lost: lost(),
      lost_kernel: counts.lostKernel,
      lost_subscriber: counts.lostSubscriber,
      messages: counts.messages,
      sequence_errors: counts.sequenceErrors,
      consumer_rate: lastAt > firstAt ? (counts.events + counts.notices) / ((lastAt - firstAt) / 1000) : 0,
      exporter_cpu_pct: Math.round(100 * exporterCpu),
      service_cpu_pct: Math.round(100 * serviceCpu),
      zero_loss: consumed() === made.calls && lost() === 0 && counts.sequenceErrors === 0,
    };
  } finally {
    if (exporter.exitCode === null) exporter.kill('SIGKILL');
    generator.kill();
    await nc.close();
    await service.stop();
  }
}

function describe(r: ExportRun): string {
  return (
    `offered ${(r.offered / 1e3).toFixed(0)}k/s: made ${(r.achieved_rate / 1e3).toFixed(0)}k/s, consumer read ${r.consumed} of ${r.calls} ` +
    `getppid in ${r.messages} messages (${(r.consumer_rate / 1e3).toFixed(0)}k events/s), announced lost ${r.announced_lost}${r.announced_lost ? ` (kernel ${r.lost_kernel}, subscriber ${r.lost_subscriber})` : ''}, ` +
    `exporter ${r.exporter_cpu_pct}% CPU, service ${r.service_cpu_pct}%` +
    (r.sequence_errors ? `, ${r.sequence_errors} SEQUENCE ERRORS` : '')
  );
}

/** The ladder search with a nats-server of its own. */
export async function measureExport(opts: ExportOptions): Promise<ExportResult> {
  const nats = await startNatsServer();
  let n = 0;
  const run = async (rate: number) => {
    const r = await exportRun(opts, nats.url, rate, `bench${n++}`);
    opts.log(`  ${describe(r)}`);
    return r;
  };
  try {
    const ladder: ExportRun[] = [];
    let best = 0;
    for (const rate of opts.ladder) {
      const r = await run(rate);
      ladder.push(r);
      if (!r.zero_loss) break;
      best = rate;
    }
    let confirm: ExportRun[] = [];
    while (best > 0) {
      confirm = [];
      for (let i = 0; i < opts.runs; i++) confirm.push(await run(best));
      if (confirm.every((r) => r.zero_loss)) break;
      best = opts.ladder[opts.ladder.indexOf(best) - 1] ?? 0;
    }
    return { seconds: opts.seconds, ladder, max_zero_loss_rate: best, confirm, median_consumer_rate: median(confirm.map((r) => r.consumer_rate)) };
  } finally {
    await nats.stop();
  }
}
