/**
 * The record decoder on hand-built records in the layout of bpf/shared/sctrace_event.h: good
 * records of each kind, and truncated, corrupt and wrong-version ones.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordDecoder, Layout, Kind, HeaderFlag, BlobFlag, BlobKind, ABI_VERSION, SwitchFlag, splitRuntime } from '../../src/backends/records';
import { CorruptRecordError } from '../../src/backends/errors';
import type { RawSyscall, SyscallResolver } from '../../src/syscalls/types';
import { blobBytes, writeHeader, type BlobSpec, type TaskFields } from '../kmod/record-builder';

/** A resolver that records what it was asked to decode. */
function recordingResolver(): { resolver: SyscallResolver; seen: RawSyscall[] } {
  const seen: RawSyscall[] = [];
  const resolver: SyscallResolver = {
    arch: 'x86_64',
    all: () => [],
    byNumber: () => undefined,
    byName: () => undefined,
    resolve: () => [],
    decode: (raw) => {
      seen.push(raw);
      return { nr: raw.nr, name: `nr${raw.nr}`, ret: raw.ret.toString() };
    },
  };
  return { resolver, seen };
}

interface Blob {
  arg: number;
  flags?: number;
  aux?: number;
  /** Text, or raw bytes as latin1. */
  text: string;
}

/** The task every record of these tests is from. */
const TASK: TaskFields = { pid: 100, tid: 101, ppid: 1, uid: 1000, gid: 1001, comm: 'cat', cgroupId: 77n, tsNs: 5_000n, traces: 0n };

function header(buf: DataView, kind: number, size: number, flags = 0): void {
  writeHeader(buf, kind, size, { ...TASK, flags });
}

function blobsSize(blobs: Blob[]): number {
  return blobBytes(latin1(blobs)).length;
}

function writeBlobs(bytes: Uint8Array, at: number, blobs: Blob[]): void {
  bytes.set(blobBytes(latin1(blobs)), at);
}

function latin1(blobs: Blob[]): BlobSpec[] {
  return blobs.map((b) => ({ ...b, text: Buffer.from(b.text, 'latin1') }));
}

function syscallRecord(blobs: Blob[], flags = 0): { view: DataView; bytes: Uint8Array; size: number } {
  const size = Layout.syscall.SIZE + blobsSize(blobs);
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  header(view, Kind.SYSCALL, size, flags);
  const L = Layout.syscall;
  view.setBigUint64(L.args, 0xffffff9cn, true);
  view.setBigUint64(L.args + 8, 0x7ffd0000n, true);
  view.setBigInt64(L.ret, -2n, true);
  view.setBigUint64(L.enter_ns, 4_000n, true);
  view.setUint32(L.nr, 257, true);
  view.setUint16(L.nblob, blobs.length, true);
  writeBlobs(bytes, L.SIZE, blobs);
  return { view, bytes, size };
}

test('a syscall record decodes task, timing, args and strings', () => {
  const { resolver, seen } = recordingResolver();
  const decoder = new RecordDecoder(resolver, 1_000_000n);
  const r = syscallRecord([{ arg: 1, text: '/etc/hostname' }, { arg: 3, flags: BlobFlag.TRUNCATED, text: 'abc' }]);
  const event = decoder.decode(r.view, r.bytes, 0, r.size);
  assert.ok(event);
  assert.equal(event.kind, 'syscall');
  assert.equal(String(event.timestamp_ns), '1005000');
  assert.deepEqual(event.task, { pid: 100, tid: 101, ppid: 1, uid: 1000, gid: 1001, comm: 'cat', cgroup_id: '77' });
  assert.equal(seen.length, 1);
  const raw = seen[0];
  assert.equal(raw.nr, 257);
  assert.equal(raw.ret, -2n);
  assert.equal(raw.durationNs, 1_000n);
  assert.equal(raw.noReturn, false);
  assert.equal(raw.args[0], 0xffffff9cn);
  assert.deepEqual(raw.strings.get(1), { text: '/etc/hostname', truncated: false, unreadable: false });
  assert.deepEqual(raw.strings.get(3), { text: 'abc', truncated: true, unreadable: false });
});

/** An exec record (old pid 99) with `blobs`: the filename, the argument area. */
function execRecord(blobs: Blob[]): { view: DataView; bytes: Uint8Array; size: number } {
  const size = Layout.exec.SIZE + blobsSize(blobs);
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  header(view, Kind.EXEC, size);
  view.setUint32(Layout.exec.old_pid, 99, true);
  view.setUint16(Layout.exec.nblob, blobs.length, true);
  writeBlobs(bytes, Layout.exec.SIZE, blobs);
  return { view, bytes, size };
}

test('the no-return flag reaches the syscall decoder', () => {
  const { resolver, seen } = recordingResolver();
  const r = syscallRecord([], HeaderFlag.NO_RETURN);
  new RecordDecoder(resolver, 0n).decode(r.view, r.bytes, 0, r.size);
  assert.equal(seen[0].noReturn, true);
});

test('an exec record splits the argument area into argv', () => {
  const blobs: Blob[] = [
    { arg: 0, text: '/usr/bin/ls' },
    { arg: 1, text: 'ls\0-l\0/tmp\0' },
  ];
  const r = execRecord(blobs);
  const event = new RecordDecoder(recordingResolver().resolver, 0n).decode(r.view, r.bytes, 0, r.size);
  assert.deepEqual(event?.exec, { filename: '/usr/bin/ls', argv: ['ls', '-l', '/tmp'], argv_truncated: false, old_pid: 99 });
});

test('an exit record: status split into code, signal and core flag; wall time; usage as getrusage splits it', () => {
  const bytes = new Uint8Array(Layout.exit.SIZE);
  const view = new DataView(bytes.buffer);
  header(view, Kind.EXIT, Layout.exit.SIZE);
  view.setUint32(Layout.exit.exit_code, (3 << 8) | 0, true);
  const decoder = new RecordDecoder(recordingResolver().resolver, 0n);
  const decoded = () => decoder.decode(view, bytes, 0, Layout.exit.SIZE)?.exit;
  assert.deepEqual({ ...decoded(), usage: undefined, children_usage: undefined }, {
    exit_code: 3, signal: 0, core_dumped: false, wall_time_ns: '5000', usage: undefined, children_usage: undefined,
  });
  view.setUint32(Layout.exit.exit_code, 0x80 | 11, true);
  assert.deepEqual([decoded()?.exit_code, decoded()?.signal, decoded()?.core_dumped], [0, 11, true]);

  const U = Layout.usage;
  const self = Layout.exit.self;
  const kids = Layout.exit.children;
  const set = (at: number, v: bigint) => view.setBigUint64(at, v, true);
  set(Layout.exit.start_ns, 1_000n);
  // Tick samples 30:10, exact runtime 100: user 75, system 25 (the kernel's cputime_adjust).
  set(self + U.utime_ns, 30n);
  set(self + U.stime_ns, 10n);
  set(self + U.runtime_ns, 100n);
  set(self + U.nvcsw, 7n);
  set(self + U.nivcsw, 2n);
  set(self + U.min_flt, 300n);
  set(self + U.maj_flt, 1n);
  set(self + U.maxrss_kb, 4096n);
  set(kids + U.utime_ns, 40n);
  set(kids + U.stime_ns, 2n);
  set(kids + U.runtime_ns, 42n);
  set(kids + U.nvcsw, 3n);
  const exit = decoded();
  assert.equal(exit?.wall_time_ns, '4000');
  assert.deepEqual(exit?.usage, {
    user_time_ns: '75', system_time_ns: '25', voluntary_switches: '7', involuntary_switches: '2', max_rss_kb: '4096', minor_faults: '300', major_faults: '1',
  });
  assert.deepEqual([exit?.children_usage?.user_time_ns, exit?.children_usage?.system_time_ns, exit?.children_usage?.voluntary_switches], ['40', '2', '3']);
  // A split reported before (prev_cputime) is never gone back on.
  set(Layout.exit.prev_stime_ns, 40n);
  assert.deepEqual([decoded()?.usage?.user_time_ns, decoded()?.usage?.system_time_ns], ['60', '40']);
});

test('a context-switch record: out with its on-CPU time, in with its off-CPU time and the state it waited in', () => {
  const L = Layout.switch;
  const bytes = new Uint8Array(L.SIZE);
  const view = new DataView(bytes.buffer);
  header(view, Kind.SWITCH, L.SIZE);
  view.setBigUint64(L.delta_ns, 153_000n, true);
  view.setUint32(L.cpu, 1, true);
  view.setUint32(L.flags, SwitchFlag.PREEMPT, true);
  view.setUint32(L.state, 0, true);
  view.setUint32(L.raw_state, 1, true);
  view.setUint32(L.other_tid, 77, true);
  const decoder = new RecordDecoder(recordingResolver().resolver, 0n);
  const decoded = () => decoder.decode(view, bytes, 0, L.SIZE);
  assert.equal(decoded()?.kind, 'context_switch');
  assert.deepEqual(decoded()?.context_switch, {
    switched_in: false, cpu: 1, ran_ns: '153000', off_cpu_ns: '0', state: 'TASK_STATE_RUNNABLE', raw_state: 1, preempted: true, other_tid: 77, since_unknown: false,
    run_queue_ns: '0', wakeup_unknown: false,
  });
  view.setUint32(L.flags, SwitchFlag.IN, true);
  view.setUint32(L.state, 2, true);
  view.setBigUint64(L.runq_ns, 41_000n, true);
  const back = decoded()?.context_switch;
  assert.deepEqual([back?.switched_in, back?.ran_ns, back?.off_cpu_ns, back?.state, back?.preempted, back?.run_queue_ns], [true, '0', '153000', 'TASK_STATE_BLOCKED', false, '41000']);
  view.setUint32(L.flags, SwitchFlag.IN | SwitchFlag.NO_WAKEUP, true);
  assert.equal(decoded()?.context_switch?.wakeup_unknown, true);
  view.setUint32(L.state, 42, true);
  assert.equal(decoded()?.context_switch?.state, 'TASK_STATE_OTHER', 'a state this reader does not know');
  view.setUint32(L.flags, SwitchFlag.UNKNOWN, true);
  assert.equal(decoded()?.context_switch?.since_unknown, true);
});

test('thread records: created (tid, clone flags) and exited (wall time, own usage)', () => {
  const F = Layout.fork;
  const bytes = new Uint8Array(Layout.threadExit.SIZE);
  const view = new DataView(bytes.buffer);
  header(view, Kind.THREAD, F.SIZE);
  view.setUint32(F.child_pid, 100, true);
  view.setUint32(F.child_tid, 101, true);
  view.setBigUint64(F.clone_flags, 0x3d0f00n, true);
  const decoder = new RecordDecoder(recordingResolver().resolver, 0n);
  const created = decoder.decode(view, bytes, 0, F.SIZE);
  assert.equal(created?.kind, 'thread_created');
  assert.deepEqual(created?.thread_created, { tid: 101, clone_flags: String(0x3d0f00) });
  bytes.fill(0);
  const T = Layout.threadExit;
  header(view, Kind.THREAD_EXIT, T.SIZE);
  view.setBigUint64(T.start_ns, 2_000n, true);
  view.setBigUint64(T.self + Layout.usage.runtime_ns, 900n, true);
  view.setBigUint64(T.self + Layout.usage.utime_ns, 1n, true);
  const ended = decoder.decode(view, bytes, 0, T.SIZE);
  assert.equal(ended?.kind, 'thread_exit');
  assert.equal(ended?.thread_exit?.wall_time_ns, '3000');
  assert.deepEqual([ended?.thread_exit?.usage?.user_time_ns, ended?.thread_exit?.usage?.system_time_ns], ['900', '0']);
});

test('splitRuntime follows cputime_adjust: no samples, no system time; previous split kept', () => {
  assert.deepEqual(splitRuntime(100n, 0n, 0n, 0n, 0n), { user: 100n, system: 0n });
  assert.deepEqual(splitRuntime(100n, 0n, 5n, 0n, 0n), { user: 0n, system: 100n });
  assert.deepEqual(splitRuntime(100n, 1n, 1n, 0n, 0n), { user: 50n, system: 50n });
  assert.deepEqual(splitRuntime(100n, 1n, 1n, 70n, 40n), { user: 70n, system: 40n }, 'runtime already covered');
  assert.deepEqual(splitRuntime(100n, 9n, 1n, 0n, 30n), { user: 70n, system: 30n });
});

test('records the reader cannot trust are rejected with a reason', () => {
  const decoder = new RecordDecoder(recordingResolver().resolver, 0n);
  const good = syscallRecord([{ arg: 1, text: '/etc/hostname' }]);

  assert.throws(() => decoder.decode(good.view, good.bytes, 0, 40), CorruptRecordError, 'shorter than header');

  const wrongVersion = syscallRecord([]);
  wrongVersion.view.setUint16(Layout.header.version, ABI_VERSION + 1, true);
  assert.throws(() => decoder.decode(wrongVersion.view, wrongVersion.bytes, 0, wrongVersion.size), new RegExp(`record version ${ABI_VERSION + 1}, this reader understands version ${ABI_VERSION}`));

  const overlong = syscallRecord([{ arg: 1, text: '/etc/hostname' }]);
  overlong.view.setUint16(Layout.syscall.SIZE + Layout.blob.len, 500, true);
  assert.throws(() => decoder.decode(overlong.view, overlong.bytes, 0, overlong.size), /runs past the record/);

  const tooManyBlobs = syscallRecord([]);
  tooManyBlobs.view.setUint16(Layout.syscall.nblob, 3, true);
  assert.throws(() => decoder.decode(tooManyBlobs.view, tooManyBlobs.bytes, 0, tooManyBlobs.size), /runs past the record/);

  const badKind = syscallRecord([]);
  badKind.view.setUint16(Layout.header.kind, 42, true);
  assert.throws(() => decoder.decode(badKind.view, badKind.bytes, 0, badKind.size), /unknown record kind 42/);

  const sizeLie = syscallRecord([]);
  sizeLie.view.setUint32(Layout.header.size, 4096, true);
  assert.throws(() => decoder.decode(sizeLie.view, sizeLie.bytes, 0, sizeLie.size), /says 4096 bytes/);
});

test('blob kinds: bytes, string arrays, counts and in-out values reach the decoder by argument', () => {
  const { resolver, seen } = recordingResolver();
  const kind = (k: number) => k << BlobFlag.KIND_SHIFT;
  const r = syscallRecord([
    { arg: 0, text: '/usr/bin/true' },
    { arg: 1, flags: kind(BlobKind.STRV) | BlobFlag.TRUNCATED, text: '\x00true\x00\x01one arg\x00' },
    { arg: 2, flags: kind(BlobKind.COUNT), text: '\x23\x00\x00\x00' },
    { arg: 3, flags: kind(BlobKind.BYTES) | BlobFlag.TRUNCATED, text: '\x7fELF\x00' },
    { arg: 4, flags: kind(BlobKind.INOUT), text: '\x80\x00\x00\x00\x10\x00\x00\x00' },
    { arg: 5, flags: kind(BlobKind.BYTES) | BlobFlag.UNREADABLE, text: '' },
  ]);
  new RecordDecoder(resolver, 0n).decode(r.view, r.bytes, 0, r.size);
  const raw = seen[0];
  assert.deepEqual(raw.strings.get(0), { text: '/usr/bin/true', truncated: false, unreadable: false });
  assert.deepEqual(raw.blobs?.get(1), { kind: 'strv', items: ['true', 'one arg'], cut: [false, true], truncated: true, unreadable: false });
  assert.deepEqual(raw.blobs?.get(2), { kind: 'count', count: 35, truncated: false, unreadable: false });
  assert.deepEqual(raw.blobs?.get(3), { kind: 'bytes', data: Uint8Array.from(Buffer.from('\x7fELF\x00', 'latin1')), truncated: true, unreadable: false });
  assert.deepEqual(raw.blobs?.get(4), { kind: 'inout', before: 128, after: 16, unreadable: false });
  assert.deepEqual(raw.blobs?.get(5), { kind: 'bytes', data: new Uint8Array(0), truncated: false, unreadable: true });
  assert.equal(raw.pid, 100);
  // A derived blob (what a read found behind a pointer in user memory) holding data a call moved.
  const derived = syscallRecord([{ arg: 0x80 | (1 << 3) | 1, flags: kind(BlobKind.BYTES) | BlobFlag.DATA, text: 'vec' }]);
  new RecordDecoder(resolver, 0n).decode(derived.view, derived.bytes, 0, derived.size);
  assert.deepEqual(seen[1].blobs?.get(0x89), { kind: 'bytes', data: Uint8Array.from(Buffer.from('vec')), truncated: false, unreadable: false, transferred: true });
  // A netlink message read whole carries its socket's protocol (NETLINK_AUDIT: 9) in the blob's aux word.
  const netlink = syscallRecord([{ arg: 1, flags: kind(BlobKind.BYTES) | BlobFlag.WHOLE, aux: 9, text: '\x10\x00\x00\x00' }]);
  new RecordDecoder(resolver, 0n).decode(netlink.view, netlink.bytes, 0, netlink.size);
  assert.deepEqual(seen[2].blobs?.get(1), { kind: 'bytes', data: Uint8Array.from([16, 0, 0, 0]), truncated: false, unreadable: false, whole: true, protocol: 9 });
  assert.equal(raw.tid, 101);
  // A blob of a kind this reader does not know is a corrupt record, not a silent skip.
  const unknown = syscallRecord([{ arg: 1, flags: kind(9), text: 'x' }]);
  assert.throws(() => new RecordDecoder(resolver, 0n).decode(unknown.view, unknown.bytes, 0, unknown.size), /unknown kind 9/);
});

test('bytes that are not UTF-8 survive: strings, string arrays and exec records keep them', () => {
  const { resolver, seen } = recordingResolver();
  const kind = (k: number) => k << BlobFlag.KIND_SHIFT;
  const r = syscallRecord([
    { arg: 0, text: '/tmp/hi~\x92' },
    { arg: 1, flags: kind(BlobKind.STRV), text: '\x00ok\x00\x00caf\xe9\x00' },
    // Valid UTF-8 that holds U+FFFD itself is text only.
    { arg: 2, text: Buffer.from('a\ufffdb', 'utf8').toString('latin1') },
  ]);
  new RecordDecoder(resolver, 0n).decode(r.view, r.bytes, 0, r.size);
  const raw = seen[0];
  assert.deepEqual(raw.strings.get(0), { text: '/tmp/hi~\ufffd', bytes: Uint8Array.from(Buffer.from('/tmp/hi~\x92', 'latin1')), truncated: false, unreadable: false });
  assert.deepEqual(raw.strings.get(2), { text: 'a\ufffdb', truncated: false, unreadable: false });
  assert.deepEqual(raw.blobs?.get(1), {
    kind: 'strv',
    items: ['ok', 'caf\ufffd'],
    itemBytes: [Uint8Array.from(Buffer.from('ok')), Uint8Array.from(Buffer.from('caf\xe9', 'latin1'))],
    cut: [false, false],
    truncated: false,
    unreadable: false,
  });

  const blobs: Blob[] = [
    { arg: 0, text: '/tmp/\xff' },
    { arg: 1, text: 'x\0\xfe\0' },
  ];
  const e = execRecord(blobs);
  const exec = new RecordDecoder(resolver, 0n).decode(e.view, e.bytes, 0, e.size)?.exec;
  assert.equal(exec?.filename, '/tmp/\ufffd');
  assert.deepEqual(exec?.filename_bytes, Uint8Array.of(0x2f, 0x74, 0x6d, 0x70, 0x2f, 0xff));
  assert.deepEqual(exec?.argv, ['x', '\ufffd']);
  assert.deepEqual(exec?.argv_bytes, [Uint8Array.of(0x78), Uint8Array.of(0xfe)]);
});
