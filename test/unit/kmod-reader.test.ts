/**
 * The kmod backend's reader without the module: record framing on good and deliberately corrupted
 * reads, the control and stats text, and whole sessions against a stand-in /proc/sctrace (a
 * temporary directory with a regular control file, a stats file the test rewrites, and a FIFO as
 * the events file, which the session polls and reads exactly as it does the module's file).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Event } from '../../src/api/generated/sctrace/v1/Event';
import type { CaptureSink, CaptureSpec, LossSite } from '../../src/backends/backend';
import { ABI_VERSION, Layout, RecordDecoder } from '../../src/backends/ebpf/records';
import { KmodEngine } from '../../src/backends/kmod/engine';
import { controlError, controlText, parseStats } from '../../src/backends/kmod/protocol';
import { decodeChunk } from '../../src/backends/kmod/reader';
import { KmodSession } from '../../src/backends/kmod/session';
import { kernelMeta } from '../../src/syscalls/catalog';
import type { SyscallResolver } from '../../src/syscalls/types';
import { FakeSyscalls } from '../helpers/fake-syscalls';
import { execRecord, exitRecord, forkRecord, syscallRecord } from '../kmod/record-builder';

const syscalls = new FakeSyscalls();
const task = { pid: 4242, comm: 'cat' };
const openat = () => syscallRecord(task, { nr: 257, ret: -2n, strings: [{ arg: 1, text: '/no/such/file' }] });

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
    ['cut inside a header', Buffer.concat([good, good.subarray(0, 40)]), /the read ends 40 bytes into a 64-byte header/],
    ['wrong version', Buffer.concat([good, withU16(good, Layout.header.version, ABI_VERSION + 1)]), /record version 2, this reader understands version 1/],
    ['size overflow', Buffer.concat([good, withU32(good, Layout.header.size, 0xfffffff8)]), /record size 4294967288 exceeds the largest record/],
    ['size below a header', Buffer.concat([good, withU32(good, Layout.header.size, 16)]), /record size 16 is not a multiple of 8 of at least 64/],
    ['unaligned size', Buffer.concat([good, withU32(good, Layout.header.size, good.length - 3)]), /not a multiple of 8/],
    ['string past the record', Buffer.concat([good, withU16(good, Layout.syscall.SIZE + Layout.str.len, 900)]), /runs past the record/],
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

// ---- control and stats text ----

const baseSpec: CaptureSpec = {
  syscalls: [257],
  pids: [100, 200],
  followChildren: true,
  comms: ['cat', 'a b'],
  uids: [0, 1000],
  cgroupIds: [1n],
  processEvents: true,
  stringMaxBytes: 512,
  excludePids: [4242],
};

test('the control text states every filter and ends with start', () => {
  const text = controlText(baseSpec, kernelMeta(syscalls, baseSpec.syscalls), { ringBytes: 1 << 20, wakeupBytes: 1 << 16 });
  assert.deepEqual(text.split('\n'), [
    'exclude 4242',
    'pid 100 200',
    'follow_children 1',
    'syscall_filter 1',
    'syscall 257 1 0 0',
    'comm 636174',
    'comm 612062',
    'uid 0 1000',
    'cgroup 1',
    'process_events 1',
    'string_max 512',
    'ring_bytes 1048576',
    'wakeup_bytes 65536',
    'start',
    '',
  ]);
  const all = controlText({ ...baseSpec, syscalls: null, pids: [] }, kernelMeta(syscalls, null), { ringBytes: 1 << 20, wakeupBytes: 1 });
  assert.match(all, /^syscall_filter 0$/m);
  assert.doesNotMatch(all, /^syscall \d/m, 'no table entries without a filter or strings');
  assert.doesNotMatch(all, /^follow_children/m);
  assert.throws(() => controlText(baseSpec, [], { ringBytes: 3 << 20, wakeupBytes: 1 }), /power of two/);
});

test('stats text parses into counters; losses are the sum of lost_*', () => {
  const stats = parseStats(statsText({ lost_ring: 5, lost_inflight: 2, emitted: 90 }));
  assert.equal(stats.abi, 1);
  assert.equal(stats.state, 'running');
  assert.equal(stats.lost, 7);
  assert.equal(stats.counters.get('emitted'), 90);
  assert.throws(() => parseStats('hello 1\n'), /no "abi" line/);
  assert.equal(controlError('state configuring\nerror pid: 0 is not a process id\n'), 'pid: 0 is not a process id');
  assert.equal(controlError('state running\nerror none\n'), '');
});

function statsText(counters: Record<string, number>, abi = ABI_VERSION): string {
  const all = { lost_ring: 0, lost_inflight: 0, emitted: 0, lost_busy: 0, ...counters };
  return `abi ${abi}\nversion 0.1.0\nstate running\n${Object.entries(all).map(([k, v]) => `${k} ${v}`).join('\n')}\n`;
}

// ---- sessions against a stand-in /proc/sctrace ----

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
  execFileSync('mkfifo', [path.join(dir, 'events')]);
  // Read-write, so opening does not wait for a reader and the FIFO has a writer until closed.
  let writer: number | undefined = fs.openSync(path.join(dir, 'events'), fs.constants.O_RDWR);
  return {
    dir,
    write: (bytes: Buffer) => fs.writeSync(writer!, bytes),
    setStats: (text: string) => fs.writeFileSync(path.join(dir, 'stats'), text),
    control: () => fs.readFileSync(path.join(dir, 'control'), 'utf8'),
    endEvents: () => {
      if (writer !== undefined) fs.closeSync(writer);
      writer = undefined;
    },
  };
}

/** Records every sink call; calls after close() count as violations. */
class RecordingSink implements CaptureSink {
  readonly delivered: Event[] = [];
  readonly losses: [number, LossSite][] = [];
  readonly failures: Error[] = [];
  closed = false;
  lateCalls = 0;
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
}

async function until(predicate: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function open(procDir: string, sink: CaptureSink) {
  return KmodSession.open({ procDir, ringBytes: 1 << 20, wakeupBytes: 1 << 16, pollIntervalMs: 20, spec: baseSpec, syscalls }, sink);
}

test('a session configures the module, delivers records and reports kernel losses', async () => {
  const proc = fakeProc();
  const sink = new RecordingSink();
  const session = await open(proc.dir, sink);
  assert.match(proc.control(), /^exclude 4242\n[\s\S]*\nstart\n$/);
  proc.write(Buffer.concat([forkRecord({ pid: 100 }, 101), openat()]));
  await until(() => sink.delivered.length === 2, 'two events');
  assert.deepEqual(sink.delivered.map((e) => e.kind), ['fork', 'syscall']);
  proc.setStats(statsText({ lost_ring: 3, lost_busy: 1 }));
  await until(() => sink.losses.length === 1, 'a loss notice');
  assert.deepEqual(sink.losses, [[4, 'kernel']]);
  proc.write(exitRecord({ pid: 100 }, 0));
  await session.close();
  sink.closed = true;
  // Whatever was still unread when close() began is delivered before it resolves.
  assert.deepEqual(sink.delivered.map((e) => e.kind), ['fork', 'syscall', 'exit']);
  assert.deepEqual(session.stats(), { received: 3, lostKernel: 4, decodeErrors: 0 });
  proc.write(openat());
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(sink.lateCalls, 0, 'no sink call after close');
  assert.equal(sink.failures.length, 0);
  await session.close();
  proc.endEvents();
});

for (const [name, bad, reason] of [
  ['a truncated record', openat().subarray(0, 100), /corrupt record from the kernel module: .*truncated record/],
  ['a wrong-version record', withU16(openat(), Layout.header.version, 7), /record version 7, this reader understands version 1/],
  ['a size overflow', withU32(openat(), Layout.header.size, 1 << 20), /record size 1048576 exceeds the largest record/],
] as const) {
  test(`${name} fails the session with a clear error after closing it`, async () => {
    const proc = fakeProc();
    const sink = new RecordingSink();
    const session = await open(proc.dir, sink);
    proc.write(Buffer.concat([forkRecord({ pid: 100 }, 101), bad]));
    await until(() => sink.failures.length === 1, 'the failure');
    assert.match(sink.failures[0].message, reason);
    assert.equal(sink.failures[0].name, 'BackendError');
    assert.deepEqual(sink.delivered.map((e) => e.kind), ['fork'], 'records before the bad one are delivered');
    assert.deepEqual(sink.losses, [[1, 'decode']]);
    assert.equal(session.stats().decodeErrors, 1);
    // Closed already: nothing more is read, and close() again is harmless.
    sink.closed = true;
    proc.write(openat());
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(sink.lateCalls, 0);
    await session.close();
    proc.endEvents();
  });
}

test('the events file ending while the trace runs fails the session', async () => {
  const proc = fakeProc();
  const sink = new RecordingSink();
  await open(proc.dir, sink);
  proc.endEvents();
  await until(() => sink.failures.length === 1, 'the failure');
  assert.match(sink.failures[0].message, /ended while the trace was running/);
});

test('a module of another record ABI is refused before it is configured, naming both versions', async () => {
  const proc = fakeProc(statsText({}, 2));
  await assert.rejects(open(proc.dir, new RecordingSink()), /writes record ABI 2, this sctraced reads ABI 1/);
  assert.equal(proc.control(), '', 'control untouched');
  const engine = new KmodEngine({ ringBytes: 1 << 20, wakeupBytes: 1, pollIntervalMs: 5, procDir: proc.dir }, syscalls);
  assert.equal(engine.availability().available, false);
  assert.match(engine.availability().reason, /record ABI 2/);
  proc.endEvents();
});

test('availability: module absent, and present', () => {
  const absent = new KmodEngine({ ringBytes: 1 << 20, wakeupBytes: 1, pollIntervalMs: 5, procDir: '/nonexistent/sctrace' }, syscalls);
  assert.deepEqual(absent.availability(), { available: false, reason: '/nonexistent/sctrace not present: kernel module not loaded' });
  const proc = fakeProc();
  const present = new KmodEngine({ ringBytes: 1 << 20, wakeupBytes: 1, pollIntervalMs: 5, procDir: proc.dir }, syscalls);
  assert.deepEqual(present.availability(), { available: true, reason: '' });
  proc.endEvents();
});
