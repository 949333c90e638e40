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
import { ABI_VERSION, Layout, RecordDecoder } from '../../src/backends/records';
import { KmodEngine } from '../../src/backends/kmod/engine';
import { controlError, controlText, parseStats } from '../../src/backends/kmod/protocol';
import { decodeChunk } from '../../src/backends/kmod/reader';
import { KmodSession } from '../../src/backends/kmod/session';
import { kernelMeta, SyscallCatalog } from '../../src/syscalls/catalog';
import type { RawBlob, RawSyscall, SyscallResolver, TraceState } from '../../src/syscalls/types';
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
    ['wrong version', Buffer.concat([good, withU16(good, Layout.header.version, ABI_VERSION + 1)]), new RegExp(`record version ${ABI_VERSION + 1}, this reader understands version ${ABI_VERSION}`)],
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

// ---- recorded module output ----

/**
 * test/kmod/fixtures/cat-trace.b64: what the module wrote for `/bin/cat /proc/version
 * /no/such/file` in the test guest (recorded with test/kmod/record-fixture.ts, at ABI 2, extra
 * reads included). The version fields are set to the reader's before use, so a compatible ABI
 * bump keeps the recording; a layout change shows up as wrong events below (then record again).
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
  const { out, result } = decode(recording(), resolver);
  assert.equal(result.corrupt, undefined);
  assert.equal(result.records, 26);
  const pid = out[0].task!.pid;
  assert.ok(out.every((e) => e.task?.pid === pid && e.task?.tid === pid), 'one process');
  const exec = out.find((e) => e.kind === 'exec');
  assert.deepEqual(exec?.exec, { filename: '/bin/cat', argv: ['/bin/cat', '/proc/version', '/no/such/file'], argv_truncated: false, old_pid: pid });
  const calls = out.filter((e) => e.kind === 'syscall').map((e) => e.syscall!);
  const execve = calls.findIndex((c) => c.name === 'execve');
  assert.equal(calls[execve].ret, '0');
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
    ['/proc/version', '3', ''],
    ['/no/such/file', '-2', 'ENOENT'],
  ]);
  assert.ok(calls.some((c) => c.name === 'sendfile' && Number(c.ret) > 0), 'busybox cat copies with sendfile');
  const last = calls[calls.length - 1];
  assert.equal(last.name, 'exit_group');
  assert.equal(last.no_return, true);
  assert.deepEqual(out[out.length - 1].exit, { exit_code: 1, signal: 0, core_dumped: false });
  const ts = out.map((e) => BigInt(String(e.timestamp_ns)));
  assert.ok(ts.every((t, i) => i === 0 || t >= ts[i - 1]), 'in time order');
});

test('recorded output corrupted at every record: the records before it survive, then a clear error', () => {
  const good = recording();
  const starts = boundaries(good);
  for (const [k, at] of starts.entries()) {
    const variants: [string, Buffer, RegExp][] = [
      ['truncated', good.subarray(0, at + 8), /truncated record: the read ends 8 bytes into a 64-byte header/],
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
  bufferBytes: 0,
  execEnv: false,
  excludePids: [4242],
  ringBytes: 0,
};

test('the control text states every filter and ends with start', () => {
  const text = controlText(baseSpec, kernelMeta(syscalls), { ringBytes: 1 << 20, wakeupBytes: 1 << 16 });
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
  const execve = { nr: 59, strMask: 1, pathMask: 1, enterStr: true, reads: [{ kind: 2, arg: 1, lenFrom: 0, lenArg: 0, max: 4096, flags: 4 }] };
  const withReads = controlText({ ...baseSpec, syscalls: null }, [execve], { ringBytes: 1 << 20, wakeupBytes: 1 });
  assert.match(withReads, /^syscall 59 0 1 1\nread 59 2 1 0 0 4096 4$/m, 'extra reads follow their syscall');
  const all = controlText({ ...baseSpec, syscalls: null, pids: [] }, kernelMeta(syscalls), { ringBytes: 1 << 20, wakeupBytes: 1 });
  assert.match(all, /^syscall_filter 0$/m);
  assert.doesNotMatch(all, /^syscall \d/m, 'no table entries without a filter or strings');
  assert.doesNotMatch(all, /^follow_children/m);
  assert.throws(() => controlText(baseSpec, [], { ringBytes: 3 << 20, wakeupBytes: 1 }), /power of two/);
});

test('stats text parses into counters; losses are the sum of lost_*', () => {
  const stats = parseStats(statsText({ lost_ring: 5, lost_inflight: 2, emitted: 90 }));
  assert.equal(stats.abi, ABI_VERSION);
  assert.equal(stats.state, 'running');
  assert.equal(stats.lost, 7);
  assert.equal(stats.counters.get('emitted'), 90);
  assert.throws(() => parseStats('hello 1\n'), /no "abi" line/);
  assert.equal(controlError('state configuring\nerror pid: 0 is not a process id\n'), 'pid: 0 is not a process id');
  assert.equal(controlError('state running\nerror none\n'), '');
});

function statsText(counters: Record<string, number>, abi: number = ABI_VERSION): string {
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

test('a session delivers a recorded trace written in several reads', async () => {
  const proc = fakeProc();
  const sink = new RecordingSink();
  const session = await open(proc.dir, sink);
  const bytes = recording();
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
  ['a truncated record', openat().subarray(0, 100), /corrupt record from the kernel module: .*truncated record/],
  ['a wrong-version record', withU16(openat(), Layout.header.version, 7), new RegExp(`record version 7, this reader understands version ${ABI_VERSION}`)],
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
  const other: number = ABI_VERSION + 1;
  const proc = fakeProc(statsText({}, other));
  await assert.rejects(open(proc.dir, new RecordingSink()), new RegExp(`writes record ABI ${other}, this sctraced reads ABI ${ABI_VERSION}`));
  assert.equal(proc.control(), '', 'control untouched');
  const engine = new KmodEngine({ ringBytes: 1 << 20, wakeupBytes: 1, pollIntervalMs: 5, procDir: proc.dir }, syscalls);
  assert.equal(engine.availability().available, false);
  assert.match(engine.availability().reason, new RegExp(`record ABI ${other}`));
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
