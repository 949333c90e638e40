/**
 * Runs inside the kmod test guest only (scripts/kmod-test.sh boots a Debian kernel with the module
 * loaded and runs this file with `node --test`; the name does not end in .test.ts, so the host's
 * test run never picks it up). Two layers:
 * - the module's /proc interface used directly: exclusive control, rejected lines with reasons,
 *   poll wakeups, whole-record bounded reads, a full ring that drops and counts;
 * - the real sctraced over gRPC: `auto` picks kmod where eBPF is unavailable, one trace at a time,
 *   the module idle again after StopTrace, kernel losses reaching the stream.
 * The shared event checks (open, ENOENT, fork/exec/argv, exit codes) are in test/conformance,
 * which the guest runs as well.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import koffi from 'koffi';
import { status, type ServiceError } from '@grpc/grpc-js';
import type { Event } from '../../src/api/generated/sctrace/v1/Event';
import type { SyscallEvent__Output } from '../../src/api/generated/sctrace/v1/SyscallEvent';
import { RecordDecoder } from '../../src/backends/records';
import { parseStats } from '../../src/backends/kmod/protocol';
import { decodeChunk } from '../../src/backends/kmod/reader';
import { SyscallCatalog } from '../../src/syscalls/catalog';
import { api, collect, connect, settle } from '../helpers/client';
import { spawnService, spawnStopped, type ServiceProcess } from '../helpers/service-process';

const DIR = '/proc/sctrace';
const catalog = SyscallCatalog.load();
const services: ServiceProcess[] = [];
/**
 * The guest has libbpf and the BPF object (the conformance cases run both backends); these tests
 * are about the module, so their service gets no usable BPF object and `auto` means kmod.
 */
const KMOD_ONLY = ['--bpf-object', '/nonexistent/sctrace.bpf.o'];

after(async () => {
  for (const s of services) await s.stop();
});

function stats() {
  return parseStats(fs.readFileSync(`${DIR}/stats`, 'utf8'));
}

function errnoOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? String(err);
  }
  return 'no error';
}

/** Opens control and writes `lines`; the caller closes the fd to stop the trace. */
function startRaw(lines: string[]): number {
  const fd = fs.openSync(`${DIR}/control`, fs.constants.O_RDWR);
  fs.writeSync(fd, `${[...lines, 'start'].join('\n')}\n`);
  return fd;
}

/** Reads one buffer's worth of whole records (non-blocking fd); [] when none are waiting. */
function readEvents(fd: number, buf = Buffer.alloc(1 << 20)): { events: Event[]; bytes: number } {
  let n: number;
  try {
    n = fs.readSync(fd, buf, 0, buf.length, null);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EAGAIN') return { events: [], bytes: 0 };
    throw err;
  }
  const events: Event[] = [];
  const result = decodeChunk(new RecordDecoder(catalog, 0n), buf.subarray(0, n), events);
  assert.equal(result.corrupt, undefined, `whole, valid records: ${result.corrupt?.message}`);
  return { events, bytes: n };
}

// ---- the module's files, directly ----

test('control is exclusive, names a rejected line, and a poisoned trace cannot start', () => {
  assert.equal(stats().state, 'idle');
  assert.equal(errnoOf(() => fs.openSync(`${DIR}/events`, 'r')), 'ENODATA', 'no events without a running trace');
  const fd = fs.openSync(`${DIR}/control`, fs.constants.O_RDWR);
  try {
    assert.equal(errnoOf(() => fs.openSync(`${DIR}/control`, fs.constants.O_RDWR)), 'EBUSY', 'second opener');
    assert.equal(errnoOf(() => fs.writeSync(fd, 'pid 0\n')), 'EINVAL');
    const status = Buffer.alloc(256);
    const text = status.subarray(0, fs.readSync(fd, status, 0, 256, null)).toString();
    assert.match(text, /^state configuring\nerror pid: 0 is not a process id\n$/);
    assert.equal(errnoOf(() => fs.writeSync(fd, 'start\n')), 'EINVAL', 'poisoned');
  } finally {
    fs.closeSync(fd);
  }
  assert.equal(stats().state, 'idle', 'closing control frees the trace');
});

test('poll wakes the reader, and records arrive whole and decodable', async () => {
  const child = await spawnStopped(['/bin/cat', '/proc/version']);
  const control = startRaw([`pid ${child.pid}`, 'process_events 1', 'wakeup_bytes 1', 'syscall 59 0 1 1', 'syscall 257 0 2 0']);
  const events = fs.openSync(`${DIR}/events`, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  try {
    assert.equal(errnoOf(() => fs.openSync(`${DIR}/events`, 'r')), 'EBUSY', 'one reader');
    assert.deepEqual(readEvents(events).events, [], 'nothing yet: EAGAIN');
    const readable = new Promise<void>((resolve) => {
      const h = koffi.node.poll(events, { readable: true }, () => {
        h.close();
        resolve();
      });
    });
    child.resume();
    await readable;
    await child.exited;
    const got: Event[] = [];
    for (let i = 0; i < 100 && !got.some((e) => e.kind === 'exit'); i++) {
      got.push(...readEvents(events).events);
      await settle(10);
    }
    const exec = got.find((e) => e.kind === 'exec');
    assert.deepEqual(exec?.exec?.argv, ['/bin/cat', '/proc/version']);
    const open = got.find((e) => e.syscall?.name === 'openat' && (e.syscall.decoded ?? []).some((a) => a.str === '/proc/version'));
    assert.ok(open, 'openat with its path string');
    assert.ok(got.every((e) => e.task?.pid === child.pid));
    assert.equal(stats().counters.get('wakeups')! > 0, true, 'the reader was woken');
  } finally {
    fs.closeSync(control);
  }
  // Stopped: what is left is readable, then end of file.
  while (readEvents(events).bytes > 0);
  assert.equal(fs.readSync(events, Buffer.alloc(64 << 10), 0, 64 << 10, null), 0, 'EOF after stop');
  fs.closeSync(events);
  assert.equal(stats().state, 'idle');
});

test('a reader that traces itself still gets bounded reads', () => {
  // Every read is itself traced, so "read until empty" would never end; each read must return.
  const control = startRaw([`pid ${process.pid}`, 'ring_bytes 1048576']);
  const events = fs.openSync(`${DIR}/events`, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  try {
    const buf = Buffer.alloc(1 << 20);
    let total = 0;
    for (let i = 0; i < 200; i++) total += readEvents(events, buf).bytes;
    assert.ok(total > 0, 'its own syscalls were recorded');
    assert.ok(stats().counters.get('emitted')! >= 200, 'each read produced a record');
  } finally {
    fs.closeSync(control);
    fs.closeSync(events);
  }
});

test('a full ring drops and counts records and never blocks the traced process', async () => {
  const child = await spawnStopped(['/bin/dd', 'if=/dev/zero', 'of=/dev/null', 'bs=1', 'count=3000']);
  const control = startRaw([`pid ${child.pid}`, 'ring_bytes 65536']);
  const events = fs.openSync(`${DIR}/events`, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  try {
    child.resume();
    const { code } = await child.exited; // nobody reads meanwhile
    assert.equal(code, 0);
    const s = stats();
    assert.ok(s.counters.get('lost_ring')! > 0, `records dropped: ${[...s.counters].join(' ')}`);
    assert.ok(s.counters.get('unread_bytes')! <= 65536);
    let bytes = 0;
    for (let n; (n = readEvents(events).bytes) > 0; ) bytes += n;
    assert.ok(bytes > 60000 && bytes <= 65536, `the ring's worth was kept: ${bytes}`);
  } finally {
    fs.closeSync(control);
    fs.closeSync(events);
  }
});

// ---- through sctraced ----

test('auto picks kmod where eBPF is unavailable; one trace at a time; idle after StopTrace', async () => {
  const service = await spawnService(['--idle-timeout', '30', ...KMOD_ONLY]);
  services.push(service);
  const client = connect(service.address);
  const rpc = api(client);
  try {
    const caps = await rpc.caps();
    assert.equal(caps.default_backend, 'kmod');
    const byName = new Map(caps.backends.map((b) => [b.name, b]));
    assert.equal(byName.get('kmod')?.available, true);
    assert.equal(byName.get('ebpf')?.available, false);
    assert.ok(byName.get('ebpf')?.reason, 'eBPF says why not');
    const first = await rpc.start({ pids: [1] });
    assert.equal(first.backend, 'kmod');
    assert.equal(stats().state, 'running');
    await assert.rejects(
      rpc.start({ pids: [1], backend: 'kmod' }),
      (err: ServiceError) => err.code === status.FAILED_PRECONDITION && /one trace at a time/.test(err.details),
    );
    await rpc.stop(first.trace_id);
    assert.equal(stats().state, 'idle', 'probes unregistered, trace freed');
    const again = await rpc.start({ pids: [1], backend: 'kmod' });
    await rpc.stop(again.trace_id);
  } finally {
    client.close();
  }
});

test('extra reads: exec argv as a string array, the environment counted, paths and fd pairs written by calls', async () => {
  const service = await spawnService(['--idle-timeout', '30', ...KMOD_ONLY]);
  services.push(service);
  const client = connect(service.address);
  const rpc = api(client);
  try {
    const child = await spawnStopped(['/bin/sh', '-c', '/bin/echo piped | /bin/cat']);
    const { trace_id } = await rpc.start({ pids: [child.pid], follow_children: true, process_events: true });
    const sub = collect(client, trace_id);
    await settle(200);
    child.resume();
    assert.equal((await child.exited).stdout, 'piped\n');
    await sub.until((ev) => ev.some((e) => e.kind === 'exit' && e.task?.pid === child.pid), 20_000);
    await settle(100);
    await rpc.stop(trace_id);
    await sub.done;
    const calls = (name: string) => sub.events.filter((e) => e.syscall?.name === name).map((e) => e.syscall!);
    const argOf = (c: SyscallEvent__Output, name: string) => (c.decoded ?? []).find((a) => a.name === name);
    const cat = calls('execve').find((c) => argOf(c, 'filename')?.str === '/bin/cat');
    assert.ok(cat, 'execve of /bin/cat');
    assert.deepEqual(argOf(cat, 'argv')?.items, ['/bin/cat'], 'argv read at entry as a string array');
    assert.match(argOf(cat, 'envp')?.symbolic ?? '', /^0x[0-9a-f]+ \/\* \d+ vars? \*\/$/, 'the environment counted');
    const readlink = calls('readlink').find((c) => Number(c.ret) > 0);
    assert.equal(argOf(readlink!, 'buf')?.symbolic, '"/bin/busybox"', "readlink's output path");
    const pipe = [...calls('pipe2'), ...calls('pipe')].find((c) => c.ret === '0');
    assert.match(argOf(pipe!, 'fildes')?.symbolic ?? '', /^\[\d+, \d+\]$/, 'the fd pair pipe wrote');
  } finally {
    client.close();
  }
});

test('kernel losses reach the stream as EventsLost notices and the counters', async () => {
  // A 1 MiB ring and a reader that is not running (sctraced stopped) while the workload makes
  // about 5 MiB of records: most are dropped, and the workload must still run to its end.
  const service = await spawnService(['--idle-timeout', '30', '--ring-mb', '1', ...KMOD_ONLY]);
  services.push(service);
  const client = connect(service.address);
  const rpc = api(client);
  try {
    const child = await spawnStopped(['/bin/dd', 'if=/dev/zero', 'of=/dev/null', 'bs=1', 'count=20000']);
    const { trace_id } = await rpc.start({ pids: [child.pid], process_events: true });
    const sub = collect(client, trace_id);
    await settle(200);
    process.kill(service.pid, 'SIGSTOP');
    try {
      child.resume();
      assert.equal((await child.exited).code, 0, 'the traced process never waits for the reader');
    } finally {
      process.kill(service.pid, 'SIGCONT');
    }
    // The exit record itself may be among the dropped: wait until the stream goes quiet instead.
    for (let seen = -1; seen !== sub.events.length; ) {
      seen = sub.events.length;
      await settle(1000);
    }
    const { counters } = await rpc.stop(trace_id);
    await sub.done;
    const notices = sub.events.filter((e) => e.kind === 'lost');
    const noticed = notices.reduce((n, e) => n + Number(e.lost?.count), 0);
    assert.ok(noticed > 0, 'EventsLost notices in the stream');
    assert.ok(notices.every((e) => e.lost?.where === 'kernel'));
    assert.equal(Number(counters?.lost_kernel), noticed, 'counters agree with the notices');
    const received = sub.events.filter((e) => e.kind === 'syscall').length;
    assert.ok(received > 0 && received < 10000, `${received} received: about a ring's worth`);
    assert.ok(received + noticed >= 40000, `${received} received + ${noticed} lost cover the 40000 read/write calls`);
  } finally {
    client.close();
  }
});
