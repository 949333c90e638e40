/**
 * What the internal event model's 64-bit representation costs (issue 11: "the internal event model
 * uses numbers/bigints, not proto-loader's decimal strings; measure what it saves"). The record
 * decoder reads 64-bit fields as bigints and turns them into decimal strings, which the encoder
 * parses back into two 32-bit halves. This times, per event, building a batch of 1,024 openat
 * events from the bigints the records hold and encoding it with the service's encoder, with the
 * 64-bit fields (timestamp, cgroup id, four args, ret, duration) as
 *   - strings: decimal text (the model before: bigint → string → halves),
 *   - service: what the service does now (src/util/longs.ts): numbers where exact, and the
 *     timestamp (ns since the epoch pass 2^53) as a Long added up from the record's halves,
 *   - bigints: the encoder splits them with BigInt arithmetic,
 *   - numbers: numbers where exact and a bigint timestamp (which the generated types do not admit).
 * The three encodings are checked to be byte-identical first. Medians of rounds after a warm-up.
 *
 * Run: node dist/bench/longs.js [--rounds N]
 */
import { parseArgs } from 'node:util';
import type { Event } from '../src/api/generated/sctrace/v1/Event';
import { tracerPackageDefinition } from '../src/api/proto';
import { EventEncoder } from '../src/api/wire/events';
import { EpochClock, longValue } from '../src/util/longs';
import { median } from './lib/proc';

const BATCH = 1024;
/** Epoch minus monotonic time, and the monotonic timestamps of the batch as a record holds them. */
const OFFSET_NS = 1796110000000000000n;
const MONO = new DataView(new ArrayBuffer(8 * BATCH));
const CLOCK = new EpochClock(OFFSET_NS);

/** What a syscall record holds, as DataView reads give it (ts: monotonic). */
interface RawRecord {
  ts: bigint;
  cgroup: bigint;
  args: bigint[];
  ret: bigint;
  duration: bigint;
}

export type LongsModel = 'strings' | 'service' | 'bigints' | 'numbers';

const RAWS: RawRecord[] = Array.from({ length: BATCH }, (_, i) => ({
  ts: 369587000000n + BigInt(i * 1731),
  cgroup: 12345n,
  args: [4294967196n, 140737488346112n, 524288n, 0n],
  ret: BigInt(3 + (i % 20)),
  duration: 2210n,
}));

/** The batch as the record decoder would build it under `model`. */
function build(model: LongsModel): Event[] {
  const conv: (v: bigint) => unknown = model === 'strings' ? (v) => v.toString() : model === 'bigints' ? (v) => v : model === 'service' ? longValue : Number;
  return RAWS.map((r, i) => ({
    sequence: 1_000_000 + i,
    timestamp_ns: (model === 'service' ? CLOCK.read(MONO, 8 * i) : model === 'strings' ? (r.ts + OFFSET_NS).toString() : r.ts + OFFSET_NS) as never,
    task: { pid: 4242, tid: 4242, ppid: 1, uid: 0, gid: 0, comm: 'tar', cgroup_id: conv(r.cgroup) as never },
    syscall: { nr: 257, name: 'openat', args: r.args.map(conv) as never, ret: conv(r.ret) as never, duration_ns: conv(r.duration) as never, arch: 'x86_64' },
    kind: 'syscall',
  }));
}

/** ns per event to build and encode a batch under each model, medians of `rounds`. */
export function measureLongs(rounds = 7, minMs = 300): Record<LongsModel, number> {
  RAWS.forEach((r, i) => MONO.setBigUint64(8 * i, r.ts, true));
  const encoder = new EventEncoder(tracerPackageDefinition());
  const models: LongsModel[] = ['strings', 'service', 'bigints', 'numbers'];
  const reference = encoder.encodeResponse({ events: build('strings') });
  for (const m of models) {
    if (Buffer.compare(encoder.encodeResponse({ events: build(m) }), reference) !== 0) throw new Error(`longs: the ${m} model encodes differently`);
  }
  const samples = new Map<LongsModel, number[]>(models.map((m) => [m, []]));
  for (let r = 0; r <= rounds; r++) {
    for (const m of models) {
      let n = 0;
      const t0 = process.hrtime.bigint();
      let elapsed = 0;
      while (elapsed < minMs * 1e6) {
        encoder.encodeResponse({ events: build(m) });
        n++;
        elapsed = Number(process.hrtime.bigint() - t0);
      }
      if (r > 0) samples.get(m)!.push(elapsed / (n * BATCH)); // round 0 warms up
    }
  }
  return Object.fromEntries(models.map((m) => [m, median(samples.get(m)!)])) as Record<LongsModel, number>;
}

if (require.main === module) {
  const { values } = parseArgs({ options: { rounds: { type: 'string' } } });
  const ns = measureLongs(Number(values.rounds ?? 7));
  for (const [m, v] of Object.entries(ns)) process.stdout.write(`${m.padEnd(8)} ${v.toFixed(0)} ns per openat event built and encoded (${((v / ns.strings) * 100).toFixed(0)}% of strings)\n`);
}
