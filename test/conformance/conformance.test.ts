/**
 * Backend conformance: the same TraceSpecs and workloads on every capture backend available where
 * the test runs, through the real sctraced and a gRPC client, with the same expectations on event
 * kinds and fields. On a host with eBPF that is the eBPF backend; inside the kmod test guest
 * (scripts/kmod-test.sh, where eBPF is unavailable) it is the kernel module. A backend that is not
 * available is skipped with its reason; no backend at all (or no root) skips the whole file, and
 * fails it under CI=true.
 *
 * Workloads use only /bin/sh, /bin/cat and /bin/echo, so they run the same on a Debian host and in
 * the busybox guest (whose cat may move the bytes with sendfile instead of read), and the C
 * fixtures test/fixtures/reads.c and netlink.c (built for the guest by scripts/kmod-test.sh) for
 * the kernel reads whose size or timing depends on the call (bpf/shared/sctrace_reads.h) and
 * the netlink reads.
 */
import { test, describe, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Event__Output } from '../../src/api/generated/sctrace/v1/Event';
import type { TraceSpec } from '../../src/api/generated/sctrace/v1/TraceSpec';
import { collect, settle } from '../helpers/client';
import { fixture, fixtureUnavailableReason } from '../helpers/fixtures';
import { skipUnlessBackend, skipUnlessPossible } from '../helpers/privileges';
import { spawnStopped } from '../helpers/service-process';
import { liveService } from '../helpers/live-service';

const BACKENDS = ['ebpf', 'kmod'] as const;

const rootReason = process.getuid?.() !== 0 ? 'needs root to load a capture backend and read tracefs' : null;
const live = liveService({ args: ['--idle-timeout', '30'], skip: () => rootReason, prefix: 'sctrace-conf-' });

/** Skips unless `backend` can run here; true when skipped. */
function skipped(t: TestContext, backend: string): boolean {
  return skipUnlessBackend(t, backend, live.unavailable, rootReason);
}

/** Starts `argv` stopped, traces it on `backend` with `spec` (its pid added), runs it to its exit event. */
async function traceRun(backend: string, argv: string[], spec: TraceSpec) {
  const child = await spawnStopped(argv, { cwd: live.workdir });
  const started = await live.rpc.start({ process_events: true, ...spec, pids: [child.pid], backend }).catch((err: Error) => {
    // A stopped child left behind would keep the test run alive; the service's log holds the
    // kernel side's own diagnostics (e.g. libbpf's verifier log).
    child.kill();
    throw new Error(`${err.message}\nsctraced log (last lines):\n${live.service!.log().split('\n').slice(-60).join('\n')}`);
  });
  assert.equal(started.backend, backend);
  const sub = collect(live.client, started.trace_id);
  await settle(200);
  child.resume();
  const result = await child.exited;
  await sub.until((ev) => ev.some((e) => e.kind === 'exit' && e.task?.pid === child.pid), 20_000).catch((err: Error) => {
    throw new Error(`${err.message}\nsctraced log (last lines):\n${live.service!.log().split('\n').slice(-60).join('\n')}`);
  });
  await settle(100);
  const { counters } = await live.rpc.stop(started.trace_id);
  assert.equal(await sub.done, null, 'stream ends OK after StopTrace');
  return { pid: child.pid, result, events: sub.events, counters };
}

const syscalls = (events: Event__Output[], name?: string) =>
  events.filter((e) => e.kind === 'syscall' && (name === undefined || e.syscall?.name === name));
const arg = (e: Event__Output, name: string) => e.syscall?.decoded.find((a) => a.name === name);
const names = (events: Event__Output[]) => [...new Set(syscalls(events).map((e) => e.syscall?.name))].join(' ');

/** Fields every backend fills the same way. */
function checkCommonFields(events: Event__Output[], traced: number[]): void {
  const now = BigInt(Date.now()) * 1_000_000n;
  for (const e of events) {
    assert.ok(e.task, `${e.kind} has a task`);
    assert.ok(traced.includes(e.task.pid), `${e.kind} of pid ${e.task.pid}, traced ${traced.join(',')}`);
    assert.ok(e.task.tid > 0 && e.task.ppid > 0, 'tid and ppid set');
    assert.ok(e.task.comm.length > 0, 'comm set');
    assert.equal(e.task.uid, process.getuid?.());
    const ts = BigInt(e.timestamp_ns);
    assert.ok(ts > now - 120_000_000_000n && ts <= now + 1_000_000_000n, `epoch timestamp ${ts}`);
    if (e.kind === 'syscall') assert.equal(e.syscall?.arch, 'x86_64');
  }
  const seqs = events.map((e) => Number(e.sequence));
  for (let i = 1; i < seqs.length; i++) assert.equal(seqs[i], seqs[i - 1] + 1, 'gap-free sequence');
}

for (const backend of BACKENDS) {
  describe(`backend ${backend}`, () => {
    test('a chosen file is opened, its bytes moved and it is closed; exec and exit are reported', async (t) => {
      if (skipped(t, backend)) return;
      const file = path.join(live.workdir, 'chosen-file.txt');
      fs.writeFileSync(file, 'payload\n');
      const { pid, events, result, counters } = await traceRun(backend, ['/bin/cat', file], {});
      assert.equal(result.stdout, 'payload\n');
      checkCommonFields(events, [pid]);
      const exec = events.find((e) => e.kind === 'exec');
      assert.ok(exec, 'exec event');
      assert.equal(exec.exec?.filename, '/bin/cat');
      assert.deepEqual(exec.exec?.argv, ['/bin/cat', file]);
      const execve = syscalls(events, 'execve');
      assert.equal(execve.length, 1, 'one execve');
      assert.equal(arg(execve[0], 'filename')?.str, '/bin/cat', 'execve filename read at entry');
      assert.equal(execve[0].syscall?.ret, '0');
      const open = syscalls(events, 'openat').find((e) => arg(e, 'filename')?.str === file);
      assert.ok(open, `openat of ${file}; saw ${syscalls(events, 'openat').map((e) => arg(e, 'filename')?.str).join(', ')}`);
      const fd = Number(open.syscall?.ret);
      assert.ok(fd >= 3, `fd ${fd}`);
      assert.equal(open.syscall?.errno_name, '');
      assert.ok(BigInt(open.syscall?.duration_ns ?? '0') > 0n, 'duration measured');
      const movers = ['read', 'sendfile', 'splice', 'copy_file_range'];
      assert.ok(
        syscalls(events).some((e) => movers.includes(e.syscall?.name ?? '') && e.syscall?.ret === '8'),
        `a read/sendfile of the 8-byte payload; saw ${names(events)}`,
      );
      assert.ok(syscalls(events, 'close').some((e) => Number(e.syscall?.args[0]) === fd), 'close of that fd');
      assert.ok(syscalls(events, 'exit_group').some((e) => e.syscall?.no_return), 'exit_group never returns');
      assert.equal(events.find((e) => e.kind === 'exit')?.exit?.exit_code, 0);
      assert.equal(counters?.lost_kernel, '0');
      assert.equal(counters?.decode_errors, '0');
    });

    test('a failing open carries ENOENT and the exit code 1', async (t) => {
      if (skipped(t, backend)) return;
      const missing = path.join(live.workdir, 'does-not-exist');
      const { pid, events, result } = await traceRun(backend, ['/bin/cat', missing], {});
      assert.equal(result.code, 1);
      checkCommonFields(events, [pid]);
      const open = syscalls(events, 'openat').find((e) => arg(e, 'filename')?.str === missing);
      assert.ok(open, 'openat of the missing file');
      assert.equal(open.syscall?.ret, '-2');
      assert.equal(open.syscall?.errno_name, 'ENOENT');
      assert.equal(events.find((e) => e.kind === 'exit' && e.task?.pid === pid)?.exit?.exit_code, 1);
    });

    test('follow_children: fork, the child exec with its argv, and every exit code', async (t) => {
      if (skipped(t, backend)) return;
      const script = '/bin/echo "two words" three; ( exit 7 ); exit 3';
      const { pid, events, result } = await traceRun(backend, ['/bin/sh', '-c', script], { follow_children: true });
      assert.equal(result.stdout, 'two words three\n');
      assert.equal(result.code, 3);
      const forks = events.filter((e) => e.kind === 'fork' && e.task?.pid === pid);
      assert.ok(forks.length >= 2, `the shell forked twice; forks: ${forks.map((f) => f.fork?.child_pid).join(' ')}`);
      const children = forks.map((f) => f.fork!.child_pid);
      checkCommonFields(events, [pid, ...children]);
      const echo = events.find((e) => e.kind === 'exec' && e.exec?.filename === '/bin/echo');
      assert.ok(echo, 'exec of /bin/echo');
      assert.ok(children.includes(echo.task!.pid), 'by a forked child');
      assert.deepEqual(echo.exec?.argv, ['/bin/echo', 'two words', 'three']);
      const exitOf = (p: number) => events.find((e) => e.kind === 'exit' && e.task?.pid === p)?.exit?.exit_code;
      assert.equal(exitOf(echo.task!.pid), 0, 'echo exits 0');
      assert.ok(children.some((c) => exitOf(c) === 7), 'the subshell exits 7');
      assert.equal(exitOf(pid), 3, 'the shell exits 3');
      assert.ok(syscalls(events).some((e) => children.includes(e.task!.pid)), "the children's syscalls are traced");
    });

    test('without follow_children only the traced process is seen', async (t) => {
      if (skipped(t, backend)) return;
      const { pid, events } = await traceRun(backend, ['/bin/sh', '-c', '( exit 3 ); /bin/echo hi'], { follow_children: false });
      assert.ok(syscalls(events).length > 0);
      assert.ok(events.every((e) => e.task?.pid === pid), 'only the traced pid');
      assert.ok(events.some((e) => e.kind === 'fork'), 'its forks are still reported');
    });

    test('syscall and comm filters keep only what they name', async (t) => {
      if (skipped(t, backend)) return;
      const file = path.join(live.workdir, 'filtered.txt');
      fs.writeFileSync(file, 'x\n');
      const { events } = await traceRun(backend, ['/bin/cat', file], { syscalls: ['openat'], comms: ['cat'] });
      const sc = syscalls(events);
      assert.ok(sc.length >= 1, 'some openat');
      assert.equal(names(events), 'openat');
      assert.ok(sc.some((e) => arg(e, 'filename')?.str === file));
      // Before its exec the process is named after the shell that started it: filtered out.
      assert.ok(events.every((e) => e.task?.comm === 'cat'), `only comm cat; saw ${[...new Set(events.map((e) => e.task?.comm))].join(' ')}`);
      assert.ok(events.some((e) => e.kind === 'exit'), 'process events pass the same filters');
    });

    // An ioctl argument read at the size its request gives (an int at the end of a mapped page, for
    // a request without the _IOC encoding: the size table user space fills), select's fd sets and
    // timeout at entry and at exit, and a forked child's failed execve, whose strings are read
    // again at exit (at entry their pages were not mapped in the child), and the strings behind
    // pointers inside bpf()'s attr (a path whole, a license).
    test('ioctl sized by its request, select sets and timeout at entry and exit, a failed execve read at exit, strings inside a struct', async (t) => {
      if (skipped(t, backend) || skipUnlessPossible(t, fixtureUnavailableReason('reads'))) return;
      const { pid, events, result, counters } = await traceRun(backend, [fixture('reads')], { follow_children: true, syscalls: ['ioctl', 'select', 'execve', 'bpf'] });
      assert.equal(result.code, 0);
      const fionread = syscalls(events, 'ioctl').find((e) => arg(e, 'cmd')?.symbolic === 'FIONREAD');
      assert.ok(fionread, `an ioctl FIONREAD; saw ${syscalls(events, 'ioctl').map((e) => arg(e, 'cmd')?.symbolic).join(' ')}`);
      assert.equal(arg(fionread, 'arg')?.symbolic, '[3]', 'the int at the end of the page, read at its 4 bytes');
      const select = syscalls(events, 'select');
      assert.equal(select.length, 1, 'one select');
      assert.equal(select[0].syscall?.ret, '1');
      assert.equal(arg(select[0], 'inp')?.symbolic, '[3]', 'the set given');
      assert.equal(arg(select[0], 'tvp')?.symbolic, '{tv_sec=0, tv_usec=0}', 'the timeout given');
      assert.equal(arg(select[0], 'exp')?.return_note, 'in [3]', 'the ready set');
      assert.equal(arg(select[0], 'tvp')?.return_note, 'left {tv_sec=0, tv_usec=0}', 'the time left');
      const failed = syscalls(events, 'execve').find((e) => e.syscall?.ret === '-2');
      assert.ok(failed, `the child's failed execve; saw ${syscalls(events, 'execve').map((e) => e.syscall?.ret).join(' ')}`);
      assert.notEqual(failed.task?.pid, pid, 'made by the forked child');
      assert.equal(arg(failed, 'filename')?.str, '/nonexistent/program');
      assert.equal(arg(failed, 'filename')?.unreadable, false);
      assert.deepEqual(arg(failed, 'argv')?.items, ['nope']);
      const bpf = syscalls(events, 'bpf');
      assert.equal(bpf.length, 2, `two bpf calls; saw ${bpf.map((e) => arg(e, 'cmd')?.symbolic).join(' ')}`);
      assert.match(arg(bpf[0], 'uattr')?.symbolic ?? '', /^\{pathname="\/sys\/fs\/bpf\/sctrace-no-such-object", bpf_fd=0, file_flags=0\}$/, 'OBJ_GET: the path behind the attr');
      assert.match(arg(bpf[1], 'uattr')?.symbolic ?? '', /^\{prog_type=BPF_PROG_TYPE_SOCKET_FILTER, insn_cnt=0, insns=NULL, license="GPL", /, 'PROG_LOAD: the license behind the attr');
      assert.equal(counters?.lost_kernel, '0');
      assert.equal(counters?.decode_errors, '0');
    });

    // The reads of issue 10's nested pointers: pselect6's sigmask pair and the mask behind it
    // (SCT_READ_INNER with its struct), clone3's set_tid array (SCT_READ_CLONE3), keyctl's strings
    // chosen by the command and DESCRIBE's output at the length returned, perf's attr head,
    // io_uring_register's rsrc arrays (SCT_READ_URING_RSRC).
    test('pselect6 sigmask pair, clone3 set_tid, keyctl strings and output, perf_event_open attr, io_uring rsrc arrays', async (t) => {
      if (skipped(t, backend) || skipUnlessPossible(t, fixtureUnavailableReason('reads'))) return;
      const { result, events, counters } = await traceRun(backend, [fixture('reads')], { syscalls: ['pselect6', 'clone3', 'keyctl', 'perf_event_open', 'io_uring_register'] });
      assert.equal(result.code, 0);
      const [pselect] = syscalls(events, 'pselect6');
      assert.equal(arg(pselect, 'sig')?.symbolic, '{sigmask=[HUP], sigsetsize=8}');
      const [clone3] = syscalls(events, 'clone3');
      assert.match(arg(clone3, 'uargs')?.symbolic ?? '', /, set_tid=\[1, 2\], set_tid_size=2\}$/);
      const keyctl = syscalls(events, 'keyctl');
      assert.equal(keyctl.length, 2, 'SEARCH and DESCRIBE');
      assert.equal(arg(keyctl[0], 'arg3')?.symbolic, '"user"');
      assert.equal(arg(keyctl[0], 'arg4')?.symbolic, '"sctrace-no-such-key"');
      // A kernel without keys (ENOSYS) wrote none: then the buffer's address.
      if (Number(keyctl[1].syscall?.ret) > 0) assert.match(arg(keyctl[1], 'arg3')?.symbolic ?? '', /^"keyring;\d+;\d+;[0-9a-f]{8};_pid"$/, 'the output at the length returned, its NUL not shown');
      const [perf] = syscalls(events, 'perf_event_open');
      assert.match(arg(perf, 'attr_uptr')?.symbolic ?? '', /^\{type=PERF_TYPE_SOFTWARE, size=PERF_ATTR_SIZE_VER5, config=0xdead \/\* PERF_COUNT_SW_\?\?\? \*\/, sample_period=0, .*disabled=1, precise_ip=0 \/\* arbitrary skid \*\/, \.\.\.\}$/);
      const [uring] = syscalls(events, 'io_uring_register');
      assert.equal(arg(uring, 'arg')?.symbolic, '{nr=3, flags=0, data=[3, -1, -2], tags=[0, 0x1234, 0x7]}', 'the arrays behind the struct (SCT_READ_URING_RSRC)');
      assert.equal(counters?.lost_kernel, '0');
      assert.equal(counters?.decode_errors, '0');
    });

    // Reads at the end of a mapped page that strace's tests make: a 32-bit count with garbage in
    // the register's upper half (SCT_LEN_ARG32), iovec arrays of failed calls and cut by the
    // unmapped page.
    test('ppoll nfds at 32 bits, iovec arrays of failed preadv calls', async (t) => {
      if (skipped(t, backend) || skipUnlessPossible(t, fixtureUnavailableReason('reads'))) return;
      const { result, events, counters } = await traceRun(backend, [fixture('reads')], { syscalls: ['ppoll', 'delete_module', 'preadv'], buffer_bytes: 32, string_max_bytes: 32 });
      assert.equal(result.code, 0);
      const [ppoll] = syscalls(events, 'ppoll');
      assert.match(arg(ppoll, 'ufds')?.symbolic ?? '', /^\[\{fd=\d+, events=POLLIN\}\]$/, 'the one pollfd before the unmapped page');
      const preadv = syscalls(events, 'preadv');
      assert.equal(preadv.length, 2);
      assert.match(arg(preadv[0], 'vec')?.symbolic ?? '', /^\[\{iov_base=0x[0-9a-f]+, iov_len=8\}\]$/, 'the array of a failed call, without data');
      assert.match(arg(preadv[1], 'vec')?.symbolic ?? '', /^\[\{iov_base=0x[0-9a-f]+, iov_len=8\}, \.\.\. \/\* 0x[0-9a-f]+000 \*\/\]$/, 'the element before the unmapped page');
      assert.equal(counters?.lost_kernel, '0');
      assert.equal(counters?.decode_errors, '0');
    });

    // Netlink messages of a process gone before its records are decoded, traced with sendto
    // alone (its socket() unseen, /proc/PID no longer there): decoded by the protocol the kernel
    // side recorded with the read. The message ends at the end of a mapped page; the second send
    // claims twice its length and fails, its header decoded and the rest shown as its address.
    test('netlink messages decoded by the protocol recorded in the kernel, at a page end, of a process already gone', async (t) => {
      if (skipped(t, backend) || skipUnlessPossible(t, fixtureUnavailableReason('netlink'))) return;
      const { events, result, counters } = await traceRun(backend, [fixture('netlink')], { syscalls: ['sendto'], buffer_bytes: 8 });
      assert.equal(result.code, 0, `the fixture exits 0 (3: no NETLINK_AUDIT socket here); stderr: ${result.stderr}`);
      const sent = syscalls(events, 'sendto');
      assert.equal(sent.length, 2, 'two sendto');
      const header = '{nlmsg_len=LEN, nlmsg_type=AUDIT_GET, nlmsg_flags=NLM_F_REQUEST, nlmsg_seq=7, nlmsg_pid=0}';
      assert.equal(sent[0].syscall?.ret, '16');
      assert.equal(arg(sent[0], 'buff')?.symbolic, header.replace('LEN', '16'), 'read whole although buffer_bytes is 8');
      assert.equal(sent[1].syscall?.errno_name, 'EFAULT');
      const past = `0x${(BigInt(sent[1].syscall?.args[1] ?? 0) + 16n).toString(16)}`;
      assert.equal(arg(sent[1], 'buff')?.symbolic, `[${header.replace('LEN', '32')}, ${past}]`, 'the readable header, then the address of the unmapped rest');
      assert.equal(counters?.lost_kernel, '0');
      assert.equal(counters?.decode_errors, '0');
    });
  });
}
