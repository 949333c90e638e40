/**
 * The command of `trace -- CMD`: checked before anything starts, started stopped before its exec
 * (clients/ts/launch.ts) so the trace records it from the exec on, with the caller's descriptors
 * from 3 up and strace -E's environment changes.
 */
import { accessSync, constants as fsConstants, readdirSync, readlinkSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { LaunchError, launchStopped, type ChildExit, type StoppedCommand } from '../ts/launch';
import { CliError } from './command';
import { signalExitCode } from './interrupts';

/** A child stopped before exec: resume() lets it exec CMD; `exited` settles when it ends. */
export type StoppedChild = StoppedCommand;

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
 * passes its own on: `sctrace trace -- CMD 9>>log` must give CMD its fd 9). Call it first thing
 * (fds-at-start.ts, main.ts's first import),
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
 * Starts CMD stopped before its exec (clients/ts/launch.ts), with the terminal and the inherited
 * descriptors. `env` changes CMD's environment (strace -E): a value sets a variable, null removes it.
 */
export async function spawnStopped(command: string[], env: ReadonlyMap<string, string | null> = new Map()): Promise<StoppedChild> {
  const childEnv = { ...process.env };
  for (const [name, value] of env) {
    if (value === null) delete childEnv[name];
    else childEnv[name] = value;
  }
  try {
    return await launchStopped(command, { env: childEnv, stdio: childStdio() });
  } catch (err) {
    if (err instanceof LaunchError) throw new CliError(err.message, { cause: err });
    throw err;
  }
}
