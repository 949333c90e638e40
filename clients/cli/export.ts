/**
 * `sctrace export --nats nats://HOST:PORT [--stream NAME] [--trace ID | trace options]`: starts a
 * trace (or joins one with --trace) and publishes its events into NATS JetStream until the trace
 * stops or Ctrl-C (a trace it started, it stops). clients/export/jetstream.ts says how events sit
 * on the bus. Run again with --trace ID, it continues after the last sequence already in the
 * stream, so nothing is published twice.
 */
import os from 'node:os';
import type { Event__Output } from '../../src/api/generated/sctrace/v1/Event';
import { DEFAULT_STREAM, JetStreamPublisher } from '../export/jetstream';
import { pumpEvents, type ExportCounts } from '../export/pump';
import { COMMON_HELP, UsageError, type Command, type GlobalOptions } from './command';
import { TracerConnection, resolveServerAddress } from './client';
import { Interrupts, signalExitCode } from './interrupts';
import { parseTraceArgs } from './trace-args';

const NAME = 'export';

const HELP = `Usage: sctrace export --nats nats://HOST:PORT [--stream NAME] [--node NAME] --trace ID
       sctrace export --nats nats://HOST:PORT [--stream NAME] [--node NAME] [filters] (--pid PID... | --all)

Publishes a trace into NATS JetStream: stream NAME (default ${DEFAULT_STREAM}, created when missing
with subjects sctrace.events.>), subject sctrace.events.<node>.<trace_id>, one message per batch
of events: a serialized sctrace.v1.StreamEventsResponse in sequence order (EventsLost notices
included), header Nats-Msg-Id: <node>/<trace_id>/<first sequence>.
Without --trace it starts a trace with the filters of 'sctrace trace' (see 'sctrace trace --help')
and stops it on Ctrl-C; with --trace it joins a running trace and leaves it running.

Options:
  --nats URL        NATS server(s), nats://HOST:PORT, comma-separated for a cluster
  --stream NAME     JetStream stream (default ${DEFAULT_STREAM})
  --trace ID        export this running trace instead of starting one
  --node NAME       the node name in subjects and message ids (default: this host's name)

${COMMON_HELP}`;

/** `sctrace export`. */
export const exportCommand: Command = { name: NAME, summary: 'publish a trace into NATS JetStream', help: HELP, run: runExport };

interface ExportArgs {
  nats: string;
  stream: string;
  node: string;
  traceId?: string;
  /** Everything else: `sctrace trace` options. */
  rest: string[];
}

/** Takes the export options out of `argv`; the rest are trace options. */
export function parseExportArgs(argv: string[]): ExportArgs | 'help' {
  const own: Record<string, string | undefined> = { nats: undefined, stream: undefined, node: undefined, trace: undefined };
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') return 'help';
    const m = /^--(nats|stream|node|trace)(?:=(.*))?$/.exec(arg);
    if (!m) {
      rest.push(arg);
      continue;
    }
    const value = m[2] ?? argv[++i];
    if (value === undefined || value === '') throw new UsageError(`--${m[1]} needs a value`, NAME);
    own[m[1]] = value;
  }
  if (!own.nats) throw new UsageError('--nats nats://HOST:PORT is required', NAME);
  for (const url of own.nats.split(',')) {
    if (!/^(nats|tls):\/\/[^\s/]+$/.test(url.trim())) throw new UsageError(`--nats ${JSON.stringify(url)}: use nats://HOST:PORT`, NAME);
  }
  const stream = own.stream ?? DEFAULT_STREAM;
  if (!/^[A-Za-z0-9_-]+$/.test(stream)) throw new UsageError(`--stream ${JSON.stringify(stream)}: letters, digits, _ and - only`, NAME);
  return { nats: own.nats, stream, node: own.node ?? os.hostname(), traceId: own.trace, rest };
}

async function runExport(argv: string[], globals: GlobalOptions): Promise<number> {
  const args = parseExportArgs(argv);
  if (args === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  let server = globals.server;
  let spec;
  if (args.traceId === undefined) {
    const trace = parseTraceArgs(args.rest);
    if (trace.command.length > 0) throw new UsageError('export traces --pid or --all (start the command, then export it with --pid)', NAME);
    server = trace.server ?? server;
    spec = trace.spec;
  } else {
    const rest = [...args.rest];
    const at = rest.findIndex((a) => a === '--server' || a.startsWith('--server='));
    if (at >= 0) server = rest[at].startsWith('--server=') ? rest.splice(at, 1)[0].slice('--server='.length) : rest.splice(at, 2)[1];
    if (rest.length) throw new UsageError(`--trace joins a running trace: ${rest.join(' ')} does not apply`, NAME);
  }
  const connection = new TracerConnection(resolveServerAddress(server));
  const interrupts = new Interrupts();
  const log = (line: string) => process.stderr.write(`sctrace export: ${line}\n`);
  let owned: string | undefined;
  let publisher: JetStreamPublisher | undefined;
  try {
    const traceId = args.traceId ?? (owned = (await connection.startTrace(spec!)).trace_id);
    publisher = await JetStreamPublisher.open({ servers: args.nats, stream: args.stream, node: args.node, traceId, log });
    const already = await publisher.lastSequence();
    log(`trace ${traceId} → ${args.stream} ${publisher.subject}${already ? ` (stream holds it up to sequence ${already})` : ''}`);
    // Resumes after what the stream holds, while the trace still retains it; a trace of our own
    // from its first event.
    const stream = connection.messages(traceId, already > 0 ? already + 1 : owned ? 1 : 0);
    const counts = pumpEvents(eventsOf(stream, already, log), publisher);
    const first = await Promise.race([counts.then((c) => ({ done: c })), interrupts.received]);
    if (typeof first === 'string') {
      stream.cancel();
      const c = await counts.catch(() => undefined);
      if (c) log(summary(c));
      return signalExitCode(first);
    }
    log(summary(first.done));
    return 0;
  } finally {
    interrupts.dispose();
    if (owned) await connection.stopTrace(owned).catch(() => undefined);
    await publisher?.close();
    connection.close();
  }
}

/**
 * The events of a StreamEvents call, a message at a time, skipping those the stream already holds
 * (sequence <= `after`).
 * A cancelled call ends the iteration; any other error is thrown.
 */
async function* eventsOf(
  stream: AsyncIterable<{ events: Event__Output[] }>,
  after: number,
  log: (line: string) => void,
): AsyncGenerator<Event__Output[]> {
  let next = after + 1;
  try {
    for await (const message of stream) {
      const events = message.events;
      if (events.length === 0) continue;
      const first = Number(events[0].sequence);
      // A stream subscribes from now: what the trace made before this subscription is not
      // replayed, and a consumer sees the gap in the sequence numbers. Say so here too.
      if (first > next && after > 0) log(`events ${next}..${first - 1} of the trace were made while no exporter ran and are not in the stream`);
      next = Number(events[events.length - 1].sequence) + 1;
      yield first > after ? events : events.filter((e) => Number(e.sequence) > after);
    }
  } catch (err) {
    if ((err as { code?: number }).code !== 1 /* CANCELLED */) throw err;
  }
}

function summary(c: ExportCounts): string {
  return `published ${c.events} events in ${c.messages} messages (last sequence ${c.lastSequence}${c.announcedLost ? `, ${c.announcedLost} announced lost by the service` : ''}${c.duplicates ? `, ${c.duplicates} retried publishes stored once` : ''})`;
}
