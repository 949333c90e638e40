/**
 * The paced getppid load generator of the bench (bench/c/getppid.c), built for tests that need a
 * steady event rate from the real kernel, and a raw subscriber that counts a stream's events
 * from its wire bytes (bench/lib/wire.ts), fast enough to keep up with hundreds of thousands of
 * events a second without decoding them.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import type { MethodDefinition } from '@grpc/proto-loader';
import { countMessage, emptyCounts, type WireCounts } from '../../bench/lib/wire';
import { tracerPackageDefinition } from '../../src/api/proto';
import { commandUnavailableReason } from './privileges';
import { ROOT } from './service-process';

/** x86_64 __NR_getppid. */
export const NR_GETPPID = 110;

/** Why the generator cannot be built here, or null. */
export function compilerMissingReason(): string | null {
  return commandUnavailableReason(['gcc', '--version'], 'to build the load generator bench/c/getppid.c');
}

/** Compiles bench/c/getppid.c into `dir`; usage: getppid CALLS [RATE]. */
export function buildGetppid(dir: string): string {
  const out = path.join(dir, 'getppid');
  if (!fs.existsSync(out)) execFileSync('gcc', ['-O2', '-o', out, path.join(ROOT, 'bench/c/getppid.c')]);
  return out;
}

/** What the generator printed on stderr: calls made and the rate achieved. */
export function generatorResult(stderr: string): { calls: number; rate: number } {
  const line = stderr.split('\n').find((l) => l.startsWith('{"calls"'));
  if (!line) throw new Error(`the load generator printed no result: ${stderr}`);
  return JSON.parse(line) as { calls: number; rate: number };
}

/** A StreamEvents subscription counting what arrives, with the arrival time of each loss notice. */
export interface CountingStream {
  counts: WireCounts;
  /** performance.now() at the arrival of each message holding a loss notice, and what it said. */
  notices: { at: number; lostSubscriber: number; lostKernel: number }[];
  /** Resolves when the stream ends: null on OK, the error otherwise. */
  done: Promise<grpc.ServiceError | null>;
  /** Resolves once the server's first response (the subscription is registered) arrived. */
  subscribed: Promise<void>;
  pause(): void;
  resume(): void;
  cancel(): void;
  close(): void;
}

const STREAM_PATH = '/sctrace.v1.Tracer/StreamEvents';

/**
 * Subscribes on a connection of its own (a local subchannel pool: a paused stream must not share
 * HTTP/2 flow control with another test stream), counting getppid events as `watched`.
 */
export function countingStream(address: string, traceId: string, fromSequence = 0): CountingStream {
  const service = tracerPackageDefinition()['sctrace.v1.Tracer'] as Record<string, MethodDefinition<object, object>>;
  const requestSerialize = service.StreamEvents.requestSerialize;
  const client = new grpc.Client(address, grpc.credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 });
  const counts = emptyCounts();
  const notices: CountingStream['notices'] = [];
  const call = client.makeServerStreamRequest<object, Buffer>(STREAM_PATH, requestSerialize, (b) => b, {
    trace_id: traceId,
    from_sequence: fromSequence,
  });
  let first!: () => void;
  const subscribed = new Promise<void>((resolve) => (first = resolve));
  call.on('data', (bytes: Buffer) => {
    first();
    const before = counts.notices;
    countMessage(bytes, counts, NR_GETPPID);
    if (counts.notices > before) notices.push({ at: performance.now(), lostSubscriber: counts.lostSubscriber, lostKernel: counts.lostKernel });
  });
  const done = new Promise<grpc.ServiceError | null>((resolve) => {
    call.on('error', (err: grpc.ServiceError) => resolve(err));
    call.on('end', () => resolve(null));
  });
  return {
    counts,
    notices,
    done,
    subscribed,
    pause: () => call.pause(),
    resume: () => call.resume(),
    cancel: () => call.cancel(),
    close: () => client.close(),
  };
}
