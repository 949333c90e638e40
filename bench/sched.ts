/**
 * The cost of context-switch tracing (TraceSpec.sched_events): a pipe ping-pong between two
 * processes pinned to one CPU (bench/c/pingpong.c: two switches per round trip), timed per round
 * trip with
 *   - no trace (the baseline; no program attached),
 *   - a trace of another process without sched_events (the sched_switch program returns after
 *     two loads of the control block),
 *   - a sched_events trace of another process (the ping-pong's tasks are untraced: one lookup of
 *     their task storage on each side of a switch),
 *   - a sched_events trace of the ping-pong itself (a record per switch, streamed to a gRPC
 *     client, bench/client.ts),
 *   - the peers where installed: `perf sched record` (every switch of the machine into a file) and
 *     a bpftrace sched_switch script that sums the off-CPU time of the two processes in a map.
 * Each mode runs `runs` times, interleaved; the figure is the median, and the added cost per
 * switch is (median round trip - baseline median) / 2.
 *
 * Standalone: node dist/bench/sched.js [--runs N] [--rounds N] [--out DIR] (under the BPF lock).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { LineChild, median, sleep } from './lib/proc';
import type { Service } from './lib/service';
import { runStandalone } from './lib/standalone';
import { nodeClient } from './tools';

/** One mode's figures. */
export interface SchedRow {
  mode: SchedMode;
  /** Round trips per run. */
  rounds: number;
  /** Nanoseconds per round trip, one per run. */
  ns_per_round: number[];
  median_ns_per_round: number;
  /** (median - baseline median) / 2: what each context switch costs more. */
  added_ns_per_switch: number;
  /** Traced mode: ContextSwitch events the client received, and lost ones, per run. */
  events?: number[];
  lost?: number[];
}

export type SchedMode = 'untraced' | 'other-trace' | 'sched-untraced' | 'sched-traced' | 'perf-sched' | 'bpftrace';

export const SCHED_TITLES: Record<SchedMode, string> = {
  untraced: 'no trace',
  'other-trace': 'sctrace: a trace of another process, no sched_events',
  'sched-untraced': 'sctrace: sched_events trace of another process (tasks untraced)',
  'sched-traced': 'sctrace: sched_events trace of the ping-pong (events streamed)',
  'perf-sched': 'perf sched record (system-wide, to a file)',
  bpftrace: 'bpftrace: sched_switch script summing off-CPU time of the two pids',
};

export interface SchedOptions {
  root: string;
  workDir: string;
  service: Service;
  runs: number;
  rounds: number;
  log: (line: string) => void;
}

/** Runs every mode `runs` times, interleaved, and returns one row per mode that could run. */
export async function measureSched(o: SchedOptions): Promise<SchedRow[]> {
  const bin = path.join(o.workDir, 'pingpong');
  execFileSync('gcc', ['-O2', '-Wall', '-Wextra', '-o', bin, path.join(o.root, 'bench/c/pingpong.c')], { stdio: 'inherit' });
  const modes: SchedMode[] = ['untraced', 'other-trace', 'sched-untraced', 'sched-traced'];
  if (has(['perf', 'version'])) modes.push('perf-sched');
  else o.log('[bench] sched: perf not installed, its row is left out');
  if (has(['bpftrace', '--version'])) modes.push('bpftrace');
  else o.log('[bench] sched: bpftrace not installed, its row is left out');
  const sleeper = new LineChild(['sleep', '100000']);
  const figures = new Map<SchedMode, { ns: number[]; events: number[]; lost: number[] }>(modes.map((m) => [m, { ns: [], events: [], lost: [] }]));
  try {
    for (let run = 0; run < o.runs; run++) {
      for (const mode of modes) {
        const r = await runOnce(o, bin, mode, sleeper.pid);
        const f = figures.get(mode)!;
        f.ns.push(r.nsPerRound);
        if (r.events !== undefined) f.events.push(r.events);
        if (r.lost !== undefined) f.lost.push(r.lost);
        o.log(`[bench] sched run ${run + 1}/${o.runs} ${mode}: ${r.nsPerRound.toFixed(0)} ns per round trip${r.events !== undefined ? `, ${r.events} events, ${r.lost} lost` : ''}`);
      }
    }
  } finally {
    sleeper.kill('SIGKILL');
  }
  const base = median(figures.get('untraced')!.ns);
  return modes.map((mode) => {
    const f = figures.get(mode)!;
    const m = median(f.ns);
    return {
      mode,
      rounds: o.rounds,
      ns_per_round: f.ns,
      median_ns_per_round: m,
      added_ns_per_switch: (m - base) / 2,
      ...(f.events.length ? { events: f.events, lost: f.lost } : {}),
    };
  });
}

interface OneRun {
  nsPerRound: number;
  events?: number;
  lost?: number;
}

/** One timed ping-pong under `mode`; the tracer is set up while both processes wait. */
async function runOnce(o: SchedOptions, bin: string, mode: SchedMode, otherPid: number): Promise<OneRun> {
  const pp = new LineChild([bin, String(o.rounds)]);
  let tracer: LineChild | undefined;
  try {
    const { pids } = await pp.json<{ pids: number[] }>('pids', 10_000, 'pingpong start');
    tracer = await startTracer(o, mode, pids, otherPid);
    pp.write('go\n');
    const done = await pp.json<{ ns_per_round: number }>('ns_per_round', 600_000, 'pingpong');
    const counts = await stopTracer(mode, tracer);
    return { nsPerRound: done.ns_per_round, ...counts };
  } finally {
    pp.kill('SIGKILL');
    tracer?.kill('SIGKILL');
  }
}

async function startTracer(o: SchedOptions, mode: SchedMode, pids: number[], otherPid: number): Promise<LineChild | undefined> {
  const client = (args: string[]) => new LineChild([...nodeClient(o.root), '--server', o.service.address, ...args]);
  let t: LineChild | undefined;
  switch (mode) {
    case 'untraced':
      return undefined;
    case 'other-trace':
      t = client(['--pid', String(otherPid), '--syscalls', 'getppid']);
      await t.json('ready', 60_000, 'bench client start');
      return t;
    case 'sched-untraced':
      t = client(['--pid', String(otherPid), '--syscalls', 'getppid', '--sched']);
      await t.json('ready', 60_000, 'bench client start');
      return t;
    case 'sched-traced':
      // getppid, which the ping-pong never calls: the switches are the only events.
      t = client([...pids.flatMap((p) => ['--pid', String(p)]), '--syscalls', 'getppid', '--sched']);
      await t.json('ready', 60_000, 'bench client start');
      return t;
    case 'perf-sched': {
      const file = path.join(o.workDir, 'perf.data');
      t = new LineChild(['perf', 'sched', 'record', '-o', file]);
      // perf has no ready line; its attach takes well under a second here.
      await sleep(1500);
      return t;
    }
    case 'bpftrace': {
      const [a, b] = pids;
      const script =
        `tracepoint:sched:sched_switch /args->prev_pid == ${a} || args->prev_pid == ${b}/ { @out[args->prev_pid] = nsecs; } ` +
        `tracepoint:sched:sched_switch /@out[args->next_pid]/ { @off[args->next_pid] = sum(nsecs - @out[args->next_pid]); }`;
      t = new LineChild(['bpftrace', '-e', script]);
      await t.line((l) => l.startsWith('Attaching'), 60_000, 'bpftrace attach');
      await sleep(500);
      return t;
    }
  }
}

async function stopTracer(mode: SchedMode, t: LineChild | undefined): Promise<{ events?: number; lost?: number }> {
  if (!t) return {};
  if (mode === 'perf-sched' || mode === 'bpftrace') {
    t.kill('SIGINT');
    await t.exited;
    return {};
  }
  t.write('stop\n');
  const report = await t.json<{ counts: { events: number }; counters: { lost_kernel: string } | null }>('done', 120_000, 'bench client stop');
  await t.exited;
  if (mode !== 'sched-traced') return {};
  return { events: report.counts.events, lost: Number(report.counters?.lost_kernel ?? NaN) };
}

function has(argv: string[]): boolean {
  try {
    execFileSync(argv[0], argv.slice(1), { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The rows as a markdown table. */
export function schedMarkdown(rows: SchedRow[]): string {
  const lines = [
    '| pipe ping-pong, 2 processes on one CPU | ns per round trip (median) | added ns per switch | events (lost) |',
    '|---|---:|---:|---|',
  ];
  for (const r of rows) {
    const events = r.events ? `${median(r.events).toFixed(0)} (${r.lost?.join('/')})` : '';
    lines.push(`| ${SCHED_TITLES[r.mode]} | ${r.median_ns_per_round.toFixed(0)} | ${r.mode === 'untraced' ? '—' : r.added_ns_per_switch.toFixed(0)} | ${events} |`);
  }
  return lines.join('\n');
}

if (require.main === module) {
  runStandalone('sched', 'rounds', (c) => measureSched({ root: c.root, workDir: c.workDir, service: c.service, runs: Number(c.values.runs ?? 5), rounds: Number(c.values.rounds ?? 100_000), log: c.log }), schedMarkdown);
}
