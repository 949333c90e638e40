/**
 * The compiled CLI (dist/clients/cli/main.js) against a tiny in-test gRPC server that answers
 * the Tracer service with canned responses over a Unix socket: a unit test of the client only
 * (argument handling, output, exit codes, the trace start/stop sequence), no kernel involved.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType } from '../../src/api/generated/tracer';
import type { TracerHandlers } from '../../src/api/generated/sctrace/v1/Tracer';
import type { Event } from '../../src/api/generated/sctrace/v1/Event';
import type { StartTraceRequest__Output } from '../../src/api/generated/sctrace/v1/StartTraceRequest';
import type { StreamEventsRequest__Output } from '../../src/api/generated/sctrace/v1/StreamEventsRequest';
import type { StreamEventsResponse } from '../../src/api/generated/sctrace/v1/StreamEventsResponse';

const CLI = path.resolve(__dirname, '../../clients/cli/main.js');
const PROTO = path.resolve(__dirname, '../../../proto/sctrace/v1/tracer.proto');

type Stream = grpc.ServerWritableStream<StreamEventsRequest__Output, StreamEventsResponse>;

/** What the fake server saw, for the assertions. */
const seen = {
  starts: [] as { request: StartTraceRequest__Output; state: string | undefined }[],
  stops: [] as string[],
  subscribed: [] as { traceId: string; childState: string | undefined }[],
};
const openStreams = new Map<string, Stream>();
let onSubscribe: ((traceId: string) => void) | undefined;

function procState(pid: number | undefined): string | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat[stat.lastIndexOf(')') + 2];
  } catch {
    return undefined;
  }
}

function task(pid: number) {
  return { pid, tid: pid, ppid: 1, uid: 1000, gid: 1000, comm: 'sh', cgroup_id: '1234' };
}

function notFound(id: string): Partial<grpc.StatusObject> {
  return { code: grpc.status.NOT_FOUND, details: `no trace "${id}"` };
}

/** CMD mode: the child's exec now, its exit (status 3) a little later, as the service would. */
function playChildTrace(call: Stream, pid: number): void {
  const exec: Event = { sequence: 1, task: task(pid), exec: { filename: '/bin/sh', argv: ['sh', '-c', 'exit 3'], old_pid: pid } };
  call.write({ events: [exec] });
  setTimeout(() => call.write({ events: [{ sequence: 2, task: task(pid), exit: { exit_code: 3 } }] }), 150);
}

const handlers: TracerHandlers = {
  StartTrace(call, callback) {
    const pid = call.request.spec?.pids[0];
    seen.starts.push({ request: call.request, state: procState(pid) });
    callback(null, { trace_id: pid === undefined ? 't-all' : `t-${pid}`, backend: 'ebpf' });
  },
  StreamEvents(call: Stream) {
    const traceId = call.request.trace_id;
    if (traceId === 'missing') return call.emit('error', notFound(traceId));
    const pid = /^t-\d+$/.test(traceId) ? Number(traceId.slice(2)) : undefined;
    seen.subscribed.push({ traceId, childState: procState(pid) });
    call.sendMetadata(new grpc.Metadata()); // "subscribed": the CLI may resume its child now
    openStreams.set(traceId, call);
    call.on('cancelled', () => openStreams.delete(traceId));
    // A stopped pid is a `trace -- CMD` child (the CLI resumes it once subscribed).
    if (pid !== undefined && procState(pid) === 'T') playChildTrace(call, pid);
    if (traceId === 'canned') {
      call.write({ events: [{ sequence: 1, task: task(7), syscall: { name: 'close', ret: -9, errno_name: 'EBADF', duration_ns: 3000, decoded: [{ name: 'fd', type: 'unsigned int', uint: 99 }] } }] });
      call.write({ events: [{ sequence: 2, task: task(7), lost: { count: 4, where: 'subscriber' } }] });
      call.end();
    }
    onSubscribe?.(traceId);
    return undefined;
  },
  StopTrace(call, callback) {
    const id = call.request.trace_id;
    if (id === 'missing') return callback(notFound(id));
    seen.stops.push(id);
    openStreams.get(id)?.end();
    return callback(null, {
      counters: {
        events_received: 120, events_delivered: 118, lost_kernel: 2, lost_subscribers: 0, decode_errors: 0,
        per_subscriber: [{ id: 's1', peer: 'unix:', delivered: 118, lost: 0 }],
      },
    });
  },
  GetProcessTree(call, callback) {
    if (call.request.trace_id === 'missing') return callback(notFound(call.request.trace_id));
    const thread = (tid: number, exited: boolean, clone_flags = '0') => ({ tid, clone_flags, start_ns: '0', exited, exit_ns: '0' });
    return callback(null, {
      node_limit: 10_000,
      dropped_nodes: 2,
      processes: [
        { pid: 42, ppid: 1, comm: 'server', exec_filename: '/usr/bin/server', threads: [thread(42, false), thread(43, true, '4001536')], start_ns: '0', clone_flags: '0', exited: false },
        { pid: 50, ppid: 42, comm: 'worker', threads: [thread(50, true, '17')], start_ns: '1', clone_flags: '17', exited: true, exit_code: 3, signal: 0 },
        { pid: 60, ppid: 42, comm: 'killed', threads: [thread(60, true)], start_ns: '1', clone_flags: '17', exited: true, exit_code: 0, signal: 9 },
        { pid: 70, ppid: 50, comm: 'grandchild', threads: [thread(70, false)], start_ns: '1', clone_flags: '17', exited: false },
      ],
    });
  },
  ListTraces(_call, callback) {
    callback(null, {
      traces: [{
        trace_id: 't-1', backend: 'ebpf', subscribers: 2, started_ns: (BigInt(Date.now() - 90_000) * 1_000_000n).toString(),
        spec: { pids: [42], follow_children: true, syscalls: ['%file', 'close'] },
        counters: { events_received: '10000000000', events_delivered: 9, lost_kernel: 1, lost_subscribers: 0 },
      }],
    });
  },
  GetCapabilities(_call, callback) {
    callback(null, {
      backends: [{ name: 'ebpf', available: true }, { name: 'kmod', available: false, reason: 'module sctrace not loaded' }],
      default_backend: 'ebpf', kernel: '6.8.0-test', arch: 'x86_64',
    });
  },
};

let dir: string;
let server: grpc.Server;
let address: string;

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'sctrace-cli-'));
  address = `unix:${path.join(dir, 'sctrace.sock')}`;
  const proto = grpc.loadPackageDefinition(
    protoLoader.loadSync(PROTO, { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true }),
  ) as unknown as ProtoGrpcType;
  server = new grpc.Server();
  server.addService(proto.sctrace.v1.Tracer.service, handlers);
  await new Promise<void>((resolve, reject) => server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve())));
});

after(() => {
  server.forceShutdown();
  rmSync(dir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI asynchronously (the server lives in this process, so no *Sync spawn). */
function runCli(args: string[], whileRunning?: (child: ReturnType<typeof spawn>) => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, SCTRACE_SERVER: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    whileRunning?.(child);
  });
}

test('list prints a table of traces', async () => {
  const run = await runCli(['--server', address, 'list']);
  assert.equal(run.code, 0, run.stderr);
  const [header, row] = run.stdout.trimEnd().split('\n');
  assert.match(header, /^ID\s+BACKEND\s+SUBS\s+RECEIVED\s+DELIVERED\s+LOST_KERNEL\s+LOST_SUBS\s+OWNER\s+AGE\s+TRACING$/);
  assert.match(row, /^t-1\s+ebpf\s+2\s+10000000000\s+9\s+1\s+0\s+-\s+90s\s+pids=42\+children syscalls=%file,close$/);
});

test('list -o json prints the response, 64-bit counters as strings', async () => {
  const run = await runCli(['list', '-o', 'json', '--server', address]);
  assert.equal(run.code, 0, run.stderr);
  const response = JSON.parse(run.stdout);
  assert.equal(response.traces[0].trace_id, 't-1');
  assert.equal(response.traces[0].counters.events_received, '10000000000');
});

test('tree prints each process under its parent, with its threads and how it ended; NOT_FOUND for an unknown trace', async () => {
  const run = await runCli(['--server', address, 'tree', 't-1']);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, [
    '42 server /usr/bin/server, threads 42 43-',
    '├─ 50 worker, threads 50-, exited with 3',
    '│  └─ 70 grandchild, threads 70',
    '└─ 60 killed, threads 60-, killed by SIGKILL',
    "(2 processes and threads not kept: a trace's tree holds at most 10000, sctraced --tree-max-nodes)",
    '',
  ].join('\n'));
  const json = await runCli(['--server', address, 'tree', '-o', 'json', 't-1']);
  assert.equal(JSON.parse(json.stdout).processes[1].exit_code, 3);
  const missing = await runCli(['--server', address, 'tree', 'missing']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /GetProcessTree: NOT_FOUND: no trace "missing"/);
});

test('caps shows backends, the default, kernel and arch', async () => {
  const run = await runCli(['--server', address, 'caps']);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, [
    'BACKEND  AVAILABLE  REASON',
    'ebpf     yes',
    'kmod     no         module sctrace not loaded',
    'default backend: ebpf',
    'kernel: 6.8.0-test (x86_64)',
    '',
  ].join('\n'));
});

test('stop prints the final counters', async () => {
  const run = await runCli([`--server=${address}`, 'stop', 't-9']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^trace t-9 stopped\n/);
  assert.match(run.stdout, /events received\s+120\n/);
  assert.match(run.stdout, /lost in kernel\s+2\n/);
  assert.match(run.stdout, /subscriber s1 \(unix:\): delivered 118, lost 0\n/);
  assert.ok(seen.stops.includes('t-9'));
});

test('a NOT_FOUND answer is printed as rpc: status: details, exit 1', async () => {
  const run = await runCli(['--server', address, 'stop', 'missing']);
  assert.equal(run.code, 1);
  assert.equal(run.stdout, '');
  assert.equal(run.stderr, 'sctrace: StopTrace: NOT_FOUND: no trace "missing"\n');
  const stream = await runCli(['--server', address, 'stream', 'missing']);
  assert.equal(stream.code, 1);
  assert.equal(stream.stderr, 'sctrace: StreamEvents: NOT_FOUND: no trace "missing"\n');
});

test('an unreachable server names the address and how to fix it, exit 1', async () => {
  const absent = `unix://${path.join(dir, 'absent.sock')}`;
  const run = await runCli(['--server', absent, 'list']);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /^sctrace: ListTraces: UNAVAILABLE: .*ENOENT/);
  assert.ok(run.stderr.includes(`cannot reach sctraced at ${absent}`), run.stderr);
  assert.match(run.stderr, /start sctraced.*--server/);
});

test('stream prints the events of a trace until the server ends it', async () => {
  const run = await runCli(['--server', address, 'stream', 'canned']);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, 'close(99)                               = -1 EBADF (Bad file descriptor)\n--- 4 events lost (subscriber) ---\n');
});

test('stream -o json --out FILE writes one Event object per line to the file', async () => {
  const file = path.join(dir, 'events.jsonl');
  const run = await runCli(['--server', address, 'stream', 'canned', '-o', 'json', '--out', file]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, '');
  const events = readFileSync(file, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line));
  assert.equal(events.length, 2);
  assert.equal(events[0].kind, 'syscall');
  assert.equal(events[0].syscall.ret, '-9');
  assert.equal(events[0].syscall.decoded[0].uint, '99');
  assert.deepEqual(events[1].lost, { count: '4', where: 'subscriber' });
});

test('usage errors exit 2 and point at --help', async () => {
  const run = await runCli(['--server', address, 'trace', '-e', 'openat']);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /nothing to trace/);
  assert.match(run.stderr, /sctrace trace --help/);
  const help = await runCli(['trace', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: sctrace trace/);
});

test('trace -- CMD: starts the trace while the child is stopped, resumes it, exits with its status', async () => {
  const run = await runCli(['--server', address, 'trace', '-e', '%file,close', '-s', '64', '--', 'sh', '-c', 'exit 3']);
  assert.equal(run.code, 3, run.stderr);
  assert.equal(run.stderr, '', 'no warnings: the response headers confirmed the subscription');
  const start = seen.starts.find((s) => s.state === 'T');
  assert.ok(start?.request.spec, 'a StartTrace arrived while the child was stopped');
  const traceId = `t-${start.request.spec.pids[0]}`;
  assert.deepEqual(start.request.spec.syscalls, ['%file', 'close']);
  assert.equal(start.request.spec.process_events, true);
  assert.equal(start.request.spec.follow_children, false);
  assert.equal(start.request.spec.string_max_bytes, 64);
  assert.equal(seen.subscribed.find((s) => s.traceId === traceId)?.childState, 'T', 'child still stopped when subscribed');
  assert.equal(start.request.spec.buffer_bytes, 64, 'data buffers as long as -s');
  assert.equal(run.stdout, '+++ exited with 3 +++\n', 'no exec line: strace prints none');
  assert.ok(seen.stops.includes(traceId));
});

test('trace --all: Ctrl-C stops the trace and exits 130', async () => {
  onSubscribe = (traceId) => traceId === 't-all' && setTimeout(() => cli?.kill('SIGINT'), 50);
  let cli: ReturnType<typeof spawn> | undefined;
  const run = await runCli(['--server', address, 'trace', '--all', '--uid', '1000'], (child) => (cli = child));
  onSubscribe = undefined;
  assert.equal(run.code, 130, run.stderr);
  assert.match(run.stderr, /trace t-all started \(ebpf\)/);
  assert.deepEqual(seen.starts.at(-1)?.request.spec?.uids, [1000]);
  assert.ok(seen.stops.includes('t-all'));
});

test('trace --pid ends when the process is gone', async () => {
  // Long enough to outlive the CLI's start-up on a loaded machine.
  const sleeper = spawn('sleep', ['1.5']);
  const run = await runCli(['--server', address, 'trace', '--pid', String(sleeper.pid)]);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(seen.starts.at(-1)?.request.spec?.pids, [sleeper.pid]);
  assert.ok(seen.stops.includes(`t-${sleeper.pid}`));
});

test('trace -- CMD: Ctrl-C stops the trace, exits 130 and leaves the child running', async () => {
  let cli: ReturnType<typeof spawn> | undefined;
  let childPid: number | undefined;
  let childStateAtExit: string | undefined;
  onSubscribe = (traceId) => {
    childPid = Number(traceId.slice(2));
    setTimeout(() => cli?.kill('SIGINT'), 50); // to the CLI only, as if the child ignored it
  };
  // The run only 'close's when the child, which inherited the CLI's stdio, exits; check at the CLI's exit.
  const run = await runCli(['--server', address, 'trace', '--', 'sleep', '1'], (child) => {
    cli = child;
    child.on('exit', () => (childStateAtExit = procState(childPid)));
  });
  onSubscribe = undefined;
  assert.equal(run.code, 130, run.stderr);
  assert.ok(childPid !== undefined && seen.stops.includes(`t-${childPid}`));
  assert.match(childStateAtExit ?? 'gone', /^[SR]$/, 'child resumed and still running when the CLI exited');
});

test('trace: strace options become the spec; unknown and unsupported options are refused by name', async () => {
  const run = await runCli(['--server', address, 'trace', '-f', '-e', 'trace=!read,write', '-e', 'status=failed', '-yy', '-X', 'raw', '-v', '-o', 'json', '--', 'sh', '-c', 'exit 0']);
  assert.equal(run.code, 0, run.stderr);
  const spec = seen.starts.at(-1)!.request.spec!;
  const names = spec.syscalls;
  assert.ok(names.includes('openat') && !names.includes('read') && !names.includes('write'), 'a negated set is the other syscalls');
  assert.equal(spec.follow_children, true);
  assert.equal(spec.exec_env, true, '-v shows environments');
  assert.deepEqual(spec.rendering, { constants: 'CONSTANT_STYLE_RAW', verbose: true, fd_details: true, fd_paths: true });
  assert.equal(spec.string_max_bytes, 32, "strace's default -s");
  const none = await runCli(['--server', address, 'trace', '-e', 'trace=none', '--', 'sh', '-c', 'exit 0']);
  assert.equal(none.code, 0, none.stderr);
  assert.equal(seen.starts.at(-1)!.request.spec!.no_syscalls, true);
  assert.equal(seen.starts.at(-1)!.request.spec!.rendering!.fd_paths, false, 'without -y or -P the fd table is not kept exact');
  const byPath = await runCli(['--server', address, 'trace', '-P', '/dev/null', '--', 'sh', '-c', 'exit 0']);
  assert.equal(byPath.code, 0, byPath.stderr);
  assert.equal(seen.starts.at(-1)!.request.spec!.rendering!.fd_paths, true, '-P matches fds by their paths: as exact as -y');
  for (const [args, message] of [
    [['-c'], /-c is not supported: the syscall summary/],
    [['-k'], /-k is not supported: stack traces/],
    [['--frobnicate'], /unknown option --frobnicate/],
    [['--seccomp-bpf'], /--seccomp-bpf is not supported: seccomp filtering/],
    [['--summary-only'], /--summary-only is not supported: the syscall summary/],
    [['-e', 'inject=open:error=ENOENT'], /-e inject= is not supported/],
    [['-e', 'trace=nosuchcall'], /invalid trace "nosuchcall"/],
    [['-ff'], /-ff needs -o FILE/],
    [['-X', 'pretty'], /-X must be raw, abbrev or verbose/],
  ] as const) {
    const bad = await runCli(['--server', address, 'trace', ...args, '--', 'true']);
    assert.equal(bad.code, 2, `${args.join(' ')}: ${bad.stderr}`);
    assert.match(bad.stderr, message);
  }
});
