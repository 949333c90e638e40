/**
 * Runs one program twice, under `strace -f` and under sctrace (the real service over gRPC), with
 * the same argv, environment, working directory and stdio, so that the two runs make the same
 * syscalls. Used by test/integration/strace-compare.test.ts.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Event__Output } from '../../src/api/generated/sctrace/v1/Event';
import type { TraceSpec } from '../../src/api/generated/sctrace/v1/TraceSpec';
import type { TraceCounters__Output } from '../../src/api/generated/sctrace/v1/TraceCounters';
import { launchStopped } from '../../clients/ts/launch';
import { api, collect, connect, settle } from './client';

/** How a program is run in both runs. */
export interface Workload {
  /** Absolute path first, so neither run depends on PATH lookup. */
  argv: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** What a run's program printed. */
export interface ProgramOutput {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Both runs spawn with this stdio: stdin /dev/null, stdout and stderr pipes to the test. */
const STDIO: ['ignore', 'pipe', 'pipe'] = ['ignore', 'pipe', 'pipe'];

function gather(child: ReturnType<typeof spawn>): Promise<ProgramOutput> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Runs `w` under `strace -f -qq -s 4096 -o LOG` (default decoding otherwise, plus `extraFlags`)
 * and returns the log text and strace's pid (the root's parent).
 */
export async function runUnderStrace(w: Workload, logFile: string, extraFlags: string[] = []): Promise<{ log: string; stracePid: number; output: ProgramOutput }> {
  return runTracer('strace', ['-f', '-qq', '-s', '4096', ...extraFlags, '-o', logFile], w, logFile);
}

/**
 * Runs `w` under `tool flags -- argv` (strace, or the sctrace CLI with its own leading
 * arguments), which writes its trace to `logFile`; returns the log, the tool's pid (the traced
 * root's parent) and what the program printed.
 */
export async function runTracer(tool: string, flags: string[], w: Workload, logFile: string): Promise<{ log: string; stracePid: number; output: ProgramOutput }> {
  const child = spawn(tool, [...flags, '--', ...w.argv], { cwd: w.cwd, env: w.env, stdio: STDIO });
  const output = await gather(child);
  return { log: fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '', stracePid: child.pid!, output };
}

/**
 * Runs `w` under a trace of the service at `address`: the program starts behind a shell that
 * stops itself (so the trace is set on its pid before it runs) and then exec's it; the trace
 * follows children, takes every syscall, and is stopped (which drains it) once the program and
 * everything it started have exited.
 */
export async function runUnderSctrace(
  address: string,
  w: Workload,
  spec: TraceSpec = {},
): Promise<{ events: Event__Output[]; root: number; output: ProgramOutput; counters: TraceCounters__Output | null }> {
  const client = connect(address);
  const rpc = api(client);
  try {
    const launched = await launchStopped(w.argv, { cwd: w.cwd, env: w.env, stdio: STDIO });
    const output = gather(launched.child);
    const root = launched.pid;
    const started = rpc.start({ follow_children: true, process_events: true, string_max_bytes: 4096, ...spec, pids: [root] });
    const { trace_id } = await started.catch((err) => {
      launched.kill();
      throw err;
    });
    const sub = collect(client, trace_id);
    await settle(200);
    launched.resume();
    const result = await output;
    // Every process that forked must have exited before the trace is complete.
    const complete = (events: Event__Output[]) => {
      const alive = new Set<number>([root]);
      for (const e of events) {
        if (e.kind === 'fork' && e.fork) alive.add(e.fork.child_pid);
        if (e.kind === 'exit' && e.task) alive.delete(e.task.pid);
      }
      return alive.size === 0;
    };
    await sub.until(complete, 20_000);
    const { counters } = await rpc.stop(trace_id);
    const end = await sub.done;
    if (end !== null) throw new Error(`event stream failed: ${end.message}`);
    return { events: sub.events, root, output: result, counters };
  } finally {
    client.close();
  }
}

/** An environment both runs share: fixed locale, PATH and PWD (dash sets PWD when it is missing). */
export function workloadEnv(cwd: string): NodeJS.ProcessEnv {
  return { PATH: '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8', HOME: cwd, PWD: cwd };
}

/** A directory with fixed contents for the programs to read. */
export function makeFixture(dir: string): void {
  fs.mkdirSync(path.join(dir, 'sub'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'hello.txt'), 'hello, strace\n');
  fs.writeFileSync(path.join(dir, 'sub', 'a.txt'), 'a\n');
  fs.writeFileSync(path.join(dir, 'sub', 'b.txt'), 'bb\n');
}
