/**
 * The kmod backend without the module: record framing on good and deliberately corrupted reads,
 * control protocol 6 and the stats text, and the one kernel pass (KmodEngine → KernelPass →
 * KmodKernelSide → capture pipeline) against a stand-in /proc/sctrace: a temporary directory with
 * a regular control file that collects what the service writes, stats and counters files the test
 * rewrites, and a FIFO as the events file, which the service polls and reads exactly as it does
 * the module's file.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Event } from '../../src/api/generated/sctrace/v1/Event';
import type { CaptureSink, CaptureSpec, LossSite } from '../../src/backends/backend';
import { ABI_VERSION, Layout, RecordDecoder } from '../../src/backends/records';
import { KmodEngine } from '../../src/backends/kmod/engine';
import { checkModule } from '../../src/backends/kmod/kernel-side';
import { CONTROL_PROTOCOL, controlError, controlLines, Counters, parseStats, setupText, syscallLines } from '../../src/backends/kmod/protocol';
import { kernelMeta, SyscallCatalog } from '../../src/syscalls/catalog';
import type { RawBlob, RawSyscall, SyscallResolver, TraceState } from '../../src/syscalls/types';
import { ENUMS } from '../../src/backends/ebpf/generated/bpf';
import { FakeSyscalls } from '../helpers/fake-syscalls';
import { decodeChunk } from '../kmod/chunks';
import { execRecord, exitRecord, forkRecord, syscallRecord, type TaskFields } from '../kmod/record-builder';

const syscalls = new FakeSyscalls();
const task = { pid: 4242, comm: 'cat' };
const openat = (t: TaskFields = task) => syscallRecord(t, { nr: 257, ret: -2n, enterNs: process.hrtime.bigint(), strings: [{ arg: 1, text: '/no/such/file' }] });

function decode(bytes: Buffer, resolver: SyscallResolver = syscalls) {
  const out: Event[] = [];
  const result = decodeChunk(new RecordDecoder(resolver, 0n), bytes, out);
  return { out, result };
}

// ---- framing ----

test('a read of several records yields one event per record, in order', () => {
  const bytes = Buffer.concat([
    forkRecord({ pid: 10 }, 11),
    execRecord({ pid: 11, comm: 'echo' }, '/bin/echo', ['/bin/echo', 'hi there']),
    openat(),
    exitRecord({ pid: 11 }, 3 << 8),
  ]);
  const { out, result } = decode(bytes);
  assert.equal(result.corrupt, undefined);
  assert.equal(result.records, 4);
  assert.deepEqual(out.map((e) => e.kind), ['fork', 'exec', 'syscall', 'exit']);
  assert.equal(out[0].fork?.child_pid, 11);
  assert.deepEqual(out[1].exec?.argv, ['/bin/echo', 'hi there']);
  assert.equal(out[1].task?.comm, 'echo');
  assert.equal(out[2].syscall?.name, 'openat');
  assert.equal(out[2].syscall?.ret, '-2');
  assert.equal(out[3].exit?.exit_code, 3);
});

test('corrupt reads stop the walk with a reason, after delivering the records before', () => {
  const good = openat();
  const cases: [string, Buffer, RegExp][] = [
    ['cut inside a record', Buffer.concat([good, good.subarray(0, good.length - 8)]), /truncated record: it says \d+ bytes but the read holds \d+/],
    ['cut inside a header', Buffer.concat([good, good.subarray(0, 40)]), new RegExp(`the read ends 40 bytes into a ${Layout.header.SIZE}-byte header`)],
    ['wrong version', Buffer.concat([good, withU16(good, Layout.header.version, ABI_VERSION + 1)]), new RegExp(`record version ${ABI_VERSION + 1}, this reader understands version ${ABI_VERSION}`)],
    ['size overflow', Buffer.concat([good, withU32(good, Layout.header.size, 0xfffffff8)]), /record size 4294967288 exceeds the largest record/],
    ['size below a header', Buffer.concat([good, withU32(good, Layout.header.size, 16)]), new RegExp(`record size 16 is not a multiple of 8 of at least ${Layout.header.SIZE}`)],
    ['unaligned size', Buffer.concat([good, withU32(good, Layout.header.size, good.length - 3)]), /not a multiple of 8/],
    ['string past the record', Buffer.concat([good, withU16(good, Layout.syscall.SIZE + Layout.blob.len, 900)]), /runs past the record/],
    ['unknown kind', Buffer.concat([good, withU16(good, Layout.header.kind, 9)]), /unknown record kind 9/],
  ];
  for (const [name, bytes, reason] of cases) {
    const { out, result } = decode(bytes);
    assert.ok(result.corrupt, `${name}: reported corrupt`);
    assert.match(result.corrupt.message, reason, name);
    assert.match(result.corrupt.message, new RegExp(`^at byte ${good.length} of a ${bytes.length}-byte read`), name);
    assert.equal(out.length, 1, `${name}: the good record before it is delivered`);
  }
});

test('a record the syscall decoder throws on costs that record only', () => {
  const throwing: SyscallResolver = Object.assign(Object.create(syscalls) as SyscallResolver, {
    decode: () => {
      throw new Error('decoder bug');
    },
  });
  const { out, result } = decode(Buffer.concat([openat(), forkRecord(task, 7)]), throwing);
  assert.equal(result.corrupt, undefined);
  assert.equal(result.decodeErrors, 1);
  assert.deepEqual(out.map((e) => e.kind), ['fork']);
});

function withU16(record: Buffer, offset: number, value: number): Buffer {
  const copy = Buffer.from(record);
  copy.writeUInt16LE(value, offset);
  return copy;
}

function withU32(record: Buffer, offset: number, value: number): Buffer {
  const copy = Buffer.from(record);
  copy.writeUInt32LE(value, offset);
  return copy;
}

// ---- recorded module output ----

/**
 * test/kmod/fixtures/cat-trace.b64: what the module wrote for `/bin/cat /proc/version
 * /no/such/file` in the test guest (recorded with test/kmod/record-fixture.ts, at ABI 5, one
 * trace in slot 0, extra reads included). The version fields are set to the reader's before use,
 * so a compatible ABI bump keeps the recording; a layout change shows up as wrong events below
 * (then record again).
 */
function recording(): Buffer {
  const text = fs.readFileSync(path.resolve(__dirname, '../../../test/kmod/fixtures/cat-trace.b64'), 'utf8');
  const bytes = Buffer.from(text, 'base64');
  for (let off = 0; off < bytes.length; off += bytes.readUInt32LE(off + Layout.header.size)) {
    bytes.writeUInt16LE(ABI_VERSION, off + Layout.header.version);
  }
  return bytes;
}

/** Record boundaries of a read. */
function boundaries(bytes: Buffer): number[] {
  const out: number[] = [];
  for (let off = 0; off < bytes.length; off += bytes.readUInt32LE(off + Layout.header.size)) out.push(off);
  return out;
}

/** Names and numbers only (no tracefs needed); keeps the raw strings and blobs of each syscall. */
function namesOnly() {
  const catalog = SyscallCatalog.fromFormats(new Map(), { arch: 'x86_64' });
  const strings: string[][] = [];
  const blobs: Map<number, RawBlob>[] = [];
  const resolver: SyscallResolver = Object.assign(Object.create(catalog) as SyscallResolver, {
    decode: (raw: RawSyscall, state?: TraceState) => {
      strings.push([...raw.strings.values()].map((s) => s.text));
      blobs.push(new Map(raw.blobs ?? []));
      return catalog.decode(raw, state);
    },
  });
  return { resolver, strings, blobs };
}

test('recorded module output decodes into the workload it traced', () => {
  const { resolver, strings, blobs } = namesOnly();
  const bytes = recording();
  const { out, result } = decode(bytes, resolver);
  assert.equal(result.corrupt, undefined);
  assert.equal(result.records, 26);
  assert.ok(boundaries(bytes).every((off) => bytes.readBigUInt64LE(off + Layout.header.traces) === 1n), 'every record names trace slot 0');
  const pid = out[0].task!.pid;
  assert.ok(out.every((e) => e.task?.pid === pid && e.task?.tid === pid), 'one process');
  const exec = out.find((e) => e.kind === 'exec');
  assert.deepEqual(exec?.exec, { filename: '/bin/cat', argv: ['/bin/cat', '/proc/version', '/no/such/file'], argv_truncated: false, old_pid: pid });
  const calls = out.filter((e) => e.kind === 'syscall').map((e) => e.syscall!);
  const execve = calls.findIndex((c) => c.name === 'execve');
  assert.equal(calls[execve].ret, 0);
  assert.deepEqual(strings[execve], ['/bin/cat'], 'execve filename read at entry');
  const argv = blobs[execve].get(1);
  assert.ok(argv?.kind === 'strv', 'argv read at entry as a string array');
  assert.deepEqual(argv.items, ['/bin/cat', '/proc/version', '/no/such/file']);
  assert.ok(blobs[execve].get(2)?.kind === 'count', 'the environment only counted');
  const readlink = calls.findIndex((c) => c.name === 'readlink');
  const target = blobs[readlink].get(1);
  assert.ok(target?.kind === 'bytes', "readlink's output read at exit");
  assert.equal(Buffer.from(target.data).toString(), '/bin/busybox');
  const opens = calls.map((c, i) => ({ c, s: strings[i] })).filter(({ c }) => c.name === 'openat');
  assert.deepEqual(opens.map(({ c, s }) => [s[0], c.ret, c.errno_name]), [
    ['/proc/version', 3, ''],
    ['/no/such/file', -2, 'ENOENT'],
  ]);
  assert.ok(calls.some((c) => c.name === 'sendfile' && Number(c.ret) > 0), 'busybox cat copies with sendfile');
  const last = calls[calls.length - 1];
  assert.equal(last.name, 'exit_group');
  assert.equal(last.no_return, true);
  const exit = out[out.length - 1].exit;
  assert.deepEqual([exit?.exit_code, exit?.signal, exit?.core_dumped], [1, 0, false]);
  // What the module read from the task: a process that ran, faulted pages in and held memory.
  assert.ok(Number(exit?.wall_time_ns) > 0, 'wall time');
  assert.ok(Number(exit?.usage?.user_time_ns) + Number(exit?.usage?.system_time_ns) > 0, 'CPU time');
  assert.ok(Number(exit?.usage?.minor_faults) > 0 && Number(exit?.usage?.max_rss_kb) > 0, 'faults and peak RSS');
  const ts = out.map((e) => BigInt(String(e.timestamp_ns)));
  assert.ok(ts.every((t, i) => i === 0 || t >= ts[i - 1]), 'in time order');
});

test('recorded output corrupted at every record: the records before it survive, then a clear error', () => {
  const good = recording();
  const starts = boundaries(good);
  for (const [k, at] of starts.entries()) {
    const variants: [string, Buffer, RegExp][] = [
      ['truncated', good.subarray(0, at + 8), new RegExp(`truncated record: the read ends 8 bytes into a ${Layout.header.SIZE}-byte header`)],
      ['wrong version', withU16(good, at + Layout.header.version, 99), /record version 99/],
      ['size overflow', withU32(good, at + Layout.header.size, 0x80000000), /record size 2147483648 exceeds the largest record/],
      ['size past the read', withU32(good, at + Layout.header.size, good.length - at + 8), /truncated record: it says \d+ bytes but the read holds/],
    ];
    for (const [name, bytes, reason] of variants) {
      const { out, result } = decode(bytes, namesOnly().resolver);
      assert.match(result.corrupt?.message ?? 'not reported', reason, `record ${k}: ${name}`);
      assert.match(result.corrupt!.message, new RegExp(`^at byte ${at} `), `record ${k}: ${name}`);
      assert.equal(out.length, k, `record ${k}: ${name}: the ${k} records before it are delivered`);
    }
  }
});

// ---- control protocol 6 and the stats text ----

test('the setup text names the protocol, the exclusions, the ring, the per-syscall and ioctl tables, and ends with start', () => {
  const execve = { nr: 59, strMask: 1, pathMask: 1, enterStr: true, enterReads: false, reads: [{ kind: 2, arg: 1, lenFrom: 0, lenArg: 0, max: 4096, flags: 4 }] };
  const select = { nr: 23, strMask: 0, pathMask: 0, enterStr: false, enterReads: true, reads: [{ kind: 7, arg: 1, lenFrom: 0, lenArg: 0, max: 128, flags: 0 }] };
  const getpid = { nr: 39, strMask: 0, pathMask: 0, enterStr: false, enterReads: false, reads: [] };
  const tcgets = { request: 0x5401, size: 36, dir: 2 };
  assert.deepEqual(setupText({ exclude: [4242], ringBytes: 1 << 20, wakeupBytes: 1 << 16 }, [select, getpid, execve], [tcgets]).split('\n'), [
    `protocol ${CONTROL_PROTOCOL}`,
    'exclude 4242',
    'ring_bytes 1048576',
    'wakeup_bytes 65536',
    'syscall 23 0 0 2',
    'read 23 7 1 0 0 128 0 0',
    'syscall 59 1 1 1',
    'read 59 2 1 0 0 4096 4 0',
    'ioctl 21505 36 2',
    'start',
    '',
  ]);
  assert.throws(() => setupText({ exclude: [], ringBytes: 3 << 20, wakeupBytes: 1 }, []), /power of two/);
  assert.throws(() => setupText({ exclude: [1, 2, 3, 4, 5, 6, 7, 8, 9], ringBytes: 1 << 20, wakeupBytes: 1 }, []), /at most 8/);
});

test('syscall masks are written as runs, the control block as budgets and one set line with active last', () => {
  const masks = new Map<number, bigint>([...Array.from({ length: 512 }, (_, nr) => [nr, 2n] as [number, bigint])]);
  masks.set(257, 3n);
  assert.deepEqual(syscallLines(masks), ['sys 0-256 0x2', 'sys 257 0x3', 'sys 258-511 0x2']);
  assert.deepEqual(syscallLines(new Map([[5, 1n], [3, 1n], [9, 0n]])), ['sys 3 0x1', 'sys 5 0x1', 'sys 9 0x0']);
  const written = new Array<number>(64).fill(0);
  const control = {
    active: 0x3n, pidAny: 0x2n, commAny: 0x2n, uidAny: 0x3n, cgroupAny: 0x3n, follow: 0x1n, procEvents: 0x1n, buffers: 0n, execEnv: 0n, sched: 0n, signals: 0x1n,
    stringMax: 512, bufferBytes: 0, pressureBytes: 1 << 19, budgets: [100, 200, ...new Array<number>(62).fill(0)],
  };
  const lines = controlLines(control, written);
  assert.deepEqual(lines, [
    'budget 0 100',
    'budget 1 200',
    'set pid_any 0x2 comm_any 0x2 uid_any 0x3 cgroup_any 0x3 follow 0x1 proc_events 0x1 buffers 0x0 exec_env 0x0 sched 0x0 signals 0x1 string_max 512 buffer_bytes 0 pressure_bytes 524288 active 0x3',
  ]);
  assert.deepEqual(controlLines({ ...control, budgets: [100, 300, ...new Array<number>(62).fill(0)] }, written).slice(0, -1), ['budget 1 300'], 'only changed budgets');
});

test('stats text parses into counters; module and sctraced versions are checked, both named', () => {
  const stats = parseStats(statsText({ emitted: 90, lost_ring: 5 }));
  assert.equal(stats.abi, ABI_VERSION);
  assert.equal(stats.protocol, CONTROL_PROTOCOL);
  assert.equal(stats.state, 'running');
  assert.equal(stats.counters.get('emitted'), 90);
  assert.throws(() => parseStats('hello 1\n'), /no "abi" line/);
  assert.equal(controlError('state configuring\nerror ring_bytes: 3 is not a power of two\n'), 'ring_bytes: 3 is not a power of two');
  assert.equal(controlError('state running\nerror none\n'), '');
  assert.doesNotThrow(() => checkModule(stats));
  assert.throws(() => checkModule(parseStats(statsText({}, { abi: 2 }))), new RegExp(`version 0.2.0\\) writes record ABI 2, this sctraced reads ABI ${ABI_VERSION}`));
  // A module of protocol 1 has no protocol line.
  const old = parseStats(statsText({}).replace(/^protocol .*\n/m, ''));
  assert.equal(old.protocol, 1);
  assert.throws(() => checkModule(old), new RegExp(`speaks control protocol 1, this sctraced speaks control protocol ${CONTROL_PROTOCOL}`));
});

function statsText(counters: Record<string, number>, versions: { abi?: number; protocol?: number } = {}): string {
  const all = { probes: 5, traces: 0, emitted: 0, lost_ring: 0, ...counters };
  return `abi ${versions.abi ?? ABI_VERSION}\nprotocol ${versions.protocol ?? CONTROL_PROTOCOL}\nversion 0.2.0\nstate running\n${Object.entries(all)
    .map(([k, v]) => `${k} ${v}`)
    .join('\n')}\n`;
}

// ---- the kernel pass against a stand-in /proc/sctrace ----

const dirs: string[] = [];
after(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** A directory shaped like /proc/sctrace; `write` feeds the events FIFO as the module would. */
function fakeProc(stats = statsText({})) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sctrace-kmod-'));
  dirs.push(dir);
  fs.writeFileSync(path.join(dir, 'control'), '');
  fs.writeFileSync(path.join(dir, 'stats'), stats);
  const counters = new BigUint64Array(Counters.WORDS);
  fs.writeFileSync(path.join(dir, 'counters'), new Uint8Array(counters.buffer));
  execFileSync('mkfifo', [path.join(dir, 'events')]);
  // Read-write, so opening does not wait for a reader and the FIFO has a writer until closed.
  let writer: number | undefined = fs.openSync(path.join(dir, 'events'), fs.constants.O_RDWR);
  const writerFd = writer;
  const setWord = (index: number, value: bigint) => {
    counters[index] = value;
    fs.writeFileSync(path.join(dir, 'counters'), new Uint8Array(counters.buffer));
  };
  let read = 0;
  return {
    dir,
    /** The descriptors the service holds on the module's files (the test's own FIFO writer aside). */
    held: () => fdsInto(dir, writerFd),
    write: (bytes: Buffer) => fs.writeSync(writer!, bytes),
    /** The control text written since the last call. */
    control: () => {
      const all = fs.readFileSync(path.join(dir, 'control'), 'utf8');
      const fresh = all.slice(read);
      read = all.length;
      return fresh;
    },
    /** Empties the control file (a new pass writes from its start, as a regular file is written). */
    resetControl: () => {
      fs.writeFileSync(path.join(dir, 'control'), '');
      read = 0;
    },
    setLost: (slot: number, cause: number, value: bigint) => setWord(Counters.lost(slot) + cause, value),
    setRing: (written: bigint, readBytes: bigint) => {
      setWord(Counters.WRITTEN, written);
      setWord(Counters.READ, readBytes);
    },
    endEvents: () => {
      if (writer !== undefined) fs.closeSync(writer);
      writer = undefined;
    },
  };
}

/** The descriptors this process holds on files in `dir`, except `except`. */
function fdsInto(dir: string, except: number): string[] {
  return fs
    .readdirSync('/proc/self/fd')
    .filter((fd) => Number(fd) !== except)
    .map((fd) => {
      try {
        return fs.readlinkSync(`/proc/self/fd/${fd}`);
      } catch {
        return '';
      }
    })
    .filter((target) => target.startsWith(dir));
}

/** Records every sink call; calls after it is closed count as violations. */
class RecordingSink implements CaptureSink {
  readonly delivered: Event[] = [];
  readonly losses: [number, LossSite][] = [];
  readonly failures: Error[] = [];
  closed = false;
  lateCalls = 0;
  /** What demand() answers (undefined: no demand() at all). */
  room: number | undefined;
  events(batch: Event[]): void {
    if (this.closed) this.lateCalls++;
    this.delivered.push(...batch);
  }
  lost(count: number, site: LossSite): void {
    if (this.closed) this.lateCalls++;
    this.losses.push([count, site]);
  }
  failed(error: Error): void {
    this.failures.push(error);
  }
  demand(): number {
    return this.room ?? Infinity;
  }
}

async function until(predicate: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const RING = 1 << 20;

function engine(procDir: string): KmodEngine {
  return new KmodEngine({ ringBytes: RING, wakeupBytes: 1 << 16, pollIntervalMs: 5, maxTraces: 8, procDir }, syscalls);
}

const specA: CaptureSpec = {
  syscalls: [257],
  pids: [100, 200],
  followChildren: true,
  comms: ['cat'],
  uids: [0],
  cgroupIds: [1n],
  processEvents: true,
  stringMaxBytes: 512,
  bufferBytes: 0,
  execEnv: false,
  excludePids: [],
  ringBytes: 0,
};

const specB: CaptureSpec = { ...specA, syscalls: null, pids: [], followChildren: false, comms: [], uids: [], cgroupIds: [], processEvents: false, stringMaxBytes: 256 };

test('traces share one pass: setup once, a trace is mask writes, records go to the traces they name', async () => {
  const proc = fakeProc();
  const kmod = engine(proc.dir);
  const a = new RecordingSink();
  const sa = await kmod.open(specA, a);
  const setup = `${setupText({ exclude: [process.pid], ringBytes: RING, wakeupBytes: 1 << 16 }, kernelMeta(syscalls))}`;
  assert.deepEqual(proc.control().split('\n'), [
    ...setup.split('\n').slice(0, -1),
    'sys 257 0x1',
    'tgid 100 0x1',
    'tgid 200 0x1',
    'comm 636174 0x1',
    'uid 0 0x1',
    'cgroup 1 0x1',
    `budget 0 ${RING * 0.375}`,
    'set pid_any 0x0 comm_any 0x0 uid_any 0x0 cgroup_any 0x0 follow 0x1 proc_events 0x1 buffers 0x0 exec_env 0x0 sched 0x0 signals 0x0 string_max 512 buffer_bytes 0 pressure_bytes 524288 active 0x1',
    '',
  ]);
  assert.match(sa.detail ?? '', /module's sys_enter\/sys_exit probes/);
  const b = new RecordingSink();
  const sb = await kmod.open(specB, b);
  assert.deepEqual(proc.control().split('\n'), [
    'sys 0-256 0x2',
    'sys 257 0x3',
    'sys 258-511 0x2',
    `budget 0 ${RING * 0.1875}`,
    `budget 1 ${RING * 0.1875}`,
    'set pid_any 0x2 comm_any 0x2 uid_any 0x2 cgroup_any 0x2 follow 0x1 proc_events 0x1 buffers 0x0 exec_env 0x0 sched 0x0 signals 0x0 string_max 512 buffer_bytes 0 pressure_bytes 524288 active 0x3',
    '',
  ], 'the second trace: slot 1, no new setup');

  proc.write(Buffer.concat([forkRecord({ pid: 100, traces: 0x1n }, 101), openat({ pid: 100, traces: 0x3n }), openat({ pid: 7, traces: 0x2n })]));
  await until(() => a.delivered.length === 2 && b.delivered.length === 2, 'each trace its records');
  assert.deepEqual(a.delivered.map((e) => `${e.kind} ${e.task?.pid}`), ['fork 100', 'syscall 100']);
  assert.deepEqual(b.delivered.map((e) => `${e.kind} ${e.task?.pid}`), ['syscall 100', 'syscall 7']);
  assert.notEqual(a.delivered[1], b.delivered[1], 'each trace owns its event object');

  // Losses are per trace: slot 1's budget losses reach B only.
  proc.setLost(1, ENUMS.sct_loss.SCT_LOSS_BUDGET, 5n);
  await until(() => b.losses.length === 1, 'a loss notice');
  assert.deepEqual(b.losses, [[5, 'kernel']]);
  assert.deepEqual(a.losses, []);

  await sa.close();
  a.closed = true;
  assert.deepEqual(proc.control().split('\n'), [
    'budget 0 0',
    `budget 1 ${RING * 0.375}`,
    'set pid_any 0x2 comm_any 0x2 uid_any 0x2 cgroup_any 0x2 follow 0x0 proc_events 0x0 buffers 0x0 exec_env 0x0 sched 0x0 signals 0x0 string_max 256 buffer_bytes 0 pressure_bytes 524288 active 0x2',
    'sys 257 0x2',
    'comm 636174 0x0',
    'uid 0 0x0',
    'cgroup 1 0x0',
    'tgid_clear 0x1',
    '',
  ], "stopping A: inactive first, then its entries and its tgids' bits");
  proc.write(Buffer.concat([openat({ pid: 100, traces: 0x3n })]));
  await until(() => b.delivered.length === 3, 'B goes on');
  assert.equal(a.lateCalls, 0, 'nothing for A after its close');
  assert.deepEqual(sa.stats(), { received: 2, lostKernel: 0, decodeErrors: 0, lostKernelCauses: { ring: 0, budget: 0, paused: 0, inflight: 0 } });
  assert.equal(proc.held().length, 3, 'control, events and counters stay open while B runs');

  await sb.close();
  assert.match(proc.control(), /active 0x0\nsys 0-511 0x0\ntgid_clear 0x2\n$/, 'the last trace is removed like the others');
  assert.deepEqual(sb.stats().lostKernelCauses, { ring: 0, budget: 5, paused: 0, inflight: 0 }, 'losses by cause');
  assert.deepEqual(proc.held(), [], 'the last trace closes the pass: no file of the module left open');
  assert.deepEqual([...a.failures, ...b.failures], []);

  // The next trace starts a new pass, set up from the start.
  proc.resetControl();
  const c = new RecordingSink();
  const sc = await kmod.open(specB, c);
  assert.match(proc.control(), new RegExp(`^protocol ${CONTROL_PROTOCOL}\\n[\\s\\S]*\\nstart\\nsys 0-511 0x1\\n`));
  await sc.close();
  proc.endEvents();
});

test('a full consumer pauses its trace in the kernel; records charged to ring budgets are credited back as they are read', async () => {
  const proc = fakeProc();
  const kmod = engine(proc.dir);
  const a = new RecordingSink();
  const sa = await kmod.open(specB, a);
  const b = new RecordingSink();
  const sb = await kmod.open(specB, b);
  proc.control();
  a.room = 0;
  await until(() => /^paused 0x1$/m.test(proc.control()), 'paused 0x1');
  a.room = undefined;
  await until(() => /^paused 0x0$/m.test(proc.control()), 'paused 0x0');
  // Two records charged under pressure (SCT_F_CHARGED), one for both traces, one for B; one not charged.
  const charged = ENUMS.sct_header_flags.SCT_F_CHARGED;
  const one = openat({ pid: 9, traces: 0x3n, flags: charged });
  const two = openat({ pid: 9, traces: 0x2n, flags: charged });
  proc.write(Buffer.concat([one, two, openat({ pid: 9, traces: 0x3n })]));
  await until(() => b.delivered.length === 3, 'the records');
  const overhead = ENUMS.sct_charge.SCT_CHARGE_OVERHEAD;
  // Each charged record is credited to its first trace (the lowest slot), which paid for it.
  assert.deepEqual(proc.control().split('\n'), [`credit 0 ${one.length + overhead}`, `credit 1 ${two.length + overhead}`, ''], 'one write per drain');
  await sa.close();
  await sb.close();
  proc.endEvents();
});

test('a recorded trace written in several reads reaches its trace whole', async () => {
  const proc = fakeProc();
  const kmod = engine(proc.dir);
  const sink = new RecordingSink();
  // The recording's syscalls entered before this trace started; as the module's records they are its own.
  const session = await kmod.open({ ...specB, processEvents: true }, sink);
  const bytes = recording();
  const now = process.hrtime.bigint();
  for (const off of boundaries(bytes)) {
    if (bytes.readUInt16LE(off + Layout.header.kind) === 1) bytes.writeBigUInt64LE(now, off + Layout.syscall.enter_ns);
  }
  const starts = [...boundaries(bytes), bytes.length];
  // Three reads' worth, each made of whole records, as the module hands them out.
  const cuts = [0, starts[8], starts[17], bytes.length];
  for (let i = 0; i < 3; i++) proc.write(bytes.subarray(cuts[i], cuts[i + 1]));
  await until(() => sink.delivered.length === 26, 'the 26 recorded events');
  assert.deepEqual(sink.delivered.filter((e) => e.kind !== 'syscall').map((e) => e.kind), ['exec', 'exit']);
  await session.close();
  assert.equal(session.stats().decodeErrors, 0);
  proc.endEvents();
});

for (const [name, bad, reason] of [
  ['a truncated record', () => openat().subarray(0, 100), /corrupt record from the kernel module at byte \d+ of a \d+-byte read of .*events: truncated record/],
  ['a wrong-version record', () => withU16(openat(), Layout.header.version, ABI_VERSION + 1), new RegExp(`record version ${ABI_VERSION + 1}, this reader understands version ${ABI_VERSION}`)],
  ['a size overflow', () => withU32(openat(), Layout.header.size, 1 << 20), /record size 1048576 exceeds the largest record/],
] as const) {
  test(`${name} fails every trace with a clear error and closes the pass`, async () => {
    const proc = fakeProc();
    const kmod = engine(proc.dir);
    const a = new RecordingSink();
    const b = new RecordingSink();
    await kmod.open(specB, a);
    const sb = await kmod.open(specB, b);
    proc.write(Buffer.concat([forkRecord({ pid: 100, traces: 0x3n }, 101), bad()]));
    await until(() => a.failures.length === 1 && b.failures.length === 1, 'the failures');
    for (const s of [a, b]) {
      assert.match(s.failures[0].message, reason);
      assert.ok(s.failures[0].name === 'CorruptRecordError' || s.failures[0].name === 'BackendError');
      assert.deepEqual(s.delivered.map((e) => e.kind), ['fork'], 'records before the bad one are delivered');
    }
    assert.deepEqual(proc.held(), [], 'the pass is closed');
    a.closed = b.closed = true;
    proc.write(openat({ pid: 1, traces: 0x3n }));
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(a.lateCalls + b.lateCalls, 0);
    await sb.close();
    proc.endEvents();
  });
}

test('the events file ending while traces run fails them', async () => {
  const proc = fakeProc();
  const sink = new RecordingSink();
  await engine(proc.dir).open(specB, sink);
  proc.endEvents();
  await until(() => sink.failures.length === 1, 'the failure');
  assert.match(sink.failures[0].message, /events ended while traces were running \(module unloaded\?\)/);
});

test('a module of another record ABI or control protocol is refused before it is configured, naming both versions', async () => {
  for (const [versions, reason] of [
    [{ abi: ABI_VERSION + 1 }, `writes record ABI ${ABI_VERSION + 1}, this sctraced reads ABI ${ABI_VERSION}`],
    [{ protocol: CONTROL_PROTOCOL + 1 }, `speaks control protocol ${CONTROL_PROTOCOL + 1}, this sctraced speaks control protocol ${CONTROL_PROTOCOL}`],
  ] as const) {
    const proc = fakeProc(statsText({}, versions));
    const kmod = engine(proc.dir);
    await assert.rejects(kmod.open(specB, new RecordingSink()), new RegExp(reason));
    assert.equal(proc.control(), '', 'control untouched');
    assert.equal(kmod.availability().available, false);
    assert.match(kmod.availability().reason, new RegExp(reason));
    proc.endEvents();
  }
});

test('availability: module absent, and present', () => {
  assert.deepEqual(engine('/nonexistent/sctrace').availability(), { available: false, reason: '/nonexistent/sctrace not present: kernel module not loaded' });
  const proc = fakeProc();
  assert.deepEqual(engine(proc.dir).availability(), { available: true, reason: '' });
  proc.endEvents();
});
