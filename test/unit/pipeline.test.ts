/**
 * The capture pipeline on hand-built records: one decoding per record, handed to the traces its
 * mask names (cut to each trace's settings), calls that began before a trace skipped for it,
 * kernel losses announced per trace, full traces paused in the kernel.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Event } from '../../src/api/generated/sctrace/v1/Event';
import type { CaptureSink, CaptureSpec, LossSite } from '../../src/backends/backend';
import { Pipeline, TraceTap, type LossCounters, type RecordSource } from '../../src/backends/capture/pipeline';
import type { TraceSlot } from '../../src/backends/capture/trace-set';
import type { RecordHandler } from '../../src/backends/ebpf/ringbuf';
import { HeaderFlag, RecordDecoder } from '../../src/backends/records';
import { SyscallCatalog } from '../../src/syscalls/catalog';
import type { SyscallFormat } from '../../src/syscalls/tracefs';
import { syscallRecord } from '../kmod/record-builder';

const catalog = SyscallCatalog.fromFormats(
  new Map<string, SyscallFormat>([
    ['openat', { name: 'openat', id: 0, args: fields(['int dfd', 'const char * filename', 'int flags', 'umode_t mode']) }],
    ['memfd_create', { name: 'memfd_create', id: 0, args: fields(['const char * uname', 'unsigned int flags']) }],
  ]),
  { arch: 'x86_64' },
);

function fields(decls: string[]) {
  return decls.map((d) => {
    const cut = d.lastIndexOf(' ');
    return { name: d.slice(cut + 1), type: d.slice(0, cut), signed: false, offset: 0, size: 8 };
  });
}

/** Records handed out in order, as a ring would. */
class ArraySource implements RecordSource {
  readonly pollFd = null;
  readonly rearmAfterReadiness = true;
  private consumed = 0;
  constructor(private readonly records: Buffer[]) {}
  read(handler: RecordHandler, budget: number): number {
    let n = 0;
    while (n < budget && this.records.length > 0) {
      const rec = this.records.shift()!;
      handler(new DataView(rec.buffer, rec.byteOffset, rec.length), rec, 0, rec.length);
      this.consumed += rec.length;
      n++;
    }
    return n;
  }
  push(rec: Buffer): void {
    this.records.push(rec);
  }
  pendingBytes(): number {
    return this.records.reduce((s, r) => s + r.length, 0);
  }
  consumedBytes(): number {
    return this.consumed;
  }
}

class Counters implements LossCounters {
  lostBySlot = new Map<number, number>();
  paused: bigint[] = [];
  credits = new Map<number, number>();
  lost(slot: number): number {
    return this.lostBySlot.get(slot) ?? 0;
  }
  lostByCause(slot: number): number[] {
    return [this.lost(slot), 0, 0, 0];
  }
  setPaused(traces: bigint): void {
    this.paused.push(traces);
  }
  credit(slot: number, bytes: number): void {
    this.credits.set(slot, (this.credits.get(slot) ?? 0) + bytes);
  }
}

class Sink implements CaptureSink {
  got: Event[] = [];
  losses: Array<[number, LossSite]> = [];
  room = Infinity;
  events(batch: Event[]): void {
    this.got.push(...batch);
  }
  lost(count: number, site: LossSite): void {
    this.losses.push([count, site]);
  }
  failed(error: Error): void {
    throw error;
  }
  demand(): number {
    return this.room;
  }
}

function slot(n: number): TraceSlot {
  return { slot: n, bit: 1n << BigInt(n), spec: {} as CaptureSpec, budget: 0 };
}

const strings = (text: string, arg = 1) => [{ arg, text }];

test('a record goes once decoded to every trace of its mask, cut to each one', async () => {
  // Charged to the budget of slot 0, the first of its traces (the ring was under pressure).
  const charged = syscallRecord({ pid: 7, traces: 0b111n, flags: HeaderFlag.CHARGED }, { nr: 39, ret: 7n, enterNs: 1000n });
  const source = new ArraySource([
    syscallRecord({ pid: 5, traces: 0b111n }, { nr: 257, args: [0xffffff9cn, 1n, 0n, 0n], ret: 3n, enterNs: 2000n, strings: strings('/etc/hostname-long') }),
    syscallRecord({ pid: 5, traces: 0b011n }, { nr: 319, args: [1n, 0n], ret: 4n, enterNs: 9000n, strings: strings('a-long-name', 0) }),
    syscallRecord({ pid: 6, traces: 0b1000n }, { nr: 257, ret: 3n, enterNs: 9000n, strings: strings('/nobody') }),
    charged,
  ]);
  const decoded: number[] = [];
  const decoder = new RecordDecoder(catalog, 0n);
  const original = decoder.decode.bind(decoder);
  decoder.decode = (...args) => {
    decoded.push(1);
    return original(...args);
  };
  decoder.decodeViews = (...args) => {
    decoded.push(2);
    return original === undefined ? null : Object.getPrototypeOf(decoder).decodeViews.apply(decoder, args);
  };
  const counters = new Counters();
  const pipeline = new Pipeline(source, decoder, counters, { pollIntervalMs: 1 }, (e) => assert.fail(e));
  const sinks = [new Sink(), new Sink(), new Sink()];
  const taps = [
    new TraceTap(slot(0), sinks[0], { stringMax: 256, bufferBytes: 0, execEnv: false }, 1n),
    new TraceTap(slot(1), sinks[1], { stringMax: 4, bufferBytes: 0, execEnv: false }, 1n),
    // Activated after the first call began: that call belongs to an earlier holder of the slot.
    new TraceTap(slot(2), sinks[2], { stringMax: 256, bufferBytes: 0, execEnv: false }, 5000n),
  ];
  for (const t of taps) pipeline.attach(t);
  pipeline.regroup();
  pipeline.start();
  await new Promise((r) => setTimeout(r, 30));
  pipeline.stop();
  const names = (s: Sink) => s.got.map((e) => e.syscall?.name);
  assert.deepEqual(names(sinks[0]), ['openat', 'memfd_create', 'getpid']);
  assert.deepEqual(names(sinks[1]), ['openat', 'memfd_create', 'getpid']);
  assert.deepEqual(names(sinks[2]), [], 'slot 2: its records began before it was activated');
  assert.deepEqual(decoded, [2, 2, 2], 'each record decoded once (in two views: two string_max), the one for nobody never');
  assert.deepEqual([...counters.credits], [[0, charged.length + 8]], 'the charged record is credited to its first trace, which paid for it');
  assert.equal(sinks[0].got[0].syscall!.decoded![1].str, '/etc/hostname-long');
  assert.equal(sinks[1].got[0].syscall!.decoded![1].str, '/etc/hostname-long', 'a path is never cut');
  assert.equal(sinks[0].got[1].syscall!.decoded![0].str, 'a-long-name');
  assert.equal(sinks[1].got[1].syscall!.decoded![0].str, 'a-lo', 'cut to its string_max');
  assert.equal(sinks[1].got[1].syscall!.decoded![0].truncated, true);
  assert.notEqual(sinks[0].got[0], sinks[1].got[0], 'each trace owns its event object');
});

test('sinks that borrow their events share one object per record; a sink that owns them gets one nobody else has', async () => {
  /** Reads its batch only during events(), numbering it as a trace does. */
  class Borrower extends Sink {
    readonly borrowsEvents = true;
    sequences: number[] = [];
    override events(batch: Event[]): void {
      for (const e of batch) {
        e.sequence = this.sequences.length + 1;
        this.sequences.push(e.sequence);
      }
      super.events(batch);
    }
  }
  const source = new ArraySource([
    syscallRecord({ pid: 5, traces: 0b1111n }, { nr: 319, args: [1n, 0n], ret: 4n, enterNs: 10n, strings: strings('x', 0) }),
    syscallRecord({ pid: 5, traces: 0b1101n }, { nr: 319, args: [1n, 0n], ret: 5n, enterNs: 20n, strings: strings('y', 0) }),
  ]);
  const pipeline = new Pipeline(source, new RecordDecoder(catalog, 0n), new Counters(), { pollIntervalMs: 1 }, (e) => assert.fail(e));
  // Slot 1 owns its events, between borrowers (slots 0, 2, 3).
  const sinks = [new Borrower(), new Sink(), new Borrower(), new Borrower()];
  const limits = { stringMax: 256, bufferBytes: 0, execEnv: false };
  for (const [i, s] of sinks.entries()) pipeline.attach(new TraceTap(slot(i), s, limits, 1n));
  pipeline.regroup();
  pipeline.start();
  await new Promise((r) => setTimeout(r, 30));
  pipeline.stop();
  assert.deepEqual(sinks.map((s) => s.got.length), [2, 1, 2, 2]);
  for (let i = 0; i < 2; i++) {
    assert.equal(sinks[0].got[i], sinks[2].got[i], 'borrowers share the decoded object');
    assert.equal(sinks[0].got[i], sinks[3].got[i]);
  }
  assert.notEqual(sinks[1].got[0], sinks[0].got[0], 'the owner has an object of its own');
  assert.equal(sinks[1].got[0].sequence, undefined, "the borrowers' numbering did not reach the owner's event");
  assert.deepEqual((sinks[2] as Borrower).sequences, [1, 2], 'each borrower numbered the shared events in its own call');
});

test('kernel losses are announced to the trace whose counter moved, after its events', async () => {
  const source = new ArraySource([]);
  const counters = new Counters();
  const pipeline = new Pipeline(source, new RecordDecoder(catalog, 0n), counters, { pollIntervalMs: 5 }, (e) => assert.fail(e));
  const sinks = [new Sink(), new Sink()];
  counters.lostBySlot.set(1, 7); // losses before its activation are not its own
  const taps = sinks.map((s, i) => new TraceTap(slot(i), s, { stringMax: 256, bufferBytes: 0, execEnv: false }, 1n));
  for (const t of taps) pipeline.attach(t);
  pipeline.start();
  source.push(syscallRecord({ pid: 5, traces: 0b10n }, { nr: 319, args: [1n, 0n], ret: 4n, enterNs: 10n, strings: strings('x', 0) }));
  counters.lostBySlot.set(1, 10);
  sinks[0].room = 0;
  await new Promise((r) => setTimeout(r, 150));
  pipeline.stop();
  assert.deepEqual(sinks[0].losses, []);
  assert.deepEqual(sinks[1].losses, [[3, 'kernel']]);
  assert.equal(sinks[1].got.length, 1, 'the event decoded before the counter moved came first');
  assert.equal(pipeline.stats(taps[1]).lostKernel, 3);
  assert.ok(counters.paused.includes(0b01n), 'the trace with no room was paused in the kernel');
});

test('a view is limits and renderings: traces that differ in either get their own decoding, equal ones share it', async () => {
  const open = () =>
    syscallRecord({ pid: 5, traces: 0b111n }, { nr: 257, args: [0xffffff9cn, 1n, 0o2000000n, 0n], ret: 3n, enterNs: 2000n, strings: strings('/etc/hostname') });
  const source = new ArraySource([open()]);
  const seen: number[] = [];
  const decoder = new RecordDecoder(catalog, 0n);
  const decodeViews = decoder.decodeViews.bind(decoder);
  decoder.decodeViews = (view, bytes, off, len, views, fd) => {
    seen.push(views.length);
    return decodeViews(view, bytes, off, len, views, fd);
  };
  const pipeline = new Pipeline(source, decoder, new Counters(), { pollIntervalMs: 1 }, (e) => assert.fail(e));
  const sinks = [new Sink(), new Sink(), new Sink()];
  const limits = { stringMax: 256, bufferBytes: 0, execEnv: false };
  const raw = { constants: 'raw', verbose: false, fdDetails: false } as const;
  const taps = [new TraceTap(slot(0), sinks[0], limits, 1n), new TraceTap(slot(1), sinks[1], limits, 1n, raw), new TraceTap(slot(2), sinks[2], limits, 1n)];
  for (const t of taps) pipeline.attach(t);
  pipeline.regroup();
  assert.deepEqual(taps.map((t) => t.view), [0, 1, 0], 'the same limits with another rendering is another view');
  pipeline.start();
  await new Promise((r) => setTimeout(r, 30));
  pipeline.stop();
  assert.deepEqual(seen, [2], 'one record, decoded once per view');
  const flags = (s: Sink) => s.got[0].syscall!.decoded![2].symbolic;
  assert.deepEqual(sinks.map(flags), ['O_RDONLY|O_CLOEXEC', '0x80000', 'O_RDONLY|O_CLOEXEC']);
});

test('the fd table is trusted for a record when one of its traces selects every fd change, else /proc answers', async () => {
  const withRead = SyscallCatalog.fromFormats(
    new Map<string, SyscallFormat>([
      ['openat', { name: 'openat', id: 0, args: fields(['int dfd', 'const char * filename', 'int flags', 'umode_t mode']) }],
      ['read', { name: 'read', id: 0, args: fields(['unsigned int fd', 'char * buf', 'size_t count']) }],
    ]),
    { arch: 'x86_64' },
  );
  const links: Record<string, string> = { '/proc/5/cwd': '/', '/proc/5/fd/3': '/what/proc/says' };
  const state = withRead.newTraceState([], { readlink: (f) => links[f], realpath: (f) => f, readdir: () => [] });
  const read = (traces: bigint, enterNs: bigint) => syscallRecord({ pid: 5, traces }, { nr: 0, args: [3n, 0n, 1n], ret: 1n, enterNs });
  const source = new ArraySource([
    syscallRecord({ pid: 5, traces: 0b11n }, { nr: 257, args: [0xffffff9cn, 1n, 0n, 0n], ret: 3n, enterNs: 10n, strings: strings('/etc/hostname') }),
    read(0b11n, 20n),
    read(0b01n, 30n),
  ]);
  const pipeline = new Pipeline(source, new RecordDecoder(withRead, 0n, state), new Counters(), { pollIntervalMs: 1 }, (e) => assert.fail(e));
  const sinks = [new Sink(), new Sink()];
  const limits = { stringMax: 256, bufferBytes: 0, execEnv: false };
  // Slot 0 traces read alone (its fd changes are not seen); slot 1 every syscall.
  const taps = [new TraceTap(slot(0), sinks[0], limits, 1n, undefined, false), new TraceTap(slot(1), sinks[1], limits, 1n, undefined, true)];
  for (const t of taps) pipeline.attach(t);
  pipeline.regroup();
  pipeline.start();
  await new Promise((r) => setTimeout(r, 30));
  pipeline.stop();
  const paths = sinks[0].got.filter((e) => e.syscall?.name === 'read').map((e) => e.syscall!.decoded![0].fd_path);
  assert.deepEqual(paths, ['/etc/hostname', '/what/proc/says'], 'with the full trace: from the events; alone: from /proc');
});

test('calls a trace captures only for its fd table are decoded into it and delivered to no trace', async () => {
  const withRead = SyscallCatalog.fromFormats(
    new Map<string, SyscallFormat>([
      ['openat', { name: 'openat', id: 0, args: fields(['int dfd', 'const char * filename', 'int flags', 'umode_t mode']) }],
      ['read', { name: 'read', id: 0, args: fields(['unsigned int fd', 'char * buf', 'size_t count']) }],
    ]),
    { arch: 'x86_64' },
  );
  // /proc no longer has the process (it exited before its records were decoded).
  const state = withRead.newTraceState([], { readlink: () => undefined, realpath: (f) => f, readdir: () => [] });
  const source = new ArraySource([
    syscallRecord({ pid: 5, traces: 0b01n }, { nr: 257, args: [0xffffff9cn, 1n, 0n, 0n], ret: 3n, enterNs: 10n, strings: strings('/etc/hostname') }),
    syscallRecord({ pid: 5, traces: 0b11n }, { nr: 257, args: [0xffffff9cn, 1n, 0n, 0n], ret: 4n, enterNs: 15n, strings: strings('/etc/passwd') }),
    syscallRecord({ pid: 5, traces: 0b11n }, { nr: 0, args: [3n, 0n, 1n], ret: 1n, enterNs: 20n }),
    syscallRecord({ pid: 5, traces: 0b11n }, { nr: 0, args: [4n, 0n, 1n], ret: 1n, enterNs: 30n }),
  ]);
  const pipeline = new Pipeline(source, new RecordDecoder(withRead, 0n, state), new Counters(), { pollIntervalMs: 1 }, (e) => assert.fail(e));
  const sinks = [new Sink(), new Sink()];
  const limits = { stringMax: 256, bufferBytes: 0, execEnv: false };
  // Slot 0 selects read alone and captures openat for its table; slot 1 selects both.
  const taps = [new TraceTap(slot(0), sinks[0], limits, 1n, undefined, true, new Set([257])), new TraceTap(slot(1), sinks[1], limits, 1n)];
  for (const t of taps) pipeline.attach(t);
  pipeline.regroup();
  pipeline.start();
  await new Promise((r) => setTimeout(r, 30));
  pipeline.stop();
  const shown = (s: Sink) => s.got.map((e) => `${e.syscall!.name}(${e.syscall!.decoded![0].fd_path ?? ''})`);
  assert.deepEqual(shown(sinks[0]), ['read(/etc/hostname)', 'read(/etc/passwd)'], 'no openat delivered; its fds named');
  assert.deepEqual(shown(sinks[1]), ['openat()', 'read(/etc/hostname)', 'read(/etc/passwd)']);
  assert.equal(sinks[0].got.length, 2);
});
