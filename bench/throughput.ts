/**
 * Throughput: a paced getppid load generator (bench/c/getppid.c) traced by sctrace, its events
 * streamed to one bench client. A rate passes when the client received every getppid the
 * generator made and no loss was announced. The search climbs a ladder of rates, bisects between
 * the last passing and the first failing rung, confirms the best rate with repeated runs, then
 * measures the loss at twice that rate (or flat out, if the generator cannot go that fast traced).
 */
import { median, resetPeakRss, statusKb } from './lib/proc';
import type { Service } from './lib/service';
import { brokeGuarantee, runQuiet, unannouncedLoss, type RunContext, type RunResult } from './tools';

/** x86_64 __NR_getppid. */
export const NR_GETPPID = 110;

export interface LoadRun {
  /** Offered rate, calls/s (0 = flat out). */
  offered: number;
  seconds: number;
  /** Calls the generator made and the rate it achieved. */
  calls: number;
  achieved_rate: number;
  /** getppid events the client received, and per second of the run. */
  delivered: number;
  delivered_rate: number;
  lost_kernel: number;
  lost_subscriber: number;
  /**
   * Events lost without a notice: the larger of the two views of one shortfall (the service's
   * counters against what the client was told, and the calls made against it); not their sum.
   */
  unannounced: number;
  /** Received getppid events + announced losses fall short of the calls made. */
  missing: number;
  /** The client's stream ended with an error instead of OK (its events after that are missing). */
  stream_error?: string | null;
  zero_loss: boolean;
  service_cpu_pct: number;
  client_cpu_pct: number;
  service_peak_rss_mb: number;
}

export interface ThroughputResult {
  seconds: number;
  ladder: LoadRun[];
  /** Highest offered rate that passed every confirmation run, and the medians of those runs. */
  max_zero_loss_rate: number;
  confirm: LoadRun[];
  median_delivered_rate: number;
  /** Runs at twice that rate (or flat out). */
  at_2x: LoadRun[];
  loss_at_2x_pct: number;
  service_cpu_pct: number;
  service_peak_rss_mb: number;
}

export interface ThroughputOptions {
  seconds: number;
  runs: number;
  ladder: number[];
  /** Bisection steps between the last passing and the first failing rung. */
  refine: number;
  /** Starts a service for one run (each run gets a fresh one); without it, ctx's is used. */
  fresh?: () => Promise<Service>;
  log: (line: string) => void;
}

/**
 * One run of the generator at `rate` calls/s (0: flat out) for about `seconds`, against a fresh
 * service from `fresh` when given (so its peak RSS is that of this load alone), else ctx's.
 */
export async function loadRun(ctx: RunContext, rate: number, seconds: number, fresh?: () => Promise<Service>): Promise<LoadRun> {
  const service = fresh ? await fresh() : ctx.service!;
  try {
    return await measureLoad({ ...ctx, service }, service, rate, seconds);
  } finally {
    if (fresh) await service.stop();
  }
}

async function measureLoad(ctx: RunContext, service: Service, rate: number, seconds: number): Promise<LoadRun> {
  // Flat out, a traced getppid takes well over 0.3 us: this many calls last about `seconds`.
  const calls = rate > 0 ? Math.round(rate * seconds) : Math.round(3_000_000 * seconds);
  resetPeakRss(service.pid);
  const argv = [ctxBin(ctx, 'getppid'), String(calls), String(rate)];
  const r = await runQuiet(ctx, 'sctrace', argv, ['--watch-nr', String(NR_GETPPID)], undefined, (a) => brokeGuarantee(a) || missingOf(a) > 0);
  const serviceCpu = r.serviceCpuNs ?? NaN;
  const peak = statusKb(service.pid, 'VmHWM');
  const gen = parseGenerator(r.workloadStderr);
  const c = r.client!.counts;
  const lost = c.lostKernel + c.lostSubscriber + c.lostDecode;
  const missing = missingOf(r);
  const unannounced = Math.max(unannouncedLoss(r.client!), missing);
  const wallS = r.wallNs / 1e9;
  return {
    offered: rate,
    seconds: wallS,
    calls: gen.calls,
    achieved_rate: gen.rate,
    delivered: c.watched,
    delivered_rate: c.watched / wallS,
    lost_kernel: c.lostKernel,
    lost_subscriber: c.lostSubscriber,
    unannounced,
    missing,
    stream_error: r.client!.stream_error,
    zero_loss: c.watched === gen.calls && lost === 0 && unannounced === 0 && !r.client!.stream_error,
    // Service CPU over the workload's wall time (the drain after it is included, so this errs high).
    service_cpu_pct: (100 * serviceCpu) / r.wallNs,
    client_cpu_pct: r.tracerCpuNs === null ? NaN : (100 * (r.tracerCpuNs - serviceCpu)) / r.wallNs,
    service_peak_rss_mb: peak / 1024,
  };
}

/** getppid calls the generator made that the client neither received nor was told it lost. */
function missingOf(r: RunResult): number {
  const c = r.client!.counts;
  return Math.max(0, parseGenerator(r.workloadStderr).calls - c.watched - c.lostKernel - c.lostSubscriber - c.lostDecode);
}

function ctxBin(ctx: RunContext, name: string): string {
  return `${ctx.workDir}/bin/${name}`;
}

function parseGenerator(stderr: string): { calls: number; rate: number } {
  const line = stderr
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{"calls"'));
  if (!line) throw new Error(`load generator printed no result: ${stderr}`);
  return JSON.parse(line) as { calls: number; rate: number };
}

function describe(r: LoadRun): string {
  const offered = r.offered ? `${(r.offered / 1e3).toFixed(0)}k/s` : 'flat out';
  return (
    `offered ${offered}: made ${(r.achieved_rate / 1e3).toFixed(0)}k/s, delivered ${(r.delivered_rate / 1e3).toFixed(0)}k/s, ` +
    `lost kernel ${r.lost_kernel} subscriber ${r.lost_subscriber}, unannounced ${r.unannounced}, ` +
    `service ${r.service_cpu_pct.toFixed(0)}% CPU, peak RSS ${r.service_peak_rss_mb.toFixed(0)} MB` +
    (r.stream_error ? `, the stream failed: ${r.stream_error}` : '')
  );
}

/** The search described in the module comment. */
export async function measureThroughput(ctx: RunContext, opts: ThroughputOptions): Promise<ThroughputResult> {
  const ladder: LoadRun[] = [];
  const run = async (rate: number) => {
    const r = await loadRun(ctx, rate, opts.seconds, opts.fresh);
    opts.log(`  ${describe(r)}`);
    return r;
  };
  let best = 0;
  let firstFail = 0;
  let failures = 0;
  for (const rate of opts.ladder) {
    const r = await run(rate);
    ladder.push(r);
    if (r.zero_loss && (rate > 0 || r.achieved_rate > best)) {
      best = rate > 0 ? rate : Math.floor(r.achieved_rate);
      failures = 0;
    } else if (!r.zero_loss) {
      firstFail ||= rate;
      if (++failures >= 2) break;
    }
  }
  for (let i = 0; i < opts.refine && firstFail > 0 && firstFail - best > 50_000; i++) {
    const mid = Math.round((best + firstFail) / 2 / 25_000) * 25_000;
    const r = await run(mid);
    ladder.push(r);
    if (r.zero_loss) best = mid;
    else firstFail = mid;
  }
  // Confirm: every run at the chosen rate must pass, else step down.
  let confirm: LoadRun[] = [];
  while (best > 0) {
    confirm = [];
    for (let i = 0; i < opts.runs; i++) confirm.push(await run(best));
    if (confirm.every((r) => r.zero_loss)) break;
    best = Math.round((best * 0.9) / 25_000) * 25_000;
  }
  const at2x: LoadRun[] = [];
  for (let i = 0; i < opts.runs && best > 0; i++) at2x.push(await run(2 * best));
  const all = [...ladder, ...confirm, ...at2x];
  return {
    seconds: opts.seconds,
    ladder,
    max_zero_loss_rate: best,
    confirm,
    median_delivered_rate: median(confirm.map((r) => r.delivered_rate)),
    at_2x: at2x,
    loss_at_2x_pct: median(at2x.map((r) => (100 * (r.lost_kernel + r.lost_subscriber)) / Math.max(1, r.calls))),
    service_cpu_pct: median(confirm.map((r) => r.service_cpu_pct)),
    service_peak_rss_mb: Math.max(...all.map((r) => r.service_peak_rss_mb)),
  };
}
