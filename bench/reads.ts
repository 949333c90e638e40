/**
 * What the kernel reads behind syscall arguments cost, by family (issue 10: "say what each family
 * costs"). bench/c/families.c makes one family's calls in a loop; each family is timed per call
 *   - untraced (the baseline),
 *   - traced with the service's defaults (strings up to 256 bytes, no buffer data),
 *   - traced as `sctrace trace` prints by default (strace's -s 32: 32 bytes of each buffer),
 *   - traced with everything up to 4096 bytes (strace -s 4096),
 * the trace selecting only the family's syscalls (per-syscall tracepoints) and streaming every
 * event to a gRPC client (bench/client.ts). A family's added cost is its traced median minus its
 * untraced median; what the reads add on top of the record itself is that minus getppid's (the
 * record with no argument read). Each mode runs `runs` times, interleaved; figures are medians.
 *
 * Standalone: node dist/bench/reads.js [--runs N] [--calls N] [--out DIR] (under the BPF lock).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { LineChild, median } from './lib/proc';
import type { Service } from './lib/service';
import { runStandalone } from './lib/standalone';
import { nodeClient } from './tools';

export type Family = 'getppid' | 'path' | 'read' | 'ioctl' | 'writev' | 'sendmsg' | 'netlink';
export type ReadsMode = 'untraced' | 'defaults' | 's32' | 's4096';

/** Each family's calls (one loop iteration) and the syscalls its trace selects. */
export const FAMILIES: Record<Family, { calls: string; syscalls: string[] }> = {
  getppid: { calls: 'getppid() (no argument read)', syscalls: ['getppid'] },
  path: { calls: 'faccessat of a 40-byte path (ENOENT)', syscalls: ['faccessat', 'faccessat2'] },
  read: { calls: 'read of 256 bytes from /dev/zero', syscalls: ['read'] },
  ioctl: { calls: 'ioctl FIONREAD on a pipe', syscalls: ['ioctl'] },
  writev: { calls: 'writev of 4 × 64 bytes to /dev/null', syscalls: ['writev'] },
  sendmsg: { calls: 'sendmsg + recvmsg of 2 × 64 bytes (unix datagram)', syscalls: ['sendmsg', 'recvmsg'] },
  netlink: { calls: 'sendto of an NLMSG_NOOP on NETLINK_ROUTE', syscalls: ['sendto'] },
};

const MODES: Record<ReadsMode, { title: string; args: string[] }> = {
  untraced: { title: 'untraced', args: [] },
  defaults: { title: 'service defaults', args: [] },
  s32: { title: 'CLI default (-s 32)', args: ['--buffer-bytes', '32'] },
  s4096: { title: '-s 4096', args: ['--buffer-bytes', '4096', '--string-max', '4096'] },
};

/** One family's figures. */
export interface ReadsRow {
  family: Family;
  calls: number;
  /** ns per call, one per run, by mode. */
  ns_per_call: Record<ReadsMode, number[]>;
  median_ns: Record<ReadsMode, number>;
  /** Traced median minus untraced median, by traced mode. */
  added_ns: Record<Exclude<ReadsMode, 'untraced'>, number>;
  /** Events the client received and kernel losses, per traced run (all modes). */
  events: number[];
  lost: number[];
}

export interface ReadsOptions {
  root: string;
  workDir: string;
  service: Service;
  runs: number;
  calls: number;
  log: (line: string) => void;
}

/** Runs every family under every mode `runs` times, interleaved. */
export async function measureReads(o: ReadsOptions): Promise<ReadsRow[]> {
  const bin = path.join(o.workDir, 'families');
  execFileSync('gcc', ['-O2', '-Wall', '-Wextra', '-o', bin, path.join(o.root, 'bench/c/families.c')], { stdio: 'inherit' });
  const families = Object.keys(FAMILIES) as Family[];
  const modes = Object.keys(MODES) as ReadsMode[];
  const ns = new Map<string, number[]>();
  const events = new Map<Family, number[]>(families.map((f) => [f, []]));
  const lost = new Map<Family, number[]>(families.map((f) => [f, []]));
  for (let run = 0; run < o.runs; run++) {
    for (const family of families) {
      for (const mode of modes) {
        const r = await runOnce(o, bin, family, mode);
        const key = `${family}/${mode}`;
        ns.set(key, [...(ns.get(key) ?? []), r.nsPerCall]);
        if (r.events !== undefined) {
          events.get(family)!.push(r.events);
          lost.get(family)!.push(r.lost ?? NaN);
        }
        o.log(`[bench] reads run ${run + 1}/${o.runs} ${family} ${mode}: ${r.nsPerCall.toFixed(0)} ns per call${r.events !== undefined ? `, ${r.events} events, ${r.lost} lost` : ''}`);
      }
    }
  }
  return families.map((family) => {
    const per = Object.fromEntries(modes.map((m) => [m, ns.get(`${family}/${m}`) ?? []])) as Record<ReadsMode, number[]>;
    const med = Object.fromEntries(modes.map((m) => [m, median(per[m])])) as Record<ReadsMode, number>;
    return {
      family,
      calls: o.calls,
      ns_per_call: per,
      median_ns: med,
      added_ns: { defaults: med.defaults - med.untraced, s32: med.s32 - med.untraced, s4096: med.s4096 - med.untraced },
      events: events.get(family)!,
      lost: lost.get(family)!,
    };
  });
}

interface OneRun {
  nsPerCall: number;
  events?: number;
  lost?: number;
}

/** One timed loop of `family` under `mode`; the trace is set up while the program waits. */
async function runOnce(o: ReadsOptions, bin: string, family: Family, mode: ReadsMode): Promise<OneRun> {
  const program = new LineChild([bin, family, String(o.calls)]);
  let client: LineChild | undefined;
  try {
    const { pid } = await program.json<{ pid: number }>('pid', 10_000, 'families start');
    if (mode !== 'untraced') {
      client = new LineChild([...nodeClient(o.root), '--server', o.service.address, '--pid', String(pid), '--syscalls', FAMILIES[family].syscalls.join(','), ...MODES[mode].args]);
      await client.json('ready', 60_000, 'bench client start');
    }
    program.write('go\n');
    const done = await program.json<{ ns_per_call: number }>('ns_per_call', 600_000, `families ${family}`);
    if (!client) return { nsPerCall: done.ns_per_call };
    client.write('stop\n');
    const report = await client.json<{ counts: { events: number }; counters: { lost_kernel: string } | null }>('done', 120_000, 'bench client stop');
    await client.exited;
    return { nsPerCall: done.ns_per_call, events: report.counts.events, lost: Number(report.counters?.lost_kernel ?? NaN) };
  } finally {
    program.kill('SIGKILL');
    client?.kill('SIGKILL');
  }
}

/** The rows as a markdown table: added ns per call by mode, and what the reads add over a bare record. */
export function readsMarkdown(rows: ReadsRow[]): string {
  const bare = rows.find((r) => r.family === 'getppid');
  const lines = [
    '| family (one loop iteration) | untraced ns | + trace, defaults | + buffer_bytes 32 (strace -s 32) | + buffer_bytes, string_max_bytes 4096 | of which the reads (4096 − getppid) | events (lost) |',
    '|---|---:|---:|---:|---:|---:|---|',
  ];
  for (const r of rows) {
    const over = bare && r.family !== 'getppid' ? `+${(r.added_ns.s4096 - bare.added_ns.s4096).toFixed(0)}` : '—';
    const ev = r.events.length ? `${median(r.events).toFixed(0)} (${r.lost.join('/')})` : '';
    lines.push(
      `| ${r.family}: ${FAMILIES[r.family].calls} | ${r.median_ns.untraced.toFixed(0)} | +${r.added_ns.defaults.toFixed(0)} | +${r.added_ns.s32.toFixed(0)} | +${r.added_ns.s4096.toFixed(0)} | ${over} | ${ev} |`,
    );
  }
  return lines.join('\n');
}

if (require.main === module) {
  runStandalone('reads', 'calls', (c) => measureReads({ root: c.root, workDir: c.workDir, service: c.service, runs: Number(c.values.runs ?? 5), calls: Number(c.values.calls ?? 100_000), log: c.log }), readsMarkdown);
}
