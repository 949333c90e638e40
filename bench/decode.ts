/**
 * Decode rate of the TypeScript client library (clients/ts/decoder.ts) against protobufjs
 * through proto-loader (what a generic grpc-js client uses), on one core: batches of 1,024
 * events as the service sends them, encoded by the service's own encoder. Two kinds of event:
 * the throughput search's getppid (no arguments) and an openat with decoded arguments and a path.
 * Medians of several timed rounds, after a warm-up.
 */
import type { MessageTypeDefinition } from '@grpc/proto-loader';
import { decodeStreamEventsResponse } from '../clients/ts';
import type { Event } from '../src/api/generated/sctrace/v1/Event';
import { tracerPackageDefinition } from '../src/api/proto';
import { EventEncoder } from '../src/api/wire/events';
import { median } from './lib/proc';

export interface DecodeRate {
  event: string;
  bytes_per_event: number;
  /** Events per second on one core. */
  library_rate: number;
  protobufjs_rate: number;
}

const BATCH = 1024;

function sampleEvents(kind: 'getppid' | 'openat'): Event[] {
  const base = 1796110369587000000n;
  return Array.from({ length: BATCH }, (_, i) => ({
    sequence: 1_000_000 + i,
    timestamp_ns: String(base + BigInt(i * 1731)),
    task: { pid: 4242, tid: 4242, ppid: 1, uid: 0, gid: 0, comm: kind === 'getppid' ? 'getppid' : 'tar', cgroup_id: '12345' },
    syscall:
      kind === 'getppid'
        ? { nr: 110, name: 'getppid', args: [], ret: '1', duration_ns: '312', arch: 'x86_64' }
        : {
            nr: 257,
            name: 'openat',
            args: ['4294967196', '140737488346112', '524288', '0'],
            ret: String(3 + (i % 20)),
            duration_ns: '2210',
            arch: 'x86_64',
            ret_fd_path: `/usr/share/doc/pkg${i % 50}/copyright`,
            decoded: [
              { name: 'dfd', type: 'int', int: -100, symbolic: 'AT_FDCWD', value: 'int' },
              { name: 'filename', type: 'const char *', str: `/usr/share/doc/pkg${i % 50}/copyright`, value: 'str' },
              { name: 'flags', type: 'int', int: 524288, symbolic: 'O_RDONLY|O_CLOEXEC', value: 'int' },
              { name: 'mode', type: 'umode_t', uint: 0, ignored: true, value: 'uint' },
            ],
          },
    kind: 'syscall',
  }));
}

/** Events per second decoding `bytes` (one batch) with `decode`, median of `rounds`. */
function rate(bytes: Buffer, decode: (b: Buffer) => unknown, rounds: number, minMs: number): number {
  const results: number[] = [];
  for (let r = 0; r < rounds + 1; r++) {
    let n = 0;
    const t0 = process.hrtime.bigint();
    let elapsed = 0;
    while (elapsed < minMs * 1e6) {
      decode(bytes);
      n++;
      elapsed = Number(process.hrtime.bigint() - t0);
    }
    if (r > 0) results.push((n * BATCH * 1e9) / elapsed); // round 0 warms up
  }
  return median(results);
}

/** Both event kinds through both decoders. */
export function measureDecode(rounds = 5, minMs = 300): DecodeRate[] {
  const definition = tracerPackageDefinition();
  const reference = definition['sctrace.v1.StreamEventsResponse'] as MessageTypeDefinition<object, object>;
  const encoder = new EventEncoder(definition);
  return (['getppid', 'openat'] as const).map((kind) => {
    const bytes = encoder.encodeResponse({ events: sampleEvents(kind) });
    return {
      event: kind === 'getppid' ? 'getppid (no arguments)' : 'openat (4 decoded arguments, a path)',
      bytes_per_event: bytes.length / BATCH,
      library_rate: rate(bytes, decodeStreamEventsResponse, rounds, minMs),
      protobufjs_rate: rate(bytes, (b) => reference.deserialize(b), rounds, minMs),
    };
  });
}
