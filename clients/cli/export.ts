/**
 * `sctrace export --nats nats://HOST:PORT [--stream NAME] [--trace ID | trace options]`: starts a
 * trace (or joins one with --trace) and publishes its events into NATS JetStream until the trace
 * stops or Ctrl-C (a trace it started, it stops). clients/export/jetstream.ts says how events sit
 * on the bus. The events come through the client library's resumable subscription
 * (clients/export/source.ts), so a broken stream to sctraced continues where it broke; run again
 * with --trace ID, it reads the last sequence back from the stream and subscribes from the next
 * one (StreamEvents from_sequence), so nothing is published twice and nothing is skipped while
 * the trace still retains it.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import type { Reconnect } from '../ts';
import { DEFAULT_STREAM, JetStreamPublisher } from '../export/jetstream';
import { pumpMessages, type ExportCounts } from '../export/pump';
import { relayMessages, relaySubscription } from '../export/source';
import { COMMON_HELP, COMMON_OPTIONS, UsageError, type Command, type GlobalOptions } from './command';
import { TracerConnection, reconnectMessage, resolveServerAddress } from './client';
import { channelSecurity, credentialFlags, withFallback, type CredentialOptions } from './credentials';
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
and stops it on Ctrl-C; with --trace it joins a running trace and leaves it running. The export
resumes: after a broken connection to sctraced it subscribes again from the next event; run again
with --trace ID, it continues after the last event the stream holds (from the trace's first
retained event when the stream holds none). Events the trace no longer retains are published as
the EventsLost notice (where "retention") the service sends in their place.

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
  let credentials: CredentialOptions = globals;
  let spec;
  if (args.traceId === undefined) {
    const trace = parseTraceArgs(args.rest);
    if (trace.command.length > 0) throw new UsageError('export traces --pid or --all (start the command, then export it with --pid)', NAME);
    server = trace.server ?? server;
    credentials = withFallback(trace.credentials, globals);
    spec = trace.spec;
  } else {
    let values;
    try {
      ({ values } = parseArgs({ args: args.rest, options: COMMON_OPTIONS, strict: true, allowPositionals: false }));
    } catch {
      throw new UsageError(`--trace joins a running trace: ${args.rest.join(' ')} does not apply (only --server and the credential options do)`, NAME);
    }
    server = values.server ?? server;
    credentials = withFallback(credentialFlags(values), globals);
  }
  const address = resolveServerAddress(server);
  const security = channelSecurity(address, credentials);
  const connection = new TracerConnection(address, security);
  const interrupts = new Interrupts();
  const log = (line: string) => process.stderr.write(`sctrace export: ${line}\n`);
  let owned: string | undefined;
  let publisher: JetStreamPublisher | undefined;
  try {
    const traceId = args.traceId ?? (owned = (await connection.startTrace(spec!)).trace_id);
    publisher = await JetStreamPublisher.open({ servers: args.nats, stream: args.stream, node: args.node, traceId, log });
    const already = await publisher.lastSequence();
    log(`trace ${traceId} → ${args.stream} ${publisher.subject}${already ? ` (stream holds it up to sequence ${already})` : ''}`);
    const subscription = relaySubscription(connection.client, traceId, { fromSequence: already + 1 });
    subscription.on('reconnecting', (r: Reconnect) => {
      if (r.attempt === 1 || r.attempt % 10 === 0) log(reconnectMessage(r));
    });
    const counts = pumpMessages(relayMessages(subscription), publisher, { after: already, log });
    const first = await Promise.race([counts.then((c) => ({ done: c })), interrupts.received]);
    if (typeof first === 'string') {
      subscription.cancel();
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

function summary(c: ExportCounts): string {
  return `published ${c.events} events in ${c.messages} messages (last sequence ${c.lastSequence}${c.announcedLost ? `, ${c.announcedLost} announced lost by the service` : ''}${c.duplicates ? `, ${c.duplicates} retried publishes stored once` : ''})`;
}
