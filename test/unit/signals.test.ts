/**
 * Signal deliveries without a kernel: siginfo bytes as the kernel holds them (struct
 * kernel_siginfo, recorded from the corpus program test/corpus/deliveries.c) decoded as strace
 * prints them, a signal record (struct sct_signal) through the record decoder, the CLI's
 * `--- SIG... ---` lines (held back after the call a discarded signal came in, filtered by
 * -e signal=), and rt_sigreturn's restored mask.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Event__Output } from '../../src/api/generated/sctrace/v1/Event';
import { EventPrinter } from '../../clients/cli/printer';
import { parseSignalSet } from '../../clients/cli/qualify';
import { parseTraceArgs } from '../../clients/cli/trace-args';
import { RecordDecoder, Kind, Layout, SignalFlag } from '../../src/backends/records';
import { ENUMS } from '../../src/backends/ebpf/generated/bpf';
import { SyscallCatalog } from '../../src/syscalls/catalog';
import { ReadKind, syscallReads } from '../../src/syscalls/reads';
import { writeHeader } from '../kmod/record-builder';

const catalog = SyscallCatalog.fromFormats(new Map());

/** 48 bytes of kernel_siginfo: signo, errno, code, then the union's words at their offsets. */
function siginfo(signo: number, code: number, fields: Array<[number, 'i32' | 'u64', number | bigint]> = []): Uint8Array {
  const bytes = new Uint8Array(48);
  const v = new DataView(bytes.buffer);
  v.setInt32(0, signo, true);
  v.setInt32(8, code, true);
  for (const [at, kind, value] of fields) {
    if (kind === 'i32') v.setInt32(at, Number(value), true);
    else v.setBigUint64(at, BigInt(value), true);
  }
  return bytes;
}

test('siginfo as strace prints it, for each union member', () => {
  const cases: Array<[Uint8Array, string, string]> = [
    [siginfo(17, 1, [[16, 'i32', 29022], [20, 'i32', 0], [24, 'i32', 3], [32, 'u64', 0], [40, 'u64', 0]]), '{si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=29022, si_uid=0, si_status=3, si_utime=0, si_stime=0}', 'SIGINFO_FIELDS_CHLD'],
    [siginfo(17, 2, [[16, 'i32', 7], [20, 'i32', 1000], [24, 'i32', 9], [32, 'u64', 2], [40, 'u64', 1]]), '{si_signo=SIGCHLD, si_code=CLD_KILLED, si_pid=7, si_uid=1000, si_status=SIGKILL, si_utime=2, si_stime=1}', 'SIGINFO_FIELDS_CHLD'],
    [siginfo(11, 1), '{si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=NULL}', 'SIGINFO_FIELDS_FAULT'],
    [siginfo(7, 2, [[16, 'u64', 0x7f0012345678n]]), '{si_signo=SIGBUS, si_code=BUS_ADRERR, si_addr=0x7f0012345678}', 'SIGINFO_FIELDS_FAULT'],
    [siginfo(10, 0, [[16, 'i32', 29021], [20, 'i32', 0]]), '{si_signo=SIGUSR1, si_code=SI_USER, si_pid=29021, si_uid=0}', 'SIGINFO_FIELDS_KILL'],
    [siginfo(10, -6, [[16, 'i32', 29021], [20, 'i32', 0]]), '{si_signo=SIGUSR1, si_code=SI_TKILL, si_pid=29021, si_uid=0}', 'SIGINFO_FIELDS_KILL'],
    [siginfo(12, -1, [[16, 'i32', 29021], [20, 'i32', 0], [24, 'u64', 42]]), '{si_signo=SIGUSR2, si_code=SI_QUEUE, si_pid=29021, si_uid=0, si_int=42, si_ptr=0x2a}', 'SIGINFO_FIELDS_RT'],
    [siginfo(14, 0x80), '{si_signo=SIGALRM, si_code=SI_KERNEL}', 'SIGINFO_FIELDS_UNSPECIFIED'],
    [siginfo(35, -2, [[16, 'i32', 0], [20, 'i32', 0], [24, 'u64', 7]]), '{si_signo=SIGRT_3, si_code=SI_TIMER, si_timerid=0, si_overrun=0, si_int=7, si_ptr=0x7}', 'SIGINFO_FIELDS_TIMER'],
    [siginfo(29, 1, [[16, 'u64', 65], [24, 'i32', 3]]), '{si_signo=SIGIO, si_code=POLL_IN, si_band=65, si_fd=3}', 'SIGINFO_FIELDS_POLL'],
    [siginfo(31, 1, [[16, 'u64', 0x401000n], [24, 'i32', 39], [28, 'i32', 0xc000003e]]), '{si_signo=SIGSYS, si_code=SYS_SECCOMP, si_call_addr=0x401000, si_syscall=__NR_getpid, si_arch=AUDIT_ARCH_X86_64}', 'SIGINFO_FIELDS_SYS'],
    [siginfo(0, 0), '{}', 'SIGINFO_FIELDS_UNSPECIFIED'],
  ];
  for (const [bytes, symbolic, fields] of cases) {
    const d = catalog.decodeSiginfo(bytes);
    assert.equal(d.symbolic, symbolic);
    assert.equal(d.fields, fields, symbolic);
  }
  const chld = catalog.decodeSiginfo(cases[0][0]);
  assert.deepEqual([chld.signal, chld.code_name, chld.pid, chld.status], ['SIGCHLD', 'CLD_EXITED', 29022, 3]);
  const timer = catalog.decodeSiginfo(cases[8][0]);
  assert.deepEqual([timer.timer_id, timer.overrun, timer.int_value, timer.ptr_value], [0, 0, 7, '7']);
});

/** A signal record as both kernel sides write it. */
function signalRecord(info: Uint8Array, flags: number, handler: bigint): { view: DataView; bytes: Uint8Array } {
  const L = Layout.signal;
  const bytes = new Uint8Array(L.SIZE);
  const view = new DataView(bytes.buffer);
  writeHeader(view, Kind.SIGNAL, L.SIZE, { pid: 100, tid: 101, ppid: 1, uid: 0, gid: 0, comm: 'deliveries', cgroupId: 1n, tsNs: 5_000n, traces: 1n, flags: 0 });
  view.setInt32(L.signo, new DataView(info.buffer).getInt32(0, true), true);
  view.setInt32(L.si_code, new DataView(info.buffer).getInt32(8, true), true);
  view.setUint32(L.flags, flags, true);
  view.setBigUint64(L.sa_handler, handler, true);
  view.setBigUint64(L.sa_flags, 0x04000000n, true);
  bytes.set(info, L.siginfo);
  return { view, bytes };
}

test('a signal record decodes to SignalDelivered with every field', () => {
  assert.equal(Layout.signal.SIZE, 152);
  assert.equal(ENUMS.sct_signal_limits.SCT_SIGINFO_BYTES, 48);
  const info = siginfo(17, 1, [[16, 'i32', 4242], [24, 'i32', 3]]);
  const { view, bytes } = signalRecord(info, SignalFlag.DISCARDED | SignalFlag.IN_SYSCALL, 0n);
  const event = new RecordDecoder(catalog, 0n).decode(view, bytes, 0, bytes.length);
  assert.equal(event?.kind, 'signal_delivered');
  const s = event!.signal_delivered!;
  assert.equal(s.symbolic, '{si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=4242, si_uid=0, si_status=3, si_utime=0, si_stime=0}');
  assert.deepEqual([s.signo, s.signal, s.code, s.code_name, s.pid, s.status, s.handler, s.sa_flags], [17, 'SIGCHLD', 1, 'CLD_EXITED', 4242, 3, '0', String(0x04000000)]);
  assert.deepEqual([s.discarded, s.during_syscall, s.no_info], [true, true, false]);
  assert.deepEqual([...(s.siginfo as Uint8Array)], [...info]);
});

function sigEvent(tid: number, symbolic: string, signo: number, extra: Partial<NonNullable<Event__Output['signal_delivered']>> = {}): Event__Output {
  return {
    sequence: '1', timestamp_ns: '1', task: { pid: tid, tid, ppid: 1, uid: 0, gid: 0, comm: 'x', cgroup_id: '0' }, kind: 'signal_delivered',
    signal_delivered: { signo, signal: signo === 17 ? 'SIGCHLD' : 'SIGUSR1', symbolic, discarded: false, during_syscall: false, no_info: false, ...extra },
  } as Event__Output;
}

function callEvent(tid: number, name: string, ret: string): Event__Output {
  return {
    sequence: '2', timestamp_ns: '2', task: { pid: tid, tid, ppid: 1, uid: 0, gid: 0, comm: 'x', cgroup_id: '0' }, kind: 'syscall',
    syscall: { nr: 61, name, args: [], ret, duration_ns: '0', errno_name: '', decoded: [], no_return: false, arch: 'x86_64' },
  } as unknown as Event__Output;
}

test('signal lines: strace\'s text, a discarded signal after the call it came in, -e signal= filters', () => {
  const p = new EventPrinter({ format: 'text' });
  const usr1 = '{si_signo=SIGUSR1, si_code=SI_USER, si_pid=5, si_uid=0}';
  assert.deepEqual(p.lines(sigEvent(5, usr1, 10)).map((l) => l.text), [`--- SIGUSR1 ${usr1} ---`]);
  const chld = '{si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=6, si_uid=0, si_status=0, si_utime=0, si_stime=0}';
  assert.deepEqual(p.lines(sigEvent(5, chld, 17, { discarded: true, during_syscall: true })), [], 'held until the call returns');
  assert.deepEqual(p.lines(callEvent(5, 'wait4', '6')).map((l) => l.text), ['wait4()                                 = 6', `--- SIGCHLD ${chld} ---`]);
  assert.deepEqual(p.lines(sigEvent(5, '{}', 9, { no_info: true })), [], 'no siginfo: no line');
  const filtered = new EventPrinter({ format: 'text', signals: parseSignalSet('!SIGCHLD') });
  assert.deepEqual(filtered.lines(sigEvent(5, chld, 17)), []);
  assert.equal(filtered.lines(sigEvent(5, usr1, 10)).length, 1);
});

test('-e signal=SET: strace\'s names and numbers; none leaves signal_events off', () => {
  const set = parseSignalSet('SIGUSR1,chld,14');
  assert.deepEqual([set.has(10), set.has(17), set.has(14), set.has(12)], [true, true, true, false]);
  assert.ok(parseSignalSet('!USR1').has(12));
  assert.throws(() => parseSignalSet('SIGNOPE'), /invalid signal "SIGNOPE"/);
  assert.equal(parseTraceArgs(['--', 'true']).spec.signal_events, true, 'on by default, as strace prints signals');
  assert.equal(parseTraceArgs(['-e', 'signal=none', '--', 'true']).spec.signal_events, false);
  assert.equal(parseTraceArgs(['--signal=USR1', '--', 'true']).display.signals.has(17), false);
});

test('rt_sigreturn: the frame\'s mask read at entry, printed as strace 6.1 does', () => {
  assert.deepEqual(syscallReads('rt_sigreturn', []), [{ kind: ReadKind.SIGMASK, arg: 0, lenFrom: 0, lenArg: 0, max: 8, flags: 0 }]);
  assert.equal(ReadKind.SIGMASK, ENUMS.sct_read_kind.SCT_READ_SIGMASK);
  const withMeta = SyscallCatalog.fromFormats(new Map([['rt_sigreturn', { name: 'rt_sigreturn', id: 1, args: [] }]]));
  const mask = new Uint8Array(8);
  new DataView(mask.buffer).setBigUint64(0, 1n << 1n, true); // SIGINT
  const nr = withMeta.byName('rt_sigreturn')!.nr;
  const event = withMeta.decode({ nr, args: [0n, 0n, 0n, 0n, 0n, 0n], ret: 0n, durationNs: 0n, noReturn: false, strings: new Map(), blobs: new Map([[0, { kind: 'bytes', data: mask, truncated: false, unreadable: false }]]) } as never);
  assert.equal(event.decoded?.[0]?.symbolic, '{mask=[INT]}');
});
