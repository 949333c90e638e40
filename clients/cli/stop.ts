/** `sctrace stop ID`: stops a trace and prints its final counters. */
import type { TraceCounters__Output } from '../../src/api/generated/sctrace/v1/TraceCounters';
import { COMMON_HELP, type Command } from './command';
import { queryCommand } from './query';
import { formatTable } from './table';

const NAME = 'stop';

const HELP = `Usage: sctrace stop [options] ID

Stops a running trace (see 'sctrace list'), detaching its kernel programs; its subscribers'
streams end after their queued events. Prints the trace's final counters.

Options:
  -o, --output FORMAT   text (default) or json (the StopTrace response)

${COMMON_HELP}`;

/** `sctrace stop`. */
export const stopCommand: Command = queryCommand({
  name: NAME,
  summary: 'stop a trace and print its final counters',
  help: HELP,
  positional: 'trace ID',
  call: (connection, traceId) => connection.stopTrace(traceId!),
  text: ({ counters }, traceId) => formatStopped(traceId!, counters),
});

/** `trace ID stopped` and one counter per line, then one line per subscriber. */
export function formatStopped(traceId: string, counters: TraceCounters__Output | null): string {
  if (counters === null) return `trace ${traceId} stopped\n`;
  const rows = [
    ['events received', counters.events_received],
    ['events delivered', counters.events_delivered],
    ['lost in kernel', counters.lost_kernel],
    ['lost by subscribers', counters.lost_subscribers],
    ['decode errors', counters.decode_errors],
  ];
  const subscribers = counters.per_subscriber.map(
    (sub) => `subscriber ${sub.id}${sub.peer ? ` (${sub.peer})` : ''}: delivered ${sub.delivered}, lost ${sub.lost}\n`,
  );
  return `trace ${traceId} stopped\n${formatTable(rows)}${subscribers.join('')}`;
}
