/**
 * Overhead: each workload untraced and under each tool, several runs interleaved (run 1 of every
 * tool, then run 2, …) so drift on the machine spreads over all tools, then medians.
 */
import { median } from './lib/proc';
import { runQuiet, TOOLS, unannouncedLoss, type RunContext, type RunResult, type ToolName } from './tools';
import type { Workload } from './workloads';

/** Medians of one tool on one workload. */
export interface OverheadRow {
  workload: string;
  tool: ToolName;
  label: string;
  size: number;
  runs: number;
  wall_ms: number;
  cpu_ms: number;
  /** Syscalls the workload makes at this size (counted by sctrace with zero loss). */
  syscalls: number;
  ns_per_syscall: number;
  /** Wall time added per syscall against the untraced run of the same size. */
  added_ns_per_syscall: number | null;
  /** Wall time over untraced wall time. */
  ratio: number | null;
  cpu_ratio: number | null;
  tracer_cpu_ms: number | null;
  /** sctrace only: events the client received and losses, summed over the runs. */
  events?: number;
  lost?: number;
  unannounced?: number;
  /** Per run; foreign_cpu_ns is other processes' CPU during the run (see tools.ts). */
  raw: { wall_ns: number[]; cpu_ns: number[]; tracer_cpu_ns: (number | null)[]; foreign_cpu_ns: number[] };
}

export interface OverheadOptions {
  runs: number;
  tools: ToolName[];
  /** Scale the workloads' sizes (smoke runs use a small factor). */
  scale: number;
  log: (line: string) => void;
}

type Key = `${ToolName}@${number}`;

/** Runs one workload under every tool and returns its rows. */
export async function measureWorkload(ctx: RunContext, w: Workload, opts: OverheadOptions): Promise<OverheadRow[]> {
  const full = Math.max(1, Math.round(w.sizes.full * opts.scale));
  const small = Math.max(1, Math.round(w.sizes.small * opts.scale));
  const slowSelected = opts.tools.some((t) => TOOLS.find((i) => i.name === t)!.slow);
  // Every size in use gets an untraced baseline and an sctrace run (which counts the syscalls).
  const plan: [ToolName, number][] = [];
  for (const t of opts.tools) plan.push([t, TOOLS.find((i) => i.name === t)!.slow ? small : full]);
  const extra: [ToolName, number][] = [['untraced', full], ['sctrace', full]];
  if (slowSelected) extra.push(['untraced', small], ['sctrace', small]);
  for (const e of extra) if (!plan.some(([t, s]) => t === e[0] && s === e[1])) plan.push(e);

  const results = new Map<Key, RunResult[]>();
  for (let run = 0; run < opts.runs; run++) {
    // Rotate the order so no tool always runs right after another.
    const order = plan.map((_, i) => plan[(i + run) % plan.length]);
    for (const [tool, size] of order) {
      const r = await runQuiet(ctx, tool, w.argv(size), [], opts.log);
      const key: Key = `${tool}@${size}`;
      results.set(key, [...(results.get(key) ?? []), r]);
      opts.log(`  ${w.name} run ${run + 1}/${opts.runs} ${tool} (${size} ${w.unit}): ${(r.wallNs / 1e6).toFixed(1)} ms${describeClient(r)}`);
    }
  }

  const syscallsAt = (size: number) => {
    const runs = results.get(`sctrace@${size}`) ?? [];
    return median(runs.map((r) => (r.client ? r.client.counts.syscalls + lostOf(r) : NaN)));
  };
  const rows: OverheadRow[] = [];
  for (const tool of opts.tools) {
    const size = TOOLS.find((i) => i.name === tool)!.slow ? small : full;
    rows.push(row(w, tool, size, results.get(`${tool}@${size}`) ?? [], results.get(`untraced@${size}`) ?? [], syscallsAt(size)));
  }
  return rows;
}

function row(w: Workload, tool: ToolName, size: number, runs: RunResult[], base: RunResult[], syscalls: number): OverheadRow {
  const wall = median(runs.map((r) => r.wallNs));
  const cpu = median(runs.map((r) => r.cpuNs));
  const baseWall = median(base.map((r) => r.wallNs));
  const baseCpu = median(base.map((r) => r.cpuNs));
  const tracerCpu = runs.some((r) => r.tracerCpuNs !== null) ? median(runs.map((r) => r.tracerCpuNs ?? NaN)) : null;
  const out: OverheadRow = {
    workload: w.name,
    tool,
    label: TOOLS.find((t) => t.name === tool)!.label,
    size,
    runs: runs.length,
    wall_ms: wall / 1e6,
    cpu_ms: cpu / 1e6,
    syscalls,
    ns_per_syscall: wall / syscalls,
    added_ns_per_syscall: tool === 'untraced' ? null : (wall - baseWall) / syscalls,
    ratio: tool === 'untraced' ? null : wall / baseWall,
    cpu_ratio: tool === 'untraced' ? null : cpu / baseCpu,
    tracer_cpu_ms: tracerCpu === null ? null : tracerCpu / 1e6,
    raw: {
      wall_ns: runs.map((r) => r.wallNs),
      cpu_ns: runs.map((r) => r.cpuNs),
      tracer_cpu_ns: runs.map((r) => r.tracerCpuNs),
      foreign_cpu_ns: runs.map((r) => Math.round(r.foreignCpuNs)),
    },
  };
  const withClient = runs.filter((r) => r.client);
  if (withClient.length) {
    out.events = withClient.reduce((s, r) => s + r.client!.counts.events, 0);
    out.lost = withClient.reduce((s, r) => s + lostOf(r), 0);
    out.unannounced = withClient.reduce((s, r) => s + unannouncedLoss(r.client!), 0);
  }
  return out;
}

function lostOf(r: RunResult): number {
  const c = r.client!.counts;
  return c.lostKernel + c.lostSubscriber + c.lostDecode;
}

function describeClient(r: RunResult): string {
  if (!r.client) return '';
  const c = r.client.counts;
  return `, ${c.events} events, ${lostOf(r)} lost, ${unannouncedLoss(r.client)} unannounced`;
}
