/**
 * Argument renderings against strace: a small C program (test/fixtures/syscall-tour.c, built
 * with gcc here) that makes the syscalls sctrace decodes - files, stat buffers, pipes, mmap,
 * signals, rlimits, IPv4/IPv6/unix sockets, fork and execve - runs under `strace -f` and under
 * the kernel side with every extra read enabled (buffers, sockaddrs, argv), and the rendering of
 * every argument of every call is compared with what strace printed.
 *
 * The kernel side runs here through test/helpers/direct-capture.ts rather than the service,
 * because the service's loader (src/backends/ebpf/session.ts) does not fill the extra-read table
 * yet; the decoding is the service's own (RecordDecoder and the catalog).
 *
 * Normalized before comparing, in both runs alike: addresses (ASLR: any hex of 9+ digits), and
 * thread ids (through the thread pairing). Everything else must be equal.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Event } from '../../src/api/generated/sctrace/v1/Event';
import type { Event__Output } from '../../src/api/generated/sctrace/v1/Event';
import { defaultObjectPath } from '../../src/backends/ebpf/engine';
import { SyscallCatalog } from '../../src/syscalls/catalog';
import { launchStopped } from '../../clients/ts/launch';
import { DirectCapture } from '../helpers/direct-capture';
import { commandUnavailableReason, ebpfUnavailableReason, skipUnlessPossible } from '../helpers/privileges';
import { agreementText, compareArgs, compareRuns, sctraceRun, straceRun } from '../helpers/strace-compare';
import { parseStraceLog } from '../helpers/strace-log';
import { runUnderStrace, workloadEnv, type Workload } from '../helpers/strace-runs';

const reason = ebpfUnavailableReason(defaultObjectPath()) ?? commandUnavailableReason(['strace', '-V'], 'as the reference to compare with') ?? commandUnavailableReason(['gcc', '--version'], 'to build the C programs it traces');
const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'sctrace-reads-'));
const tour = path.join(workdir, 'syscall-tour');
let server: net.Server | undefined;
let port = 0;

before(async () => {
  if (reason) return;
  execFileSync('gcc', ['-O1', '-o', tour, path.join(__dirname, '../../../test/fixtures/syscall-tour.c')]);
  fs.writeFileSync(path.join(workdir, 'hello.txt'), 'hello, strace\n');
  fs.symlinkSync('hello.txt', path.join(workdir, 'link'));
  // A directory nothing writes to while the tests run (ls -l prints sizes).
  fs.mkdirSync(path.join(workdir, 'still'));
  fs.writeFileSync(path.join(workdir, 'still', 'a.txt'), 'a\n');
  fs.symlinkSync('a.txt', path.join(workdir, 'still', 'b'));
  server = net.createServer((socket) => {
    socket.on('data', () => socket.end('pong\n'));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server!.listen({ port: 0, host: '::', ipv6Only: false }, resolve));
  port = (server.address() as net.AddressInfo).port;
});

after(() => {
  server?.close();
  fs.rmSync(workdir, { recursive: true, force: true });
});

/** An Event as a gRPC client would see it: proto3 defaults filled in. */
function asOutput(e: Event): Event__Output {
  const s = e.syscall;
  return {
    ...e,
    syscall: s && {
      ...s,
      // 64-bit values as a client decodes them (decimal text); the service holds numbers.
      args: (s.args ?? []).map(String),
      ret: String(s.ret ?? 0),
      duration_ns: String(s.duration_ns ?? 0),
      ret_fd_path: s.ret_fd_path ?? '',
      decoded: (s.decoded ?? []).map((a) => ({
        truncated: false,
        unreadable: false,
        symbolic: '',
        fd_path: '',
        ignored: false,
        buffer: Buffer.alloc(0),
        items: [],
        str_bytes: Buffer.alloc(0),
        items_bytes: [],
        return_note: '',
        ...a,
      })),
    },
  } as unknown as Event__Output;
}

/** Runs `w` under the direct capture; returns the events and the launcher's pid. */
async function runDirect(catalog: SyscallCatalog, w: Workload, bufferBytes: number, stringMax: number) {
  // Pipes, as the strace run has (strace-runs.ts), so both runs make the same syscalls.
  const launched = await launchStopped(w.argv, { cwd: w.cwd, env: w.env });
  launched.child.stdout!.resume();
  launched.child.stderr!.resume();
  const pid = launched.pid;
  const capture = await DirectCapture.start(catalog, { pid, bufferBytes, stringMax });
  launched.resume();
  const { code } = await launched.exited;
  await new Promise((r) => setTimeout(r, 100));
  return { code, root: pid, events: (await capture.stop()).map(asOutput) };
}

/**
 * Everyday programs with every extra read on (buffers and strings up to 4096 bytes, strace -s
 * 4096): how many argument renderings agree with strace. Informational, since not every
 * syscall's structures are decoded; names, returns and paths must still agree fully.
 */
test('argument renderings of everyday programs (informational figure)', async (t) => {
  if (skipUnlessPossible(t, reason)) return;
  const catalog = SyscallCatalog.load();
  const hello = path.join(workdir, 'hello.txt');
  const programs: Array<[string, string[]]> = [
    ['cat FILE', ['/usr/bin/cat', hello]],
    ['ls -l DIR', ['/usr/bin/ls', '-l', path.join(workdir, 'still')]],
    ['sh -c pipeline', ['/bin/sh', '-c', `cat ${hello} | wc -c`]],
    ['bash /dev/tcp', ['/usr/bin/bash', '-c', `exec 3<>/dev/tcp/127.0.0.1/${port}; printf 'ping\\n' >&3; read -r reply <&3; echo "$reply"`]],
  ];
  const total = { fields: 0, agreeing: 0 };
  const misses = new Map<string, number>();
  for (const [label, argv] of programs) {
    const w: Workload = { argv, cwd: workdir, env: workloadEnv(workdir) };
    const s = await runUnderStrace(w, path.join(workdir, 'everyday.strace'));
    const d = await runDirect(catalog, w, 4096, 4096);
    const mine = sctraceRun(d.events, d.root);
    const theirs = straceRun(parseStraceLog(s.log), s.stracePid);
    const base = compareRuns(mine, theirs);
    const args = compareArgs(mine, theirs);
    total.fields += args.fields;
    total.agreeing += args.agreeing;
    for (const m of args.mismatches) {
      const name = m.sctrace.split(' ')[0];
      misses.set(name, (misses.get(name) ?? 0) + 1);
    }
    process.stdout.write(`# ${label}: names, returns and paths ${agreementText(base)}; arguments ${agreementText(args)}\n`);
    const shown = [...base.mismatches, ...args.mismatches].slice(0, 30).map((m) => `  [${m.thread}] ${m.field}\n    sctrace: ${m.sctrace}\n    strace:  ${m.strace}`);
    if (process.env.SCT_SHOW) process.stdout.write(shown.join("\n") + "\n");
    assert.equal(base.agreeing, base.fields, `${label}: names, returns and paths disagree:\n${shown.join("\n")}`);
  }
  const top = [...misses].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([n, c]) => `${n} ${c}`);
  process.stdout.write(`# everyday programs: arguments ${agreementText(total)}; most differing: ${top.join(', ')}\n`);
});

test('argument renderings of a syscall tour agree with strace', async (t) => {
  if (skipUnlessPossible(t, reason)) return;
  const catalog = SyscallCatalog.load();
  const w: Workload = { argv: [tour, workdir, String(port)], cwd: workdir, env: workloadEnv(workdir) };
  const s = await runUnderStrace(w, path.join(workdir, 'tour.strace'), ['-s', '64']);
  const d = await runDirect(catalog, w, 64, 64);
  assert.equal(s.output.code, 3, `tour under strace exited ${s.output.code}: ${s.output.stderr}`);
  assert.equal(d.code, 3, 'tour under sctrace exited 3');
  const mine = sctraceRun(d.events, d.root);
  const theirs = straceRun(parseStraceLog(s.log), s.stracePid);
  const base = compareRuns(mine, theirs);
  const args = compareArgs(mine, theirs);
  process.stdout.write(`# syscall tour: names, returns and paths ${agreementText(base)}; arguments ${agreementText(args)}\n`);
  const shown = [...base.mismatches, ...args.mismatches].slice(0, 40).map((m) => `  [${m.thread}] ${m.field}\n    sctrace: ${m.sctrace}\n    strace:  ${m.strace}`);
  assert.equal(base.agreeing + args.agreeing, base.fields + args.fields, `disagreements with strace:\n${shown.join('\n')}`);
});
