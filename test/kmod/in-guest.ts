/**
 * Runs inside the kmod test guest only (scripts/kmod-test.sh boots a Debian kernel with the module
 * loaded and runs this file with `node --test`; the name does not end in .test.ts, so the host's
 * test run never picks it up). Two layers:
 * - the module's /proc interface used directly (control protocol 6): one opener, protocol
 *   versions checked with both named, rejected lines with reasons, trace masks in every record,
 *   follow_children copying the parent's bits, poll wakeups, whole-record bounded reads, a full
 *   ring that drops and counts per trace;
 * - the real sctraced over gRPC: `auto` picks kmod where eBPF is unavailable, several traces in
 *   one pass, the module idle (no probe registered) after the last StopTrace, extra reads.
 * The shared event checks are in test/conformance (conformance.test.ts; concurrent.test.ts, with
 * kernel losses reaching the stream), which the guest runs on both backends.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import koffi from 'koffi';
import type { Event } from '../../src/api/generated/sctrace/v1/Event';
import type { SyscallEvent__Output } from '../../src/api/generated/sctrace/v1/SyscallEvent';
import { RecordDecoder, Layout } from '../../src/backends/records';
import { Counters, CONTROL_PROTOCOL, parseStats, setupText } from '../../src/backends/kmod/protocol';
import { kernelMeta, SyscallCatalog } from '../../src/syscalls/catalog';
import { api, collect, connect, settle } from '../helpers/client';
import { spawnService, spawnStopped, type ServiceProcess } from '../helpers/service-process';
import { decodeChunk } from './chunks';

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

function controlStatus(fd: number): string {
  const buf = Buffer.alloc(512);
  return buf.subarray(0, fs.readSync(fd, buf, 0, buf.length, null)).toString();
}

/**
 * Opens control, configures and starts a pass (ring `ringBytes`), then writes `lines` (the
 * traces); the caller closes the fd to stop the pass.
 */
function startPass(lines: string[], ringBytes = 1 << 20, wakeupBytes = 1): number {
  const fd = fs.openSync(`${DIR}/control`, fs.constants.O_RDWR);
  fs.writeSync(fd, setupText({ exclude: [process.pid], ringBytes, wakeupBytes }, kernelMeta(catalog)));
  if (lines.length) fs.writeSync(fd, `${lines.join('\n')}\n`);
  return fd;
}

/** The lines that run the traces of mask `traces` on every syscall of `pid` (with process events). */
function traceLines(traces: bigint, pid: number): string[] {
  const m = `0x${traces.toString(16)}`;
  return [`sys 0-511 ${m}`, `tgid ${pid} ${m}`, `set comm_any ${m} uid_any ${m} cgroup_any ${m} proc_events ${m} string_max 256 active ${m}`];
}

/** Reads one buffer's worth of whole records (non-blocking fd); [] when none are waiting. */
function readEvents(fd: number, buf = Buffer.alloc(1 << 20)): { events: Event[]; masks: bigint[]; bytes: number } {
  let n: number;
  try {
    n = fs.readSync(fd, buf, 0, buf.length, null);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EAGAIN') return { events: [], masks: [], bytes: 0 };
    throw err;
  }
  const events: Event[] = [];
  const result = decodeChunk(new RecordDecoder(catalog, 0n), buf.subarray(0, n), events);
  assert.equal(result.corrupt, undefined, `whole, valid records: ${result.corrupt?.message}`);
  const masks: bigint[] = [];
  for (let off = 0; off < n; off += buf.readUInt32LE(off + Layout.header.size)) masks.push(buf.readBigUInt64LE(off + Layout.header.traces));
  return { events, masks, bytes: n };
}

/** The per-trace loss counters of the counters file. */
function lostOf(slot: number): bigint[] {
  const buf = Buffer.alloc(Counters.LOSS_KINDS * 8);
  const fd = fs.openSync(`${DIR}/counters`, 'r');
  try {
    fs.readSync(fd, buf, 0, buf.length, Counters.lost(slot) * 8);
  } finally {
    fs.closeSync(fd);
  }
  return Array.from({ length: Counters.LOSS_KINDS }, (_, k) => buf.readBigUInt64LE(8 * k));
}

// ---- the module's files, directly ----

test('control has one opener, checks the protocol first, names a rejected line, and a poisoned pass cannot start', () => {
  assert.equal(stats().state, 'idle');
  assert.equal(stats().protocol, CONTROL_PROTOCOL);
  assert.equal(errnoOf(() => fs.openSync(`${DIR}/events`, 'r')), 'ENODATA', 'no events without a running pass');
  let fd = fs.openSync(`${DIR}/control`, fs.constants.O_RDWR);
  try {
    assert.equal(errnoOf(() => fs.openSync(`${DIR}/control`, fs.constants.O_RDWR)), 'EBUSY', 'second opener');
    assert.equal(errnoOf(() => fs.writeSync(fd, 'exclude 1\n')), 'EPROTO', 'an opener that does not say its protocol (an older sctraced)');
    assert.match(controlStatus(fd), new RegExp(`error the first line must be "protocol N": this module \\(version [\\d.]+\\) speaks control protocol ${CONTROL_PROTOCOL}`));
  } finally {
    fs.closeSync(fd);
  }
  fd = fs.openSync(`${DIR}/control`, fs.constants.O_RDWR);
  try {
    assert.equal(errnoOf(() => fs.writeSync(fd, 'protocol 1\n')), 'EPROTO');
    assert.match(controlStatus(fd), new RegExp(`sctraced speaks control protocol 1, this module \\(version [\\d.]+\\) speaks ${CONTROL_PROTOCOL}`));
  } finally {
    fs.closeSync(fd);
  }
  fd = fs.openSync(`${DIR}/control`, fs.constants.O_RDWR);
  try {
    fs.writeSync(fd, `protocol ${CONTROL_PROTOCOL}\n`);
    assert.equal(errnoOf(() => fs.writeSync(fd, 'ring_bytes 1000\n')), 'EINVAL');
    assert.match(controlStatus(fd), /^state configuring\nerror ring_bytes: 1000 is not a power of two in 65536\.\.1073741824\n$/);
    assert.equal(errnoOf(() => fs.writeSync(fd, 'start\n')), 'EINVAL', 'poisoned');
  } finally {
    fs.closeSync(fd);
  }
  assert.equal(stats().state, 'idle', 'closing control frees the pass');
});

test('a running pass: changes apply, a bad one fails only its write, and closing unregisters every probe', () => {
  const fd = startPass([]);
  try {
    const s = stats();
    assert.equal(s.state, 'running');
    assert.equal(s.counters.get('probes'), 7, 'sys_enter, sys_exit, sched_process_exec/exit, task_newtask, signal_deliver/generate');
    assert.equal(errnoOf(() => fs.writeSync(fd, 'set active 0x3 string_max 99999\n')), 'EINVAL');
    assert.match(controlStatus(fd), /^state running\nerror string_max: "99999" is not a number in 0\.\.4096\n$/);
    assert.equal(stats().counters.get('traces'), 0, 'a rejected set writes no field');
    fs.writeSync(fd, `${traceLines(0x4n, 1).join('\n')}\n`);
    assert.equal(stats().counters.get('traces'), 1, 'the pass goes on after a rejected write');
    assert.match(fs.readFileSync(`${DIR}/stats`, 'utf8'), /^trace 2 lost_ring=0 lost_budget=0 lost_paused=0 lost_inflight=0$/m);
    assert.equal(errnoOf(() => fs.writeSync(fd, 'ring_bytes 65536\n')), 'EINVAL', 'configuration is over');
    // What a StartTrace and a StopTrace of a trace of every syscall with a pid, a comm and a uid
    // filter cost the module: one write each, as the service makes them.
    const startBatch = `sys 0-511 0x6\ntgid 1 0x2\ncomm ${Buffer.from('init').toString('hex')} 0x2\nuid 0 0x2\nbudget 1 1000\nset pid_any 0x4 comm_any 0x4 uid_any 0x4 cgroup_any 0x6 string_max 256 active 0x6\n`;
    const stopBatch = `set pid_any 0x4 comm_any 0x4 uid_any 0x4 cgroup_any 0x4 string_max 256 active 0x4\nsys 0-511 0x4\ncomm ${Buffer.from('init').toString('hex')} 0x0\nuid 0 0x0\ntgid_clear 0x2\n`;
    const startUs: number[] = [];
    const stopUs: number[] = [];
    for (let i = 0; i < 50; i++) {
      let begin = process.hrtime.bigint();
      fs.writeSync(fd, startBatch);
      startUs.push(Number(process.hrtime.bigint() - begin) / 1000);
      begin = process.hrtime.bigint();
      fs.writeSync(fd, stopBatch);
      stopUs.push(Number(process.hrtime.bigint() - begin) / 1000);
    }
    const med = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1].toFixed(0);
    process.stderr.write(`# module: a trace's start and stop writes: median ${med(startUs)} us / ${med(stopUs)} us (50 each)\n`);
    assert.equal(stats().counters.get('traces'), 1, 'the stops undid the starts');
  } finally {
    fs.closeSync(fd);
  }
  const s = stats();
  assert.equal(s.state, 'idle');
  assert.equal(s.counters.get('probes'), 0, 'no probe left registered');
});

test('records carry the traces they are for; follow_children copies only the following traces\' bits', async () => {
  const child = await spawnStopped(['/bin/sh', '-c', '/bin/echo hi; exit 0']);
  // Slot 0 follows the shell's children, slot 1 does not; slot 3 wants any task named "echo".
  const control = startPass([
    'sys 0-511 0xb',
    `tgid ${child.pid} 0x3`,
    `comm ${Buffer.from('echo').toString('hex')} 0x8`,
    'set pid_any 0x8 comm_any 0x3 uid_any 0xb cgroup_any 0xb follow 0x1 proc_events 0x3 string_max 256 active 0xb',
  ]);
  const events = fs.openSync(`${DIR}/events`, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  const got: { e: Event; mask: bigint }[] = [];
  try {
    child.resume();
    assert.equal((await child.exited).stdout, 'hi\n');
    for (let i = 0; i < 100 && !got.some(({ e }) => e.kind === 'exit' && e.task?.pid === child.pid); i++) {
      const r = readEvents(events);
      r.events.forEach((e, k) => got.push({ e, mask: r.masks[k] }));
      await settle(10);
    }
  } finally {
    fs.closeSync(control);
    fs.closeSync(events);
  }
  const fork = got.find(({ e }) => e.kind === 'fork' && e.task?.pid === child.pid);
  assert.ok(fork, 'the fork of echo');
  const echo = fork.e.fork!.child_pid;
  const masks = (list: typeof got) => [...new Set(list.map((g) => `0x${g.mask.toString(16)}`))].join(' ');
  const ofShell = got.filter(({ e }) => e.task?.pid === child.pid);
  assert.equal(masks(ofShell), '0x3', "the shell's records are for slots 0 and 1");
  const ofEcho = got.filter(({ e }) => e.task?.pid === echo);
  // Filters are evaluated at entry: echo's execve entered as "sh", its later calls as "echo".
  const named = ofEcho.filter(({ e }) => e.kind === 'syscall' && e.syscall?.name !== 'execve' && e.task?.comm === 'echo');
  assert.ok(named.length > 0, 'syscalls of echo after its exec');
  assert.equal(masks(named), '0x9', 'the followed child named echo: slots 0 and 3');
  assert.equal(masks(ofEcho.filter((g) => !named.includes(g))), '0x1', 'the rest of the child (before exec, process events): the following trace only');
  assert.ok(got.every(({ e }) => e.task?.pid === child.pid || e.task?.pid === echo), 'nothing else');
  assert.equal(stats().state, 'idle');
});

test('poll wakes the reader, and records arrive whole and decodable', async () => {
  const child = await spawnStopped(['/bin/cat', '/proc/version']);
  const control = startPass(traceLines(0x1n, child.pid));
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
  const fd = fs.openSync(`${DIR}/control`, fs.constants.O_RDWR);
  fs.writeSync(fd, setupText({ exclude: [], ringBytes: 1 << 20, wakeupBytes: 1 }, kernelMeta(catalog)));
  fs.writeSync(fd, `${traceLines(0x1n, process.pid).join('\n')}\n`);
  const events = fs.openSync(`${DIR}/events`, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  try {
    const buf = Buffer.alloc(1 << 20);
    let total = 0;
    for (let i = 0; i < 200; i++) total += readEvents(events, buf).bytes;
    assert.ok(total > 0, 'its own syscalls were recorded');
    assert.ok(stats().counters.get('emitted')! >= 200, 'each read produced a record');
  } finally {
    fs.closeSync(fd);
    fs.closeSync(events);
  }
});

test('a full ring drops and counts records for each of their traces and never blocks the traced process', async () => {
  const child = await spawnStopped(['/bin/dd', 'if=/dev/zero', 'of=/dev/null', 'bs=1', 'count=3000']);
  // Two traces on the same process; no budgets (pressure_bytes 0): the ring itself overflows.
  const control = startPass(traceLines(0x3n, child.pid), 65536);
  const events = fs.openSync(`${DIR}/events`, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  try {
    child.resume();
    const { code } = await child.exited; // nobody reads meanwhile
    assert.equal(code, 0);
    const s = stats();
    assert.ok(s.counters.get('lost_ring')! > 0, `records dropped: ${[...s.counters].join(' ')}`);
    assert.ok(s.counters.get('unread_bytes')! <= 65536);
    const [ring0] = lostOf(0);
    const [ring1] = lostOf(1);
    assert.ok(ring0 > 0n && ring0 === ring1, `each dropped record counts once for each of its traces: ${ring0} ${ring1}`);
    let bytes = 0;
    for (let n; (n = readEvents(events).bytes) > 0; ) bytes += n;
    assert.ok(bytes > 60000 && bytes <= 65536, `the ring's worth was kept: ${bytes}`);
  } finally {
    fs.closeSync(control);
    fs.closeSync(events);
  }
});

// ---- through sctraced ----

test('auto picks kmod where eBPF is unavailable; traces share one pass; the module is idle after the last StopTrace', async () => {
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
    const second = await rpc.start({ pids: [1], backend: 'kmod', syscalls: ['getppid'] });
    assert.equal(stats().counters.get('traces'), 2, 'a second trace in the same pass');
    assert.equal(stats().counters.get('probes'), 7, 'one set of probes');
    await rpc.stop(first.trace_id);
    assert.equal(stats().counters.get('traces'), 1);
    await rpc.stop(second.trace_id);
    const s = stats();
    assert.equal(s.state, 'idle', 'pass freed after the last trace');
    assert.equal(s.counters.get('probes'), 0, 'probes unregistered');
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
