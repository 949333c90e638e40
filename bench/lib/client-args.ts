/**
 * What the bench clients (bench/client.ts, bench/ts-client.ts) share: their command line and the
 * JSON lines they report on stdout (protocol in bench/client.ts).
 */
import { parseArgs } from 'node:util';
import type { TraceSpec } from '../../src/api/generated/sctrace/v1/TraceSpec';

/** A bench client's command line: the server, the trace to start, what to count. */
export interface ClientArgs {
  server: string;
  spec: TraceSpec;
  /** Syscall number counted apart (the load generator's), or -1. */
  watchNr: number;
  /** --decode (bench/client.ts only): count from the bytes, or decode fully. */
  decode: string | undefined;
}

/**
 * --server ADDR --pid N [--follow] [--process-events] [--sched] [--syscalls a,b] [--watch-nr NR]
 * [--decode MODE] [--buffer-bytes N] [--string-max N]
 */
export function parseClientArgs(argv: string[] = process.argv.slice(2)): ClientArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      server: { type: 'string' },
      pid: { type: 'string', multiple: true },
      follow: { type: 'boolean' },
      'process-events': { type: 'boolean' },
      sched: { type: 'boolean' },
      syscalls: { type: 'string' },
      'watch-nr': { type: 'string' },
      decode: { type: 'string' },
      'buffer-bytes': { type: 'string' },
      'string-max': { type: 'string' },
    },
  });
  if (!values.server) throw new Error('--server is required');
  return {
    server: values.server,
    spec: {
      pids: (values.pid ?? []).map(Number),
      follow_children: values.follow ?? false,
      process_events: values['process-events'] ?? false,
      sched_events: values.sched ?? false,
      syscalls: values.syscalls ? values.syscalls.split(',') : [],
      buffer_bytes: Number(values['buffer-bytes'] ?? 0),
      string_max_bytes: Number(values['string-max'] ?? 0),
      backend: 'ebpf',
    },
    watchNr: values['watch-nr'] ? Number(values['watch-nr']) : -1,
    decode: values.decode,
  };
}

/** One report line on stdout. */
export function emit(obj: unknown): void {
  process.stdout.write(`${JSON.stringify(obj)}\n`);
}
