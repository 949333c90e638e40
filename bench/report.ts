/** The bench's outputs: machine description, the printed tables, and the markdown for the README. */
import { readsMarkdown, type ReadsRow } from './reads';
import { schedMarkdown, type SchedRow } from './sched';
import fs from 'node:fs';
import type { ConcurrencyRow } from './concurrency';
import os from 'node:os';
import { commandOutput, median } from './lib/proc';
import type { OverheadRow } from './overhead';
import type { ExportResult, ExportRun } from './export';
import type { DecodeRate } from './decode';
import type { LoadRun, ThroughputResult } from './throughput';

export interface Machine {
  date: string;
  host: string;
  cpu: string;
  cpus: number;
  memory_gb: number;
  kernel: string;
  os: string;
  virtualization: string;
  node: string;
  commit: string;
  peers: Record<string, string>;
}

export interface Results {
  machine: Machine;
  options: Record<string, unknown>;
  overhead: OverheadRow[];
  throughput: ThroughputResult | null;
  /** Concurrent traces on one kernel pass (bench/concurrency.ts); absent in older results. */
  concurrency?: ConcurrencyRow[] | null;
  /** Export into NATS JetStream (absent in results of runs before it existed). */
  export?: ExportResult | null;
  /** The same search with bench/client.py (the Python client library); absent in older results. */
  throughput_python?: ThroughputResult | null;
  /** The same search with bench/ts-client.ts (the TypeScript client library); absent in older results. */
  throughput_ts_client?: ThroughputResult | null;
  /** Decode rates of the TypeScript client library and of protobufjs; absent in older results. */
  decode?: DecodeRate[] | null;
  /** Context-switch tracing on a pipe ping-pong (bench/sched.ts); absent in older results. */
  sched?: SchedRow[] | null;
  /** The kernel reads' cost by syscall family (bench/reads.ts); absent in older results. */
  reads?: ReadsRow[] | null;
  /** Checks that failed (unannounced loss); empty on a clean run. */
  failures: string[];
  /** Sections measured by a later run than `machine`'s (bench --only), by section: which commit, when, with which options. */
  sections?: Record<string, { commit: string; date: string; options: Record<string, unknown> }>;
}

export function describeMachine(root: string): Machine {
  const osRelease = fs.existsSync('/etc/os-release') ? fs.readFileSync('/etc/os-release', 'utf8') : '';
  const commit = commandOutput(['git', '-C', root, 'rev-parse', '--short', 'HEAD']);
  return {
    date: new Date().toISOString(),
    host: os.hostname(),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cpus: os.cpus().length,
    memory_gb: Math.round(os.totalmem() / 2 ** 30),
    kernel: os.release(),
    os: /^PRETTY_NAME="?([^"\n]*)"?/m.exec(osRelease)?.[1] ?? os.type(),
    virtualization: commandOutput(['systemd-detect-virt']) || 'unknown',
    node: process.version,
    commit: /^[0-9a-f]{7,40}$/.test(commit) ? commit : 'unknown',
    peers: {
      strace: commandOutput(['strace', '-V']).split('\n')[0] ?? '',
      bpftrace: commandOutput(['bpftrace', '--version']),
      perf: commandOutput(['perf', '--version']),
    },
  };
}

const fmt = (v: number | null | undefined, digits = 0) =>
  v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

const ratio = (v: number | null) => (v === null || !Number.isFinite(v) ? '–' : `${fmt(v, v < 10 ? 2 : 1)}×`);

const HEADERS = ['tool', 'size', 'wall ms', 'workload CPU ms', 'syscalls', 'ns/syscall', 'added ns/syscall', '× untraced', 'tracer CPU ms'];

function cells(r: OverheadRow): string[] {
  return [
    r.label,
    fmt(r.size),
    fmt(r.wall_ms, 1),
    fmt(r.cpu_ms, 1),
    fmt(r.syscalls),
    fmt(r.ns_per_syscall),
    r.added_ns_per_syscall === null ? '–' : fmt(r.added_ns_per_syscall),
    ratio(r.ratio),
    fmt(r.tracer_cpu_ms, 0),
  ];
}

/** Plain-text tables for the terminal. */
export function textReport(results: Results, titles: Record<string, string>): string {
  const out: string[] = [];
  const m = results.machine;
  out.push(`sctrace bench, ${m.date}: ${m.cpus} × ${m.cpu}, ${m.memory_gb} GB, ${m.os}, kernel ${m.kernel} (${m.virtualization}), node ${m.node}, commit ${m.commit}`);
  for (const w of [...new Set(results.overhead.map((r) => r.workload))]) {
    const rows = results.overhead.filter((r) => r.workload === w);
    out.push('', `${titles[w] ?? w} (medians of ${Math.max(...rows.map((r) => r.runs))} runs)`);
    const table = [HEADERS, ...rows.map(cells)];
    const widths = HEADERS.map((_, i) => Math.max(...table.map((row) => row[i].length)));
    for (const row of table) out.push(row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
  }
  if (results.concurrency?.length) out.push('', ...concurrencyTable(results.concurrency).map((r) => r.replace(/\*\*/g, '')));
  if (results.sched?.length) out.push('', 'Context switches (bench/sched.ts)', schedMarkdown(results.sched));
  if (results.reads?.length) out.push('', 'Kernel reads by syscall family, ns added per call (bench/reads.ts)', readsMarkdown(results.reads));
  if (results.throughput) out.push('', ...throughputLines(results.throughput));
  if (results.export) out.push('', ...exportLines(results.export));
  if (results.throughput_python) out.push('', ...throughputLines(results.throughput_python, 'Throughput to one Python client (clients/python, bench/client.py):'));
  if (results.throughput_ts_client) {
    out.push('', ...throughputLines(results.throughput_ts_client, 'Throughput to one TypeScript client (clients/ts, bench/ts-client.ts: every event decoded and iterated):'));
  }
  if (results.decode) out.push('', 'Decoding StreamEventsResponse batches on one core:', ...results.decode.map((d) => `  ${decodeLine(d)}`));
  if (results.failures.length) out.push('', 'FAILED CHECKS:', ...results.failures.map((f) => `  ${f}`));
  return out.join('\n');
}

function decodeLine(d: DecodeRate): string {
  return `${d.event}, ${fmt(d.bytes_per_event)} B: clients/ts ${fmt(d.library_rate / 1e3)}k events/s, protobufjs ${fmt(d.protobufjs_rate / 1e3)}k/s (${fmt(d.library_rate / d.protobufjs_rate, 1)}×)`;
}

function throughputLines(t: ThroughputResult, title = 'Throughput to one gRPC client (getppid events, one subscriber):'): string[] {
  const lines = [title];
  for (const r of [...t.ladder, ...t.confirm, ...t.at_2x]) lines.push(`  ${loadRunLine(r)}`);
  lines.push(
    `  highest zero-loss rate: ${fmt(t.max_zero_loss_rate)} events/s offered, ${fmt(t.median_delivered_rate)} delivered (median of ${t.confirm.length})`,
    `  at 2×: ${fmt(t.loss_at_2x_pct, 2)}% lost, every loss announced: ${t.at_2x.every((r) => r.unannounced === 0) ? 'yes' : 'NO'}`,
    `  service CPU at that rate ${fmt(t.service_cpu_pct)}%, peak RSS ${fmt(peakAtRate(t))} MB (${fmt(t.service_peak_rss_mb)} MB over all runs)`,
  );
  return lines;
}

function exportLines(e: ExportResult): string[] {
  const lines = ['Export into NATS JetStream (sctrace export, getppid events, a consumer on the bus):'];
  for (const r of [...e.ladder, ...e.confirm]) lines.push(`  ${exportRunLine(r)}`);
  lines.push(
    `  highest zero-loss rate into JetStream: ${fmt(e.max_zero_loss_rate)} events/s (${e.confirm.length} confirmation runs); the consumer read ${fmt(e.median_consumer_rate)} events/s (median)`,
  );
  return lines;
}

function exportRunLine(r: ExportRun): string {
  return (
    `${`${fmt(r.offered / 1e3)}k/s`.padStart(9)}: generator ${fmt(r.achieved_rate / 1e3)}k/s, consumer got ${fmt(r.consumed)} of ${fmt(r.calls)} ` +
    `getppid in ${fmt(r.messages)} messages at ${fmt(r.consumer_rate / 1e3)}k events/s, announced lost ${fmt(r.announced_lost)}${r.announced_lost && r.lost_kernel !== undefined ? ` (kernel ${fmt(r.lost_kernel)}, subscriber ${fmt(r.lost_subscriber ?? 0)})` : ''}` +
    (r.exporter_cpu_pct === undefined ? '' : `, exporter ${fmt(r.exporter_cpu_pct)}% CPU, service ${fmt(r.service_cpu_pct)}%`)
  );
}

function loadRunLine(r: LoadRun): string {
  const offered = r.offered ? `${fmt(r.offered / 1e3)}k/s` : 'flat out';
  return (
    `${offered.padStart(9)}: generator ${fmt(r.achieved_rate / 1e3)}k/s, delivered ${fmt(r.delivered_rate / 1e3)}k/s, ` +
    `lost ${fmt(r.lost_kernel + r.lost_subscriber)} (kernel ${fmt(r.lost_kernel)}, subscriber ${fmt(r.lost_subscriber)}), ` +
    `unannounced ${fmt(r.unannounced)}, service ${fmt(r.service_cpu_pct)}% CPU, peak RSS ${fmt(r.service_peak_rss_mb)} MB`
  );
}

/** Markdown for the README's Benchmarks section. */
export function markdownReport(results: Results, titles: Record<string, string>): string {
  const out: string[] = [];
  const m = results.machine;
  out.push(`Measured ${m.date.slice(0, 10)} on ${m.cpus} × ${m.cpu}, ${m.memory_gb} GB, ${m.os}, kernel ${m.kernel} (${m.virtualization}), Node ${m.node}, commit ${m.commit}; medians.`);
  for (const w of [...new Set(results.overhead.map((r) => r.workload))]) {
    const rows = results.overhead.filter((r) => r.workload === w);
    out.push('', `**${titles[w] ?? w}**`, '', `| ${HEADERS.join(' | ')} |`, `|${HEADERS.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`);
    for (const r of rows) out.push(`| ${cells(r).join(' | ')} |`);
  }
  if (results.concurrency?.length) out.push('', ...concurrencyTable(results.concurrency));
  if (results.sched?.length) out.push('', '**Context switches** (`bench/sched.ts`: TraceSpec.sched_events against the peers)', '', schedMarkdown(results.sched));
  if (results.reads?.length) out.push('', '**Kernel reads by syscall family** (`bench/reads.ts`: ns added per call, medians)', '', readsMarkdown(results.reads));
  const t = results.throughput;
  if (t) {
    out.push(
      ...ladderTable('**Throughput to one gRPC client**', t, ['service CPU', 'service peak RSS'], (r) => [
        `${fmt(r.service_cpu_pct)}%`,
        `${fmt(r.service_peak_rss_mb)} MB`,
      ]),
    );
    out.push(
      '',
      `Highest zero-loss rate: **${fmt(t.max_zero_loss_rate)} events/s** (${t.confirm.length} confirmation runs, median delivered ${fmt(t.median_delivered_rate)}/s, service ${fmt(t.service_cpu_pct)}% CPU); ` +
        `at 2× that rate ${fmt(t.loss_at_2x_pct, 2)}% of events are lost, all announced as EventsLost. Service peak RSS ${fmt(peakAtRate(t))} MB at that rate, ${fmt(t.service_peak_rss_mb)} MB at most over all runs (overload included).`,
    );
  }
  const e = results.export;
  if (e) {
    out.push(
      '',
      '**Export into NATS JetStream** (`sctrace export`, a consumer on the bus)',
      '',
      '| offered events/s | generator events/s | in JetStream, read by the consumer | messages | consumer events/s | announced lost | exporter CPU | service CPU |',
      '|---:|---:|---:|---:|---:|---:|---:|---:|',
    );
    for (const r of e.ladder) {
      const cpu = (pct: number | undefined) => (pct === undefined ? '–' : `${fmt(pct)}%`);
      out.push(
        `| ${fmt(r.offered)} | ${fmt(r.achieved_rate)} | ${fmt(r.consumed)} of ${fmt(r.calls)} | ${fmt(r.messages)} | ${fmt(r.consumer_rate)} | ${fmt(r.announced_lost)} | ${cpu(r.exporter_cpu_pct)} | ${cpu(r.service_cpu_pct)} |`,
      );
    }
    out.push('', `Highest zero-loss rate into JetStream: **${fmt(e.max_zero_loss_rate)} events/s** (${e.confirm.length} confirmation runs); the consumer read ${fmt(e.median_consumer_rate)} events/s (median).`);
  }
  const py = results.throughput_python;
  if (py) {
    const title = '**Throughput to one Python client** (`bench/client.py`: the Python client library, every message decoded by the generated classes)';
    out.push(...ladderTable(title, py, ['client CPU'], (r) => [`${fmt(r.client_cpu_pct)}%`]));
    out.push(
      '',
      `Highest zero-loss rate with the Python client: **${fmt(py.max_zero_loss_rate)} events/s** (${py.confirm.length} confirmation runs, median delivered ${fmt(py.median_delivered_rate)}/s); ` +
        `at 2× that rate ${fmt(py.loss_at_2x_pct, 2)}% of events are lost, all announced as EventsLost.`,
    );
  }
  const ts = results.throughput_ts_client;
  if (ts) {
    const apart = results.sections?.['ts-client'];
    const title =
      '**Throughput to one TypeScript client** (`bench/ts-client.ts`: the TypeScript client library, `for await` over every event, each decoded to an object)' +
      (apart ? `, measured apart at ${apart.commit} (${apart.date.slice(0, 10)}, \`--only ts-client\`)` : '');
    out.push(...ladderTable(title, ts, ['client CPU'], (r) => [`${fmt(r.client_cpu_pct)}%`]));
    out.push(
      '',
      `Highest zero-loss rate with a consumer written with the TypeScript client library (\`bench/ts-client.ts\`: \`for await\` over \`client.events()\`, every event decoded to an object): ` +
        `**${fmt(ts.max_zero_loss_rate)} events/s** (${ts.confirm.length} confirmation runs, median delivered ${fmt(ts.median_delivered_rate)}/s, client ${fmt(median(ts.confirm.map((r) => r.client_cpu_pct)))}% CPU); ` +
        `at 2× that rate ${fmt(ts.loss_at_2x_pct, 2)}% lost, all announced.`,
    );
  }
  if (results.decode) {
    out.push('', '| decoding, one core | bytes/event | clients/ts events/s | protobufjs events/s | ratio |', '|---|---:|---:|---:|---:|');
    for (const d of results.decode) out.push(`| ${d.event} | ${fmt(d.bytes_per_event)} | ${fmt(d.library_rate)} | ${fmt(d.protobufjs_rate)} | ${fmt(d.library_rate / d.protobufjs_rate, 1)}× |`);
  }
  return out.join('\n');
}

/** A throughput search's ladder as a Markdown table, by offered rate (flat out last), with `extra` columns. */
function ladderTable(title: string, t: ThroughputResult, extra: string[], cells: (r: LoadRun) => string[]): string[] {
  const headers = ['offered events/s', 'delivered events/s', 'lost (kernel + subscriber)', 'unannounced', ...extra];
  const lines = ['', title, '', `| ${headers.join(' | ')} |`, `|${headers.map(() => '---:').join('|')}|`];
  for (const r of [...t.ladder].sort((a, b) => (a.offered || 1e12) - (b.offered || 1e12))) {
    const offered = r.offered ? fmt(r.offered) : `flat out (${fmt(r.achieved_rate)})`;
    const row = [offered, fmt(r.delivered_rate), fmt(r.lost_kernel + r.lost_subscriber), fmt(r.unannounced), ...cells(r)];
    lines.push(`| ${row.join(' | ')} |`);
  }
  return lines;
}

/** The service's peak RSS over the confirmation runs at the highest zero-loss rate, MB. */
export function peakAtRate(t: ThroughputResult): number {
  return t.confirm.length ? Math.max(...t.confirm.map((r) => r.service_peak_rss_mb)) : NaN;
}

/** The concurrent-traces table (markdown). */
function concurrencyTable(rows: readonly ConcurrencyRow[]): string[] {
  const out = [
    '**Concurrent traces, one kernel pass** (getppid loop; medians)',
    '',
    '| traces | syscall no trace wants: raw_syscalls | …: per-syscall tracepoints | syscall every trace wants | × one trace | StartTrace | StopTrace | service peak RSS |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    const ms = (v: number | null) => (v === null ? '–' : `${v.toFixed(1)} ms`);
    out.push(
      `| ${r.traces} | +${fmt(r.idle_raw_added_ns)} ns | +${fmt(r.idle_per_syscall_added_ns)} ns | +${fmt(r.all_added_ns)} ns | ${r.all_vs_one === null ? '–' : `${r.all_vs_one.toFixed(2)}×`} | ${ms(r.start_ms)} | ${ms(r.stop_ms)} | ${fmt(r.service_peak_rss_mb)} MB |`,
    );
  }
  return out;
}
