/** `sctrace stop ID`: stops a trace and prints its final counters. */
import { parseArgs } from 'node:util';
import type { TraceCounters__Output } from '../../src/api/generated/sctrace/v1/TraceCounters';
import { COMMON_HELP, COMMON_OPTIONS, parseFormat, parseOrUsage, singlePositional, type Command, type GlobalOptions } from './command';
import { TracerConnection, resolveServerAddress } from './client';
import { formatTable } from './table';

const NAME = 'stop';

const STOP_OPTIONS = { ...COMMON_OPTIONS, output: { type: 'string', short: 'o' } } as const;

const HELP = `Usage: sctrace stop [options] ID

Stops a running trace (see 'sctrace list'), detaching its kernel programs; its subscribers'
streams end after their queued events. Prints the trace's final counters.

Options:
  -o, --output FORMAT   text (default) or json (the StopTrace response)

${COMMON_HELP}`;

/** `sctrace stop`. */
export const stopCommand: Command = { name: NAME, summary: 'stop a trace and print its final counters', help: HELP, run: runStop };

async function runStop(argv: string[], globals: GlobalOptions): Promise<number> {
  const { values, positionals } = parseOrUsage(NAME, () => parseArgs({ args: argv, options: STOP_OPTIONS, strict: true, allowPositionals: true }));
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const traceId = singlePositional(NAME, positionals, 'trace ID');
  const format = parseFormat(NAME, values.output);
  const connection = new TracerConnection(resolveServerAddress(values.server ?? globals.server));
  try {
    const { counters } = await connection.stopTrace(traceId);
    process.stdout.write(format === 'json' ? `${JSON.stringify({ counters }, null, 2)}\n` : formatStopped(traceId, counters));
    return 0;
  } finally {
    connection.close();
  }
}

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
