#!/usr/bin/env node
/**
 * sctrace benchmark: what tracing costs a workload under sctrace and its peers (strace, perf
 * trace, bpftrace), and how many events per second sctrace delivers to one gRPC client without
 * loss. Run through `npm run bench` (bench/run.sh installs the peers and builds first).
 *
 * usage: node dist/bench/main.js [--smoke] [--only a,b] [--runs N] [--workloads a,b] [--tools a,b]
 *          [--no-throughput] [--no-export] [--seconds S] [--out DIR] [-- sctraced flags]
 *        node dist/bench/main.js --render DIR   (rewrite DIR's results.md and chart.svg from its JSON)
 *
 * --no-python: skip the throughput search with the Python client (bench/client.py).
 * --no-ts-client: skip the throughput search with the TypeScript client library (bench/ts-client.ts).
 * --no-sched: skip the context-switch tracing costs (bench/sched.ts, a pipe ping-pong).
 * --no-reads: skip the cost of the kernel reads by syscall family (bench/reads.ts).
 * --counts a,b: the concurrency section's trace counts (default 1,4,16,32).
 * --smoke: small sizes, sctrace only, one short throughput check; exits 1 only on unannounced
 * loss (an event neither delivered nor covered by an EventsLost notice), never on timings.
 * --only a,b: run only these sections (overhead, concurrency, throughput [the stock grpc-js
 * client], python, ts-client [its throughput search and the decode rate], sched, reads, export);
 * the other sections of the output directory's results.json are kept as they were, and
 * `sections` in it says which run (commit, date) measured each section measured apart.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { renderChart } from './chart';
import { measureConcurrency, type ConcurrencyRow } from './concurrency';
import { startService, type Service } from './lib/service';
import { measureWorkload, type OverheadRow } from './overhead';
import { describeMachine, markdownReport, textReport, type Results } from './report';
import { measureThroughput, type ThroughputResult } from './throughput';
import { measureExport, type ExportResult } from './export';
import { measureDecode, type DecodeRate } from './decode';
import { measureReads, type ReadsRow } from './reads';
import { measureSched, type SchedRow } from './sched';
import { TOOLS, pythonClient, tsLibraryClient, type RunContext, type ToolName } from './tools';
import { prepare, workloads } from './workloads';

const ROOT = path.resolve(__dirname, '../..');

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      smoke: { type: 'boolean' },
      runs: { type: 'string' },
      workloads: { type: 'string' },
      tools: { type: 'string' },
      'no-throughput': { type: 'boolean' },
      'no-export': { type: 'boolean' },
      'no-overhead': { type: 'boolean' },
      'no-concurrency': { type: 'boolean' },
      'no-python': { type: 'boolean' },
      'no-ts-client': { type: 'boolean' },
      'no-sched': { type: 'boolean' },
      'no-reads': { type: 'boolean' },
      seconds: { type: 'string' },
      out: { type: 'string' },
      decode: { type: 'string' },
      render: { type: 'string' },
      only: { type: 'string' },
      counts: { type: 'string' },
    },
  });
  if (values.render) return render(values.render);
  const smoke = values.smoke ?? false;
  const runs = Number(values.runs ?? (smoke ? 1 : 5));
  const toolNames = (values.tools?.split(',') ?? (smoke ? ['untraced', 'sctrace', 'sctrace-filtered'] : TOOLS.map((t) => t.name))) as ToolName[];
  for (const t of toolNames) if (!TOOLS.some((i) => i.name === t)) throw new Error(`unknown tool ${t}; tools: ${TOOLS.map((i) => i.name).join(', ')}`);
  if (!toolNames.includes('untraced')) toolNames.unshift('untraced');
  const outDir = values.out ?? (smoke ? path.join(os.tmpdir(), 'sctrace-bench-smoke') : path.join(ROOT, 'bench/results'));
  const seconds = Number(values.seconds ?? (smoke ? 1 : 5));
  const only = values.only?.split(',');
  for (const name of only ?? []) if (!SECTIONS.includes(name as Section)) throw new Error(`unknown section ${name}; sections: ${SECTIONS.join(', ')}`);
  /** Whether section `name` runs: named by --only, or not turned off by its --no-NAME. */
  const enabled = (name: Section, off: boolean | undefined) => (only ? only.includes(name) : !off);
  const run = {
    overhead: enabled('overhead', values['no-overhead']),
    concurrency: enabled('concurrency', values['no-concurrency']),
    throughput: enabled('throughput', values['no-throughput']),
    python: enabled('python', values['no-throughput'] || values['no-python']),
    tsClient: enabled('ts-client', values['no-throughput'] || values['no-ts-client']),
    sched: enabled('sched', values['no-sched']),
    reads: enabled('reads', values['no-reads']),
    export: enabled('export', values['no-export']),
  };

  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sctrace-bench-'));
  log(`[bench] building workloads in ${workDir}`);
  const built = prepare(ROOT, workDir);
  const all = workloads(built);
  const selected = values.workloads ? all.filter((w) => values.workloads!.split(',').includes(w.name)) : all;
  const titles = Object.fromEntries(all.map((w) => [w.name, w.title]));

  let service: Service | undefined;
  let niceService: Service | undefined;
  const failures: string[] = [];
  const overhead: OverheadRow[] = [];
  let throughput: ThroughputResult | null = null;
  let concurrency: ConcurrencyRow[] | null = null;
  let exported: ExportResult | null = null;
  let throughputPython: ThroughputResult | null = null;
  let throughputTsClient: ThroughputResult | null = null;
  let decode: DecodeRate[] | null = null;
  let sched: SchedRow[] | null = null;
  let reads: ReadsRow[] | null = null;
  try {
    service = await startService(workDir, positionals);
    if (toolNames.includes('sctrace-nice0')) niceService = await startService(path.join(workDir, 'nice0'), [...positionals, '--nice', '0']);
    const ctx: RunContext = {
      root: ROOT,
      workDir,
      launch: path.join(built.bin, 'launch'),
      service,
      niceService: niceService ?? null,
      clientArgs: values.decode ? ['--decode', values.decode] : smoke ? ['--decode', 'full'] : [],
    };
    if (run.overhead) {
      for (const w of selected) {
        log(`[bench] ${w.title}`);
        const rows = await measureWorkload(ctx, w, { runs, tools: toolNames, scale: smoke ? 0.05 : 1, log });
        overhead.push(...rows);
        for (const r of rows) if (r.unannounced) failures.push(`${w.name} under ${r.tool}: ${r.unannounced} events lost without an EventsLost notice`);
      }
    }
    const getppid = all.find((w) => w.name === 'getppid');
    if (run.concurrency && getppid) {
      log('[bench] concurrent traces (one kernel pass)');
      concurrency = await measureConcurrency(ctx, getppid, {
        counts: values.counts ? values.counts.split(',').map(Number) : smoke ? [1, 4] : [1, 4, 16, 32],
        runs: smoke ? 1 : Math.min(runs, 3),
        size: smoke ? 200_000 : getppid.sizes.full,
        // One identity (the local socket's) starts every trace: as many as the service allows.
        fresh: (k) => startService(path.join(workDir, `traces-${k}`), ['--max-traces-per-identity', '64', ...positionals]),
        log,
      });
    }
    if (run.throughput) {
      log('[bench] throughput to one gRPC client');
      throughput = await measureThroughput(ctx, {
        seconds,
        runs: smoke ? 1 : Math.min(runs, 3),
        ladder: smoke ? [100_000, 0] : [100_000, 250_000, 400_000, 500_000, 600_000, 750_000, 1_000_000, 1_250_000, 1_500_000, 2_000_000, 0],
        refine: smoke ? 0 : 2,
        fresh: () => startService(path.join(workDir, 'load'), positionals),
        log,
      });
      for (const r of [...throughput.ladder, ...throughput.confirm, ...throughput.at_2x]) {
        if (r.unannounced) failures.push(`throughput at ${r.offered || 'flat out'}/s: ${r.unannounced} events lost without an EventsLost notice`);
        if (r.stream_error) failures.push(`throughput at ${r.offered || 'flat out'}/s: the stream failed: ${r.stream_error}`);
      }
    }
    if (run.python) {
      // The same search with bench/client.py, a consumer written with the Python client library.
      log('[bench] throughput to one Python client (clients/python)');
      throughputPython = await measureThroughput(
        { ...ctx, clientCommand: pythonClient(ROOT), clientArgs: [] },
        {
          seconds,
          runs: smoke ? 1 : Math.min(runs, 3),
          ladder: smoke ? [50_000] : [50_000, 100_000, 150_000, 200_000, 250_000, 300_000, 400_000, 500_000, 750_000, 1_000_000, 0],
          refine: smoke ? 0 : 2,
          fresh: () => startService(path.join(workDir, 'load'), positionals),
          log,
        },
      );
      for (const r of [...throughputPython.ladder, ...throughputPython.confirm, ...throughputPython.at_2x]) {
        if (r.unannounced) failures.push(`Python client at ${r.offered || 'flat out'}/s: ${r.unannounced} events lost without an EventsLost notice`);
        if (r.stream_error) failures.push(`Python client at ${r.offered || 'flat out'}/s: the stream failed: ${r.stream_error}`);
      }
    }
    if (run.tsClient) {
      // The same search with bench/ts-client.ts, a consumer written with the TypeScript client library.
      log('[bench] throughput to one TypeScript client (clients/ts)');
      throughputTsClient = await measureThroughput(
        { ...ctx, clientCommand: tsLibraryClient(ROOT), clientArgs: [] },
        {
          seconds,
          runs: smoke ? 1 : Math.min(runs, 3),
          ladder: smoke ? [100_000] : [100_000, 250_000, 400_000, 500_000, 600_000, 750_000, 1_000_000, 1_250_000, 0],
          refine: smoke ? 0 : 2,
          fresh: () => startService(path.join(workDir, 'load'), positionals),
          log,
        },
      );
      for (const r of [...throughputTsClient.ladder, ...throughputTsClient.confirm, ...throughputTsClient.at_2x]) {
        if (r.unannounced) failures.push(`TypeScript client at ${r.offered || 'flat out'}/s: ${r.unannounced} events lost without an EventsLost notice`);
        if (r.stream_error) failures.push(`TypeScript client at ${r.offered || 'flat out'}/s: the stream failed: ${r.stream_error}`);
      }
    }
    if (run.sched) {
      log('[bench] context switches: pipe ping-pong');
      sched = await measureSched({ root: ROOT, workDir, service, runs: smoke ? 1 : Math.min(runs, 5), rounds: smoke ? 20_000 : 100_000, log });
    }
    if (run.reads) {
      log('[bench] kernel reads by syscall family');
      reads = await measureReads({ root: ROOT, workDir, service, runs: smoke ? 1 : Math.min(runs, 5), calls: smoke ? 20_000 : 100_000, log });
    }
    if (run.tsClient) {
      log('[bench] decode rate of the TypeScript client library, one core');
      decode = measureDecode(smoke ? 3 : 7, smoke ? 100 : 500);
    }
    if (run.export) {
      log('[bench] export into NATS JetStream');
      exported = await measureExport({
        root: ROOT,
        getppid: path.join(built.bin, 'getppid'),
        seconds,
        runs: smoke ? 1 : Math.min(runs, 3),
        ladder: smoke ? [50_000] : [100_000, 200_000, 300_000, 400_000, 500_000, 600_000, 800_000, 1_000_000],
        fresh: () => startService(path.join(workDir, 'export'), positionals),
        log,
      });
      for (const r of [...exported.ladder, ...exported.confirm]) {
        const unannounced = r.calls - r.consumed - r.announced_lost;
        if (unannounced > 0) failures.push(`export at ${r.offered}/s: ${unannounced} getppid neither in JetStream nor announced lost`);
        if (r.sequence_errors > 0) failures.push(`export at ${r.offered}/s: ${r.sequence_errors} events out of order, repeated or missing without a notice on the bus`);
      }
    }
  } finally {
    await service?.stop();
    await niceService?.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
  }

  const machine = describeMachine(ROOT);
  let results: Results = {
    machine,
    options: { smoke, runs, tools: toolNames, seconds, sctraced: positionals, workloads: selected.map((w) => ({ name: w.name, sizes: w.sizes, unit: w.unit })) },
    overhead,
    concurrency,
    throughput,
    export: exported,
    throughput_python: throughputPython,
    throughput_ts_client: throughputTsClient,
    decode,
    sched,
    reads,
    failures,
  };
  fs.mkdirSync(outDir, { recursive: true });
  if (only) results = mergeSections(path.join(outDir, 'results.json'), results, only as Section[]);
  fs.writeFileSync(path.join(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  fs.writeFileSync(path.join(outDir, 'results.md'), `${markdownReport(results, titles)}\n`);
  fs.writeFileSync(path.join(outDir, 'chart.svg'), renderChart(results, titles));
  process.stdout.write(`${textReport(results, titles)}\n\n[bench] results in ${outDir}/{results.json,results.md,chart.svg}\n`);
  return failures.length ? 1 : 0;
}

/** The sections --only selects from, and the results.json keys each one fills. */
const SECTIONS = ['overhead', 'concurrency', 'throughput', 'python', 'ts-client', 'sched', 'reads', 'export'] as const;
type Section = (typeof SECTIONS)[number];
const SECTION_KEYS: Record<Section, (keyof Results)[]> = {
  overhead: ['overhead'],
  concurrency: ['concurrency'],
  throughput: ['throughput'],
  python: ['throughput_python'],
  'ts-client': ['throughput_ts_client', 'decode'],
  sched: ['sched'],
  reads: ['reads'],
  export: ['export'],
};

/**
 * The results at `file` (a previous full run) with the sections of `fresh` named in `only`
 * replaced, and the run that measured them recorded under `sections`; just `fresh` when there is
 * no previous file. Failures of the previous run are kept, those of the replaced sections dropped.
 */
function mergeSections(file: string, fresh: Results, only: Section[]): Results {
  if (!fs.existsSync(file)) return fresh;
  const previous = JSON.parse(fs.readFileSync(file, 'utf8')) as Results;
  const merged: Results = { ...previous, sections: { ...previous.sections } };
  for (const section of only) {
    for (const key of SECTION_KEYS[section]) (merged as unknown as Record<string, unknown>)[key] = fresh[key];
    merged.sections![section] = { commit: fresh.machine.commit, date: fresh.machine.date, options: fresh.options };
  }
  merged.failures = [...fresh.failures, ...previous.failures.filter((f) => !only.some((s) => failureOf(f) === s))];
  return merged;
}

/** Which section a failure line of main() belongs to, by its wording there. */
function failureOf(line: string): Section {
  if (line.startsWith('throughput at')) return 'throughput';
  if (line.startsWith('Python client')) return 'python';
  if (line.startsWith('TypeScript client')) return 'ts-client';
  if (line.startsWith('export at')) return 'export';
  return 'overhead';
}

/** Rewrites results.md and chart.svg of `dir` from its results.json (after a change to the report). */
function render(dir: string): number {
  const results = JSON.parse(fs.readFileSync(path.join(dir, 'results.json'), 'utf8')) as Results;
  const titles = Object.fromEntries(workloads(prepareless()).map((w) => [w.name, w.title]));
  fs.writeFileSync(path.join(dir, 'results.md'), `${markdownReport(results, titles)}\n`);
  fs.writeFileSync(path.join(dir, 'chart.svg'), renderChart(results, titles));
  process.stdout.write(`${textReport(results, titles)}\n`);
  return 0;
}

/** Paths for workload titles only (nothing is built). */
function prepareless(): Parameters<typeof workloads>[0] {
  return { bin: '', filesDir: '', treeDir: '', tarOut: '' };
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(2);
  },
);
