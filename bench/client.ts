#!/usr/bin/env node
/**
 * The bench's gRPC client, run as its own process like any real consumer: starts a trace through
 * the public API, subscribes with StreamEvents and counts what arrives.
 *
 * Protocol with bench/main (one JSON object per line on stdout):
 *   {"ready":true,"trace_id":…}   once the stream's headers arrived (the subscription is live)
 *   … reads "stop" on stdin: calls StopTrace, waits for the stream to end, then prints
 *   {"done":true,"counts":…,"counters":…,"cpu_us":…}
 *
 * Counting (default) walks the wire bytes (bench/lib/wire.ts) instead of building objects; with
 * --decode full every message goes through proto-loader's deserializer as a generic client would.
 *
 * usage: client --server ADDR --pid N [--follow] [--process-events] [--sched] [--syscalls a,b]
 *                [--watch-nr NR] [--decode count|full] [--buffer-bytes N] [--string-max N]
 */
import readline from 'node:readline';
import * as grpc from '@grpc/grpc-js';
import { tracerGrpc, tracerPackageDefinition } from '../src/api/proto';
import type { StreamEventsResponse__Output } from '../src/api/generated/sctrace/v1/StreamEventsResponse';
import type { TraceCounters__Output } from '../src/api/generated/sctrace/v1/TraceCounters';
import type { MethodDefinition } from '@grpc/proto-loader';
import { emit, parseClientArgs } from './lib/client-args';
import { countDecodedEvent, countMessage, emptyCounts, type WireCounts } from './lib/wire';
import { STREAMING_OPTIONS, streamEventBytes, streamingClient } from './lib/raw-stream';

async function main(): Promise<void> {
  const { server, spec, watchNr, decode } = parseClientArgs();
  const full = decode === 'full';
  const Tracer = tracerGrpc().sctrace.v1.Tracer;
  // A streaming consumer raises grpc-js's 64 KiB HTTP/2 window (grpc-go and grpcio tune theirs).
  const tracer = new Tracer(server, grpc.credentials.createInsecure(), STREAMING_OPTIONS);
  const started = await new Promise<{ trace_id: string }>((resolve, reject) =>
    tracer.StartTrace({ spec }, (err, res) => (err ? reject(err) : resolve(res!))),
  );

  const streamDef = (tracerPackageDefinition()['sctrace.v1.Tracer'] as Record<string, MethodDefinition<object, object>>).StreamEvents;
  const raw = streamingClient(server, grpc.credentials.createInsecure());
  const counts: WireCounts = emptyCounts();
  const call = streamEventBytes(raw, { trace_id: started.trace_id });
  const ended = new Promise<string | null>((resolve) => {
    call.on('data', (bytes: Buffer) => {
      if (full) countDecoded(streamDef.responseDeserialize(bytes) as StreamEventsResponse__Output, bytes, counts, watchNr);
      else countMessage(bytes, counts, watchNr);
    });
    call.on('error', (err: grpc.ServiceError) => resolve(`${grpc.status[err.code]}: ${err.details}`));
    call.on('end', () => resolve(null));
  });
  await new Promise<void>((resolve) => call.once('metadata', () => resolve()));
  const cpu = process.cpuUsage();
  emit({ ready: true, trace_id: started.trace_id, cpu_us: cpu.user + cpu.system });

  const lines = readline.createInterface({ input: process.stdin });
  for await (const line of lines) if (line.trim() === 'stop') break;
  lines.close();
  const stopped = await new Promise<{ counters: TraceCounters__Output | null }>((resolve, reject) =>
    tracer.StopTrace({ trace_id: started.trace_id }, (err, res) => (err ? reject(err) : resolve(res as never))),
  );
  const streamError = await ended;
  const cpuEnd = process.cpuUsage();
  emit({ done: true, counts, counters: stopped.counters, stream_error: streamError, cpu_us: cpuEnd.user + cpuEnd.system });
  tracer.close();
  raw.close();
}

/** Same counts from fully decoded messages. */
function countDecoded(msg: StreamEventsResponse__Output, bytes: Buffer, counts: WireCounts, watchNr: number): void {
  counts.messages++;
  counts.bytes += bytes.length;
  for (const e of msg.events) countDecodedEvent(e, counts, watchNr);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench client: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
