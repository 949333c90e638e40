/** `sctrace stop ID`: stops a trace and prints its final counters. */
import type { TraceCounters__Output } from '../../src/api/generated/sctrace/v1/TraceCounters';
import { status } from '@grpc/grpc-js';
import { COMMON_HELP, UsageError, type Command } from './command';
import { RpcError } from './client';
import type { CredentialOptions } from './credentials';
import { askAll, printAnswers, queryCommand } from './query';
import { formatTable } from './table';

const NAME = 'stop';

const HELP = `Usage: sctrace stop [options] ID
       sctrace --server A,B,... stop [options] ID...

Stops a running trace (see 'sctrace list'), detaching its kernel programs; its subscribers'
streams end after their queued events. Prints the trace's final counters. With several servers,
each ID is stopped on whichever node runs it (a fleet trace has one ID per node).

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
  fleet: stopOnFleet,
});

/**
 * `sctrace --server a,b,c stop ID...`: each id is a trace of one node (a fleet trace has one per
 * node), so every id is stopped wherever it runs; NOT_FOUND from the other nodes is expected.
 * An id found nowhere, or a server that fails otherwise, is reported and makes the exit code 1.
 */
async function stopOnFleet(servers: string[], traceIds: string[], format: 'text' | 'json', credentials: CredentialOptions): Promise<number> {
  if (traceIds.length === 0 || traceIds.some((id) => id === '')) throw new UsageError('expected one or more trace IDs', NAME);
  let code = 0;
  const out: unknown[] = [];
  for (const traceId of traceIds) {
    const answers = await askAll(servers, credentials, (connection) => connection.stopTrace(traceId));
    const found = answers.filter((a) => 'response' in a || !(a.error instanceof RpcError && a.error.code === status.NOT_FOUND));
    if (found.length === 0) {
      process.stderr.write(`sctrace: StopTrace: NOT_FOUND: no trace ${JSON.stringify(traceId)} on any of ${servers.join(', ')}\n`);
      code = 1;
      continue;
    }
    const json: unknown[] = [];
    if (printAnswers(found, format, (ok) => ok.map((a) => `== ${a.node} ==\n${formatStopped(traceId, a.response.counters)}`).join(''), json) !== 0) code = 1;
    out.push(...json.map((entry) => ({ trace_id: traceId, ...(entry as object) })));
  }
  if (format === 'json') process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  return code;
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
