/**
 * Starting a command without losing its first system calls: the child is a shell that stops
 * itself (`kill -STOP $$`) and, once continued, execs the command in the same process. A trace
 * started for that pid while it is stopped records everything from the exec on. The CLI's
 * `trace -- CMD`, the tests and the benches all start their workloads this way.
 */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** `$0` is the command and `"$@"` its arguments, so the shell never re-parses them. */
const STOP_THEN_EXEC = 'kill -STOP $$; exec "$0" "$@"';
const STOP_POLL_MS = 2;

/** How a child ended, as Node reports it. */
export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface LaunchOptions {
  cwd?: string;
  /** The command's whole environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** spawn's stdio (default: stdin ignored, stdout and stderr piped to `child`). */
  stdio?: StdioOptions;
  /** How long the shell may take to stop itself (default 5 s). */
  stopTimeoutMs?: number;
}

/** A command stopped before its exec: resume() lets it run; `exited` settles when it ends. */
export interface StoppedCommand {
  readonly pid: number;
  /** The process, for its stdio pipes. */
  readonly child: ChildProcess;
  readonly exited: Promise<ChildExit>;
  /** SIGCONT: the shell execs the command. Safe to call more than once. */
  resume(): void;
  /** SIGKILL (works while it is stopped too), for when the trace could not be started. */
  kill(): void;
}

/** Why a command could not be brought to its stop; the message names it and the step. */
export class LaunchError extends Error {}

/** Spawns `sh -c 'kill -STOP $$; exec "$0" "$@"' ARGV…` and resolves once it has stopped. */
export async function launchStopped(argv: readonly string[], options: LaunchOptions = {}): Promise<StoppedCommand> {
  const child = spawn('/bin/sh', ['-c', STOP_THEN_EXEC, ...argv], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: options.stdio ?? ['ignore', 'pipe', 'pipe'],
  });
  const pid = await new Promise<number>((resolve, reject) => {
    child.once('error', (err) => reject(new LaunchError(`cannot start /bin/sh for ${argv[0]}: ${err.message}`, { cause: err })));
    child.once('spawn', () => resolve(child.pid ?? 0));
  });
  let hasExited = false;
  const exited = new Promise<ChildExit>((resolve) =>
    child.once('exit', (code, signal) => {
      hasExited = true;
      resolve({ code, signal });
    }),
  );
  const timeout = options.stopTimeoutMs ?? 5_000;
  const deadline = Date.now() + timeout;
  while (processState(pid) !== 'T') {
    if (hasExited) throw new LaunchError(`${argv[0]} exited before the trace could start`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new LaunchError(`${argv[0]} (pid ${pid}) did not stop within ${timeout} ms`);
    }
    await new Promise((r) => setTimeout(r, STOP_POLL_MS));
  }
  const signal = (s: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(s);
  };
  return { pid, child, exited, resume: () => signal('SIGCONT'), kill: () => signal('SIGKILL') };
}

/**
 * The state letter of /proc/PID/stat (field 3), or undefined if the process is gone. The command
 * name before it is in parentheses and may itself contain spaces and parentheses, so the state is
 * found after the last ')'.
 */
export function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) || undefined;
  } catch {
    return undefined;
  }
}
