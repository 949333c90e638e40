#!/usr/bin/env node
/**
 * The service's CPU per event on its per-event path, without the kernel: hand-built getppid
 * records (as the throughput search's generator makes them: one thread, six argument registers
 * holding junk) go through the capture pipeline (src/backends/capture/pipeline.ts: decoding,
 * dispatch to the trace) into a trace (numbering, encoding into its retention window under the
 * service-wide budget), no subscriber. Prints the median CPU ns per event of several rounds,
 * after a warm-up. Compare builds by running each in turn, interleaved (docs/ts-client-costs.md).
 *
 * usage: node dist/bench/per-event.js [rounds] [events per round]
 */
import type { CaptureSpec } from '../src/backends/backend';
import { Pipeline, TraceTap, type LossCounters, type RecordSource } from '../src/backends/capture/pipeline';
import type { RecordHandler } from '../src/backends/ebpf/ringbuf';
import { RecordDecoder } from '../src/backends/records';
import { SyscallCatalog } from '../src/syscalls/catalog';
import { RetentionBudget } from '../src/traces/retention-budget';
import { Trace } from '../src/traces/trace';
import { SilentLogger } from '../src/util/log';
import { syscallRecord } from '../test/kmod/record-builder';

const NR_GETPPID = 110;
/** Records per drain, as the pipeline reads them (its DRAIN_BUDGET). */
const BATCH = 4096;

/** One buffer of BATCH getppid records, handed over again and again. */
class ReplaySource implements RecordSource {
  readonly pollFd = null;
  readonly rearmAfterReadiness = true;
  private consumed = 0;
  private readonly buf: Buffer;
  private readonly view: DataView;
  private readonly size: number;

  constructor() {
    const args = [0x7fff_1234_5678n, 3n, 0x1000n, 0n, 0xffff_ffffn, 7n];
    const records = Array.from({ length: BATCH }, (_, i) => syscallRecord({ pid: 4242, tid: 4242, traces: 1n }, { nr: NR_GETPPID, args, ret: 1n, enterNs: 2_000_000n + BigInt(i) }));
    this.size = records[0].length;
    this.buf = Buffer.concat(records);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.length);
  }

  read(handler: RecordHandler, budget: number): number {
    const n = Math.min(budget, BATCH);
    for (let i = 0; i < n; i++) handler(this.view, this.buf, i * this.size, this.size);
    this.consumed += n * this.size;
    return n;
  }
  pendingBytes(): number {
    return 0;
  }
  consumedBytes(): number {
    return this.consumed;
  }
}

const noLoss: LossCounters = { lost: () => 0, lostByCause: () => [0, 0, 0, 0], setPaused: () => {}, credit: () => {} };

function main(): void {
  const rounds = Number(process.argv[2] ?? 5);
  const perRound = Number(process.argv[3] ?? 400_000);
  const catalog = SyscallCatalog.fromFormats(new Map([['getppid', { name: 'getppid', id: 0, args: [] }]]), { arch: 'x86_64' });
  const pipeline = new Pipeline(new ReplaySource(), new RecordDecoder(catalog, 1_700_000_000_000_000_000n), noLoss, { pollIntervalMs: 1000 }, (err) => {
    throw err;
  });
  const trace = new Trace({
    id: 'bench',
    spec: {},
    backend: 'ebpf',
    owner: 'bench',
    idleTimeoutMs: 3_600_000,
    retentionBytes: 64 << 20,
    budget: new RetentionBudget(128 << 20),
    limits: { batchEvents: 1024, batchBytes: 1 << 20, heartbeatMs: 3_600_000 },
    log: new SilentLogger(),
    onEnded: () => {},
  });
  pipeline.attach(new TraceTap({ slot: 0, bit: 1n, spec: {} as CaptureSpec, budget: 0 }, trace, { stringMax: 256, bufferBytes: 0, execEnv: false }, 1n));
  pipeline.regroup();
  // drainOnce is the pipeline's own drain step; called here without the event loop's timers.
  const drain = (pipeline as unknown as { drainOnce(budget: number): number }).drainOnce.bind(pipeline);
  const round = (events: number) => {
    const before = process.cpuUsage();
    for (let done = 0; done < events; done += BATCH) drain(BATCH);
    const used = process.cpuUsage(before);
    return ((used.user + used.system) * 1000) / events;
  };
  round(300_000);
  const ns = Array.from({ length: rounds }, () => round(perRound)).sort((a, b) => a - b);
  process.stdout.write(`${JSON.stringify({ ns_per_event: Math.round(ns[ns.length >> 1]), rounds: ns.map(Math.round), events: trace.latestSequence })}\n`);
}

main();
