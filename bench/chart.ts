/**
 * The README's chart, as a hand-written SVG: left, wall time added per syscall by each tool on
 * each workload (log scale); right, events per second delivered to one gRPC client against the
 * rate offered, with the runs that lost events marked.
 */
import { peakAtRate, type Results } from './report';

const COLORS: Record<string, string> = {
  sctrace: '#1b9e77',
  'sctrace-nice0': '#0b6e4f',
  'sctrace-filtered': '#66c2a5',
  'sctrace-filtered-raw': '#a6d9c7',
  bpftrace: '#7570b3',
  'perf-trace': '#e7298a',
  strace: '#d95f02',
};

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function text(x: number, y: number, s: string, attrs = ''): string {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${attrs}>${esc(s)}</text>`;
}

export function renderChart(results: Results, titles: Record<string, string>): string {
  const width = 1100;
  const height = 520;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
  );
  parts.push(...overheadPanel(results, titles, 10, 10, 660, height - 30));
  if (results.throughput) parts.push(...throughputPanel(results, 690, 10, 400, height - 30));
  const m = results.machine;
  parts.push(text(10, height - 4, `${m.date.slice(0, 10)} · ${m.cpus} × ${m.cpu} · kernel ${m.kernel} · commit ${m.commit}`, 'font-size="10" fill="#666"'));
  parts.push('</svg>');
  return parts.join('\n');
}

function overheadPanel(results: Results, titles: Record<string, string>, x0: number, y0: number, w: number, h: number): string[] {
  const out: string[] = [];
  const rows = results.overhead.filter((r) => r.tool !== 'untraced' && r.added_ns_per_syscall !== null);
  const workloads = [...new Set(rows.map((r) => r.workload))];
  const tools = [...new Set(rows.map((r) => r.tool))];
  const left = x0 + 10;
  const plotW = w - 20 - 110;
  // Legend: two per row under the title (the labels are long), then the bars.
  const legendPerRow = 2;
  const top = y0 + 36 + Math.ceil(tools.length / legendPerRow) * 14;
  const plotH = h - (top - y0) - 30;
  // Log axis from 10 ns to 1 ms per syscall.
  const lo = 1;
  const hi = 6;
  const xOf = (ns: number) => left + ((Math.log10(Math.max(ns, 10 ** lo)) - lo) / (hi - lo)) * plotW;
  out.push(text(x0, y0 + 14, 'Wall time added per syscall (ns, log scale; lower is better)', 'font-weight="bold" font-size="13"'));
  for (let p = lo; p <= hi; p++) {
    const x = xOf(10 ** p);
    out.push(`<line x1="${x}" y1="${top}" x2="${x}" y2="${top + plotH}" stroke="#ddd"/>`);
    out.push(text(x, top + plotH + 14, p < 3 ? `${10 ** p} ns` : p < 6 ? `${10 ** (p - 3)} µs` : '1 ms', 'text-anchor="middle" fill="#444"'));
  }
  const groupH = plotH / Math.max(1, workloads.length);
  const barH = Math.min(14, (groupH - 24) / Math.max(1, tools.length));
  workloads.forEach((wname, gi) => {
    const gy = top + gi * groupH;
    out.push(text(left, gy + 12, titles[wname] ?? wname, 'font-weight="bold"'));
    tools.forEach((tool, ti) => {
      const r = rows.find((row) => row.workload === wname && row.tool === tool);
      if (!r) return;
      const y = gy + 18 + ti * barH;
      const v = r.added_ns_per_syscall!;
      const x = xOf(Math.max(v, 10));
      out.push(`<rect x="${left}" y="${y.toFixed(1)}" width="${Math.max(1, x - left).toFixed(1)}" height="${(barH - 2).toFixed(1)}" fill="${COLORS[tool] ?? '#999'}"/>`);
      const label = `${v < 0 ? '≤0' : Math.round(v).toLocaleString('en-US')} ns (${r.ratio?.toFixed(r.ratio < 10 ? 2 : 1)}×)`;
      out.push(text(x + 4, y + barH - 4, label, 'font-size="10" fill="#333"'));
    });
  });
  tools.forEach((tool, i) => {
    const lx = left + (i % legendPerRow) * 320;
    const ly = y0 + 30 + Math.floor(i / legendPerRow) * 14;
    const label = rows.find((r) => r.tool === tool)!.label;
    out.push(`<rect x="${lx}" y="${ly - 8}" width="10" height="10" fill="${COLORS[tool] ?? '#999'}"/>`, text(lx + 14, ly + 1, label, 'font-size="10"'));
  });
  return out;
}

function throughputPanel(results: Results, x0: number, y0: number, w: number, h: number): string[] {
  const t = results.throughput!;
  const out: string[] = [];
  const runs = [...t.ladder, ...t.confirm, ...t.at_2x];
  const maxRate = Math.max(...runs.map((r) => Math.max(r.achieved_rate, r.delivered_rate))) * 1.05;
  const left = x0 + 50;
  const top = y0 + 40;
  const plotW = w - 70;
  const plotH = h - 115;
  const xOf = (v: number) => left + (v / maxRate) * plotW;
  const yOf = (v: number) => top + plotH - (v / maxRate) * plotH;
  out.push(text(x0, y0 + 14, 'Events/s delivered to one gRPC client', 'font-weight="bold" font-size="13"'));
  const step = niceStep(maxRate / 5);
  for (let v = 0; v <= maxRate; v += step) {
    out.push(`<line x1="${left}" y1="${yOf(v)}" x2="${left + plotW}" y2="${yOf(v)}" stroke="#eee"/>`);
    out.push(text(left - 4, yOf(v) + 4, `${v / 1e3}k`, 'text-anchor="end" fill="#444" font-size="10"'));
    out.push(text(xOf(v), top + plotH + 14, `${v / 1e3}k`, 'text-anchor="middle" fill="#444" font-size="10"'));
  }
  out.push(text(left + plotW / 2, top + plotH + 30, 'syscalls/s made by the load generator', 'text-anchor="middle" fill="#444"'));
  out.push(`<line x1="${xOf(0)}" y1="${yOf(0)}" x2="${xOf(maxRate)}" y2="${yOf(maxRate)}" stroke="#bbb" stroke-dasharray="4 3"/>`);
  for (const r of runs) {
    const fill = r.zero_loss ? COLORS.sctrace : '#d62728';
    out.push(`<circle cx="${xOf(r.achieved_rate).toFixed(1)}" cy="${yOf(r.delivered_rate).toFixed(1)}" r="4" fill="${fill}" fill-opacity="0.8"/>`);
  }
  const best = t.max_zero_loss_rate;
  out.push(`<line x1="${xOf(best)}" y1="${top}" x2="${xOf(best)}" y2="${top + plotH}" stroke="${COLORS.sctrace}" stroke-dasharray="2 2"/>`);
  out.push(text(xOf(best) + 4, top + 12, `zero loss up to ${Math.round(best / 1e3)}k/s`, `fill="${COLORS.sctrace}" font-size="11"`));
  out.push(text(left, top + plotH + 46, `● no loss   `, `fill="${COLORS.sctrace}" font-size="11"`));
  out.push(
    text(left + 70, top + plotH + 46, `● events lost (counted, announced): ${t.loss_at_2x_pct.toFixed(1)}% at 2×`, 'fill="#d62728" font-size="11"'),
  );
  out.push(
    text(left, top + plotH + 62, `at ${Math.round(best / 1e3)}k/s: service ${Math.round(t.service_cpu_pct)}% CPU, peak RSS ${Math.round(peakAtRate(t))} MB`, 'fill="#444" font-size="11"'),
  );
  return out;
}

function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}
