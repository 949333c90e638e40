/**
 * Starting `trace -- CMD` without losing its first system calls: the child is a shell that stops
 * itself (`kill -STOP $$`) and, once continued, execs CMD in the same process. The trace is
 * started for that pid while it is stopped, so everything from the exec on is recorded.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants as fsConstants, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { CliError, sleep } from './command';
import { signalExitCode } from './interrupts';

/** `$0` is CMD and `"$@"` its arguments, so the shell never re-parses them. */
const STOP_THEN_EXEC = 'kill -STOP $$; exec "$0" "$@"';

/** How long the shell may take to stop itself before we give up. */
const STOP_TIMEOUT_MS = 5_000;
const STOP_POLL_MS = 2;

/** How a child ended, as Node reports it. */
export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A child stopped before exec: resume() lets it exec CMD; `exited` settles when it ends. */
export interface StoppedChild {
  readonly pid: number;
  readonly exited: Promise<ChildExit>;
  /** SIGCONT: the shell execs CMD. Safe to call more than once. */
  resume(): void;
  /** SIGKILL, for when the trace could not be started. */
  kill(): void;
}

/** The exit status a shell would report: the code, or 128 + signal number. */
export function exitStatus(exit: ChildExit): number {
  if (exit.signal !== null) return signalExitCode(exit.signal);
  return exit.code ?? 1;
}

/**
 * Checks that CMD can be executed before anything is started (as strace does), so a typo is a
 * plain error and not a traced `sh: exec: … not found`.
 */
export function checkExecutable(command: string, env: NodeJS.ProcessEnv = process.env): void {
  const candidates = command.includes('/')
    ? [command]
    : (env.PATH ?? '').split(':').map((dir) => path.join(dir || '.', command));
  if (candidates.some(isExecutableFile)) return;
  throw new CliError(command.includes('/') ? `cannot execute ${command}` : `${command}: command not found in PATH`);
}

function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, fsConstants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Descriptors 3 and up that CMD inherits, as recorded by snapshotInheritedFds. */
let inherited: number[] = [];

/**
 * Records which descriptors from 3 up this process inherited, so CMD inherits them too (strace
 * passes its own on: `sctrace trace -- CMD 9>>log` must give CMD its fd 9). Call it first thing,
 * before anything opens a descriptor. The close-on-exec flag cannot tell them apart from Node's
 * own: Node marks inherited descriptors close-on-exec at start-up (libuv's
 * uv_disable_stdio_inheritance). What Node opens by then is libuv's event loop plumbing: epoll,
 * eventfd and signalfd descriptors (anon_inode:[...]) and pipes it holds both ends of; every
 * other descriptor came from the parent.
 */
export function snapshotInheritedFds(fdDir = '/proc/self/fd'): number[] {
  const targets = new Map<number, string>();
  let names: string[];
  try {
    names = readdirSync(fdDir);
  } catch {
    return (inherited = []);
  }
  for (const name of names) {
    const fd = Number(name);
    if (!Number.isInteger(fd) || fd < 3) continue;
    try {
      targets.set(fd, readlinkSync(`${fdDir}/${name}`));
    } catch {
      // the descriptor readdir itself used, closed by now
    }
  }
  const pipeEnds = new Map<string, number>();
  for (const target of targets.values()) if (target.startsWith('pipe:')) pipeEnds.set(target, (pipeEnds.get(target) ?? 0) + 1);
  inherited = [...targets]
    .filter(([, target]) => !target.startsWith('anon_inode:') && !(target.startsWith('pipe:') && pipeEnds.get(target)! > 1))
    .map(([fd]) => fd)
    .sort((a, b) => a - b);
  return inherited;
}

/** spawn's stdio: 0-2 inherited, then each inherited descriptor at its own number. */
export function childStdio(fds: readonly number[] = inherited): ('inherit' | 'ignore' | number)[] {
  const stdio: ('inherit' | 'ignore' | number)[] = ['inherit', 'inherit', 'inherit'];
  for (const fd of fds) {
    while (stdio.length < fd) stdio.push('ignore');
    stdio[fd] = fd;
  }
  return stdio;
}

/**
 * Spawns `sh -c 'kill -STOP $$; exec "$0" "$@"' CMD ARGS…` and waits until it has stopped.
 * `env` changes CMD's environment (strace -E): a value sets a variable, null removes it.
 */
export async function spawnStopped(command: string[], env: ReadonlyMap<string, string | null> = new Map()): Promise<StoppedChild> {
  const childEnv = { ...process.env };
  for (const [name, value] of env) {
    if (value === null) delete childEnv[name];
    else childEnv[name] = value;
  }
  const child = spawn('/bin/sh', ['-c', STOP_THEN_EXEC, ...command], { stdio: childStdio(), env: childEnv });
  const pid = await spawned(child);
  let hasExited = false;
  const exited = new Promise<ChildExit>((resolve) => {
    child.once('exit', (code, signal) => {
      hasExited = true;
      resolve({ code, signal });
    });
  });
  await waitUntilStopped(pid, () => hasExited, command[0]);
  return {
    pid,
    exited,
    resume: () => signalChild(child, 'SIGCONT'),
    kill: () => signalChild(child, 'SIGKILL'),
  };
}

/** The child's pid once it runs, or the spawn error. */
function spawned(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    child.once('error', (err) => reject(new CliError(`cannot start /bin/sh: ${err.message}`, { cause: err })));
    child.once('spawn', () => resolve(child.pid ?? 0));
  });
}

/** Polls /proc/PID/stat until the state is T (stopped by a signal). */
async function waitUntilStopped(pid: number, hasExited: () => boolean, name: string): Promise<void> {
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (processState(pid) !== 'T') {
    if (hasExited()) throw new CliError(`${name} exited before the trace could start`);
    if (Date.now() > deadline) throw new CliError(`${name} (pid ${pid}) did not stop within ${STOP_TIMEOUT_MS} ms`);
    await sleep(STOP_POLL_MS);
  }
}

/**
 * The state letter of /proc/PID/stat (field 3). The command name before it is in parentheses
 * and may itself contain spaces and parentheses, so the state is found after the last ')'.
 */
export function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) || undefined;
  } catch {
    return undefined;
  }
}

/** Sends a signal, ignoring a child that has already gone. */
function signalChild(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
}
