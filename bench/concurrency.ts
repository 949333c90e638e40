/**
 * Concurrent traces, one kernel pass: what k traces running at once cost, on the getppid loop.
 * For each k, a fresh sctraced:
 * - k traces that want nothing of the workload (`{pids: [1]}`), once on every syscall (the
 *   raw_syscalls programs) and once on one syscall the workload never makes (per-syscall
 *   tracepoints): the ns added to a syscall no trace wants, against the untraced loop;
 * - k traces that all want every syscall of the workload (its pid): the ns added to a syscall
 *   every trace wants (each record is made once, whatever k; user space decodes it once and hands
 *   it to k traces; the traces have no subscriber, so nothing is encoded);
 * - StartTrace and StopTrace latency (medians over traces 2..k; the first trace loads the
 *   programs) and the service's peak RSS.
 */
import { credentials, type ServiceError } from '@grpc/grpc-js';
import type { TracerClient } from '../src/api/generated/sctrace/v1/Tracer';
import type { TraceSpec } from '../src/api/generated/sctrace/v1/TraceSpec';
import { tracerGrpc } from '../src/api/proto';
import { median, statusKb } from './lib/proc';
import type { Service } from './lib/service';
import { launched, UNUSED_SYSCALL, type RunContext } from './tools';
import type { Workload } from './workloads';

/** One row of the table. */
export interface ConcurrencyRow {
  traces: number;
  /** ns added per syscall no trace wants: raw_syscalls, per-syscall tracepoints. */
  idle_raw_added_ns: number;
  idle_per_syscall_added_ns: number;
  /** ns added per syscall every trace wants. */
  all_added_ns: number;
  /** The same over one trace's. */
  all_vs_one: number | null;
  start_ms: number | null;
  stop_ms: number | null;
  service_peak_rss_mb: number;
  raw: { untraced_wall_ns: number[]; idle_raw_wall_ns: number[]; idle_per_wall_ns: number[]; all_wall_ns: number[]; start_ms: number[]; stop_ms: number[] };
}

export interface ConcurrencyOptions {
  counts: number[];
  runs: number;
  /** getppid calls per run. */
  size: number;
  fresh: (k: number) => Promise<Service>;
  log: (line: string) => void;
}

/** Measures every k of `opts.counts`. */
export async function measureConcurrency(ctx: RunContext, getppid: Workload, opts: ConcurrencyOptions): Promise<ConcurrencyRow[]> {
  const argv = getppid.argv(opts.size);
  const wall = async (ready?: (pid: number) => Promise<void>) => (await launched([ctx.launch, ...argv], 'getppid', { ready })).wallNs;
  const rows: ConcurrencyRow[] = [];
  let one: number | null = null;
  for (const k of opts.counts) {
    const service = await opts.fresh(k);
    const client = connect(service);
    try {
      const raw: ConcurrencyRow['raw'] = { untraced_wall_ns: [], idle_raw_wall_ns: [], idle_per_wall_ns: [], all_wall_ns: [], start_ms: [], stop_ms: [] };
      for (let run = 0; run < opts.runs; run++) {
        raw.untraced_wall_ns.push(await wall());
        const idle = async (spec: TraceSpec, into: number[]) => {
          const ids = await startAll(client, k, () => spec, raw.start_ms);
          into.push(await wall());
          await stopAll(client, ids, raw.stop_ms);
        };
        await idle({ pids: [1] }, raw.idle_raw_wall_ns);
        await idle({ pids: [1], syscalls: [UNUSED_SYSCALL] }, raw.idle_per_wall_ns);
        let ids: string[] = [];
        raw.all_wall_ns.push(
          await wall(async (pid) => {
            ids = await startAll(client, k, () => ({ pids: [pid] }), raw.start_ms);
          }),
        );
        await stopAll(client, ids, raw.stop_ms);
      }
      const base = median(raw.untraced_wall_ns);
      const added = (walls: number[]) => (median(walls) - base) / opts.size;
      const row: ConcurrencyRow = {
        traces: k,
        idle_raw_added_ns: added(raw.idle_raw_wall_ns),
        idle_per_syscall_added_ns: added(raw.idle_per_wall_ns),
        all_added_ns: added(raw.all_wall_ns),
        all_vs_one: null,
        start_ms: raw.start_ms.length ? median(raw.start_ms) : null,
        stop_ms: raw.stop_ms.length ? median(raw.stop_ms) : null,
        service_peak_rss_mb: statusKb(service.pid, 'VmHWM') / 1024,
        raw,
      };
      one ??= row.all_added_ns;
      row.all_vs_one = one > 0 ? row.all_added_ns / one : null;
      opts.log(
        `  ${k} trace${k === 1 ? '' : 's'}: nobody wants it +${row.idle_raw_added_ns.toFixed(0)} ns (raw_syscalls), +${row.idle_per_syscall_added_ns.toFixed(0)} ns (per-syscall); ` +
          `everyone wants it +${row.all_added_ns.toFixed(0)} ns; StartTrace ${ms(row.start_ms)}, StopTrace ${ms(row.stop_ms)}; RSS ${row.service_peak_rss_mb.toFixed(0)} MB`,
      );
      rows.push(row);
    } finally {
      client.close();
      await service.stop();
    }
  }
  return rows;
}

function connect(service: Service): TracerClient {
  const Tracer = tracerGrpc().sctrace.v1.Tracer;
  return new Tracer(service.address, credentials.createInsecure());
}

/**
 * Starts k traces one after the other; the latency of each but the first (which loads the
 * programs when none runs) goes to `latencies`.
 */
async function startAll(client: TracerClient, k: number, spec: () => TraceSpec, latencies: number[]): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < k; i++) {
    const t0 = process.hrtime.bigint();
    const res = await call<{ trace_id: string }>((cb) => client.StartTrace({ spec: spec() }, cb));
    if (i > 0) latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    ids.push(res.trace_id);
  }
  return ids;
}

/** Stops the traces; the latency of each but the last (which unloads the programs). */
async function stopAll(client: TracerClient, ids: string[], latencies: number[]): Promise<void> {
  for (let i = 0; i < ids.length; i++) {
    const t0 = process.hrtime.bigint();
    await call((cb) => client.StopTrace({ trace_id: ids[i] }, cb));
    if (i < ids.length - 1) latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
}

function call<T>(fn: (cb: (err: ServiceError | null, res?: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => fn((err, res) => (err ? reject(err) : resolve(res as T))));
}

/** A latency median for the log line; none for one trace (the medians are over traces 2..k). */
function ms(value: number | null): string {
  return value === null ? '– (first trace loads the programs)' : `${value.toFixed(1)} ms`;
}
