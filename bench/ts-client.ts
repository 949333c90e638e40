#!/usr/bin/env node
/**
 * The bench client written with the TypeScript client library (clients/ts), as an application
 * would use it: connect, startTrace, then `for await (const event of client.events(id))`, every
 * event decoded to a typed object by the library's compiled decoder and counted one by one.
 * Same protocol and report as bench/client.ts (see there), so bench/throughput.ts measures the
 * zero-loss rate of a consumer built on the library.
 *
 * usage: ts-client --server ADDR --pid N [--follow] [--process-events] [--syscalls a,b] [--watch-nr NR]
 */
import { once } from 'node:events';
import readline from 'node:readline';
import { connect } from '../clients/ts';
import { emit, parseClientArgs } from './lib/client-args';
import { countDecodedEvent, emptyCounts } from './lib/wire';

async function main(): Promise<void> {
  const { server, spec, watchNr } = parseClientArgs();
  const client = connect(server);
  const started = await client.startTrace(spec);
  const counts = emptyCounts();
  const stream = client.events(started.trace_id);
  let streamError: string | null = null;
  const consumed = (async () => {
    try {
      for await (const event of stream) countDecodedEvent(event, counts, watchNr);
    } catch (err) {
      streamError = (err as Error).message;
    }
  })();
  // The first heartbeat says the subscription is registered.
  await once(stream.subscription, 'heartbeat');
  const cpu = process.cpuUsage();
  emit({ ready: true, trace_id: started.trace_id, cpu_us: cpu.user + cpu.system });

  const lines = readline.createInterface({ input: process.stdin });
  for await (const line of lines) if (line.trim() === 'stop') break;
  lines.close();
  const stopped = await client.stopTrace(started.trace_id);
  await consumed;
  const cpuEnd = process.cpuUsage();
  emit({ done: true, counts, counters: stopped.counters, stream_error: streamError, cpu_us: cpuEnd.user + cpuEnd.system });
  client.close();
}

main().catch((err: unknown) => {
  process.stderr.write(`bench ts-client: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
