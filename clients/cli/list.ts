/** `sctrace list`: the running traces, one line each, with their counters and what they trace. */
import type { TraceInfo__Output } from '../../src/api/generated/sctrace/v1/TraceInfo';
import type { TraceSpec__Output } from '../../src/api/generated/sctrace/v1/TraceSpec';
import { COMMON_HELP, type Command } from './command';
import { queryCommand } from './query';
import { formatTable } from './table';

const NAME = 'list';

const HELP = `Usage: sctrace list [options]

Lists the running traces you may see: id, backend, subscribers, event counters (received from
the kernel, delivered to subscribers, lost in the kernel ring buffer, dropped at full subscriber
queues), the identity that started it, age and what each one traces.

Options:
  -o, --output FORMAT   text (a table, default) or json (the ListTraces response)

${COMMON_HELP}`;

/** `sctrace list`. */
export const listCommand: Command = queryCommand({
  name: NAME,
  summary: 'list running traces and their counters',
  help: HELP,
  call: (connection) => connection.listTraces(),
  text: (response) => formatTraces(response.traces, Date.now()),
  // Several servers: one table, a NODE column first.
  fleetText: (answers) =>
    formatTraces(
      answers.flatMap((a) => a.response.traces.map((trace) => ({ ...trace, node: trace.node || a.node }))),
      Date.now(),
      true,
    ),
});

/** The text table; `nowMs` is a parameter so ages are testable; `withNode` adds a NODE column. */
export function formatTraces(traces: TraceInfo__Output[], nowMs: number, withNode = false): string {
  if (traces.length === 0) return 'no running traces\n';
  const header = [...(withNode ? ['NODE'] : []), 'ID', 'BACKEND', 'SUBS', 'RECEIVED', 'DELIVERED', 'LOST_KERNEL', 'LOST_SUBS', 'OWNER', 'AGE', 'TRACING'];
  const rows = traces.map((trace) => [
    ...(withNode ? [trace.node] : []),
    trace.trace_id,
    trace.backend,
    String(trace.subscribers),
    trace.counters?.events_received ?? '0',
    trace.counters?.events_delivered ?? '0',
    trace.counters?.lost_kernel ?? '0',
    trace.counters?.lost_subscribers ?? '0',
    trace.owner || '-',
    formatAge(trace.started_ns, nowMs),
    describeSpec(trace.spec),
  ]);
  return formatTable([header, ...rows]);
}

/** A short summary of a spec's filters, e.g. `pids=42+children syscalls=%file,close`. */
export function describeSpec(spec: TraceSpec__Output | null): string {
  if (spec === null) return '?';
  const parts = [spec.pids.length > 0 ? `pids=${spec.pids.join(',')}` : 'all processes'];
  if (spec.follow_children) parts[0] += '+children';
  if (spec.syscalls.length > 0) parts.push(`syscalls=${spec.syscalls.join(',')}`);
  if (spec.comms.length > 0) parts.push(`comm=${spec.comms.join(',')}`);
  if (spec.uids.length > 0) parts.push(`uid=${spec.uids.join(',')}`);
  if (spec.cgroup_ids.length > 0) parts.push(`cgroup=${spec.cgroup_ids.join(',')}`);
  return parts.join(' ');
}

/** `42s`, `5m`, `3h`, `2d` since `startedNs` (Unix epoch ns); `-` when unknown. */
function formatAge(startedNs: string, nowMs: number): string {
  if (!/^\d+$/.test(startedNs) || startedNs === '0') return '-';
  const seconds = Math.max(0, Math.floor((nowMs - Number(BigInt(startedNs) / 1_000_000n)) / 1000));
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 172800) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86400)}d`;
}
